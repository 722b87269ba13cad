//! Type definitions written directly as formatted text, skipping tokens,
//! parsing and formatting: plain structs and enums (no `cfg` anywhere),
//! which are most of a schema and mostly doc comments. The layout is the
//! one prettyplease gives; anything unusual (conditions, lines that would
//! need wrapping, doc text a `///` comment cannot hold) returns `None` and
//! goes through tokens instead.

use rqapi_schema::schema::Builtin;

use super::common::{Cx, id};
use crate::model::{EnumDef, Meta, StructDef, TypeRef};

/// Longest line written here; longer ones are left to prettyplease.
const MAX_LINE: usize = 88;

struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, indent: usize, text: &str) -> Option<()> {
        if indent + text.len() > MAX_LINE {
            return None;
        }
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(text);
        self.out.push('\n');
        Some(())
    }

    /// Docs and `#[deprecated]`; `None` when conditional.
    fn attrs(&mut self, indent: usize, meta: &Meta) -> Option<()> {
        if meta.cfg.is_some() {
            return None;
        }
        for line in &meta.doc {
            if line.contains(['\n', '\r']) {
                return None;
            }
            let comment = format!("/// {line}");
            self.line(indent, comment.trim_end())?;
        }
        if meta.deprecated {
            self.line(indent, "#[deprecated]")?;
        }
        Some(())
    }
}

impl Cx {
    /// The text of a prelude path (bare or fully qualified).
    fn prelude_text(&self, tokens: proc_macro2::TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    fn ty_text(&self, t: &TypeRef) -> String {
        match t {
            TypeRef::Builtin(b) => match b {
                Builtin::Str => self.prelude_text(self.string()),
                Builtin::Number => "f64".into(),
                Builtin::Int | Builtin::Int64 => "i64".into(),
                Builtin::Int8 => "i8".into(),
                Builtin::Int16 => "i16".into(),
                Builtin::Int32 => "i32".into(),
                Builtin::Uint8 => "u8".into(),
                Builtin::Uint16 => "u16".into(),
                Builtin::Uint32 => "u32".into(),
                Builtin::Uint64 | Builtin::Size => "u64".into(),
                Builtin::Bool => "bool".into(),
                Builtin::Any => "rt::Value".into(),
                Builtin::Null => "rt::Null".into(),
            },
            TypeRef::Named(name) => id(name).to_string(),
            TypeRef::List(inner) => {
                format!("{}<{}>", self.prelude_text(self.vec()), self.ty_text(inner))
            }
            TypeRef::Boxed(inner) => {
                format!(
                    "{}<{}>",
                    self.prelude_text(self.boxed()),
                    self.ty_text(inner)
                )
            }
        }
    }
}

/// `pub struct` with its docs, indented for the `types` module.
pub fn struct_decl(cx: &Cx, s: &StructDef) -> Option<String> {
    let mut w = Writer { out: String::new() };
    w.attrs(4, &s.meta)?;
    w.line(4, "#[derive(Clone, Debug, PartialEq)]")?;
    if s.fields.is_empty() {
        w.line(4, &format!("pub struct {} {{}}", id(&s.ident)))?;
        return Some(w.out);
    }
    w.line(4, &format!("pub struct {} {{", id(&s.ident)))?;
    for f in &s.fields {
        w.attrs(8, &f.meta)?;
        let t = cx.ty_text(&f.ty);
        let t = if f.optional {
            format!("{}<{t}>", cx.prelude_text(cx.option()))
        } else {
            t
        };
        w.line(8, &format!("pub {}: {t},", id(&f.ident)))?;
    }
    w.line(4, "}")?;
    Some(w.out)
}

/// `pub enum` with its docs, indented for the `types` module.
pub fn enum_decl(cx: &Cx, e: &EnumDef) -> Option<String> {
    let mut w = Writer { out: String::new() };
    w.attrs(4, &e.meta)?;
    w.line(
        4,
        if e.unknown.is_some() {
            "#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        } else {
            "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        },
    )?;
    if e.values.is_empty() && e.unknown.is_none() {
        w.line(4, &format!("pub enum {} {{}}", id(&e.ident)))?;
        return Some(w.out);
    }
    w.line(4, &format!("pub enum {} {{", id(&e.ident)))?;
    for v in &e.values {
        w.attrs(8, &v.meta)?;
        w.line(8, &format!("{},", id(&v.ident)))?;
    }
    if let Some(unknown) = &e.unknown {
        w.line(8, "/// A value this schema does not know.")?;
        let string = cx.prelude_text(cx.string());
        w.line(8, &format!("{}({string}),", id(unknown)))?;
    }
    w.line(4, "}")?;
    Some(w.out)
}

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

/// `VisitMembers` and `SerializeMembers` of a plain struct (no `cfg`, no
/// marked members), indented for the `types` module.
pub fn struct_impls(cx: &Cx, s: &StructDef) -> Option<String> {
    let plain = |wire: &str| {
        wire.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if s.meta.cfg.is_some()
        || !s.fields.iter().all(|f| plain(&f.wire))
        || s.fields
            .iter()
            .any(|f| f.meta.cfg.is_some() || f.meta.deprecated || f.meta.unstable)
    {
        return None;
    }
    let name = id(&s.ident);
    let ok = cx.prelude_text(cx.ok());
    let result = cx.prelude_text(cx.result());
    let empty = s.fields.is_empty();
    let (v, members, map) = if empty {
        ("_v", "_members", "_map")
    } else {
        ("v", "members", "map")
    };
    let mut w = Writer { out: String::new() };
    w.line(4, &format!("impl rt::VisitMembers for {name} {{"))?;
    w.line(8, "fn visit_members(")?;
    w.line(12, &format!("{v}: &mut rt::Input,"))?;
    w.line(12, &format!("{members}: &mut rt::Members,"))?;
    w.line(8, ") -> rt::VisitResult<Self> {")?;
    let reads: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            let call = if f.optional { "optional" } else { "member" };
            format!("{}: v.{call}(members, \"{}\")?", id(&f.ident), f.wire)
        })
        .collect();
    // prettyplease keeps only very short struct expressions on one line.
    let one_line = format!("{ok}(Self {{ {} }})", reads.join(", "));
    if empty {
        w.line(12, &format!("{ok}(Self {{}})"))?;
    } else if 12 + one_line.len() <= 51 {
        w.line(12, &one_line)?;
    } else {
        w.line(12, &format!("{ok}(Self {{"))?;
        for read in &reads {
            w.line(16, &format!("{read},"))?;
        }
        w.line(12, "})")?;
    }
    w.line(8, "}")?;
    w.line(4, "}")?;
    w.line(4, &format!("impl rt::SerializeMembers for {name} {{"))?;
    w.line(8, "fn serialize_members<M: rt::serde::ser::SerializeMap>(")?;
    w.line(12, "&self,")?;
    w.line(12, &format!("{map}: &mut M,"))?;
    w.line(8, &format!(") -> {result}<(), M::Error> {{"))?;
    for f in &s.fields {
        let field = id(&f.ident);
        let wire = &f.wire;
        let write = if f.optional {
            format!("rt::optional_entry(map, \"{wire}\", &self.{field})?;")
        } else {
            format!("map.serialize_entry(\"{wire}\", &self.{field})?;")
        };
        w.line(12, &write)?;
    }
    w.line(12, &format!("{ok}(())"))?;
    w.line(8, "}")?;
    w.line(4, "}")?;
    Some(w.out)
}

/// The `QapiEnum` impl of a plain enum (no `cfg`), indented for the
/// `types` module.
pub fn enum_impl(cx: &Cx, e: &EnumDef) -> Option<String> {
    let plain = |wire: &str| {
        wire.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if e.meta.cfg.is_some()
        || e.values.is_empty()
        || !plain(&e.wire)
        || e.values
            .iter()
            .any(|v| v.meta.cfg.is_some() || !plain(&v.wire))
    {
        return None;
    }
    let name = id(&e.ident);
    let (some, none) = (cx.prelude_text(cx.some()), cx.prelude_text(cx.none()));
    let option = cx.prelude_text(cx.option());
    let unknown = e.unknown.as_ref().map(|u| id(u));
    let scrutinee = if unknown.is_some() { "self" } else { "*self" };
    let mut w = Writer { out: String::new() };
    w.line(4, &format!("impl rt::QapiEnum for {name} {{"))?;
    w.line(8, &format!("const NAME: &'static str = \"{}\";", e.wire))?;
    w.line(8, &format!("fn from_wire(name: &str) -> {option}<Self> {{"))?;
    w.line(12, "match name {")?;
    for v in &e.values {
        let ident = id(&v.ident);
        w.line(16, &format!("\"{}\" => {some}(Self::{ident}),", v.wire))?;
    }
    match &unknown {
        Some(u) => w.line(
            16,
            &format!("other => {some}(Self::{u}(::std::borrow::ToOwned::to_owned(other))),"),
        )?,
        None => w.line(16, &format!("_ => {none},"))?,
    }
    w.line(12, "}")?;
    w.line(8, "}")?;
    w.line(8, "fn as_wire(&self) -> &str {")?;
    w.line(12, &format!("match {scrutinee} {{"))?;
    for v in &e.values {
        w.line(16, &format!("Self::{} => \"{}\",", id(&v.ident), v.wire))?;
    }
    if let Some(u) = &unknown {
        w.line(16, &format!("Self::{u}(other) => other,"))?;
    }
    w.line(12, "}")?;
    w.line(8, "}")?;
    let featured: Vec<_> = e
        .values
        .iter()
        .filter(|v| v.meta.deprecated || v.meta.unstable)
        .collect();
    if !featured.is_empty() {
        w.line(8, "fn features(&self) -> rt::Features {")?;
        w.line(12, &format!("match {scrutinee} {{"))?;
        for v in &featured {
            let features = match (v.meta.deprecated, v.meta.unstable) {
                (true, true) => "BOTH",
                (true, false) => "DEPRECATED",
                _ => "UNSTABLE",
            };
            w.line(
                16,
                &format!("Self::{} => rt::Features::{features},", id(&v.ident)),
            )?;
        }
        if featured.len() < e.values.len() || unknown.is_some() {
            w.line(16, "_ => rt::Features::NONE,")?;
        }
        w.line(12, "}")?;
        w.line(8, "}")?;
    }
    w.line(4, "}")?;
    Some(w.out)
}

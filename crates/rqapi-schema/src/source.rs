//! Source locations, rendered exactly like QEMU's `QAPISourceInfo`.

use std::fmt;
use std::sync::Arc;

/// The definition an expression belongs to, for "In struct 'Foo':" lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defn {
    pub meta: String,
    pub name: String,
}

/// Where something was written: file name as given, line, include chain and
/// (once the expression is checked) the enclosing definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInfo {
    pub fname: Arc<str>,
    pub line: u32,
    /// The `include` directive that brought this file in.
    pub parent: Option<Arc<SourceInfo>>,
    pub defn: Option<Arc<Defn>>,
}

impl SourceInfo {
    pub fn new(fname: impl Into<Arc<str>>, parent: Option<Arc<SourceInfo>>) -> Self {
        SourceInfo {
            fname: fname.into(),
            line: 1,
            parent,
            defn: None,
        }
    }

    pub fn set_defn(&mut self, meta: &str, name: &str) {
        self.defn = Some(Arc::new(Defn {
            meta: meta.to_owned(),
            name: name.to_owned(),
        }));
    }

    /// `FILE:LINE`
    pub fn loc(&self) -> String {
        format!("{}:{}", self.fname, self.line)
    }

    /// `In file included from FILE:LINE:` lines, outermost first.
    pub fn include_path(&self) -> String {
        let mut lines = Vec::new();
        let mut parent = self.parent.as_deref();
        while let Some(p) = parent {
            lines.push(format!("In file included from {}:\n", p.loc()));
            parent = p.parent.as_deref();
        }
        lines.reverse();
        lines.concat()
    }

    /// `FILE: In META 'NAME':` line, or nothing outside a definition.
    pub fn in_defn(&self) -> String {
        match &self.defn {
            Some(d) => format!("{}: In {} '{}':\n", self.fname, d.meta, d.name),
            None => String::new(),
        }
    }
}

impl fmt::Display for SourceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.include_path(), self.in_defn(), self.loc())
    }
}

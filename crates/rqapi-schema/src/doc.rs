//! Doc comment blocks (QEMU's `QAPIDoc`): built by the parser, checked
//! against the expression by expr.rs and against the model by schema.rs.
//!
//! CONTRACT: the public methods below are used by expr.rs and schema.rs.

use crate::error::Result;
use crate::parser::Pragma;
use crate::source::SourceInfo;
use crate::value::Dict;

/// Section kinds, displayed as QEMU's `Kind.__str__` (`Plain`, `Member`,
/// `Feature`, `Returns`, `Errors`, `Since`, `Todo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Plain,
    Member,
    Feature,
    Returns,
    Errors,
    Since,
    Todo,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub info: SourceInfo,
    pub kind: SectionKind,
    /// Section text without its tag, trailing/leading newlines stripped.
    pub text: String,
    /// For Member/Feature sections: the name described.
    pub name: Option<String>,
    /// For Member/Feature sections: set once connected to a schema entity.
    pub connected: bool,
}

/// A documentation block: definition documentation (with a symbol) or
/// free-form.
#[derive(Clone, Debug)]
pub struct Doc {
    pub info: SourceInfo,
    pub symbol: Option<String>,
    // Internal representation is the parser's choice.
}

impl Doc {
    /// The body (first, untagged) section's text.
    pub fn body(&self) -> &str {
        todo!()
    }
    /// Member sections in order: (name, section).
    pub fn args(&self) -> Vec<(&str, &Section)> {
        todo!()
    }
    /// Feature sections in order: (name, section).
    pub fn features(&self) -> Vec<(&str, &Section)> {
        todo!()
    }
    /// Sections other than body, args and features, in order.
    pub fn sections(&self) -> Vec<&Section> {
        todo!()
    }
    /// All sections in textual order (with stubs inserted by
    /// `connect_member` / `ensure_returns`), for documentation generators.
    pub fn all_sections(&self) -> Vec<&Section> {
        todo!()
    }

    /// QEMU's `QAPIDoc.check_expr`: Returns/Errors sections vs. the meta.
    pub fn check_expr(&self, expr: &Dict) -> Result<()> {
        let _ = expr;
        todo!()
    }
    /// QEMU's `connect_member`. `role` is the member's role word
    /// (`member`, `value`, `branch`, ...), `info` the member's location.
    /// Errors "ROLE 'NAME' lacks documentation" unless the doc's symbol is
    /// in `pragma.documentation_exceptions` (then inserts a stub section).
    pub fn connect_member(
        &mut self,
        name: &str,
        role: &str,
        info: &SourceInfo,
        pragma: &Pragma,
    ) -> Result<()> {
        let _ = (name, role, info, pragma);
        todo!()
    }
    /// QEMU's `connect_feature`.
    pub fn connect_feature(&mut self, name: &str, info: &SourceInfo) -> Result<()> {
        let _ = (name, info);
        todo!()
    }
    /// QEMU's `ensure_returns`: inserts a stub Returns section if missing.
    pub fn ensure_returns(&mut self, info: &SourceInfo) {
        let _ = info;
        todo!()
    }
    /// QEMU's `QAPIDoc.check`: documented members/features that do not exist.
    pub fn check(&self) -> Result<()> {
        todo!()
    }
}

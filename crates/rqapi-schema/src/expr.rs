//! Per-expression shape checks and normalisation (QEMU's `expr.py`).
//!
//! CONTRACT: `check_exprs` validates every expression of a parsed schema
//! and normalises it in place exactly as QEMU's `check_exprs` does
//! (members become `{NAME: {"type": T, ...}}`, features become
//! `[{"name": F, ...}]`, enum values `[{"name": V, ...}]`), and sets each
//! expression's `info.defn`.

use crate::error::Result;
use crate::parser::ParsedSchema;

pub fn check_exprs(schema: &mut ParsedSchema) -> Result<()> {
    let _ = schema;
    todo!("expr checks")
}

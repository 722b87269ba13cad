//! QAPI schema front end: reads a schema exactly as QEMU's `scripts/qapi`
//! does and builds the checked schema model.
//!
//! Stages depend one way: [`parser`] (with [`doc`]) → [`expr`] →
//! [`schema`]; backends ([`dump`], introspection, generators) see only the
//! model. [`load`] runs them all.

pub mod common;
pub mod doc;
pub mod dump;
pub mod error;
pub mod expr;
mod hash;
pub mod introspect;
pub mod parser;
pub mod schema;
pub mod source;
pub mod value;

pub use error::{Error, Result};
pub use parser::{DocStyle, ParseOptions};
pub use schema::Schema;

/// Reads, checks and models the schema in file `path` (and its includes).
/// Paths in error messages are shown as derived from `path`.
pub fn load(path: &str) -> Result<Schema> {
    load_with(path, &ParseOptions::default())
}

/// [`load`] with explicit parser settings, e.g. [`DocStyle::Lenient`] for
/// schemas of QEMU releases older than its current doc style rules.
pub fn load_with(path: &str, options: &ParseOptions) -> Result<Schema> {
    let mut parsed = parser::parse_schema_with(path, options)?;
    expr::check_exprs(&mut parsed)?;
    Schema::from_parsed(path, parsed)
}

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
pub mod introspect;
pub mod parser;
pub mod schema;
pub mod source;
pub mod value;

pub use error::{Error, Result};
pub use schema::Schema;

/// Reads, checks and models the schema in file `path` (and its includes).
/// Paths in error messages are shown as derived from `path`.
pub fn load(path: &str) -> Result<Schema> {
    let mut parsed = parser::parse_schema(path)?;
    expr::check_exprs(&mut parsed)?;
    Schema::from_parsed(path, parsed)
}

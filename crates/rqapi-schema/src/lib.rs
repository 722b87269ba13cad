//! QAPI schema front end: reads a schema exactly as QEMU's `scripts/qapi`
//! does and builds the checked schema model.
//!
//! Stages depend one way: [`parser`] (with [`doc`]) → [`expr`] →
//! [`schema`]; backends ([`dump`], [`introspect`]) see only the model.

pub mod doc;
pub mod error;
pub mod expr;
pub mod parser;
pub mod source;
pub mod value;

pub use error::{Error, Result};

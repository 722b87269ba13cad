//! Rust code generator for QAPI schemas.
//!
//! Reads a schema with [`rqapi_schema::load`], lowers the checked model to
//! a Rust-shaped model (names, `Box`es, conditions decided), and emits one
//! formatted file (`@generated`) with four modules:
//!
//! - `types`: every enum, struct, union and alternate. Generated code
//!   depends on nothing but `rqapi-runtime` (which re-exports `serde` and
//!   `serde_json`): every module starts with
//!   `use ::rqapi_runtime::qapi as rt;` and names runtime items `rt::...`;
//!   prelude names (`Option`, `String`, ...) are written bare unless the
//!   schema defines a type of that name, then fully qualified.
//! - `commands`: `COMMANDS`, the static table of command options
//!   (success-response, allow-oob, allow-preconfig, coroutine, features,
//!   `gen`); a marker type per command implementing
//!   `rqapi_runtime::qapi::dispatch::Command` (for clients); on the server
//!   side the `Commands` handler trait and `dispatch()`.
//! - `events`: the `Event` enum, one variant per event with its data.
//! - `introspect`: `schema()`, the `query-qmp-schema` value.
//!
//! # How QAPI maps to Rust
//!
//! - Built-ins: `str` → `String`, `number` → `f64`, `int`/`int64` → `i64`,
//!   `intN`/`uintN` → `iN`/`uN`, `size` → `u64`, `bool`, `any` →
//!   `serde_json::Value`, `null` → `rqapi_runtime::qapi::Null`; `['T']` →
//!   `Vec<T>`; `QType` is an ordinary enum.
//! - Structs: one Rust struct with the base's members inlined first (as
//!   QMP flattens them); optional members are `Option<T>`, absent on the
//!   wire when `None`.
//! - Unions: a struct with all base members; the discriminator member's
//!   field holds the `FooBranch` enum, one variant per tag value carrying
//!   the branch type (unit when the branch has no members). On the wire the
//!   tag is written at its place among the base members, branch members
//!   after all base members, as QEMU's output visitor does.
//! - Alternates: an enum chosen by JSON type exactly as QEMU's input
//!   visitor does (string, number, boolean, null, array, object).
//! - Enums: wire names kept for the wire (`as_wire`/`from_wire`), Rust
//!   names `UpperCamelCase` (see [`names`]); `prefix` only matters to C and
//!   is ignored. On the client side enums have an `Unknown(String)` variant
//!   and unknown union tags are kept the same way.
//! - Types that contain each other by value get a `Box` (see
//!   `lower::recursion`).
//! - Conditions: [`Conditions::Cfg`] emits `#[cfg(...)]` from a mapping of
//!   condition symbols to cfg predicates; [`Conditions::Evaluate`] decides
//!   them at generation time.
//! - Features: `deprecated` → `#[deprecated]` plus a rustdoc note,
//!   `unstable` → a note; both drive the compat policy of the runtime.
//!
//! Input goes through the runtime's QEMU-exact input visitor (also behind
//! the generated `Deserialize` impls), output through hand-written
//! `Serialize` impls. The server side is strict (unknown members are
//! errors), the client side tolerant.

mod builder;
mod cond;
mod emit;
mod lower;
mod model;
pub mod names;

use std::path::PathBuf;

pub use builder::Builder;
pub use cond::Conditions;

/// Which end of QMP the code is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Side {
    /// Implements commands: strict input, closed enums, handler trait and
    /// dispatcher.
    #[default]
    Server,
    /// Calls commands: tolerant input (unknown members ignored, unknown
    /// enum values kept), no dispatcher.
    Client,
}

impl Side {
    /// Whether input with unknown members is rejected.
    pub fn strict(self) -> bool {
        self == Side::Server
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub side: Side,
    pub conditions: Conditions,
    /// Embed the `query-qmp-schema` value.
    pub introspection: bool,
    /// Named in the `@generated` header.
    pub source_name: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            side: Side::Server,
            conditions: Conditions::default(),
            introspection: true,
            source_name: "a QAPI schema".to_owned(),
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Schema(#[from] rqapi_schema::Error),
    #[error("condition symbol '{0}' has no cfg mapping (Builder::cfg or Builder::cfg_default)")]
    UnmappedCondition(String),
    #[error("cfg predicate for '{0}' does not parse: {1}")]
    BadCfg(String, String),
    #[error("unsupported schema construct: {0}")]
    Unsupported(String),
    #[error("internal error: generated code does not parse: {0}")]
    Internal(String),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Generates the Rust file for a loaded schema.
pub fn generate(schema: &rqapi_schema::Schema, options: &Options) -> Result<String, Error> {
    let model = lower::lower(schema, options)?;
    emit::emit(schema, &model, options, true)
}

/// [`generate`] with every item going through tokens, parsing and
/// formatting: slower, and meant to give exactly the same text (tests
/// check that the shortcuts taken by [`generate`] change nothing).
#[doc(hidden)]
pub fn generate_through_tokens(
    schema: &rqapi_schema::Schema,
    options: &Options,
) -> Result<String, Error> {
    let model = lower::lower(schema, options)?;
    emit::emit(schema, &model, options, false)
}

//! QAPI compatibility checking between two versions of a schema, by the
//! rules of QEMU's docs/devel/qapi-code-gen "Compatibility considerations".
//!
//! Clients never see type names, so the comparison follows wire shapes:
//! from every command (its arguments are *input*, its return value
//! *output*) and event (*output*) down through members, bases, implicit
//! types, arrays, union branches (matched by tag value) and alternate
//! branches (matched by JSON type), resolving both schemas side by side.
//! Renaming a type or moving members into a base therefore reports
//! nothing. A type reached in both directions is judged by both rule sets.
//!
//! Input must still accept what old clients send: adding commands,
//! optional arguments, enum values, union and alternate branches, making
//! an argument optional or widening it (to an alternate, a larger integer,
//! `any`) is compatible; removing or narrowing any of these, and adding a
//! mandatory argument, breaks. Output may only send what old clients
//! understand, with QEMU's stated allowances: new members, events, enum
//! values and union branches are compatible (clients ignore what they do
//! not know), as is removing optional members, values or branches (they
//! could always be absent); removing a mandatory member, making one
//! optional or widening a type breaks.
//!
//! Something the old schema marks `deprecated` may be removed
//! ([`Severity::BreakingDeprecatedRemoval`]); anything involving an
//! `unstable` element is [`Severity::Unstable`]. `if` conditions are
//! compared as written ([`Severity::Conditional`] when one is added or
//! changed), or evaluated for a [`Config`].

mod change;
mod context;
mod engine;
mod objects;
mod report;
mod types;

pub use change::{Change, ChangeKind, Direction, Severity};
pub use context::Config;
pub use report::{Counts, Report};

use rqapi_schema::Schema;

/// Compares `old` with `new`.
pub fn compare(old: &Schema, new: &Schema, config: &Config) -> Report {
    let mut comparer = engine::Comparer::new(old, new, config);
    comparer.run();
    Report::from_changes(comparer.changes)
}

/// How the compat tools load schemas: with
/// [`DocStyle::Lenient`](rqapi_schema::DocStyle::Lenient), because
/// schemas of older QEMU releases predate the current doc comment rules,
/// which say nothing about the wire protocol.
pub fn load(path: &str) -> rqapi_schema::Result<Schema> {
    let options = rqapi_schema::ParseOptions {
        doc_style: rqapi_schema::DocStyle::Lenient,
    };
    rqapi_schema::load_with(path, &options)
}

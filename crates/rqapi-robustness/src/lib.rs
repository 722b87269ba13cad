//! Structure-aware mutation of QAPI schema text, for robustness tests
//! that must reach the semantic checks and backends, not only the lexer.
//!
//! A schema is split into [`tokens`]; [`mutate`] then edits it the way a
//! careless or hostile author would: tokens deleted, duplicated or swapped,
//! names replaced by other names of the same file (so definitions collide
//! and types go unknown or recursive), whole expressions and members
//! dropped or duplicated, meta-types changed, `base`/`if`/`features`/...
//! keys inserted, values nested deeply.

pub mod mutate;
pub mod tokens;

//! The `rqga` binary: start-up behaviour that cannot be compared with the
//! C agent directly, and serving end to end.

#[path = "../support/mod.rs"]
mod support;

mod dist;
mod serve;
mod startup;

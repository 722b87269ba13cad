//! The parts of the `rqapi` command line that `rqapi call` and
//! `rqapi shell` share, public so that tests can reach them.

pub mod args;
pub mod complete;
pub mod session;

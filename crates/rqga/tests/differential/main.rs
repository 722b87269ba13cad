//! Comparisons with the installed C agent (`/usr/sbin/qemu-ga`, Debian's
//! 7.2): command line, command answers, and the wire protocol of both
//! agents running side by side.  Each part skips with a message when the
//! C agent is missing.  One test binary for all of them (link time).

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod exec;
mod file;
mod fs;
mod network;
mod system;
mod unprivileged;
mod wire;

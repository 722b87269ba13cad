//! `rqapi`: QAPI schema tools, and a QMP / guest-agent client.
//!
//! Each subcommand lives in its own module under `cmd/` and returns an
//! [`ExitCode`]; schema errors are printed on stderr exactly as QEMU's
//! `qapi-gen.py` prints them (exit status 1).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Debug, Parser)]
#[command(name = "rqapi", version, about = "QAPI schema tools and QMP client")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a schema: silent with exit status 0 when valid.
    Check(cmd::check::Args),
    /// Print the checked schema in the format of QEMU's qapi-schema tests.
    Dump(cmd::dump::Args),
    /// Print the introspection list that query-qmp-schema returns.
    Introspect(cmd::introspect::Args),
    /// Compare two schema versions by QEMU's compatibility rules
    /// (exit 0 compatible, 1 breaking, 2 schema error).
    Compat(cmd::compat::Args),
    /// Generate Rust code (types, commands, events, introspection).
    Generate(cmd::generate::Args),
    /// Run one QMP or guest-agent command and print its answer as JSON
    /// (exit 0; 1 on the server's error; 2 on a local error).
    Call(cmd::call::Args),
    /// Interactive QMP or guest-agent shell with history and completion.
    Shell(cmd::shell::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Dump(args) => cmd::dump::run(&args),
        Command::Introspect(args) => cmd::introspect::run(&args),
        Command::Compat(args) => cmd::compat::run(&args),
        Command::Generate(args) => cmd::generate::run(&args),
        Command::Call(args) => cmd::call::run(&args),
        Command::Shell(args) => cmd::shell::run(&args),
    }
}

// mimalloc: the front end allocates many small strings; measured against
// glibc malloc on `rqapi check` of QEMU's full schema (see the schema
// crate's benches/load.rs header). Its v2 line (Cargo feature `v2`) packs
// that check into 19 MB of resident memory where v3 takes 27 MB: on
// Linux mimalloc asks for transparent huge pages, and the kernel zeroes
// every 2 MiB page touched, so the check's system time follows its
// footprint (3.7 -> 2.5 ms).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

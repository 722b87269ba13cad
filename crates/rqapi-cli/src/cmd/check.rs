//! `rqapi check SCHEMA`

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The main schema file.
    pub schema: String,
}

pub fn run(args: &Args) -> ExitCode {
    match super::load_or_report(&args.schema) {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

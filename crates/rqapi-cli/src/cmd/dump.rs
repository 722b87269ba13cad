//! `rqapi dump SCHEMA`

use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The main schema file.
    pub schema: String,
}

pub fn run(args: &Args) -> ExitCode {
    let schema = match super::load_or_report(&args.schema) {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let text = rqapi_schema::dump::dump(&schema);
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rqapi: writing output: {e}");
            ExitCode::FAILURE
        }
    }
}

//! `rqapi introspect [--unmasked] [--annotated] SCHEMA`

use std::io::Write;
use std::process::ExitCode;

use rqapi_schema::introspect::{IntrospectOptions, introspect};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show real type names instead of QEMU's numbers.
    #[arg(long)]
    pub unmasked: bool,
    /// Show each conditional item's build condition under "if".
    #[arg(long)]
    pub annotated: bool,
    /// The main schema file.
    pub schema: String,
}

pub fn run(args: &Args) -> ExitCode {
    let schema = match super::load_or_report(&args.schema) {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let opts = IntrospectOptions {
        unmask: args.unmasked,
        annotated: args.annotated,
    };
    let list = introspect(&schema, &opts);
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rqapi: writing output: {e}");
            ExitCode::FAILURE
        }
    }
}

//! `rqapi compat OLD_SCHEMA NEW_SCHEMA`: client-visible differences
//! between two schema versions, classified by QEMU's compatibility rules.
//!
//! Exit status: 0 compatible, 1 something breaks, 2 a schema error.
//! Schemas load with lenient doc style (see [`rqapi_compat::load`]).

use std::io::Write;
use std::process::ExitCode;

use rqapi_compat::{Config, compare};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version's main schema file.
    pub old: String,
    /// The new version's main schema file.
    pub new: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Evaluate `if` conditions with these configuration symbols defined
    /// (comma-separated or repeated; every other symbol is undefined).
    /// Without it, conditions are compared as written.
    #[arg(long = "config", value_name = "SYMBOLS", value_delimiter = ',', num_args = 0..)]
    pub config: Option<Vec<String>>,
    /// Removals of things the old schema marks deprecated do not make
    /// the exit status 1.
    #[arg(long)]
    pub allow_deprecated_removal: bool,
}

const SCHEMA_ERROR: u8 = 2;

pub fn run(args: &Args) -> ExitCode {
    let load = |path: &str| {
        rqapi_compat::load(path).map_err(|e| {
            eprintln!("{e}");
            ExitCode::from(SCHEMA_ERROR)
        })
    };
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let config = match &args.config {
        Some(symbols) => Config::with_symbols(symbols.iter().filter(|s| !s.is_empty()).cloned()),
        None => Config::default(),
    };
    let report = compare(&old, &new, &config);
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
        text.push('\n');
        text
    } else {
        report.to_text()
    };
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        eprintln!("rqapi: writing output: {e}");
        return ExitCode::FAILURE;
    }
    if report.is_breaking(args.allow_deprecated_removal) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

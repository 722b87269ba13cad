//! `rqapi generate SCHEMA -o DIR`: writes the Rust code for a schema
//! (only rewriting the file when its content changed).

use std::path::PathBuf;
use std::process::ExitCode;

use rqapi_codegen::{Builder, Side};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The main schema file.
    schema: PathBuf,
    /// Directory to write into.
    #[arg(short, long)]
    output_dir: PathBuf,
    /// Name of the generated file.
    #[arg(long, default_value = "qapi.rs")]
    file_name: String,
    /// Generate client code (tolerant input, no dispatcher).
    #[arg(long)]
    client: bool,
    /// Map a condition symbol to a cfg predicate: SYMBOL=PREDICATE
    /// (e.g. CONFIG_LINUX='target_os = "linux"').
    #[arg(long = "cfg", value_name = "SYMBOL=PREDICATE")]
    cfg: Vec<String>,
    /// cfg predicate for symbols without --cfg mapping (e.g. 'any()').
    #[arg(long)]
    cfg_default: Option<String>,
    /// Decide conditions now: only these symbols are defined
    /// (comma-separated; overrides --cfg).
    #[arg(long, value_delimiter = ',')]
    defined: Option<Vec<String>>,
    /// Leave out the introspection module.
    #[arg(long)]
    no_introspection: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let mut builder = Builder::new(&args.schema)
        .out_dir(&args.output_dir)
        .file_name(&args.file_name)
        .side(if args.client {
            Side::Client
        } else {
            Side::Server
        })
        .introspection(!args.no_introspection);
    for mapping in &args.cfg {
        let Some((symbol, predicate)) = mapping.split_once('=') else {
            eprintln!("rqapi generate: --cfg wants SYMBOL=PREDICATE, not '{mapping}'");
            return ExitCode::FAILURE;
        };
        builder = builder.cfg(symbol, predicate);
    }
    if let Some(default) = &args.cfg_default {
        builder = builder.cfg_default(default);
    }
    if let Some(defined) = &args.defined {
        builder = builder.evaluate_conditions(defined.iter().cloned());
    }
    match builder.generate() {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

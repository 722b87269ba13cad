//! Generates Rust for one schema once, for profiling (e.g. under
//! `valgrind --tool=callgrind`): `generate_once SCHEMA [OUT]`.

use std::time::Instant;

use rqapi_codegen::{Conditions, Options, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: generate_once SCHEMA [OUT]");
        std::process::exit(2);
    };
    let schema = match rqapi_schema::load(&path) {
        Ok(schema) => schema,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let options = Options {
        conditions: Conditions::Cfg {
            map: Default::default(),
            default: Some("all()".to_owned()),
        },
        ..Options::default()
    };
    let start = Instant::now();
    let code = match generate(&schema, &options) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    eprintln!("{} bytes in {:?}", code.len(), start.elapsed());
    if let Some(out) = args.next()
        && let Err(e) = std::fs::write(&out, code)
    {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}

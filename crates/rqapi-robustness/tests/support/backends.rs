//! Every backend that consumes a checked schema, run for effect: they
//! must not panic on any schema the front end accepts.

use std::collections::BTreeSet;

use rqapi_codegen::{Conditions, Options, Side};
use rqapi_compat::{Config, compare};
use rqapi_schema::Schema;
use rqapi_schema::dump::dump;
use rqapi_schema::introspect::{IntrospectOptions, introspect};

/// Dump, introspection (all options), code generation (see
/// [`codegen_options`]) and compat checks both ways against `original`.
pub fn run_backends(original: &Schema, schema: &Schema) {
    let _ = dump(schema);
    for unmask in [false, true] {
        for annotated in [false, true] {
            let _ = introspect(schema, &IntrospectOptions { unmask, annotated });
        }
    }
    for options in codegen_options() {
        if let Err(rqapi_codegen::Error::Internal(e)) = rqapi_codegen::generate(schema, &options) {
            panic!("generated code does not parse: {e}");
        }
    }
    let evaluated = Config::with_symbols(["CONFIG_LINUX", "CONFIG_A", "CONFIG_D"]);
    for (old, new, config) in [
        (original, schema, Config::default()),
        (schema, original, evaluated),
    ] {
        let report = compare(old, new, &config);
        let _ = (report.to_text(), report.to_json(), report.summary());
    }
}

/// Server with default options (unmapped conditions are errors), server
/// with every condition mapped, client evaluating conditions.
fn codegen_options() -> [Options; 3] {
    let mapped = Conditions::Cfg {
        map: [(
            "CONFIG_LINUX".to_owned(),
            "target_os = \"linux\"".to_owned(),
        )]
        .into(),
        default: Some("unix".to_owned()),
    };
    let defined: BTreeSet<String> = ["CONFIG_LINUX", "CONFIG_A"].map(str::to_owned).into();
    [
        Options::default(),
        Options {
            conditions: mapped,
            ..Options::default()
        },
        Options {
            side: Side::Client,
            conditions: Conditions::Evaluate(defined),
            ..Options::default()
        },
    ]
}

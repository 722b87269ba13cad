//! The generator writes plain items (most of a schema) directly as text
//! instead of building, parsing and formatting tokens for them. Both
//! routes must give exactly the same file.

use rqapi_codegen::{Conditions, Options, Side, generate, generate_through_tokens};

fn same_both_ways(path: &str, options: &Options) {
    let schema = rqapi_schema::load(path).unwrap();
    let fast = generate(&schema, options).unwrap();
    let slow = generate_through_tokens(&schema, options).unwrap();
    if fast != slow {
        let line = fast
            .lines()
            .zip(slow.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{path} ({:?}): routes differ at line {}:\n  text:   {:?}\n  tokens: {:?}",
            options.side,
            line + 1,
            fast.lines().nth(line),
            slow.lines().nth(line)
        );
    }
}

fn variants() -> Vec<Options> {
    let cfg = Conditions::Cfg {
        map: Default::default(),
        default: Some("all()".to_owned()),
    };
    let evaluated = Conditions::Evaluate(["CONFIG_LINUX".to_owned()].into());
    let mut out = Vec::new();
    for side in [Side::Server, Side::Client] {
        for conditions in [cfg.clone(), evaluated.clone()] {
            out.push(Options {
                side,
                conditions,
                ..Options::default()
            });
        }
    }
    out
}

#[test]
fn own_schemas() {
    for options in variants() {
        same_both_ways(
            concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/everything.json"),
            &options,
        );
        same_both_ways(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../rqga/schema/qga.json"),
            &options,
        );
    }
}

#[test]
fn qemu_schemas() {
    let Some(qapi) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    for options in variants() {
        for schema in [
            "tests/qapi-schema/qapi-schema-test.json",
            "qga/qapi-schema.json",
        ] {
            same_both_ways(&qapi.join(schema).to_string_lossy(), &options);
        }
    }
    // The full QMP schema, once per side.
    for options in variants().into_iter().step_by(2) {
        same_both_ways(
            &qapi.join("qapi/qapi-schema.json").to_string_lossy(),
            &options,
        );
    }
}

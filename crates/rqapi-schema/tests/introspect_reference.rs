//! `introspect` against the lists QEMU's own generator produced for its
//! full schema and its guest-agent schema (`shared/qemu-qapi/reference`),
//! in all four variants, and against the same for our own agent schema.

use std::path::Path;

use rqapi_schema::introspect::{IntrospectOptions, introspect};
use serde_json::Value;

const VARIANTS: [(&str, IntrospectOptions); 4] = [
    ("", opts(false, false)),
    (".annotated", opts(false, true)),
    ("-unmasked", opts(true, false)),
    ("-unmasked.annotated", opts(true, true)),
];

const fn opts(unmask: bool, annotated: bool) -> IntrospectOptions {
    IntrospectOptions { unmask, annotated }
}

/// Compares all variants; returns a description of each mismatch.
fn compare(schema_path: &Path, reference: &Path, prefix: &str) -> Vec<String> {
    let schema = rqapi_schema::load(schema_path.to_str().unwrap()).expect("schema loads");
    let mut failures = Vec::new();
    for (suffix, opts) in VARIANTS {
        let file = reference.join(format!("{prefix}-introspect{suffix}.json"));
        let want: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let got = introspect(&schema, &opts);
        if got != want {
            let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
            let first = g.iter().zip(w).position(|(a, b)| a != b);
            failures.push(format!(
                "{} vs {}: {} entries vs {}, first difference at {first:?}",
                schema_path.display(),
                file.display(),
                g.len(),
                w.len()
            ));
        }
    }
    failures
}

#[test]
fn full_schema_matches_qemu() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let failures = compare(
        &corpus.join("qapi/qapi-schema.json"),
        &corpus.join("reference"),
        "full",
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn qga_schema_matches_qemu() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let failures = compare(
        &corpus.join("qga/qapi-schema.json"),
        &corpus.join("reference"),
        "qga",
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Our agent's own schema describes the same wire interface as QEMU's.
#[test]
fn rqga_schema_matches_qemu_qga() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let ours = rqapi_testdata::workspace_root().join("crates/rqga/schema/qga.json");
    let failures = compare(&ours, &corpus.join("reference"), "qga");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Masked numbers follow first use; types no command or event reaches are
/// left out; integer types collapse to `int`.
#[test]
fn masking_and_reachability() {
    let dir = std::env::temp_dir().join(format!("rqapi-introspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.json");
    std::fs::write(
        &path,
        "{ 'struct': 'Unused', 'data': { 'a': 'int' } }\n\
         { 'struct': 'Point', 'data': { 'x': 'int8', '*tags': ['uint16'] } }\n\
         { 'command': 'get-point', 'returns': 'Point', 'allow-oob': true }\n\
         { 'event': 'MOVED', 'data': { 'to': 'Point' }, 'if': 'HAVE_X' }\n",
    )
    .unwrap();
    let schema = rqapi_schema::load(path.to_str().unwrap()).unwrap();
    let got = introspect(&schema, &opts(false, true));
    let want = serde_json::json!([
        {"name": "get-point", "meta-type": "command", "arg-type": "0", "ret-type": "1",
         "allow-oob": true},
        {"name": "MOVED", "meta-type": "event", "arg-type": "2", "if": "defined(HAVE_X)"},
        {"name": "0", "meta-type": "object", "members": []},
        {"name": "1", "meta-type": "object", "members": [
            {"name": "x", "type": "int"},
            {"name": "tags", "type": "[int]", "default": null}]},
        {"name": "2", "meta-type": "object", "members": [{"name": "to", "type": "1"}],
         "if": "defined(HAVE_X)"},
        {"name": "int", "meta-type": "builtin", "json-type": "int"},
        {"name": "[int]", "meta-type": "array", "element-type": "int"},
    ]);
    assert_eq!(got, want);
}

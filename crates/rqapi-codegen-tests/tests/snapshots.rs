//! The committed snapshots are exactly what the generator produces now
//! (`UPDATE_EXPECT=1 cargo test -p rqapi-codegen-tests --test snapshots`
//! rewrites them). The crate's lib compiles them with warnings denied.

use expect_test::expect_file;
use rqapi_codegen::{Builder, Side};

/// Options for the server snapshot of our own schema.
pub fn everything_server() -> Builder {
    Builder::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/everything.json"
    ))
    .side(Side::Server)
    .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
    .cfg("CONFIG_NEVER", "any()")
}

#[test]
fn everything_snapshot() {
    let (code, files) = everything_server().generate_string().unwrap();
    assert_eq!(files.len(), 1);
    expect_file!["../snapshots/everything.rs"].assert_eq(&code);
}

#[test]
fn qemu_test_schema_snapshot() {
    let Some(qapi) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let schema = qapi.join("tests/qapi-schema/qapi-schema-test.json");
    let (code, files) = Builder::new(schema)
        .side(Side::Server)
        .cfg_default("all()")
        .generate_string()
        .unwrap();
    assert!(files.len() >= 2, "the test schema includes a sub-module");
    expect_file!["../snapshots/qapi-schema-test.rs"].assert_eq(&code);
}

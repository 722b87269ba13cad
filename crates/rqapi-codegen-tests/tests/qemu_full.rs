//! Code generated for QEMU's full schemas (`qapi/qapi-schema.json`,
//! `qga/qapi-schema.json`) compiles without a single warning: generated
//! into a scratch Cargo project depending on rqapi-runtime, checked with
//! `cargo check --offline` (sharing the workspace's target directory).

use std::path::Path;
use std::process::Command;

use rqapi_codegen::{Builder, Side};

fn check_compiles(schema: &Path, side: Side, name: &str) {
    let root = rqapi_testdata::workspace_root();
    let dir = root.join("target").join("qemu-full-check").join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let runtime = root.join("crates/rqapi-runtime").canonicalize().unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nrqapi-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "#![deny(warnings)]\ninclude!(\"qapi.rs\");\n",
    )
    .unwrap();
    Builder::new(schema)
        .side(side)
        .cfg_default("all()")
        .out_dir(dir.join("src"))
        .generate()
        .unwrap();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--lib"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} does not compile:\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "{name} has warnings:\n{stderr}"
    );
}

#[test]
fn qemu_qmp_schema_compiles() {
    let Some(qapi) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    check_compiles(
        &qapi.join("qapi/qapi-schema.json"),
        Side::Server,
        "qemu_qmp_server",
    );
    check_compiles(
        &qapi.join("qapi/qapi-schema.json"),
        Side::Client,
        "qemu_qmp_client",
    );
}

#[test]
fn qemu_qga_schema_compiles() {
    let Some(qapi) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    check_compiles(
        &qapi.join("qga/qapi-schema.json"),
        Side::Server,
        "qemu_qga_server",
    );
}

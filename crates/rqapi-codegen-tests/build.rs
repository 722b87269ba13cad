//! Generates the client side of our own schema with conditions decided
//! now (the server side is the committed snapshot, see tests/snapshots.rs),
//! a schema whose events are all compiled out, and the guest agent schema
//! `crates/rqga/schema/qga.json`.

fn main() {
    let result = rqapi_codegen::Builder::new("schemas/everything.json")
        .side(rqapi_codegen::Side::Client)
        .evaluate_conditions(["CONFIG_LINUX"])
        .file_name("everything_client.rs")
        .emit_rerun_if_changed(true)
        .generate();
    if let Err(e) = result {
        println!("cargo::error={e}");
    }
    // Every event compiled out by its cfg.
    let result = rqapi_codegen::Builder::new("schemas/events-compiled-out.json")
        .side(rqapi_codegen::Side::Server)
        .cfg("CONFIG_NEVER", "any()")
        .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
        .file_name("events_compiled_out.rs")
        .emit_rerun_if_changed(true)
        .generate();
    if let Err(e) = result {
        println!("cargo::error={e}");
    }
    // Our guest agent's schema, as the agent will use it.
    let result = rqapi_codegen::Builder::new("../rqga/schema/qga.json")
        .side(rqapi_codegen::Side::Server)
        .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
        .cfg("CONFIG_POSIX", "unix")
        .cfg("CONFIG_WIN32", "windows")
        .cfg_default(r#"target_os = "linux""#)
        .file_name("qga.rs")
        .emit_rerun_if_changed(true)
        .generate();
    if let Err(e) = result {
        println!("cargo::error={e}");
    }
}

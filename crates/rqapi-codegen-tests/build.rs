//! Generates the client side of our own schema with conditions decided
//! now (the server side is the committed snapshot, see tests/snapshots.rs).

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
}

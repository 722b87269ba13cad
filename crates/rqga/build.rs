//! Generates the agent's types, command trait, dispatcher and command table
//! from `schema/qga.json`, with the schema's conditions decided for Linux.

/// QEMU build-configuration symbols that hold for the Linux agent we
/// replace (Debian/Fedora builds: libudev, utmpx, getifaddrs, fsfreeze,
/// fstrim and getloadavg are all available).
const LINUX_SYMBOLS: &[&str] = &[
    "CONFIG_LINUX",
    "CONFIG_POSIX",
    "CONFIG_FSFREEZE",
    "CONFIG_FSTRIM",
    "CONFIG_LIBUDEV",
    "CONFIG_GETLOADAVG",
    "HAVE_GETIFADDRS",
    "HAVE_UTMPX",
];

fn main() {
    let result = rqapi_codegen::Builder::new("schema/qga.json")
        .side(rqapi_codegen::Side::Server)
        .evaluate_conditions(LINUX_SYMBOLS.iter().copied())
        // The agent does not serve query-qmp-schema.
        .introspection(false)
        .file_name("qga.rs")
        .emit_rerun_if_changed(true)
        .generate();
    if let Err(e) = result {
        println!("cargo::error={e}");
    }
}

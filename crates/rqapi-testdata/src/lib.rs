//! Where rqapi's tests find data that is not part of the repository.
//!
//! QEMU's schemas, its `tests/qapi-schema` suite and recordings of the C
//! guest agent live next to the checkout in `../shared` (they are QEMU's
//! files, GPL, and are never copied into this repository). Each accessor
//! returns `None` and prints a "skipped" line when the data is absent, so a
//! fresh clone still passes its tests.

use std::path::{Path, PathBuf};

fn locate(env: &str, default_rel: &str, marker: &str, what: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os(env) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join(default_rel),
    };
    if dir.join(marker).exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {what} not found at {} (set {env} to its location)",
            dir.display()
        );
        None
    }
}

/// The repository's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// QEMU's QAPI corpus (`shared/qemu-qapi`, override: `RQAPI_QEMU_QAPI`).
pub fn qemu_qapi() -> Option<PathBuf> {
    locate(
        "RQAPI_QEMU_QAPI",
        "../shared/qemu-qapi",
        "ACTIVE-TESTS.txt",
        "QEMU QAPI corpus",
    )
}

/// Recordings of the C qemu-ga (`shared/reference`, override:
/// `RQAPI_REFERENCE`).
pub fn reference() -> Option<PathBuf> {
    locate(
        "RQAPI_REFERENCE",
        "../shared/reference",
        "c-qga-7.2.jsonl",
        "C qemu-ga reference recordings",
    )
}

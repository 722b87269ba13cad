//! Python's `qemu.qmp` (QEMU's own client library, from PyPI) drives the
//! `qmp-server` example. Skipped when python3 or the module is missing.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `target/<profile>/examples/qmp-server`, built by `cargo test`.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    profile_dir.join("examples/qmp-server")
}

#[test]
fn qemu_qmp_client_drives_our_server() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py/qemu_qmp_client.py");
    let probe = Command::new("python3")
        .args(["-c", "import qemu.qmp"])
        .status();
    if !matches!(probe, Ok(status) if status.success()) {
        eprintln!("skipped: python3 with module qemu.qmp not available (pip install qemu.qmp)");
        return;
    }
    let binary = example_binary();
    assert!(
        binary.exists(),
        "{} missing (cargo test builds examples)",
        binary.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("qmp.sock");
    let mut server = Command::new(&binary)
        .arg(&socket)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = Command::new("python3")
        .arg(&script)
        .arg(&socket)
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.trim() == "OK",
        "qemu.qmp client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

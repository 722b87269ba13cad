//! The files in `dist/`: every unit runs the same installed binary, the
//! udev rule starts a unit that exists, and `systemd-analyze verify`
//! accepts the units (when it is installed; the binary path is pointed
//! at the built binary, which is not installed on the test machine).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::OURS;

/// Where the units expect the binary (dist/README.md, "Install").
const INSTALLED: &str = "/usr/sbin/rqga";

fn dist() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("dist")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(dist().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SERVICES: [&str; 2] = ["systemd/rqga.service", "systemd/rqga-vsock.service"];

#[test]
fn units_and_rule_agree_on_the_binary_and_unit_names() {
    for unit in SERVICES {
        let exec: Vec<_> = read(unit)
            .lines()
            .filter_map(|l| l.strip_prefix("ExecStart="))
            .map(|cmd| cmd.trim_start_matches(['-', '@', '+', '!', ':']).to_owned())
            .collect();
        assert_eq!(exec, [INSTALLED], "{unit}");
    }
    // The rule wants the virtio-serial unit, which binds to the device
    // the rule matches.
    let rule = read("udev/60-rqga.rules");
    assert!(
        rule.contains("ENV{SYSTEMD_WANTS}=\"rqga.service\""),
        "{rule}"
    );
    assert!(
        rule.contains("ATTR{name}==\"org.qemu.guest_agent.0\""),
        "{rule}"
    );
    let service = read("systemd/rqga.service");
    assert!(service.contains("BindsTo=dev-virtio\\x2dports-org.qemu.guest_agent.0.device"));
    // The socket's service is found by name.
    assert!(read("systemd/rqga-vsock.service").contains("Requires=rqga-vsock.socket"));
    assert!(dist().join("systemd/rqga-vsock.socket").exists());
}

#[test]
fn systemd_analyze_verify_accepts_the_units() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: systemd-analyze not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut units = Vec::new();
    for unit in [SERVICES[0], SERVICES[1], "systemd/rqga-vsock.socket"] {
        let name = Path::new(unit).file_name().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, read(unit).replace(INSTALLED, OURS)).unwrap();
        units.push(path);
    }
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&units)
        .output()
        .unwrap();
    // Other units of the machine may draw remarks; ours must draw none.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("rqga"), "{stderr}");
}

//! guest-shutdown and guest-suspend-*: the programs qemu-ga 10.2 runs and
//! its errors, with a recording runner and a temporary root (nothing is
//! ever run or written for real).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::calls::{call, call_err};
use crate::support::fakes::{FakeClock, FakeRunner, fake_handlers, put};
use rqapi_runtime::qapi::serde_json::json;
use rqga::commands::runner::{Captured, Quiet};

fn executable(root: &Path, path: &str) {
    put(root, path, "#!/bin/sh\n");
    let full = root.join(path.trim_start_matches('/'));
    std::fs::set_permissions(full, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn shutdown_prefers_the_mode_program() {
    let dir = tempfile::tempdir().unwrap();
    let runner = FakeRunner::new();
    let h = fake_handlers(dir.path(), &runner, &Default::default());
    // No /sbin/poweroff etc. under the root: /sbin/shutdown with flags.
    for (mode, flag) in [
        (None, "-P"),
        (Some("powerdown"), "-P"),
        (Some("halt"), "-H"),
        (Some("reboot"), "-r"),
    ] {
        let args = mode.map_or(json!({}), |m| json!({"mode": m}));
        // No reply on success (success-response: false).
        assert_eq!(call(&h, "guest-shutdown", args).await.unwrap(), json!(null));
        assert_eq!(
            runner.lines().pop().unwrap(),
            format!("/sbin/shutdown -h {flag} +0 hypervisor initiated shutdown")
        );
    }
    executable(dir.path(), "/sbin/poweroff");
    executable(dir.path(), "/sbin/halt");
    put(dir.path(), "/sbin/reboot", "not executable");
    for (mode, program) in [("powerdown", "/sbin/poweroff"), ("halt", "/sbin/halt")] {
        call(&h, "guest-shutdown", json!({"mode": mode}))
            .await
            .unwrap();
        assert_eq!(runner.lines().pop().unwrap(), program);
    }
    // Root can execute anything; only check the fallback when not root.
    call(&h, "guest-shutdown", json!({"mode": "reboot"}))
        .await
        .unwrap();
    let last = runner.lines().pop().unwrap();
    assert!(
        last == "/sbin/shutdown -h -r +0 hypervisor initiated shutdown" || last == "/sbin/reboot"
    );
}

#[tokio::test]
async fn shutdown_errors_as_qemu_ga() {
    let dir = tempfile::tempdir().unwrap();
    let runner = FakeRunner::new();
    let h = fake_handlers(dir.path(), &runner, &Default::default());
    assert_eq!(
        call_err(&h, "guest-shutdown", json!({"mode": "bogus"})).await,
        "mode is invalid (valid values are: halt|powerdown|reboot"
    );
    assert_eq!(
        call_err(&h, "guest-shutdown", json!({"mode": 5})).await,
        "Invalid parameter type for 'mode', expected: string"
    );
    assert_eq!(
        call_err(&h, "guest-shutdown", json!({"foo": 1})).await,
        "Parameter 'foo' is unexpected"
    );
    assert!(runner.lines().is_empty());
    runner.on_captured(
        "/sbin/shutdown",
        Captured::Exited {
            code: 1,
            output: b"Failed to talk to init daemon.\n".to_vec(),
        },
    );
    assert_eq!(
        call_err(&h, "guest-shutdown", json!({})).await,
        "child process has failed to shutdown: Failed to talk to init daemon.\n"
    );
}

#[tokio::test]
async fn suspend_prefers_systemd() {
    let dir = tempfile::tempdir().unwrap();
    let runner = FakeRunner::new();
    let h = fake_handlers(dir.path(), &runner, &Default::default());
    runner.on_quiet("systemctl status", Quiet::Exited(3));
    call(&h, "guest-suspend-ram", json!({})).await.unwrap();
    assert_eq!(
        runner.lines(),
        ["systemctl status systemd-suspend", "systemctl suspend"]
    );
    call(&h, "guest-suspend-disk", json!({})).await.unwrap();
    call(&h, "guest-suspend-hybrid", json!({})).await.unwrap();
    assert_eq!(
        runner.lines()[2..],
        [
            "systemctl status systemd-hibernate",
            "systemctl hibernate",
            "systemctl status systemd-hybrid-sleep",
            "systemctl hybrid-sleep"
        ]
    );
}

#[tokio::test]
async fn suspend_falls_back_to_pm_utils_then_sysfs() {
    let dir = tempfile::tempdir().unwrap();
    let runner = FakeRunner::new();
    let h = fake_handlers(dir.path(), &runner, &Default::default());
    // systemctl missing (status 4 = unknown unit), pm-is-supported says yes.
    runner.on_quiet("systemctl", Quiet::Exited(4));
    runner.on_quiet("pm-suspend", Quiet::Exited(0));
    runner.on_quiet("pm-is-supported --suspend", Quiet::Exited(0));
    runner.on_quiet("pm-is-supported", Quiet::SpawnFailed(libc::ENOENT));
    call(&h, "guest-suspend-ram", json!({})).await.unwrap();
    assert_eq!(
        runner.lines(),
        [
            "systemctl status systemd-suspend",
            "pm-is-supported --suspend",
            "pm-suspend"
        ]
    );
    // Nothing supports hibernation: qemu-ga's error.
    assert_eq!(
        call_err(&h, "guest-suspend-disk", json!({})).await,
        "the requested suspend mode is not supported by the guest"
    );
    // With /sys/power/state listing "disk", the word is written there.
    put(dir.path(), "/sys/power/state", "freeze mem disk\n");
    call(&h, "guest-suspend-disk", json!({})).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sys/power/state")).unwrap(),
        "diskze mem disk\n"
    );
    // Hybrid has no sysfs word.
    assert_eq!(
        call_err(&h, "guest-suspend-hybrid", json!({})).await,
        "the requested suspend mode is not supported by the guest"
    );
}

#[tokio::test]
async fn suspend_failures_keep_qemu_ga_quirks() {
    let dir = tempfile::tempdir().unwrap();
    let runner = FakeRunner::new();
    let h = fake_handlers(dir.path(), &runner, &Default::default());
    // systemd claims support but fails; nothing else supports the mode:
    // qemu-ga has already dropped that error and reports success.
    runner.on_quiet("systemctl status", Quiet::Exited(3));
    runner.on_quiet("systemctl suspend", Quiet::Exited(1));
    runner.on_quiet("pm-is-supported", Quiet::Exited(1));
    call(&h, "guest-suspend-ram", json!({})).await.unwrap();
    // ... and for hybrid, the sysfs step's "unknown guest suspend mode".
    runner.on_quiet("systemctl hybrid-sleep", Quiet::Exited(1));
    assert_eq!(
        call_err(&h, "guest-suspend-hybrid", json!({})).await,
        "unknown guest suspend mode"
    );
    // An unreadable /sys/power/state (here a directory) lists nothing.
    std::fs::create_dir_all(dir.path().join("sys/power/state")).unwrap();
    let runner2 = FakeRunner::new();
    runner2.on_quiet("systemctl", Quiet::Exited(4));
    runner2.on_quiet("pm-is-supported", Quiet::Exited(1));
    let h2 = fake_handlers(dir.path(), &runner2, &FakeClock::default().into());
    assert_eq!(
        call_err(&h2, "guest-suspend-ram", json!({})).await,
        "the requested suspend mode is not supported by the guest"
    );
}

//! rqga's own start-up behaviour where the C agent cannot be compared
//! directly (10.2-only options, or it would start serving).

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::cli::*;

fn nonexistent_conf() -> &'static OsStr {
    OsStr::new("/nonexistent/rqga-test/qemu-ga.conf")
}

fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn config_option_is_required_and_wins_over_qga_conf() {
    let out = run(
        OURS,
        &["-c", "/nonexistent/x.conf", "-D"],
        nonexistent_conf(),
        &[],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "\n** (process:PID): CRITICAL **: HH:MM:SS.mmm: error loading configuration from path: \
         /nonexistent/x.conf, No such file or directory\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("c.conf");
    std::fs::write(&conf, "[general]\nallow-rpcs=guest-ping,guest-info\n").expect("write");
    let other = dir.path().join("other.conf");
    std::fs::write(&other, "[general]\nmethod=isa-serial\n").expect("write");
    let conf_arg = format!("--config={}", conf.display());
    let out = run(
        OURS,
        &[conf_arg.as_str(), "-D", "-a", "guest-sync"],
        other.as_os_str(),
        &[],
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("method=virtio-serial\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("allow-rpcs=guest-info,guest-ping,guest-sync\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn options_act_in_second_pass_order() {
    let out = run(OURS, &["-V", "-x"], nonexistent_conf(), &[]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, "QEMU Guest Agent 10.2.0\n");
    assert_eq!(out.stderr, "qemu-ga: invalid option -- 'x'\n");
}

#[test]
fn verbose_log_file_uses_agent_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log");
    let sock = dir.path().join("s");
    let args = [
        OsStr::new("-v"),
        OsStr::new("-m"),
        OsStr::new("unix-listen"),
        OsStr::new("-b"),
        OsStr::new("guest-exec"),
        OsStr::new("-p"),
        sock.as_os_str(),
        OsStr::new("-l"),
        log.as_os_str(),
        OsStr::new("-t"),
        dir.path().as_os_str(),
    ];
    let out = run_until_serving(OURS, &args, nonexistent_conf(), &sock);
    assert_eq!(out.code, Some(0), "{out:?}");
    let text = normalize(&std::fs::read_to_string(&log).expect("log file"));
    // As in qemu-ga, the first debug line comes before the log file is
    // opened, so it goes to stderr.
    assert_eq!(text, "SECS.USEC: debug: disabling command: guest-exec\n");
    let started = "SECS.USEC: debug: Guest agent version 10.2.0 (rqga 0.1.0) started\n";
    assert!(out.stderr.starts_with(started), "{}", out.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("qga.state")).expect("state"),
        b"[global]\nfd_counter=1000\n"
    );
}

#[test]
fn frozen_marker_defers_log_and_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("qga.state.isfrozen"), "").expect("marker");
    let log = dir.path().join("log");
    let sock = dir.path().join("s");
    let args = [
        OsStr::new("-v"),
        OsStr::new("-m"),
        OsStr::new("unix-listen"),
        OsStr::new("-p"),
        sock.as_os_str(),
        OsStr::new("-l"),
        log.as_os_str(),
        OsStr::new("-t"),
        dir.path().as_os_str(),
    ];
    let out = run_until_serving(OURS, &args, nonexistent_conf(), &sock);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stderr.starts_with(
            "\n** (process:PID): WARNING **: HH:MM:SS.mmm: previous instance appears to have exited \
             with frozen filesystems."
        ),
        "{}",
        out.stderr
    );
    // Ours (not qemu-ga) thaws at start-up instead of waiting for a
    // thaw that may never come: the deferred log file is then opened,
    // the marker removed and all commands enabled.
    let text = normalize(&std::fs::read_to_string(&log).expect("log opened after the thaw"));
    // The recovery's own warning is logged while logging is still off
    // (frozen): it is held and written first, once the thaw re-enables it.
    let raw = std::fs::read_to_string(&log).expect("log");
    let (first, _) = raw.split_once('\n').expect("a first line");
    let marker = dir.path().join("qga.state.isfrozen");
    let found = format!(
        "warning: found {}: thawing filesystems left frozen by a previous instance",
        marker.display()
    );
    assert_eq!(first.split_once(": ").map(|(_, m)| m), Some(&*found));
    let (_, rest) = text.split_once('\n').expect("two lines");
    assert!(
        rest.starts_with("SECS.USEC: warning: logging re-enabled due to filesystem unfreeze\n"),
        "{text}"
    );
    assert!(
        text.contains("debug: enabling command: guest-exec\n"),
        "{text}"
    );
    assert!(!dir.path().join("qga.state.isfrozen").exists());
    assert!(
        !dir.path().join("qga.state").exists(),
        "state file is deferred while frozen (and written with the first handle)"
    );
}

#[test]
fn daemonize_writes_and_removes_pidfile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log");
    let pid = dir.path().join("pid");
    let sock = dir.path().join("s");
    let args = [
        OsStr::new("-d"),
        OsStr::new("-v"),
        OsStr::new("-bguest-exec"),
        OsStr::new("-f"),
        pid.as_os_str(),
        OsStr::new("-l"),
        log.as_os_str(),
        OsStr::new("-m"),
        OsStr::new("unix-listen"),
        OsStr::new("-p"),
        sock.as_os_str(),
        OsStr::new("-t"),
        dir.path().as_os_str(),
    ];
    let out = run(OURS, &args, nonexistent_conf(), &[]);
    let started = "SECS.USEC: debug: Guest agent version 10.2.0 (rqga 0.1.0) started\n";
    assert_eq!(
        out,
        Outcome {
            stdout: String::new(),
            stderr: started.into(),
            code: Some(0)
        }
    );
    // The daemon serves until SIGTERM, then removes its pid file.
    assert!(wait_for(|| pid.exists() && sock.exists()), "daemon serves");
    let daemon: i32 = std::fs::read_to_string(&pid)
        .expect("pid file")
        .trim()
        .parse()
        .expect("a pid");
    assert!(std::os::unix::net::UnixStream::connect(&sock).is_ok());
    // SAFETY: kill(2) on the daemon this test started.
    unsafe { libc::kill(daemon, libc::SIGTERM) };
    assert!(wait_for(|| !pid.exists()), "daemon finished");
    let text = normalize(&std::fs::read_to_string(&log).expect("log"));
    assert_eq!(text, "SECS.USEC: debug: disabling command: guest-exec\n");
}

#[test]
fn pidfile_is_locked_against_a_second_agent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pid");
    let held = rqga::pidfile::Pidfile::write(path.as_os_str()).expect("write pid file");
    // (Reading the file here would drop our fcntl lock: POSIX releases a
    // process's locks on a file when it closes any descriptor for it.)
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&path).expect("stat").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    // fcntl locks are per process: a second agent must fail to lock.
    let sock = dir.path().join("s");
    let args = [
        OsStr::new("-d"),
        OsStr::new("-f"),
        path.as_os_str(),
        OsStr::new("-m"),
        OsStr::new("unix-listen"),
        OsStr::new("-p"),
        sock.as_os_str(),
        OsStr::new("-t"),
        dir.path().as_os_str(),
    ];
    let out = run(OURS, &args, nonexistent_conf(), &[]);
    assert_eq!(
        out.code,
        Some(0),
        "the parent exits 0 before the daemon checks the lock"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        Path::new(&path).exists(),
        "the losing daemon must not remove our pid file"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        format!("{}\n", std::process::id())
    );
    held.remove();
    assert!(!path.exists());
}

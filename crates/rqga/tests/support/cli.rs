//! Running rqga and the C qemu-ga for their command-line behaviour.

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

pub use super::agent::{C_AGENT, OURS};

/// What a run printed and returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

/// The C agent, or `None` after printing why the test is skipped.
pub fn c_agent() -> Option<&'static str> {
    if Path::new(C_AGENT).exists() {
        Some(C_AGENT)
    } else {
        eprintln!("skipped: {C_AGENT} not found (apt-get install qemu-guest-agent)");
        None
    }
}

/// Whether the installed C agent is a 7.x release (no `-c`, no
/// `allow-rpcs`, one getopt pass, init failures exit 0).
pub fn c_is_7x() -> bool {
    let out = Command::new(C_AGENT)
        .arg("-V")
        .output()
        .expect("run qemu-ga -V");
    String::from_utf8_lossy(&out.stdout).starts_with("QEMU Guest Agent 7.")
}

/// Runs `binary` as `qemu-ga` (same argv[0] for both agents) with the
/// given `QGA_CONF` and extra environment.
pub fn run<S: AsRef<OsStr>>(
    binary: &str,
    args: &[S],
    conf: &OsStr,
    env: &[(&str, &str)],
) -> Outcome {
    let mut cmd = Command::new(binary);
    cmd.arg0("qemu-ga")
        .args(args)
        .env("QGA_CONF", conf)
        .env_remove("POSIXLY_CORRECT");
    cmd.env_remove("LISTEN_PID").env_remove("LISTEN_FDS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run agent");
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: normalize(&String::from_utf8_lossy(&out.stderr)),
        code: out.status.code(),
    }
}

/// Masks what legitimately differs between runs: pids, times and
/// `g_file_set_contents` temporary names.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        if let Some(rest) = line.strip_prefix("** (process:") {
            if let Some(close) = rest.find("): ") {
                line = format!("** (process:PID){}", &rest[close + 1..]);
            }
            if let Some(at) = line.find(" **: ") {
                let (head, tail) = line.split_at(at + 5);
                if tail.len() > 14 && tail.as_bytes()[12] == b':' {
                    line = format!("{head}HH:MM:SS.mmm{}", &tail[12..]);
                }
            }
        }
        let bytes = line.as_bytes();
        let digits = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits >= 9 && line[digits..].starts_with('.') && line.len() > digits + 8 {
            line = format!("SECS.USEC{}", &line[digits + 7..]);
        }
        if let Some(at) = line.find("qga.state.") {
            let end = at + "qga.state.".len();
            if line.len() >= end + 6
                && line[end..]
                    .chars()
                    .take(6)
                    .all(|c| c.is_ascii_alphanumeric())
            {
                line = format!("{}XXXXXX{}", &line[..end], &line[end + 6..]);
            }
        }
        out.push_str(&line);
    }
    out
}

/// Drops 10.2's `allow-rpcs=` line, which 7.2 does not print.
pub fn without_allow_rpcs(dump: &str) -> String {
    dump.split_inclusive('\n')
        .filter(|l| !l.starts_with("allow-rpcs="))
        .collect()
}

/// Runs `binary` like [`run`] until it serves `sock`, then stops it with
/// SIGTERM; what it printed and its exit status.
pub fn run_until_serving<S: AsRef<OsStr>>(
    binary: &str,
    args: &[S],
    conf: &OsStr,
    sock: &Path,
) -> Outcome {
    let mut cmd = Command::new(binary);
    cmd.arg0("qemu-ga")
        .args(args)
        .env("QGA_CONF", conf)
        .env_remove("POSIXLY_CORRECT")
        .env_remove("LISTEN_PID")
        .env_remove("LISTEN_FDS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("start agent");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::os::unix::net::UnixStream::connect(sock).is_err() {
        assert!(std::time::Instant::now() < deadline, "agent did not serve");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let out = child.wait_with_output().expect("wait for agent");
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: normalize(&String::from_utf8_lossy(&out.stderr)),
        code: out.status.code(),
    }
}

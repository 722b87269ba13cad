//! guest-exec and guest-exec-status against the C agent
//! (`/usr/sbin/qemu-ga`): each case's final status, or its error, must
//! be the same.  The installed agent is 7.2; rqga follows 10.2 where they
//! differ, and the comparison maps 7.2's texts to 10.2's:
//! - spawn errors: 7.2 wraps GLib's message as `Guest agent command
//!   failed, error was '<message>'`, 10.2 passes it on as it is;
//! - an unknown or already collected PID: 7.2 says `Invalid parameter
//!   'pid'`, 10.2 `PID ld does not exist` (sic, see `UNKNOWN_PID`).
//!
//! 7.2 only takes a boolean `capture-output`, so the capture modes are
//! tested against our own expectations (tests/exec_dispatch.rs).

use std::time::{Duration, Instant};

use crate::support::calls::wire::*;
use rqga::commands::Handlers;
use rqga::commands::exec::UNKNOWN_PID;

const CASES: &[&str] = &[
    r#"{"path": "/bin/echo", "arg": ["hello", "w\u00f6rld"], "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "cat; echo err >&2; echo $FOO; exit 3"],
        "env": ["FOO=bar"], "input-data": "c3RkaW4tZGF0YQo=", "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "exit 5"]}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "echo hidden"], "capture-output": false}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "kill -9 $$"], "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "kill -TERM $$"]}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "echo only-err >&2"], "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "wc -c"], "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "wc -c"], "input-data": "", "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "env | sort"], "env": ["B=2", "A=1", "NOEQ"],
        "capture-output": true}"#,
    r#"{"path": "/bin/sh", "arg": ["-c", "echo \"$X\""], "env": ["X=a\u0000b"],
        "capture-output": true}"#,
    r#"{"path": "/bin/echo", "arg": ["a\u0000b", ""], "capture-output": true}"#,
    r#"{"path": "echo", "arg": ["searched"], "env": ["PATH=/nonexistent:/bin"],
        "capture-output": true}"#,
    r#"{"path": "sh", "arg": ["-c", "echo agent-path"], "capture-output": true}"#,
    r#"{"path": "/bin/true", "arg": [], "input-data": "aGVsbG8="}"#,
    r#"{"path": "/nonexistent/binary"}"#,
    r#"{"path": "no-such-program-rqga"}"#,
    r#"{"path": "no-such-program-rqga", "env": []}"#,
    r#"{"path": "/etc/passwd"}"#,
    r#"{"path": "/etc"}"#,
    r#"{"path": ""}"#,
    r#"{"path": "/bin/true", "input-data": "!!"}"#,
    r#"{"path": "/bin/true", "input-data": "aGVs\u0000"}"#,
];

/// 7.2's texts as 10.2 words them.
fn as_10_2(mut resp: Value) -> Value {
    if let Some(Value::String(desc)) = resp.pointer_mut("/error/desc") {
        if desc == "Invalid parameter 'pid'" {
            *desc = UNKNOWN_PID.to_owned();
        } else if let Some(inner) = desc
            .strip_prefix("Guest agent command failed, error was '")
            .and_then(|d| d.strip_suffix('\''))
        {
            *desc = inner.to_owned();
        }
    }
    resp
}

/// Runs one case with `send`: the exec error, or the final status and
/// the error of asking again.
async fn run_case<F, Fut>(case: &str, mut send: F) -> Value
where
    F: FnMut(&'static str, Value) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let args: Value = serde_json::from_str(case).unwrap();
    let started = send("guest-exec", args).await;
    let Some(pid) = started.pointer("/return/pid").cloned() else {
        return json!({ "exec": sorted(&as_10_2(started)) });
    };
    let begin = Instant::now();
    let status = loop {
        let st = send("guest-exec-status", json!({ "pid": pid })).await;
        if st.pointer("/return/exited") != Some(&json!(false)) {
            break st;
        }
        assert!(
            begin.elapsed() < Duration::from_secs(30),
            "{case}: never ended"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let again = send("guest-exec-status", json!({ "pid": pid })).await;
    json!({ "status": sorted(&status), "again": as_10_2(again) })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_cases_match_c_agent() {
    let Some(mut c) = CAgent::start() else {
        return;
    };
    let h = Handlers::default();
    let mut differences = Vec::new();
    for case in CASES {
        let theirs = run_case(case, |cmd, args| {
            let resp = c.call(cmd, args);
            async move { resp }
        })
        .await;
        let ours = run_case(case, |cmd, args| call(&h, cmd, args)).await;
        if ours != theirs {
            differences.push(format!("{case}\n  ours:   {ours}\n  theirs: {theirs}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(h.exec.is_empty(), "every status was collected");
}

//! guest-exec and guest-exec-status through the generated dispatcher.

use std::time::{Duration, Instant};

use crate::support::calls::wire::*;
use rqga::commands::Handlers;
use rqga::commands::exec::UNKNOWN_PID;

/// Polls guest-exec-status until `exited`, as a client would.
async fn wait_status(h: &Handlers, pid: &Value) -> Value {
    let start = Instant::now();
    loop {
        let st = ok(h, "guest-exec-status", json!({"pid": pid})).await;
        if st["exited"] == true {
            return st;
        }
        assert_eq!(st, json!({"exited": false}), "running status has no more");
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "child never ended"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn run(h: &Handlers, args: Value) -> Value {
    let pid = ok(h, "guest-exec", args).await["pid"].clone();
    assert!(pid.as_i64().unwrap() > 0);
    wait_status(h, &pid).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_with_capture_and_status_read_once() {
    let h = Handlers::default();
    let pid = ok(
        &h,
        "guest-exec",
        json!({"path": "/bin/echo", "arg": ["hello", "w\u{f6}rld"], "capture-output": true}),
    )
    .await["pid"]
        .clone();
    assert_eq!(
        wait_status(&h, &pid).await,
        json!({"exited": true, "exitcode": 0, "out-data": "aGVsbG8gd8O2cmxkCg==", "out-truncated": false})
    );
    // qemu-ga 10.2's text (7.2 said "Invalid parameter 'pid'").
    assert_eq!(
        err(&h, "guest-exec-status", json!({"pid": pid})).await,
        UNKNOWN_PID
    );
    assert_eq!(
        err(&h, "guest-exec-status", json!({"pid": 1})).await,
        UNKNOWN_PID
    );
    assert!(h.exec.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_input_stderr_and_exit_code() {
    let h = Handlers::default();
    let st = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "cat; echo err >&2; echo $FOO; exit 3"],
               "env": ["FOO=bar"], "input-data": "c3RkaW4tZGF0YQo=", "capture-output": true}),
    )
    .await;
    assert_eq!(
        st,
        json!({"exited": true, "exitcode": 3, "out-data": "c3RkaW4tZGF0YQpiYXIK",
               "out-truncated": false, "err-data": "ZXJyCg==", "err-truncated": false})
    );
    // Without capture there is no data, only the status.
    let st = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "echo x; exit 7"]}),
    )
    .await;
    assert_eq!(st, json!({"exited": true, "exitcode": 7}));
    let st = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "echo x"], "capture-output": false}),
    )
    .await;
    assert_eq!(st, json!({"exited": true, "exitcode": 0}));
    // An empty environment is empty.
    let st = run(
        &h,
        json!({"path": "/usr/bin/env", "env": [], "capture-output": true}),
    )
    .await;
    assert_eq!(st, json!({"exited": true, "exitcode": 0}));
    // Without input-data, stdin is /dev/null.
    let st = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "wc -c"], "capture-output": true}),
    )
    .await;
    assert_eq!(st["out-data"], "MAo=");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_by_signal() {
    let h = Handlers::default();
    let st = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "kill -9 $$"], "capture-output": true}),
    )
    .await;
    assert_eq!(st, json!({"exited": true, "signal": 9}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_modes() {
    let h = Handlers::default();
    let script = json!(["-c", "echo out; echo err >&2"]);
    let mode = |m: &str| json!({"path": "/bin/sh", "arg": script, "capture-output": m});
    let out = json!("b3V0Cg==");
    let err_ = json!("ZXJyCg==");
    let st = run(&h, mode("separated")).await;
    assert_eq!((&st["out-data"], &st["err-data"]), (&out, &err_));
    let st = run(&h, mode("stdout")).await;
    assert_eq!((&st["out-data"], st.get("err-data")), (&out, None));
    let st = run(&h, mode("stderr")).await;
    assert_eq!((st.get("out-data"), &st["err-data"]), (None, &err_));
    let st = run(&h, mode("none")).await;
    assert_eq!(st, json!({"exited": true, "exitcode": 0}));
    let st = run(&h, mode("merged")).await;
    assert_eq!(st.get("err-data"), None);
    assert_eq!(st["out-data"], "b3V0CmVycgo=");
    assert_eq!(
        err(&h, "guest-exec", mode("both")).await,
        "Parameter 'capture-output' does not accept value 'both'"
    );
    assert_eq!(
        err(
            &h,
            "guest-exec",
            json!({"path": "/bin/true", "capture-output": 1})
        )
        .await,
        "Invalid parameter type for 'capture-output', expected: GuestExecCaptureOutput"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_is_bounded_at_16_mib() {
    let h = Handlers::default();
    let st = run(
        &h,
        json!({"path": "/bin/sh",
               "arg": ["-c", "head -c 17000000 /dev/zero; head -c 100 /dev/zero >&2"],
               "capture-output": true}),
    )
    .await;
    // The C agent's numbers: 16 MiB kept, base64 22369624 characters.
    assert_eq!(st["out-data"].as_str().unwrap().len(), 22369624);
    assert_eq!(st["out-truncated"], true);
    assert_eq!(st["err-truncated"], false);
    assert_eq!(st["err-data"].as_str().unwrap().len(), 136);
    let exact = run(
        &h,
        json!({"path": "/bin/sh", "arg": ["-c", "head -c 16777216 /dev/zero"],
               "capture-output": "stdout"}),
    )
    .await;
    assert_eq!(exact["out-truncated"], false, "exactly the limit is whole");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_errors_and_path_search() {
    let h = Handlers::default();
    assert_eq!(
        err(&h, "guest-exec", json!({"path": "/nonexistent/binary"})).await,
        "Failed to execute child process \u{201c}/nonexistent/binary\u{201d} (No such file or directory)"
    );
    assert_eq!(
        err(&h, "guest-exec", json!({"path": "no-such-program-rqga"})).await,
        "Failed to execute child process \u{201c}no-such-program-rqga\u{201d} (No such file or directory)"
    );
    assert_eq!(
        err(&h, "guest-exec", json!({"path": ""})).await,
        "Failed to execute child process \u{201c}\u{201d} (No such file or directory)"
    );
    assert_eq!(
        err(&h, "guest-exec", json!({"path": "/etc/passwd"})).await,
        "Failed to execute child process \u{201c}/etc/passwd\u{201d} (Permission denied)"
    );
    assert_eq!(
        err(
            &h,
            "guest-exec",
            json!({"path": "/bin/true", "input-data": "!"})
        )
        .await,
        "Base64 data contains invalid characters"
    );
    assert_eq!(
        err(&h, "guest-exec", json!({"arg": ["x"]})).await,
        "Parameter 'path' is missing"
    );
    // A bare name is searched in the PATH of the given environment.
    let st = run(
        &h,
        json!({"path": "echo", "arg": ["hi"], "env": ["PATH=/nonexistent:/bin:/usr/bin"],
               "capture-output": true}),
    )
    .await;
    assert_eq!(st["out-data"], "aGkK");
    // A script without "#!" runs through /bin/sh, as with GLib.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script");
    std::fs::write(&script, "echo from-script \"$1\"\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let st = run(
        &h,
        json!({"path": script, "arg": ["a1"], "capture-output": true}),
    )
    .await;
    assert_eq!(st["out-data"], "ZnJvbS1zY3JpcHQgYTEK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_of_a_running_child_waits_only_briefly() {
    let h = Handlers::default();
    let pid = ok(
        &h,
        "guest-exec",
        json!({"path": "/bin/sleep", "arg": ["5"]}),
    )
    .await["pid"]
        .clone();
    let asked = Instant::now();
    assert_eq!(
        ok(&h, "guest-exec-status", json!({"pid": pid})).await,
        json!({"exited": false})
    );
    let waited = asked.elapsed();
    assert!(waited >= rqga::commands::exec::STATUS_WAIT, "{waited:?}");
    assert!(waited < Duration::from_secs(1), "{waited:?}");
    // SAFETY: kill(2) on the child we started; nothing else is touched.
    unsafe { libc::kill(pid.as_i64().unwrap() as i32, libc::SIGKILL) };
    assert_eq!(
        wait_status(&h, &pid).await,
        json!({"exited": true, "signal": 9})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_status_and_shared_table() {
    let h = Handlers::default();
    let pid = ok(
        &h,
        "guest-exec",
        json!({"path": "/bin/sh", "arg": ["-c", "echo early; sleep 0.5; echo late"],
               "capture-output": true}),
    )
    .await["pid"]
        .clone();
    assert_eq!(
        ok(&h, "guest-exec-status", json!({"pid": pid})).await,
        json!({"exited": false})
    );
    // Another connection's view (a clone of the table) sees the same PID.
    let h2 = Handlers {
        exec: h.exec.clone(),
        ..Handlers::default()
    };
    let st = wait_status(&h2, &pid).await;
    assert_eq!(st["out-data"], "ZWFybHkKbGF0ZQo=");
    assert_eq!(
        err(&h, "guest-exec-status", json!({"pid": pid})).await,
        UNKNOWN_PID
    );
}

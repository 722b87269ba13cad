//! guest-file-* against the C agent (`/usr/sbin/qemu-ga`): the same
//! request sequence on the same files in two temporary directories must
//! give the same responses (handle numbers included: both count from 1000
//! in a fresh state directory) and leave the same files behind.  The
//! installed agent is 7.2; its file commands match 10.2's.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::support::calls::wire::*;
use rqga::commands::Handlers;

/// (command, arguments); `$D` is the test directory, `$H` the handle
/// returned by the latest successful guest-file-open.
const STEPS: &[(&str, &str)] = &[
    (
        "guest-file-open",
        r#"{"path": "$D/hello.txt", "mode": "r"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": 5}"#),
    ("guest-file-read", r#"{"handle": $H}"#),
    ("guest-file-read", r#"{"handle": $H, "count": 100}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 6, "whence": "set"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": 5}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": -3, "whence": "end"}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": 1}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": 7}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": -1}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "bogus"}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": -1, "whence": "set"}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": -100, "whence": "cur"}"#,
    ),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 100, "whence": "end"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": -1}"#),
    ("guest-file-read", r#"{"handle": $H, "count": 0}"#),
    ("guest-file-read", r#"{"handle": $H, "count": 50331649}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "set"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": 50331648}"#),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8="}"#,
    ),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": ""}"#),
    ("guest-file-flush", r#"{"handle": $H}"#),
    ("guest-file-close", r#"{"handle": $H}"#),
    ("guest-file-close", r#"{"handle": $H}"#),
    ("guest-file-read", r#"{"handle": 999999}"#),
    ("guest-file-read", r#"{"handle": 999999, "count": -1}"#),
    ("guest-file-write", r#"{"handle": 999999, "buf-b64": "!"}"#),
    (
        "guest-file-seek",
        r#"{"handle": 999999, "offset": 0, "whence": 9}"#,
    ),
    ("guest-file-flush", r#"{"handle": 999999}"#),
    ("guest-file-open", r#"{"path": "$D/out.bin", "mode": "w+"}"#),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8gcWdhCg=="}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8=", "count": 2}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8=", "count": 100}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8=", "count": -2}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "!!!notbase64"}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVsbG8"}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "aGVs\u0000!!!"}"#,
    ),
    (
        "guest-file-write",
        r#"{"handle": $H, "buf-b64": "a=bc\n=x=Y"}"#,
    ),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": ""}"#),
    ("guest-file-flush", r#"{"handle": $H}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "set"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": 64}"#),
    ("guest-file-close", r#"{"handle": $H}"#),
    ("guest-file-open", r#"{"path": "$D/out.bin", "mode": "a"}"#),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "IQ=="}"#),
    ("guest-file-read", r#"{"handle": $H}"#),
    ("guest-file-close", r#"{"handle": $H}"#),
    ("guest-file-open", r#"{"path": "$D/out.bin", "mode": "r+"}"#),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "Sg=="}"#),
    ("guest-file-read", r#"{"handle": $H, "count": 4}"#),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "Sg=="}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "cur"}"#,
    ),
    ("guest-file-close", r#"{"handle": $H}"#),
    (
        "guest-file-open",
        r#"{"path": "$D/out.bin", "mode": "a+b"}"#,
    ),
    ("guest-file-read", r#"{"handle": $H, "count": 3}"#),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "Pz8="}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "cur"}"#,
    ),
    ("guest-file-close", r#"{"handle": $H}"#),
    (
        "guest-file-open",
        r#"{"path": "$D/new.bin", "mode": "wb+"}"#,
    ),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "AAEC"}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "end"}"#,
    ),
    ("guest-file-close", r#"{"handle": $H}"#),
    (
        "guest-file-open",
        r#"{"path": "$D/nul\u0000name", "mode": "w"}"#,
    ),
    ("guest-file-write", r#"{"handle": $H, "buf-b64": "bnVs"}"#),
    ("guest-file-close", r#"{"handle": $H}"#),
    ("guest-file-open", r#"{"path": "$D/does-not-exist"}"#),
    (
        "guest-file-open",
        r#"{"path": "$D/missing-dir/x", "mode": "w"}"#,
    ),
    (
        "guest-file-open",
        r#"{"path": "$D/hello.txt", "mode": "zz"}"#,
    ),
    ("guest-file-open", r#"{"path": "$D/hello.txt", "mode": ""}"#),
    (
        "guest-file-open",
        r#"{"path": "$D/hello.txt", "mode": "r\u0000+"}"#,
    ),
    ("guest-file-open", r#"{"mode": "r"}"#),
    ("guest-file-open", r#"{"path": "$D", "mode": "w"}"#),
    ("guest-file-open", r#"{"path": "$D"}"#),
    ("guest-file-read", r#"{"handle": $H}"#),
    (
        "guest-file-seek",
        r#"{"handle": $H, "offset": 0, "whence": "end"}"#,
    ),
    ("guest-file-close", r#"{"handle": $H}"#),
];

fn setup(dir: &Path) {
    std::fs::write(dir.join("hello.txt"), "hello world\nline2\n").unwrap();
}

fn request(step: &(&str, &str), dir: &Path, handle: i64) -> Value {
    let text = step
        .1
        .replace("$D", dir.to_str().unwrap())
        .replace("$H", &handle.to_string());
    serde_json::from_str(&text).unwrap()
}

/// Runs the steps with `send`, returning the responses with the
/// directory shown as `$D`.
async fn run_steps<F, Fut>(dir: &Path, mut send: F) -> Vec<String>
where
    F: FnMut(&'static str, Value) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut handle = 0;
    let mut out = Vec::new();
    for step in STEPS {
        let resp = send(step.0, request(step, dir, handle)).await;
        if step.0 == "guest-file-open" {
            if let Some(h) = resp["return"].as_i64() {
                handle = h;
            }
        }
        let shown = serde_json::to_string(&sorted(&resp))
            .unwrap()
            .replace(dir.to_str().unwrap(), "$D");
        out.push(format!("{} {} -> {shown}", step.0, step.1));
    }
    out
}

/// File names, contents and permission bits under `dir`.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            let p = e.path();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
                std::fs::metadata(&p).unwrap().mode() & 0o7777,
            )
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn file_sequence_matches_c_agent() {
    let Some(mut c) = CAgent::start() else {
        return;
    };
    let c_dir = tempfile::tempdir().unwrap();
    setup(c_dir.path());
    let theirs = run_steps(c_dir.path(), |cmd, args| {
        let resp = c.call(cmd, args);
        async move { resp }
    })
    .await;

    let our_dir = tempfile::tempdir().unwrap();
    setup(our_dir.path());
    let h = Handlers::default();
    let ours = run_steps(our_dir.path(), |cmd, args| call(&h, cmd, args)).await;

    let mut differences = Vec::new();
    for (o, t) in ours.iter().zip(&theirs) {
        if o != t {
            differences.push(format!("ours:   {o}\ntheirs: {t}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert_eq!(snapshot(our_dir.path()), snapshot(c_dir.path()));
}

//! The `rqapi` binary's check and dump commands on small schemas written
//! by the test itself.

use std::path::PathBuf;
use std::process::{Command, Output};

fn write_schema(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rqapi-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write schema");
    path
}

fn rqapi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rqapi"))
        .args(args)
        .output()
        .expect("run rqapi")
}

#[test]
fn check_valid_schema_is_silent() {
    let path = write_schema("ok.json", "{ 'command': 'ping' }\n");
    let out = rqapi(&["check", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn check_reports_first_error_and_fails() {
    let path = write_schema(
        "bad.json",
        "{ 'struct': 'Thing', 'data': { 'm': 'Nope' } }\n",
    );
    let p = path.to_str().unwrap();
    let out = rqapi(&["check", p]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!("{p}: In struct 'Thing':\n{p}:1: member 'm' uses unknown type 'Nope'\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), want);
}

#[test]
fn dump_prints_modules_and_entities() {
    let path = write_schema("dump.json", "{ 'event': 'EV', 'data': { 'a': 'int' } }\n");
    let out = rqapi(&["dump", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("module ./builtin\nobject q_empty\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "module dump.json\nobject q_obj_EV-arg\n    member a: int optional=False\nevent EV q_obj_EV-arg\n    boxed=False\n"
        ),
        "{text}"
    );
}

#[test]
fn missing_file_is_reported() {
    let out = rqapi(&["check", "/nonexistent/x.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "can't read schema file '/nonexistent/x.json': No such file or directory\n"
    );
}

#[test]
fn compat_exit_status_and_json() {
    let old = write_schema(
        "compat-old.json",
        "{ 'command': 'a' }\n{ 'command': 'b' }\n",
    );
    let added = write_schema(
        "compat-added.json",
        "{ 'command': 'a' }\n{ 'command': 'b' }\n{ 'command': 'c' }\n",
    );
    let removed = write_schema("compat-removed.json", "{ 'command': 'a' }\n");
    let bad = write_schema(
        "compat-bad.json",
        "{ 'command': 'a', 'data': { 'x': 'Nope' } }\n",
    );
    let (o, a, r, b) = (
        old.to_str().unwrap(),
        added.to_str().unwrap(),
        removed.to_str().unwrap(),
        bad.to_str().unwrap(),
    );
    let out = rqapi(&["compat", o, a]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("input  c: command 'c' added"), "{text}");
    let out = rqapi(&["compat", o, r, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["changes"][0]["message"], "command 'b' removed");
    let out = rqapi(&["compat", o, b]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("uses unknown type 'Nope'"));
}

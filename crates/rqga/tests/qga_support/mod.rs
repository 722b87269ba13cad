//! Shared helpers for the command-family tests: calling our handlers
//! through the generated dispatcher, and talking to the C agent.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rqapi_runtime::qapi::dispatch::DispatchState;
pub use rqapi_runtime::qapi::serde_json::{self, Value, json};
use rqga::commands::Handlers;
use rqga::qapi::commands::dispatch;

pub const C_AGENT: &str = "/usr/sbin/qemu-ga";

/// Runs `command` through the generated dispatcher (argument checking
/// included) and returns the response as the wire shows it:
/// `{"return": ...}` or `{"error": {"class", "desc"}}`.
pub async fn call(h: &Handlers, command: &str, args: Value) -> Value {
    let args = match args {
        Value::Object(map) => map,
        Value::Null => Default::default(),
        other => panic!("arguments must be an object: {other}"),
    };
    match dispatch(h, &DispatchState::default(), command, &args, false).await {
        Ok(ret) => json!({ "return": ret.unwrap_or(Value::Null) }),
        Err(e) => json!({ "error": { "class": e.class.as_str(), "desc": e.desc } }),
    }
}

/// The `return` member, or a panic showing the error.
pub async fn ok(h: &Handlers, command: &str, args: Value) -> Value {
    let resp = call(h, command, args.clone()).await;
    match resp.get("return") {
        Some(v) => v.clone(),
        None => panic!("{command} {args}: {resp}"),
    }
}

/// The error's `desc`, or a panic showing the success.
pub async fn err(h: &Handlers, command: &str, args: Value) -> String {
    let resp = call(h, command, args.clone()).await;
    match resp.pointer("/error/desc").and_then(Value::as_str) {
        Some(d) => d.to_owned(),
        None => panic!("{command} {args}: expected an error, got {resp}"),
    }
}

/// `value` with every object's members in name order, for comparing
/// answers whose member order differs (the C agent uses hash order).
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<_> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The C agent on a unix socket in its own temporary state directory.
pub struct CAgent {
    child: Child,
    conn: BufReader<UnixStream>,
    _dir: tempfile::TempDir,
}

impl CAgent {
    /// Starts it, or says why the test is skipped and returns `None`.
    pub fn start(test: &str) -> Option<CAgent> {
        if !Path::new(C_AGENT).exists() {
            eprintln!("skipped: {test}: {C_AGENT} not found");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("qga.sock");
        let child = Command::new(C_AGENT)
            .args(["-m", "unix-listen", "-p"])
            .arg(&sock)
            .arg("-t")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let stream = loop {
            if let Ok(s) = UnixStream::connect(&sock) {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "C agent did not start"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Some(CAgent {
            child,
            conn: BufReader::new(stream),
            _dir: dir,
        })
    }

    /// Sends one request and reads its one-line response.
    pub fn call(&mut self, command: &str, args: Value) -> Value {
        let req = if args.is_null() {
            json!({ "execute": command })
        } else {
            json!({ "execute": command, "arguments": args })
        };
        let mut text = serde_json::to_vec(&req).unwrap();
        text.push(b'\n');
        self.conn.get_mut().write_all(&text).unwrap();
        let mut line = String::new();
        self.conn.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }
}

impl Drop for CAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

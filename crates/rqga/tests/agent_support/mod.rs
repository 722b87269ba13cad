//! Calling our handlers through the generated dispatcher, and asking the
//! installed C agent the same question on a private unix socket.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rqapi_runtime::qapi::dispatch::DispatchState;
use rqapi_runtime::qapi::serde_json::{self, Map, Value};
use rqapi_runtime::qmp::QmpError;
use rqga::commands::Handlers;

pub const C_AGENT: &str = "/usr/sbin/qemu-ga";

/// Runs `name` with `args` (a JSON object) through `dispatch`.
pub fn call(h: &Handlers, name: &str, args: Value) -> Result<Value, QmpError> {
    let Value::Object(args) = args else {
        panic!("arguments must be an object");
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async { call_async(h, name, &args).await })
}

pub async fn call_async(
    h: &Handlers,
    name: &str,
    args: &Map<String, Value>,
) -> Result<Value, QmpError> {
    let state = DispatchState::default();
    rqga::qapi::commands::dispatch(h, &state, name, args, false)
        .await
        .map(|v| v.unwrap_or(Value::Null))
}

/// The error text of a failed call.
pub fn error_of(r: Result<Value, QmpError>) -> String {
    match r {
        Err(e) => e.desc,
        Ok(v) => panic!("expected an error, got {v}"),
    }
}

/// A C agent serving a unix socket in a temporary directory.
pub struct CAgent {
    child: Child,
    _dir: tempfile::TempDir,
    stream: BufReader<UnixStream>,
}

impl CAgent {
    /// Starts the C agent, or `None` (after printing why) when missing.
    pub fn start() -> Option<CAgent> {
        if !Path::new(C_AGENT).exists() {
            eprintln!("skipped: {C_AGENT} not found (apt-get install qemu-guest-agent)");
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
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match UnixStream::connect(&sock) {
                Ok(s) => break s,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("C agent did not start: {e}"),
            }
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Some(CAgent {
            child,
            _dir: dir,
            stream: BufReader::new(stream),
        })
    }

    /// Sends one request; returns its `return` value or its error text.
    pub fn call(&mut self, name: &str, args: Value) -> Result<Value, String> {
        let req = serde_json::json!({"execute": name, "arguments": args});
        let mut line = serde_json::to_vec(&req).unwrap();
        line.push(b'\n');
        self.stream.get_mut().write_all(&line).unwrap();
        let mut answer = String::new();
        self.stream.read_line(&mut answer).unwrap();
        let v: Value = serde_json::from_str(&answer).unwrap();
        match v.get("return") {
            Some(r) => Ok(r.clone()),
            None => Err(v["error"]["desc"].as_str().unwrap_or_default().to_owned()),
        }
    }
}

impl Drop for CAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Shared by the sync/system/power/hardware family tests: calling
//! commands through the generated dispatcher, recording fakes for the
//! program runner and the clock, and a client for the C agent.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rqapi_runtime::qapi::dispatch::DispatchState;
use rqapi_runtime::qapi::serde_json::{self, Map, Value};
use rqapi_runtime::qmp::QmpError;
use rqga::commands::Handlers;
use rqga::commands::power::runner::{Captured, ProcessRunner, Quiet};
use rqga::commands::system::clock::ClockSetter;

/// Runs `name` with `args` (a JSON object) through the generated
/// dispatcher, argument checks included.
pub async fn call(h: &Handlers, name: &str, args: Value) -> Result<Value, QmpError> {
    let args: Map<String, Value> = match args {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => panic!("arguments must be an object, got {other}"),
    };
    let state = DispatchState::new(Default::default());
    rqga::qapi::commands::dispatch(h, &state, name, &args, false)
        .await
        .map(|v| v.unwrap_or(Value::Null))
}

/// The error text of a call that must fail.
pub async fn call_err(h: &Handlers, name: &str, args: Value) -> String {
    match call(h, name, args).await {
        Ok(v) => panic!("{name} succeeded with {v}"),
        Err(e) => e.desc,
    }
}

/// A program runner that records what it was asked to run and answers
/// from a script (by program name; default: exit 0, no output).
#[derive(Debug, Default)]
pub struct FakeRunner {
    pub calls: Mutex<Vec<Vec<String>>>,
    pub captured: Mutex<Vec<(String, Captured)>>,
    pub quiet: Mutex<Vec<(String, Quiet)>>,
}

impl FakeRunner {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }
    /// Answer runs whose argv joined by spaces is `prefix` or starts with
    /// `prefix` and a space.
    pub fn on_captured(&self, prefix: &str, answer: Captured) {
        self.captured.lock().unwrap().push((prefix.into(), answer));
    }
    pub fn on_quiet(&self, prefix: &str, answer: Quiet) {
        self.quiet.lock().unwrap().push((prefix.into(), answer));
    }
    pub fn calls(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.join(" "))
            .collect()
    }
    fn record(&self, argv: &[&str]) -> String {
        let v: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let joined = v.join(" ");
        self.calls.lock().unwrap().push(v);
        joined
    }
}

fn matches_prefix(joined: &str, prefix: &str) -> bool {
    joined == prefix || joined.starts_with(&format!("{prefix} "))
}

impl ProcessRunner for FakeRunner {
    fn run_captured(&self, argv: &[&str], _input: Option<&[u8]>) -> Captured {
        let joined = self.record(argv);
        let script = self.captured.lock().unwrap();
        script
            .iter()
            .find(|(p, _)| matches_prefix(&joined, p))
            .map(|(_, a)| a.clone())
            .unwrap_or(Captured::Exited {
                code: 0,
                output: Vec::new(),
            })
    }
    fn run_quiet(&self, argv: &[&str]) -> Quiet {
        let joined = self.record(argv);
        let script = self.quiet.lock().unwrap();
        script
            .iter()
            .find(|(p, _)| matches_prefix(&joined, p))
            .map(|(_, a)| *a)
            .unwrap_or(Quiet::Exited(0))
    }
}

/// A clock that records instead of setting anything.
#[derive(Debug, Default)]
pub struct FakeClock {
    pub set: Mutex<Vec<(i64, i64)>>,
    pub fail_with: Mutex<Option<i32>>,
}

impl ClockSetter for FakeClock {
    fn set_realtime(&self, sec: i64, usec: i64) -> Result<(), i32> {
        if let Some(errno) = *self.fail_with.lock().unwrap() {
            return Err(errno);
        }
        self.set.lock().unwrap().push((sec, usec));
        Ok(())
    }
}

/// Handlers whose runners and clock are fakes and whose filesystem root
/// is `root`, so nothing real is ever changed.
pub fn fake_handlers(root: &Path, runner: &Arc<FakeRunner>, clock: &Arc<FakeClock>) -> Handlers {
    let mut h = Handlers::default();
    let fs_root = rqga::commands::system::root::FsRoot::new(root);
    h.power.runner = runner.clone();
    h.power.root = fs_root.clone();
    h.system.runner = runner.clone();
    h.system.clock = clock.clone();
    h.system.root = fs_root.clone();
    h.hardware.root = fs_root;
    h
}

/// Writes `content` at `root` + `path`, creating directories.
pub fn put(root: &Path, path: &str, content: &str) {
    let full = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}

pub const C_AGENT: &str = "/usr/sbin/qemu-ga";

/// The C agent on a private unix socket; killed when dropped.
#[derive(Debug)]
pub struct CAgent {
    child: Child,
    stream: BufReader<UnixStream>,
    _dir: tempfile::TempDir,
}

impl CAgent {
    /// Starts it, or returns `None` after printing why the test is skipped.
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
            .expect("start qemu-ga");
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match UnixStream::connect(&sock) {
                Ok(s) => break s,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("connect to qemu-ga: {e}"),
            }
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Some(CAgent {
            child,
            stream: BufReader::new(stream),
            _dir: dir,
        })
    }

    /// Sends `{"execute": name}` and returns the parsed response.
    pub fn execute(&mut self, name: &str) -> Value {
        let req = format!("{{\"execute\": \"{name}\"}}\n");
        self.stream.get_mut().write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.stream.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad reply {line:?}: {e}"))
    }

    /// The `return` member of a command that must succeed.
    pub fn returns(&mut self, name: &str) -> Value {
        let reply = self.execute(name);
        reply
            .get("return")
            .cloned()
            .unwrap_or_else(|| panic!("{name} failed in the C agent: {reply}"))
    }

    /// `QEMU Guest Agent 7.2.22` → 7.
    pub fn major_version() -> u32 {
        let out = Command::new(C_AGENT).arg("-V").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim_start_matches("QEMU Guest Agent ")
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for CAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON type of every member, recursively, for shape comparisons.
pub fn shape(v: &Value) -> Value {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        // %.17g prints whole doubles without a point: do not tell apart.
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
    }
}

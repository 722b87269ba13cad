//! Recording fakes for the program runner and the clock, and handlers
//! that use them, so no test changes anything real.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rqga::commands::Handlers;
use rqga::commands::power::runner::{Captured, ProcessRunner, Quiet};
use rqga::commands::system::clock::ClockSetter;

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

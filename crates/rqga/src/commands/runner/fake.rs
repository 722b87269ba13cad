//! The recording [`FakeRunner`] for tests (public: the integration and
//! VM tests use it too).

use std::ffi::OsString;
use std::sync::{Arc, Mutex};

use super::{Captured, ProgramRunner, Quiet};
use crate::commands::lock;

/// One run a [`FakeRunner`] was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeRun {
    pub argv: Vec<OsString>,
    /// What it would have read on stdin (captured runs only).
    pub input: Option<Vec<u8>>,
}

/// A runner for tests: records each run and answers from a script
/// (the first entry whose prefix matches; by default exit 0, no output).
#[derive(Debug, Default)]
pub struct FakeRunner {
    runs: Mutex<Vec<FakeRun>>,
    captured: Mutex<Vec<(String, Captured)>>,
    quiet: Mutex<Vec<(String, Quiet)>>,
}

/// The argv joined by spaces (lossily), as the fake's scripts see it.
fn command_line(argv: &[OsString]) -> String {
    let words: Vec<_> = argv.iter().map(|a| a.to_string_lossy()).collect();
    words.join(" ")
}

/// `line` is `prefix` or starts with `prefix` and a space.
fn matches_prefix(line: &str, prefix: &str) -> bool {
    line.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

impl FakeRunner {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Answers captured runs whose command line is `prefix` or starts
    /// with `prefix` and a space.
    pub fn on_captured(&self, prefix: &str, answer: Captured) {
        lock(&self.captured).push((prefix.into(), answer));
    }

    /// The same for quiet runs.
    pub fn on_quiet(&self, prefix: &str, answer: Quiet) {
        lock(&self.quiet).push((prefix.into(), answer));
    }

    /// The runs so far.
    pub fn runs(&self) -> Vec<FakeRun> {
        lock(&self.runs).clone()
    }

    /// The command lines run so far, arguments joined by spaces.
    pub fn lines(&self) -> Vec<String> {
        lock(&self.runs)
            .iter()
            .map(|r| command_line(&r.argv))
            .collect()
    }

    fn record(&self, argv: &[OsString], input: Option<&[u8]>) -> String {
        lock(&self.runs).push(FakeRun {
            argv: argv.to_vec(),
            input: input.map(<[u8]>::to_vec),
        });
        command_line(argv)
    }
}

fn answer<T: Clone>(script: &Mutex<Vec<(String, T)>>, line: &str) -> Option<T> {
    let script = lock(script);
    let found = script.iter().find(|(p, _)| matches_prefix(line, p));
    found.map(|(_, a)| a.clone())
}

impl ProgramRunner for FakeRunner {
    fn run_captured(&self, argv: &[OsString], input: Option<&[u8]>) -> Captured {
        let line = self.record(argv, input);
        answer(&self.captured, &line).unwrap_or(Captured::Exited {
            code: 0,
            output: Vec::new(),
        })
    }

    fn run_quiet(&self, argv: &[OsString]) -> Quiet {
        let line = self.record(argv, None);
        answer(&self.quiet, &line).unwrap_or(Quiet::Exited(0))
    }
}

//! guest-exec and guest-exec-status: child processes with bounded, base64-encoded output capture.
//!
//! Each child gets a tokio task that reaps it and drains its pipes; the
//! outcome waits in [`ExecProcesses`] (shared by all connections) until a
//! guest-exec-status collects it, once.
//!
//! A status request for a child still running waits up to
//! [`STATUS_WAIT`] for it to end before answering `exited: false`, and
//! answers as soon as it ended (reaped, output drained).  qemu-ga answers
//! at once; the answers are the same, but a client that polls without
//! pausing (common: start a short command, poll until it ends) gets its
//! result in one or two polls instead of spinning against the child for
//! the CPU.  The wait is short enough to be invisible to clients that
//! pause between polls.

mod capture;
mod spawn;

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::{Arc, Mutex};

use rqapi_runtime::qmp::QmpError;
use tokio::io::AsyncWriteExt;

use self::capture::{Captured, MAX_OUTPUT, capture};
use super::Handlers;
use super::base64;
use crate::commands::lock;
use crate::qapi::types::{self, GuestExecCaptureOutput, GuestExecCaptureOutputMode as Mode};

/// qemu-ga 10.2's answer for a PID it does not know (or whose status was
/// already collected).  Its source formats `"PID " PRId64 " does not
/// exist"` without an argument, so on 64-bit Linux the text is literally
/// this; qemu-ga 7.2 said `Invalid parameter 'pid'`.
pub const UNKNOWN_PID: &str = "PID ld does not exist";

/// How a child ended and what it wrote.
#[derive(Debug)]
struct Outcome {
    /// `None` if the child could not be waited for (then neither an exit
    /// code nor a signal is reported).
    status: Option<ExitStatus>,
    out: Captured,
    err: Captured,
}

/// How long a status request waits for a running child to end.
pub const STATUS_WAIT: std::time::Duration = std::time::Duration::from_millis(2);

#[derive(Debug)]
struct Process {
    pid: i64,
    /// Set once the child is reaped and its output pipes are closed.
    outcome: Mutex<Option<Outcome>>,
    /// Notified when `outcome` is set.
    ended: tokio::sync::Notify,
}

impl Process {
    /// Waits until the outcome is set, at most `limit`.
    async fn wait_ended(&self, limit: std::time::Duration) {
        // Created before looking, so an outcome set in between still
        // wakes it.
        let ended = self.ended.notified();
        if lock(&self.outcome).is_none() {
            let _ = tokio::time::timeout(limit, ended).await;
        }
    }
}

/// The started processes whose final status was not yet collected.
#[derive(Debug, Clone, Default)]
pub struct ExecProcesses {
    // A list, as qemu-ga's: a reused PID finds the older entry first.
    list: Arc<Mutex<Vec<Arc<Process>>>>,
}

impl ExecProcesses {
    /// How many processes await collection.
    pub fn len(&self) -> usize {
        lock(&self.list).len()
    }

    /// Whether none does.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `ga_parse_capture_output`: `true` means separated.
fn capture_mode(capture: Option<GuestExecCaptureOutput>) -> Mode {
    match capture {
        None | Some(GuestExecCaptureOutput::Flag(false)) => Mode::None,
        Some(GuestExecCaptureOutput::Flag(true)) => Mode::Separated,
        Some(GuestExecCaptureOutput::Mode(mode)) => mode,
    }
}

pub async fn guest_exec_status(h: &Handlers, pid: i64) -> Result<types::GuestExecStatus, QmpError> {
    crate::log::syslog_info(&format!("guest-exec-status called, pid: {}", pid as u32));
    let process = lock(&h.exec.list).iter().find(|p| p.pid == pid).cloned();
    if let Some(process) = process {
        process.wait_ended(STATUS_WAIT).await;
    }
    let outcome = {
        let mut list = lock(&h.exec.list);
        let index = list
            .iter()
            .position(|p| p.pid == pid)
            .ok_or_else(|| QmpError::generic(UNKNOWN_PID))?;
        let outcome = lock(&list[index].outcome).take();
        if outcome.is_some() {
            list.remove(index);
        }
        outcome
    };
    let mut status = types::GuestExecStatus {
        exited: false,
        exitcode: None,
        signal: None,
        out_data: None,
        err_data: None,
        out_truncated: None,
        err_truncated: None,
    };
    let Some(outcome) = outcome else {
        return Ok(status);
    };
    status.exited = true;
    if let Some(s) = outcome.status {
        status.exitcode = s.code().map(i64::from);
        status.signal = s.signal().map(i64::from);
    }
    if !outcome.out.data.is_empty() {
        status.out_data = Some(base64::encode(&outcome.out.data));
        status.out_truncated = Some(outcome.out.truncated);
    }
    if !outcome.err.data.is_empty() {
        status.err_data = Some(base64::encode(&outcome.err.data));
        status.err_truncated = Some(outcome.err.truncated);
    }
    Ok(status)
}

pub async fn guest_exec(
    h: &Handlers,
    path: String,
    arg: Option<Vec<String>>,
    env: Option<Vec<String>>,
    input_data: Option<String>,
    capture_output: Option<GuestExecCaptureOutput>,
) -> Result<types::GuestExec, QmpError> {
    let input = input_data.as_deref().map(base64::decode).transpose()?;
    let args = arg.unwrap_or_default();
    let request = spawn::Request {
        path: &path,
        args: args.iter().map(String::as_str).collect(),
        env: env
            .as_ref()
            .map(|env| env.iter().map(String::as_str).collect()),
        stdin: input.is_some(),
        capture: capture_mode(capture_output),
    };
    crate::log::syslog_info(&format!(
        "guest-exec called: \"{}\"",
        spawn::describe(&request)
    ));
    let spawned = spawn::spawn(&request)?;
    let mut child = spawned.child;
    // A child that is gone before we look has no PID left to report;
    // qemu-ga always has one, as it reaps later.  tokio only drops the id
    // once the child has been waited for, which has not happened yet.
    let pid = i64::from(child.id().unwrap_or(0));
    let process = Arc::new(Process {
        pid,
        outcome: Mutex::new(None),
        ended: tokio::sync::Notify::new(),
    });
    lock(&h.exec.list).push(process.clone());

    if let (Some(mut stdin), Some(input)) = (spawned.stdin, input) {
        // Not awaited with the rest: a child may exit without reading its
        // input (the write then fails, as qemu-ga's does, silently).
        tokio::spawn(async move {
            let _ = stdin.write_all(&input).await;
        });
    }
    let (stdout, stderr) = (spawned.stdout, spawned.stderr);
    tokio::spawn(async move {
        let (status, out, err) = tokio::join!(
            child.wait(),
            capture(stdout, MAX_OUTPUT),
            capture(stderr, MAX_OUTPUT)
        );
        *lock(&process.outcome) = Some(Outcome {
            status: status.ok(),
            out,
            err,
        });
        process.ended.notify_waiters();
    });
    Ok(types::GuestExec { pid })
}

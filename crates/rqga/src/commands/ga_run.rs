//! qemu-ga's `ga_run_command`: run an external program in its own
//! session, optionally feed it a string on stdin, collect its stdout and
//! stderr together and turn a failure into qemu-ga's error text.
//!
//! Behind the [`CommandRunner`] trait so that commands that must never
//! run for real in tests (`chpasswd`, the fsfreeze hook) can be tested
//! with a recording fake.

use std::ffi::OsString;
use std::fmt::Debug;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::sys::io_error_text;

/// Runs external programs the way qemu-ga does.
pub trait CommandRunner: Send + Sync + Debug {
    /// Runs `argv` (looked up in `PATH` like `execvp`), writing `input` to
    /// its stdin (or giving it `/dev/null`).  The error is qemu-ga's text,
    /// built with `action` (e.g. `set user password`).
    fn run(&self, argv: &[OsString], input: Option<&[u8]>, action: &str) -> Result<(), String>;
}

/// A pipe whose ends are closed on exec: (read end, write end).
fn cloexec_pipe() -> std::io::Result<(std::fs::File, std::fs::File)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and ours alone.
    let (r, w) = unsafe {
        (
            std::os::fd::OwnedFd::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    };
    Ok((r.into(), w.into()))
}

/// The real thing: fork and exec.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRunner;

impl CommandRunner for SystemRunner {
    fn run(&self, argv: &[OsString], input: Option<&[u8]>, action: &str) -> Result<(), String> {
        let Some((program, args)) = argv.split_first() else {
            return Err("failed to create child process: empty command".into());
        };
        let (mut reader, writer) =
            cloexec_pipe().map_err(|_| "cannot create pipe FDs".to_string())?;
        let writer2 = writer
            .try_clone()
            .map_err(|_| "cannot create pipe FDs".to_string())?;
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdout(writer)
            .stderr(writer2)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        // SAFETY: setsid is async-signal-safe and touches no memory of
        // the parent; the closure runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            // qemu-ga's child reports a failed exec through the pipe
            // with perror() and exits 1.
            Err(e) => {
                return Err(format!(
                    "child process has failed to {action}: failed to exec '{}': {}\n",
                    program.to_string_lossy(),
                    io_error_text(&e)
                ));
            }
        };
        // The Command still holds the pipe's write ends; drop them so the
        // read below sees end-of-file when the child exits.
        drop(cmd);
        if let (Some(data), Some(mut stdin)) = (input, child.stdin.take())
            && let Err(e) = stdin.write_all(data)
        {
            let _ = child.wait();
            return Err(format!(
                "{action}: cannot write to stdin pipe: {}",
                io_error_text(&e)
            ));
        }
        let mut out = Vec::new();
        if let Err(e) = reader.read_to_end(&mut out) {
            let _ = child.wait();
            return Err(format!(
                "{action}: cannot read from stdout/stderr pipe: {}",
                io_error_text(&e)
            ));
        }
        let status = child.wait().map_err(|e| {
            format!(
                "failed to wait for child (pid: {}): {}",
                child.id(),
                io_error_text(&e)
            )
        })?;
        let out = String::from_utf8_lossy(&out);
        match (status.code(), status.signal()) {
            (Some(0), _) => Ok(()),
            (Some(code), _) if out.is_empty() => Err(format!(
                "child process has failed to {action}: exit status {code}"
            )),
            (Some(_), _) => Err(format!("child process has failed to {action}: {out}")),
            (None, _) if out.is_empty() => {
                Err("child process has terminated abnormally".to_string())
            }
            (None, _) => Err(format!("child process has terminated abnormally: {out}")),
        }
    }
}

/// One call a [`RecordingRunner`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRun {
    pub argv: Vec<OsString>,
    pub input: Option<Vec<u8>>,
    pub action: String,
}

/// A fake runner for tests: records each call and answers with a
/// programmed result (success by default).
#[derive(Debug, Default)]
pub struct RecordingRunner {
    calls: Mutex<Vec<RecordedRun>>,
    failure: Mutex<Option<String>>,
}

impl RecordingRunner {
    /// Makes every following call fail with `error` (or succeed on `None`).
    pub fn fail_with(&self, error: Option<&str>) {
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = error.map(str::to_owned);
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<RecordedRun> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl CommandRunner for RecordingRunner {
    fn run(&self, argv: &[OsString], input: Option<&[u8]>, action: &str) -> Result<(), String> {
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedRun {
                argv: argv.to_vec(),
                input: input.map(<[u8]>::to_vec),
                action: action.to_owned(),
            });
        match self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn texts_of_qemu_ga() {
        let r = SystemRunner;
        assert_eq!(r.run(&argv(&["true"]), None, "x"), Ok(()));
        assert_eq!(
            r.run(&argv(&["false"]), None, "do it"),
            Err("child process has failed to do it: exit status 1".into())
        );
        assert_eq!(
            r.run(&argv(&["sh", "-c", "cat; exit 3"]), Some(b"in\n"), "do it"),
            Err("child process has failed to do it: in\n".into())
        );
        assert_eq!(
            r.run(&argv(&["sh", "-c", "echo oops >&2; kill -9 $$"]), None, "x"),
            Err("child process has terminated abnormally: oops\n".into())
        );
        assert_eq!(
            r.run(&argv(&["/nonexistent/prog", "a"]), None, "run"),
            Err(
                "child process has failed to run: failed to exec '/nonexistent/prog': \
                 No such file or directory\n"
                    .into()
            )
        );
    }
}

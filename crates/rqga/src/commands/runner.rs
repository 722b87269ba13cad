//! Running the external programs qemu-ga runs, behind one trait so that
//! tests check the exact program, arguments and input without running
//! anything ([`FakeRunner`]).  Arguments are `OsString`s: a hook path
//! need not be UTF-8.
//!
//! qemu-ga has two helpers with different conventions, both kept:
//!
//! - [`ga_run_command`] (fsfreeze hook, chpasswd, shutdown, hwclock): new
//!   session, stdin from a string or `/dev/null`, stdout and stderr
//!   captured together and quoted in the error when the program fails.
//!   An exec failure shows up as the child's `perror` text, exit status 1.
//! - [`run_process_child`] (systemctl, pm-utils): `PATH` search, output
//!   discarded; a missing program is not an error but status -1, and a
//!   program killed by a signal counts as status 0 (`WEXITSTATUS`).

use std::ffi::{OsStr, OsString};
use std::fmt::Debug;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};

use crate::sys::strerror;

mod fake;
pub use fake::{FakeRun, FakeRunner};

/// How a captured run ended (`ga_run_command`'s child).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Captured {
    /// The program ran and exited with this status.
    Exited { code: i32, output: Vec<u8> },
    /// The program was killed by a signal.
    Signaled { output: Vec<u8> },
    /// The program could not be executed (errno).
    ExecFailed(i32),
    /// Writing its standard input failed (errno).
    StdinFailed(i32),
    /// Reading its output failed (errno).
    ReadFailed(i32),
    /// Waiting for it failed (pid, errno).
    WaitFailed(u32, i32),
}

/// How a quiet run ended (`run_process_child`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quiet {
    Exited(i32),
    Signaled,
    /// The program could not be started (errno).
    SpawnFailed(i32),
}

/// Runs external programs.  The real one is [`SystemRunner`]; tests use
/// [`FakeRunner`].
pub trait ProgramRunner: Debug + Send + Sync {
    /// `ga_run_command`'s child: new session, `input` (or `/dev/null`) on
    /// stdin, stdout and stderr into one pipe; `argv[0]` searched in `PATH`.
    fn run_captured(&self, argv: &[OsString], input: Option<&[u8]>) -> Captured;
    /// `g_spawn_sync` with `PATH` search and output to `/dev/null`.
    fn run_quiet(&self, argv: &[OsString]) -> Quiet;
}

/// Runs programs for real.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRunner;

/// A close-on-exec pipe: (read end, write end).
fn pipe() -> std::io::Result<(File, File)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both are fresh descriptors we own.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((File::from(r), File::from(w)))
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// The exit code, `None` when killed by a signal.
fn finished(status: ExitStatus) -> Option<i32> {
    match status.signal() {
        Some(_) => None,
        None => Some(status.code().unwrap_or(0)),
    }
}

impl ProgramRunner for SystemRunner {
    fn run_captured(&self, argv: &[OsString], input: Option<&[u8]>) -> Captured {
        let Some((program, args)) = argv.split_first() else {
            return Captured::ExecFailed(libc::ENOENT);
        };
        let (mut reader, writer) = match pipe().and_then(|(r, w)| Ok((r, w.try_clone()?, w))) {
            Ok((r, w1, w2)) => (r, (w1, w2)),
            Err(e) => return Captured::ExecFailed(errno_of(&e)),
        };
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdout(writer.0)
            .stderr(writer.1)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        // SAFETY: setsid is async-signal-safe and touches no memory of
        // the parent; qemu-ga's child calls it the same way.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        let spawned = cmd.spawn();
        // Close our copies of the pipe's write end, or reading never ends.
        drop(cmd);
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => return Captured::ExecFailed(errno_of(&e)),
        };
        if let (Some(data), Some(mut stdin)) = (input, child.stdin.take())
            && let Err(e) = stdin.write_all(data)
        {
            let _ = child.kill();
            let _ = child.wait();
            return Captured::StdinFailed(errno_of(&e));
        }
        let mut output = Vec::new();
        if let Err(e) = reader.read_to_end(&mut output) {
            let _ = child.wait();
            return Captured::ReadFailed(errno_of(&e));
        }
        match child.wait() {
            Ok(status) => match finished(status) {
                Some(code) => Captured::Exited { code, output },
                None => Captured::Signaled { output },
            },
            Err(e) => Captured::WaitFailed(child.id(), errno_of(&e)),
        }
    }

    fn run_quiet(&self, argv: &[OsString]) -> Quiet {
        let Some((program, args)) = argv.split_first() else {
            return Quiet::SpawnFailed(libc::ENOENT);
        };
        let status = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(status) => finished(status).map_or(Quiet::Signaled, Quiet::Exited),
            Err(e) => Quiet::SpawnFailed(errno_of(&e)),
        }
    }
}

fn owned_argv(argv: &[impl AsRef<OsStr>]) -> Vec<OsString> {
    argv.iter().map(|a| a.as_ref().to_owned()).collect()
}

/// `ga_run_command`: runs `argv` and turns a failure into qemu-ga's
/// message; `action` completes "child process has failed to ...".
pub fn ga_run_command(
    runner: &dyn ProgramRunner,
    argv: &[impl AsRef<OsStr>],
    input: Option<&[u8]>,
    action: &str,
) -> Result<(), String> {
    let argv = owned_argv(argv);
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    match runner.run_captured(&argv, input) {
        Captured::Exited { code: 0, .. } => Ok(()),
        Captured::Exited { code, output } if output.is_empty() => Err(format!(
            "child process has failed to {action}: exit status {code}"
        )),
        Captured::Exited { output, .. } => Err(format!(
            "child process has failed to {action}: {}",
            text(&output)
        )),
        Captured::Signaled { output } if output.is_empty() => {
            Err("child process has terminated abnormally".to_string())
        }
        Captured::Signaled { output } => Err(format!(
            "child process has terminated abnormally: {}",
            text(&output)
        )),
        // The C child reports a failed exec with perror and exits 1.
        Captured::ExecFailed(errno) => Err(format!(
            "child process has failed to {action}: failed to exec '{}': {}\n",
            argv.first()
                .map(|p| p.to_string_lossy())
                .unwrap_or_default(),
            strerror(errno)
        )),
        Captured::StdinFailed(errno) => Err(format!(
            "{action}: cannot write to stdin pipe: {}",
            strerror(errno)
        )),
        Captured::ReadFailed(errno) => Err(format!(
            "{action}: cannot read from stdout/stderr pipe: {}",
            strerror(errno)
        )),
        Captured::WaitFailed(pid, errno) => Err(format!(
            "failed to wait for child (pid: {pid}): {}",
            strerror(errno)
        )),
    }
}

/// `run_process_child`: the exit status, -1 when the program does not
/// exist, or qemu-ga's error when it could not be started otherwise.
pub fn run_process_child(
    runner: &dyn ProgramRunner,
    argv: &[impl AsRef<OsStr>],
) -> Result<i32, String> {
    let argv = owned_argv(argv);
    match runner.run_quiet(&argv) {
        Quiet::Exited(code) => Ok(code),
        // WEXITSTATUS of a signalled child is 0.
        Quiet::Signaled => Ok(0),
        Quiet::SpawnFailed(libc::ENOENT) => Ok(-1),
        Quiet::SpawnFailed(errno) => Err(format!(
            "failed to create child process, error 'Failed to execute child process \u{201c}{}\u{201d} ({})'",
            argv.first()
                .map(|p| p.to_string_lossy())
                .unwrap_or_default(),
            strerror(errno)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(argv: &[&str], input: Option<&[u8]>, action: &str) -> Result<(), String> {
        ga_run_command(&SystemRunner, argv, input, action)
    }

    #[test]
    fn real_runner_reports_like_ga_run_command() {
        assert_eq!(run(&["true"], None, "x"), Ok(()));
        assert_eq!(
            run(&["/bin/false"], None, "shutdown"),
            Err("child process has failed to shutdown: exit status 1".into())
        );
        let out_err = "echo out; echo err >&2; exit 3";
        assert_eq!(
            run(&["sh", "-c", out_err], None, "act"),
            Err("child process has failed to act: out\nerr\n".into())
        );
        assert_eq!(
            run(&["/nonexistent/prog", "a"], None, "shutdown"),
            Err(
                "child process has failed to shutdown: failed to exec '/nonexistent/prog': \
                 No such file or directory\n"
                    .into()
            )
        );
        assert_eq!(
            run(&["sh", "-c", "cat >&2; exit 1"], Some(b"in"), "act"),
            Err("child process has failed to act: in".into())
        );
        assert_eq!(
            run(&["sh", "-c", "kill -9 $$"], None, "act"),
            Err("child process has terminated abnormally".into())
        );
        assert_eq!(
            run(&["sh", "-c", "echo oops >&2; kill -9 $$"], None, "x"),
            Err("child process has terminated abnormally: oops\n".into())
        );
    }

    #[test]
    fn real_runner_takes_non_utf8_arguments() {
        use std::os::unix::ffi::OsStrExt;
        let odd = OsStr::from_bytes(b"a\xffb");
        let argv = [
            OsStr::new("sh"),
            OsStr::new("-c"),
            OsStr::new("echo \"$0\"; exit 1"),
            odd,
        ];
        assert_eq!(
            ga_run_command(&SystemRunner, &argv, None, "act"),
            Err("child process has failed to act: a\u{fffd}b\n".into())
        );
    }

    #[test]
    fn real_runner_new_session() {
        // The child leads its own session, as after setsid().
        let check = "[ \"$(ps -o sid= -p $$ | tr -d ' ')\" = \"$$\" ] || { echo no; exit 1; }";
        if std::path::Path::new("/bin/ps").exists() {
            assert_eq!(run(&["/bin/sh", "-c", check], None, "a"), Ok(()));
        }
    }

    #[test]
    fn real_runner_quiet() {
        let r = SystemRunner;
        assert_eq!(run_process_child(&r, &["true"]), Ok(0));
        assert_eq!(
            run_process_child(&r, &["sh", "-c", "echo x; exit 3"]),
            Ok(3)
        );
        assert_eq!(run_process_child(&r, &["rqga-no-such-program"]), Ok(-1));
        assert_eq!(run_process_child(&r, &["sh", "-c", "kill -9 $$"]), Ok(0));
        assert_eq!(
            run_process_child(&r, &["/"]),
            Err(
                "failed to create child process, error 'Failed to execute child process \
                 \u{201c}/\u{201d} (Permission denied)'"
                    .into()
            )
        );
    }

    #[test]
    fn fake_records_and_answers_by_prefix() {
        let fake = FakeRunner::new();
        fake.on_captured(
            "chpasswd",
            Captured::Exited {
                code: 1,
                output: vec![],
            },
        );
        fake.on_quiet("systemctl status", Quiet::Exited(3));
        assert_eq!(
            ga_run_command(
                &*fake,
                &["chpasswd", "-e"],
                Some(b"u:p\n"),
                "set user password"
            ),
            Err("child process has failed to set user password: exit status 1".into())
        );
        assert_eq!(
            run_process_child(&*fake, &["systemctl", "status", "x"]),
            Ok(3)
        );
        // "systemctl statusx" is not the word "status".
        assert_eq!(run_process_child(&*fake, &["systemctl", "statusx"]), Ok(0));
        assert_eq!(
            fake.lines(),
            ["chpasswd -e", "systemctl status x", "systemctl statusx"]
        );
        assert_eq!(fake.runs()[0].input.as_deref(), Some(&b"u:p\n"[..]));
        assert_eq!(fake.runs()[1].input, None);
    }
}

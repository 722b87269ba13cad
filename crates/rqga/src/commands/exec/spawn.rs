//! Starting a guest-exec child the way qemu-ga's `g_spawn_async_with_pipes`
//! call does: PATH search (from the given environment first), scripts
//! without `#!` run by /bin/sh, stdin from /dev/null unless input is
//! given, unwanted output to /dev/null, SIGPIPE back to default (std does
//! that), no other descriptors inherited (ours are all close-on-exec).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Stdio;

use rqapi_runtime::qmp::QmpError;
use tokio::net::unix::pipe;

use crate::commands::file::qstring::os_string;
use crate::qapi::types::GuestExecCaptureOutputMode as Mode;
use crate::sys::strerror;

/// What to run, as given (each string reaches the system through
/// [`os_string`], as qemu-ga's C strings do).
#[derive(Debug)]
pub struct Request<'a> {
    pub path: &'a str,
    pub args: Vec<&'a str>,
    /// `None`: the agent's own environment.
    pub env: Option<Vec<&'a str>>,
    pub stdin: bool,
    pub capture: Mode,
}

/// A started child and our ends of its pipes.
#[derive(Debug)]
pub struct Spawned {
    pub child: tokio::process::Child,
    pub stdin: Option<pipe::Sender>,
    pub stdout: Option<pipe::Receiver>,
    pub stderr: Option<pipe::Receiver>,
}

/// The child's ends, duplicated for each attempt of the PATH search.
struct ChildFds {
    stdin: Option<OwnedFd>,
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
}

fn pipe_error(e: std::io::Error) -> QmpError {
    QmpError::generic(format!(
        "Failed to create pipe for communicating with child process ({})",
        crate::sys::io_error_text(&e)
    ))
}

/// A close-on-exec pipe `(read end, write end)`, both blocking.  Only our
/// end is then made non-blocking and handed to the runtime: the child's
/// end never meets the reactor (three syscalls a pipe instead of six).
fn raw_pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into `fds`, which has room.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded: both are fresh descriptors nobody owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn set_nonblocking(fd: &OwnedFd) -> std::io::Result<()> {
    // SAFETY: F_SETFL on a descriptor we own; a fresh pipe end has no
    // other status flag to keep.
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn stdio(fd: &Option<OwnedFd>) -> std::io::Result<Stdio> {
    Ok(match fd {
        Some(fd) => Stdio::from(fd.try_clone()?),
        None => Stdio::null(),
    })
}

/// GLib's search path: PATH from the child's environment, else ours, else
/// `/bin:/usr/bin:.`.
fn search_path(env: Option<&[&str]>) -> String {
    env.and_then(|env| env.iter().find_map(|e| e.strip_prefix("PATH=")))
        .map(str::to_owned)
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_else(|| "/bin:/usr/bin:.".to_owned())
}

/// Where to look for `file`: itself when it has a slash, else each PATH
/// element (an empty one meaning the current directory).
fn candidates(file: &str, env: Option<&[&str]>) -> Vec<String> {
    if file.contains('/') {
        return vec![file.to_owned()];
    }
    search_path(env)
        .split(':')
        .map(|dir| {
            if dir.is_empty() {
                file.to_owned()
            } else {
                format!("{dir}/{file}")
            }
        })
        .collect()
}

impl Request<'_> {
    /// One execve attempt, and /bin/sh for a file the kernel cannot run.
    fn try_spawn(&self, program: &str, fds: &ChildFds) -> Result<tokio::process::Child, i32> {
        let mut result = self.spawn_once(program, None, fds);
        if let Err(libc::ENOEXEC) = result {
            result = self.spawn_once("/bin/sh", Some(program), fds);
        }
        result
    }

    fn spawn_once(
        &self,
        program: &str,
        script: Option<&str>,
        fds: &ChildFds,
    ) -> Result<tokio::process::Child, i32> {
        let mut cmd = std::process::Command::new(os_string(program));
        match script {
            // GLib runs `/bin/sh <file> <args...>`.
            Some(file) => cmd.arg0("/bin/sh").arg(os_string(file)),
            None => cmd.arg0(os_string(self.path)),
        };
        cmd.args(self.args.iter().map(|a| os_string(a)));
        if let Some(env) = &self.env {
            cmd.env_clear();
            // An entry without '=' defines nothing; execve would pass it
            // on, but no getenv() can see it.
            let pairs = env.iter().filter_map(|e| e.split_once('='));
            cmd.envs(pairs.map(|(k, v)| (os_string(k), os_string(v))));
        }
        let io_errno = |e: std::io::Error| e.raw_os_error().unwrap_or(libc::EIO);
        cmd.stdin(stdio(&fds.stdin).map_err(io_errno)?);
        cmd.stdout(stdio(&fds.stdout).map_err(io_errno)?);
        cmd.stderr(stdio(&fds.stderr).map_err(io_errno)?);
        // The Command (and its copies of the child's ends) is dropped on
        // return, so our readers see end of file when the child exits.
        tokio::process::Command::from(cmd)
            .spawn()
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EINVAL))
    }
}

fn exec_failed(path: &str, errno: i32) -> QmpError {
    QmpError::generic(format!(
        "Failed to execute child process \u{201c}{path}\u{201d} ({})",
        strerror(errno)
    ))
}

/// Starts the child; the error is GLib's message, as qemu-ga reports it.
pub fn spawn(req: &Request<'_>) -> Result<Spawned, QmpError> {
    let (captures_out, captures_err, merged) = match req.capture {
        Mode::None => (false, false, false),
        Mode::Stdout => (true, false, false),
        Mode::Stderr => (false, true, false),
        Mode::Separated => (true, true, false),
        Mode::Merged => (true, false, true),
    };
    let (stdin_tx, stdin_fd) = if req.stdin {
        let (child, ours) = raw_pipe().map_err(pipe_error)?;
        set_nonblocking(&ours).map_err(pipe_error)?;
        let tx = pipe::Sender::from_owned_fd_unchecked(ours).map_err(pipe_error)?;
        (Some(tx), Some(child))
    } else {
        (None, None)
    };
    let output = |wanted: bool| -> Result<(Option<pipe::Receiver>, Option<OwnedFd>), QmpError> {
        if !wanted {
            return Ok((None, None));
        }
        let (ours, child) = raw_pipe().map_err(pipe_error)?;
        set_nonblocking(&ours).map_err(pipe_error)?;
        let rx = pipe::Receiver::from_owned_fd_unchecked(ours).map_err(pipe_error)?;
        Ok((Some(rx), Some(child)))
    };
    let (stdout_rx, stdout_fd) = output(captures_out)?;
    let (stderr_rx, mut stderr_fd) = output(captures_err)?;
    if merged {
        stderr_fd = stdout_fd
            .as_ref()
            .map(OwnedFd::try_clone)
            .transpose()
            .map_err(pipe_error)?;
    }
    let fds = ChildFds {
        stdin: stdin_fd,
        stdout: stdout_fd,
        stderr: stderr_fd,
    };

    if req.path.is_empty() {
        return Err(exec_failed(req.path, libc::ENOENT));
    }
    let searching = !req.path.contains('/');
    let mut got_eacces = false;
    let mut last = libc::ENOENT;
    for program in candidates(req.path, req.env.as_deref()) {
        // Skip what is plainly not there without forking for it.
        if searching {
            if let Err(e) = std::fs::metadata(os_string(&program)) {
                last = e.raw_os_error().unwrap_or(libc::ENOENT);
                if matches!(last, libc::ENOENT | libc::ENOTDIR) {
                    continue;
                }
            }
        }
        match req.try_spawn(&program, &fds) {
            Ok(child) => {
                return Ok(Spawned {
                    child,
                    stdin: stdin_tx,
                    stdout: stdout_rx,
                    stderr: stderr_rx,
                });
            }
            Err(errno) if !searching => return Err(exec_failed(req.path, errno)),
            Err(libc::EACCES) => got_eacces = true,
            Err(
                errno @ (libc::ENOENT
                | libc::ESTALE
                | libc::ENOTDIR
                | libc::ENODEV
                | libc::ETIMEDOUT),
            ) => last = errno,
            Err(errno) => return Err(exec_failed(req.path, errno)),
        }
    }
    Err(exec_failed(
        req.path,
        if got_eacces { libc::EACCES } else { last },
    ))
}

/// For the log line: qemu-ga logs the command as its words joined by
/// spaces.
pub fn describe(req: &Request<'_>) -> String {
    let mut words = vec![req.path];
    words.extend(&req.args);
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_order() {
        let env = ["A=1", "PATH=/x::/y", "PATH=/z"];
        assert_eq!(
            candidates("ls", Some(&env)),
            vec!["/x/ls".to_owned(), "ls".to_owned(), "/y/ls".to_owned()]
        );
        assert_eq!(candidates("./ls", Some(&env)), vec!["./ls".to_owned()]);
        let theirs = search_path(Some(&["A=1"]));
        assert_eq!(
            theirs,
            std::env::var("PATH").unwrap_or_else(|_| "/bin:/usr/bin:.".into())
        );
    }
}

//! Becoming a daemon, as qemu-ga's `become_daemon`.
//!
//! One fork (the parent exits 0 at once), then in the child: write and
//! lock the pid file, `umask 077`, `setsid`, `chdir /`, and point stdin,
//! stdout and stderr at /dev/null.  qemu-ga forks once, not twice: the pid
//! it writes is the daemon's, and the channel is already open (serial
//! ports with `O_NOCTTY`), so the session leader cannot pick up a
//! controlling terminal by opening one later.

use std::ffi::OsStr;
use std::os::fd::AsRawFd;

use crate::log;
use crate::pidfile::Pidfile;

fn reopen_to_null(fd: libc::c_int) {
    let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    else {
        return;
    };
    // SAFETY: dup2 onto one of the standard descriptors; `null` stays
    // valid for the call and is closed afterwards by its owner.
    unsafe { libc::dup2(null.as_raw_fd(), fd) };
}

/// Daemonizes; returns in the daemon only, with the pid file if one was
/// asked for.  Errors are logged and end the process with status 1.
/// Must be called while the process has a single thread.
pub fn become_daemon(pidfile: Option<&OsStr>) -> Option<Pidfile> {
    // SAFETY: the process is single-threaded here (documented contract),
    // so the child may run arbitrary code after fork.
    match unsafe { libc::fork() } {
        -1 => std::process::exit(1),
        0 => {}
        _ => std::process::exit(0),
    }
    let written = match pidfile.map(Pidfile::write) {
        Some(Err(msg)) => {
            log::critical(&msg);
            std::process::exit(1);
        }
        Some(Ok(p)) => Some(p),
        None => None,
    };
    // SAFETY: plain syscalls without pointers, except chdir's constant
    // NUL-terminated path.
    let ok = unsafe {
        libc::umask(libc::S_IRWXG | libc::S_IRWXO);
        libc::setsid() >= 0 && libc::chdir(c"/".as_ptr()) == 0
    };
    if !ok {
        if let Some(p) = written {
            p.remove();
        }
        log::critical("failed to daemonize");
        std::process::exit(1);
    }
    for fd in [libc::STDIN_FILENO, libc::STDOUT_FILENO, libc::STDERR_FILENO] {
        reopen_to_null(fd);
    }
    written
}

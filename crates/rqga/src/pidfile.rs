//! The pid file, written like QEMU's `qemu_write_pidfile`.
//!
//! The file is opened with `O_CREAT` (not `O_EXCL`: a stale file from a
//! crashed agent must not block a restart) and write-locked with
//! `F_SETLK`; the lock, held as long as the file stays open, is what keeps
//! a second agent out.  If the path was replaced or removed between open
//! and lock we retry.  Then the file is truncated and gets `<pid>\n`.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};

use crate::sys::io_error_text;

/// A written and locked pid file; removed by [`Pidfile::remove`].
#[derive(Debug)]
pub struct Pidfile {
    path: OsString,
    _file: File,
}

fn lock(file: &File) -> std::io::Result<()> {
    // SAFETY: flock is plain data; the fd is valid while `file` lives.
    let rc = unsafe {
        let mut fl: libc::flock = std::mem::zeroed();
        fl.l_type = libc::F_WRLCK as libc::c_short;
        fl.l_whence = libc::SEEK_SET as libc::c_short;
        libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &fl)
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

impl Pidfile {
    /// Creates, locks and fills the pid file.  The error is QEMU's text.
    pub fn write(path: &OsStr) -> Result<Pidfile, String> {
        let shown = path.to_string_lossy();
        let file = loop {
            let file = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(|e| format!("Could not create '{shown}': {}", io_error_text(&e)))?;
            let opened = file
                .metadata()
                .map_err(|e| format!("Cannot stat file: {}", io_error_text(&e)))?;
            lock(&file).map_err(|e| format!("Cannot lock pid file: {}", io_error_text(&e)))?;
            match std::fs::metadata(path) {
                Ok(now) if now.ino() == opened.ino() => break file,
                _ => continue, // raced with another agent: try again
            }
        };
        let fail = |msg: String| {
            let _ = std::fs::remove_file(path);
            msg
        };
        file.set_len(0).map_err(|e| {
            fail(format!(
                "Failed to truncate pid file: {}",
                io_error_text(&e)
            ))
        })?;
        (&file)
            .write_all(format!("{}\n", std::process::id()).as_bytes())
            .map_err(|_| fail("Failed to write pid file".into()))?;
        Ok(Pidfile {
            path: path.to_os_string(),
            _file: file,
        })
    }

    /// Removes the file at exit (qemu-ga unlinks its pid file when it was
    /// daemonized).
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

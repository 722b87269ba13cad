//! Persistent agent state in `<statedir>/qga.state`, and the frozen marker
//! `<statedir>/qga.state.isfrozen`.
//!
//! The state file is a key file, `[global]\nfd_counter=N\n`.  File handles
//! (`guest-file-open`) are numbered from 1000 and the next number is saved
//! before a handle is handed out, so handles are never reused across agent
//! restarts.  Writes are atomic (temporary file, then rename), as GLib's
//! `g_file_set_contents` does; like it, the new data is flushed to disk
//! (fsync) only when it replaces a non-empty file: a first start skips
//! that cost, as qemu-ga does.
//!
//! Deliberate difference: qemu-ga reads and writes the counter through
//! GLib's 32-bit integer calls, so after 2^31 handles it would wrap or
//! reset; we keep the full 64 bits.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::keyfile::{KeyFile, KeyFileWriter};
use crate::sys::io_error_text;

/// First file handle number of a fresh state file.
pub const DEFAULT_FD_COUNTER: i64 = 1000;

const GROUP: &str = "global";

/// The persistent state and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistentState {
    path: PathBuf,
    fd_counter: i64,
}

/// `<statedir>/qga.state`.
pub fn state_path(state_dir: &Path) -> PathBuf {
    join(state_dir, "qga.state")
}

/// `<statedir>/qga.state.isfrozen`.
pub fn frozen_marker_path(state_dir: &Path) -> PathBuf {
    join(state_dir, "qga.state.isfrozen")
}

// qemu-ga builds these with "%s/qga.state": keep a relative statedir
// relative and do not collapse slashes.
fn join(dir: &Path, name: &str) -> PathBuf {
    let mut bytes = dir.as_os_str().to_owned().into_vec();
    bytes.push(b'/');
    bytes.extend_from_slice(name.as_bytes());
    PathBuf::from(OsString::from_vec(bytes))
}

fn temp_suffix(attempt: u32) -> String {
    // Six characters like mkstemp's XXXXXX; uniqueness comes from O_EXCL.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    let mut seed =
        u64::from(nanos) ^ (u64::from(std::process::id()) << 20) ^ u64::from(attempt) << 40;
    (0..6)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[(seed >> 33) as usize % ALPHABET.len()] as char
        })
        .collect()
}

/// GLib's rule (`G_FILE_SET_CONTENTS_CONSISTENT` with `ONLY_EXISTING`)
/// for flushing before the rename: only when the target exists and is not
/// empty (a crash then cannot lose both old and new data), or when it
/// cannot be looked at.
fn replaces_data(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => meta.len() > 0,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// GLib's `g_file_set_contents` with its error texts.
pub(crate) fn set_contents(path: &Path, data: &[u8]) -> Result<(), String> {
    let shown = path.display();
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".{}", temp_suffix(attempt)));
        let tmp = PathBuf::from(tmp);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => {
                return Err(format!(
                    "Failed to create file \u{201c}{}\u{201d}: {}",
                    tmp.display(),
                    io_error_text(&e)
                ));
            }
        }
    };
    let written = file.write_all(data).and_then(|()| {
        if replaces_data(path) {
            file.sync_all()
        } else {
            Ok(())
        }
    });
    drop(file);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "Failed to write file \u{201c}{}\u{201d}: {}",
            tmp.display(),
            io_error_text(&e)
        ));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!(
            "Failed to rename file \u{201c}{}\u{201d} to \u{201c}{shown}\u{201d}: g_rename() failed: {}",
            tmp.display(),
            io_error_text(&e)
        )
    })
}

impl PersistentState {
    /// The next file handle that will be handed out.
    pub fn fd_counter(&self) -> i64 {
        self.fd_counter
    }

    /// The file's contents for the current state.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = KeyFileWriter::new(GROUP);
        w.set_int64("fd_counter", self.fd_counter);
        w.into_bytes()
    }

    /// Saves the state; the error is qemu-ga's critical message.
    pub fn save(&self) -> Result<(), String> {
        set_contents(&self.path, &self.to_bytes()).map_err(|e| {
            format!(
                "failed to write persistent state to {}: {e}",
                self.path.display()
            )
        })
    }

    /// `read_persistent_state`.  A missing file means defaults, saved at
    /// once unless `frozen` (so that a bad state directory is noticed at
    /// start-up).  A missing or unreadable `fd_counter` also means the
    /// default, as in qemu-ga.  Errors are qemu-ga's critical messages, in
    /// the order it logs them.
    pub fn load(path: &Path, frozen: bool) -> Result<PersistentState, Vec<String>> {
        let defaults = PersistentState {
            path: path.to_path_buf(),
            fd_counter: DEFAULT_FD_COUNTER,
        };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !frozen {
                    defaults.save().map_err(|msg| {
                        vec![
                            msg,
                            format!("unable to create state file at path {}", path.display()),
                        ]
                    })?;
                }
                return Ok(defaults);
            }
            Err(e) => {
                return Err(vec![format!(
                    "unable to access state file at path {}: {}",
                    path.display(),
                    io_error_text(&e)
                )]);
            }
            Ok(_) => {}
        }
        let loaded = std::fs::read(path)
            .map_err(|e| io_error_text(&e))
            .and_then(|data| KeyFile::parse(&data).map_err(|e| e.0));
        let keyfile = loaded.map_err(|e| {
            vec![format!(
                "error loading persistent state from path: {}, {e}",
                path.display()
            )]
        })?;
        let fd_counter = if keyfile.has_key(GROUP, "fd_counter") {
            // qemu-ga ignores the error here and gets 0.
            keyfile.get_integer(GROUP, "fd_counter").unwrap_or(0)
        } else {
            DEFAULT_FD_COUNTER
        };
        Ok(PersistentState {
            fd_counter,
            ..defaults
        })
    }

    /// `ga_get_fd_handle`: hands out the next file handle and saves the
    /// counter first.  Must not be called while filesystems are frozen.
    pub fn next_fd_handle(&mut self) -> Result<i64, String> {
        let handle = self.fd_counter;
        self.fd_counter = self
            .fd_counter
            .checked_add(1)
            .filter(|&n| n < i64::MAX)
            .ok_or("file handle counter exhausted")?;
        self.save()
            .map_err(|_| "failed to commit persistent state to disk".to_string())?;
        Ok(handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_counts_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        let mut st = PersistentState::load(&path, false).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"[global]\nfd_counter=1000\n"
        );
        assert_eq!(st.next_fd_handle().unwrap(), 1000);
        assert_eq!(st.next_fd_handle().unwrap(), 1001);
        assert_eq!(
            PersistentState::load(&path, false).unwrap().fd_counter(),
            1002
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp files left"
        );
    }

    #[test]
    fn flushes_only_over_existing_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        assert!(!replaces_data(&path), "a new file");
        std::fs::write(&path, b"").unwrap();
        assert!(!replaces_data(&path), "an empty file");
        std::fs::write(&path, b"x").unwrap();
        assert!(replaces_data(&path));
        assert!(replaces_data(Path::new("/proc/self/fd/0/x")), "cannot look");
    }

    #[test]
    fn frozen_start_defers_creation_and_bad_dir_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        assert_eq!(
            PersistentState::load(&path, true).unwrap().fd_counter(),
            1000
        );
        assert!(!path.exists());
        let errs = PersistentState::load(Path::new("/nonexistent/qga.state"), false).unwrap_err();
        assert!(errs[0].starts_with(
            "failed to write persistent state to /nonexistent/qga.state: Failed to create file \u{201c}/nonexistent/qga.state."
        ));
        assert!(
            errs[0].ends_with("\u{201d}: No such file or directory"),
            "{}",
            errs[0]
        );
        assert_eq!(
            errs[1],
            "unable to create state file at path /nonexistent/qga.state"
        );
    }

    #[test]
    fn broken_counter_reads_as_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        std::fs::write(&path, "[global]\nfd_counter=abc\n").unwrap();
        assert_eq!(PersistentState::load(&path, false).unwrap().fd_counter(), 0);
        std::fs::write(&path, "[other]\n").unwrap();
        assert_eq!(
            PersistentState::load(&path, false).unwrap().fd_counter(),
            1000
        );
    }
}

//! guest-file-*: file handles persisted across connections, as qemu-ga keeps them.
//!
//! Handles are numbered from the persistent counter (`<statedir>/qga.state`,
//! from 1000 and never reused across restarts) and live until closed,
//! whichever client asks.  File I/O runs on tokio's blocking pool; each
//! handle has its own lock, so a long read holds up only its own handle.

mod heap;
mod io;
mod open;
pub mod qstring;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rqapi_runtime::qmp::QmpError;

use self::io::OpenFile;
use super::Handlers;
use crate::commands::lock;
use crate::qapi::types;
use crate::state::{DEFAULT_FD_COUNTER, PersistentState};

/// Where handle numbers come from.
#[derive(Debug)]
enum HandleCounter {
    /// The agent's persistent state: the counter is saved before each
    /// handle is handed out (qemu-ga's `ga_get_fd_handle`).
    Persistent(Arc<Mutex<PersistentState>>),
    /// Not saved (tests, or an agent without a state file).
    InMemory(Mutex<i64>),
}

#[derive(Debug)]
struct Shared {
    counter: HandleCounter,
    open: Mutex<HashMap<i64, Arc<Mutex<OpenFile>>>>,
}

/// The open file handles, shared by all connections.
#[derive(Debug, Clone)]
pub struct FileHandles {
    shared: Arc<Shared>,
}

impl Default for FileHandles {
    /// Handles from 1000, counted in memory only.
    fn default() -> Self {
        Self::with_counter(HandleCounter::InMemory(Mutex::new(DEFAULT_FD_COUNTER)))
    }
}

/// qemu-ga's `slog`.
fn slog(msg: String) {
    crate::log::syslog_info(&msg);
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, QmpError> + Send + 'static,
) -> Result<T, QmpError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(QmpError::generic(format!("file operation failed: {e}"))))
}

impl FileHandles {
    /// Handles numbered from the agent's persistent state, which is
    /// saved each time a handle is handed out.  Being the agent's, this
    /// also sets the allocator up for large transfers ([`heap`]).
    pub fn persistent(state: Arc<Mutex<PersistentState>>) -> Self {
        heap::return_large_buffers();
        Self::with_counter(HandleCounter::Persistent(state))
    }

    fn with_counter(counter: HandleCounter) -> Self {
        FileHandles {
            shared: Arc::new(Shared {
                counter,
                open: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn next_handle(&self) -> Result<i64, QmpError> {
        match &self.shared.counter {
            HandleCounter::Persistent(state) => {
                lock(state).next_fd_handle().map_err(QmpError::generic)
            }
            HandleCounter::InMemory(next) => {
                let mut next = lock(next);
                let handle = *next;
                *next = next
                    .checked_add(1)
                    .ok_or_else(|| QmpError::generic("file handle counter exhausted"))?;
                Ok(handle)
            }
        }
    }

    fn find(&self, handle: i64) -> Result<Arc<Mutex<OpenFile>>, QmpError> {
        lock(&self.shared.open)
            .get(&handle)
            .cloned()
            .ok_or_else(|| QmpError::generic(format!("handle '{handle}' has not been found")))
    }

    /// How many handles are open.
    pub fn len(&self) -> usize {
        lock(&self.shared.open).len()
    }

    /// Whether no handle is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub async fn guest_file_open(
    h: &Handlers,
    path: String,
    mode: Option<String>,
) -> Result<i64, QmpError> {
    let files = h.files.clone();
    blocking(move || {
        let mode = mode.as_deref().unwrap_or("r");
        slog(format!(
            "guest-file-open called, filepath: {path}, mode: {mode}"
        ));
        let file = open::open(&path, mode)?;
        // As qemu-ga: the file is opened (maybe created) before the
        // counter is saved, and is closed again if that fails.
        let handle = files.next_handle()?;
        let entry = Arc::new(Mutex::new(OpenFile::new(file)));
        lock(&files.shared.open).insert(handle, entry);
        slog(format!("guest-file-open, handle: {handle}"));
        Ok(handle)
    })
    .await
}

pub async fn guest_file_close(h: &Handlers, handle: i64) -> Result<(), QmpError> {
    slog(format!("guest-file-close called, handle: {handle}"));
    let files = h.files.clone();
    let entry = files.find(handle)?;
    lock(&files.shared.open).remove(&handle);
    // If a read on this handle is still running, the file is closed when
    // it finishes; otherwise close it here, reporting close(2)'s error.
    let Ok(entry) = Arc::try_unwrap(entry) else {
        return Ok(());
    };
    let file = entry
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_file();
    blocking(move || {
        close(file).map_err(|e| QmpError::generic(format!("failed to close handle: {e}")))
    })
    .await
}

pub async fn guest_file_read(
    h: &Handlers,
    handle: i64,
    count: Option<i64>,
) -> Result<types::GuestFileRead, QmpError> {
    let entry = h.files.find(handle)?;
    let count = io::read_count(count)?;
    let read = blocking(move || lock(&entry).read(count)).await;
    if read.is_err() {
        // (sic: qemu-ga logs read failures with this text)
        slog(format!("guest-file-write failed, handle: {handle}"));
    }
    read
}

pub async fn guest_file_write(
    h: &Handlers,
    handle: i64,
    buf_b64: String,
    count: Option<i64>,
) -> Result<types::GuestFileWrite, QmpError> {
    let entry = h.files.find(handle)?;
    blocking(move || {
        let written = lock(&entry).write(&buf_b64, count);
        if written
            .as_ref()
            .is_err_and(|e| e.desc.starts_with("failed to write"))
        {
            slog(format!("guest-file-write failed, handle: {handle}"));
        }
        written
    })
    .await
}

pub async fn guest_file_seek(
    h: &Handlers,
    handle: i64,
    offset: i64,
    whence: types::GuestFileWhence,
) -> Result<types::GuestFileSeek, QmpError> {
    let entry = h.files.find(handle)?;
    let whence = io::whence_code(&whence)?;
    blocking(move || lock(&entry).seek(offset, whence)).await
}

pub async fn guest_file_flush(h: &Handlers, handle: i64) -> Result<(), QmpError> {
    let entry = h.files.find(handle)?;
    blocking(move || {
        lock(&entry).flush();
        Ok(())
    })
    .await
}

/// close(2) with its error, which dropping a `File` would ignore.
fn close(file: std::fs::File) -> Result<(), String> {
    use std::os::fd::IntoRawFd;
    let fd = file.into_raw_fd();
    // SAFETY: `into_raw_fd` released the descriptor to us, and it is
    // closed exactly once here (never retried: Linux frees it even on
    // EINTR).
    if unsafe { libc::close(fd) } == 0 {
        Ok(())
    } else {
        Err(crate::sys::io_error_text(&std::io::Error::last_os_error()))
    }
}

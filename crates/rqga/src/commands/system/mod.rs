//! System facts and the clock: time, timezone, host name, OS info, users,
//! load, CPU and disk statistics.

pub mod clock;
pub mod osinfo;
pub mod root;
pub mod scan;
pub mod stats;
pub mod users;

use std::sync::Arc;

use rqapi_runtime::qmp::QmpError;

use super::Handlers;
use super::runner::{ProgramRunner, SystemRunner};
use crate::qapi::types;
use crate::sys::{io_error_text, strerror};
use clock::{ClockSetter, SystemClock};
use root::FsRoot;

/// What the system commands act on: the clock (guest-set-time), the
/// program runner (`hwclock`) and the root of `/proc`, `/etc`, `/var`.
#[derive(Debug, Clone)]
pub struct SystemState {
    pub clock: Arc<dyn ClockSetter>,
    pub runner: Arc<dyn ProgramRunner>,
    pub root: FsRoot,
}

impl Default for SystemState {
    fn default() -> Self {
        SystemState {
            clock: Arc::new(SystemClock),
            runner: Arc::new(SystemRunner),
            root: FsRoot::real(),
        }
    }
}

/// Runs blocking work (child processes, many sysfs files) off the async
/// threads.
pub(crate) async fn blocking<T, F>(work: F) -> Result<T, QmpError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, QmpError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(QmpError::generic(format!("internal error: {e}"))))
}

/// Reads a `/proc` file under the root; qemu-ga's `fopen` error otherwise.
fn read_proc(root: &FsRoot, path: &str) -> Result<Vec<u8>, QmpError> {
    std::fs::read(root.path(path))
        .map_err(|e| QmpError::generic(format!("Could not open '{path}': {}", io_error_text(&e))))
}

pub async fn guest_get_time(_h: &Handlers) -> Result<i64, QmpError> {
    Ok(clock::get_time())
}

pub async fn guest_set_time(h: &Handlers, time: Option<i64>) -> Result<(), QmpError> {
    let state = h.system.clone();
    blocking(move || {
        clock::set_time(&*state.clock, &*state.runner, time).map_err(QmpError::generic)
    })
    .await
}

pub async fn guest_get_host_name(_h: &Handlers) -> Result<types::GuestHostName, QmpError> {
    // SAFETY: sysconf has no memory effects.
    let max = unsafe { libc::sysconf(libc::_SC_HOST_NAME_MAX) };
    let len = if max < 0 { 255 } else { max as usize };
    let mut buf = vec![0u8; len + 1];
    // SAFETY: buf has len + 1 writable bytes; we pass len, as qemu-ga
    // does, so the name stays NUL-terminated.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), len) };
    if rc < 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return Err(QmpError::generic(format!(
            "cannot get hostname: {}",
            strerror(errno)
        )));
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(len);
    Ok(types::GuestHostName {
        host_name: String::from_utf8_lossy(&buf[..end]).into_owned(),
    })
}

pub async fn guest_get_users(h: &Handlers) -> Result<Vec<types::GuestUser>, QmpError> {
    let data = std::fs::read(h.system.root.path("/var/run/utmp")).unwrap_or_default();
    Ok(users::users_from_utmp(&data))
}

pub async fn guest_get_timezone(_h: &Handlers) -> Result<types::GuestTimezone, QmpError> {
    let (zone, offset) = clock::timezone();
    Ok(types::GuestTimezone { zone, offset })
}

pub async fn guest_get_osinfo(h: &Handlers) -> Result<types::GuestOSInfo, QmpError> {
    let env = std::env::var_os("QGA_OS_RELEASE").map(std::path::PathBuf::from);
    Ok(osinfo::osinfo(&h.system.root, env.as_deref()))
}

pub async fn guest_get_diskstats(h: &Handlers) -> Result<Vec<types::GuestDiskStatsInfo>, QmpError> {
    Ok(stats::diskstats_from(&read_proc(
        &h.system.root,
        "/proc/diskstats",
    )?))
}

pub async fn guest_get_cpustats(h: &Handlers) -> Result<Vec<types::GuestCpuStats>, QmpError> {
    // SAFETY: sysconf has no memory effects.
    let clk_tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let text = read_proc(&h.system.root, "/proc/stat")?;
    Ok(stats::cpustats_from(&text, clk_tck.max(1) as u64))
}

pub async fn guest_get_load(h: &Handlers) -> Result<types::GuestLoadAverage, QmpError> {
    let text = std::fs::read_to_string(h.system.root.path("/proc/loadavg")).map_err(|e| {
        QmpError::generic(format!("cannot query load average: {}", io_error_text(&e)))
    })?;
    stats::load_from(&text).ok_or_else(|| QmpError::generic("cannot query load average"))
}

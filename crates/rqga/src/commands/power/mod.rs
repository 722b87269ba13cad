//! Shutdown and suspend, through the same external programs (and the same
//! fall-backs) as qemu-ga 10.2.

mod suspend;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;

use rqapi_runtime::qmp::QmpError;

use super::Handlers;
use super::runner::{ProgramRunner, SystemRunner, ga_run_command};
use super::system::root::FsRoot;
use suspend::SuspendMode;

/// What the power commands act on: the program runner, and the root under
/// which `/sbin/*` and `/sys/power/state` are looked up.
#[derive(Debug, Clone)]
pub struct PowerState {
    pub runner: Arc<dyn ProgramRunner>,
    pub root: FsRoot,
}

impl Default for PowerState {
    fn default() -> Self {
        PowerState {
            runner: Arc::new(SystemRunner),
            root: FsRoot::real(),
        }
    }
}

/// `access(path, X_OK) == 0` under the root.
fn is_executable(root: &FsRoot, path: &str) -> bool {
    let Ok(c) = CString::new(root.path(path).as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: c is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::X_OK) == 0 }
}

/// The program and arguments qemu-ga runs for a shutdown `mode`: the
/// mode's own program when it exists, else `shutdown` with flags.
pub fn shutdown_argv(root: &FsRoot, mode: Option<&str>) -> Result<Vec<&'static str>, QmpError> {
    let (program, flag) = match mode {
        None | Some("powerdown") => ("/sbin/poweroff", "-P"),
        Some("halt") => ("/sbin/halt", "-H"),
        Some("reboot") => ("/sbin/reboot", "-r"),
        Some(_) => {
            // qemu-ga's text, unbalanced parenthesis included.
            return Err(QmpError::generic(
                "mode is invalid (valid values are: halt|powerdown|reboot",
            ));
        }
    };
    if is_executable(root, program) {
        Ok(vec![program])
    } else {
        Ok(vec![
            "/sbin/shutdown",
            "-h",
            flag,
            "+0",
            "hypervisor initiated shutdown",
        ])
    }
}

pub async fn guest_shutdown(h: &Handlers, mode: Option<String>) -> Result<(), QmpError> {
    crate::log::syslog_info(&format!(
        "guest-shutdown called, mode: {}",
        mode.as_deref().unwrap_or("(null)")
    ));
    let argv = shutdown_argv(&h.power.root, mode.as_deref())?;
    let runner = Arc::clone(&h.power.runner);
    blocking(move || ga_run_command(&*runner, &argv, None, "shutdown")).await
}

/// Runs a child process off the async threads.
async fn blocking<F>(work: F) -> Result<(), QmpError>
where
    F: FnOnce() -> Result<(), String> + Send + 'static,
{
    super::system::blocking(move || work().map_err(QmpError::generic)).await
}

async fn suspend(h: &Handlers, mode: SuspendMode) -> Result<(), QmpError> {
    let state = h.power.clone();
    blocking(move || suspend::guest_suspend(&*state.runner, &state.root, mode)).await
}

pub async fn guest_suspend_disk(h: &Handlers) -> Result<(), QmpError> {
    suspend(h, SuspendMode::Disk).await
}

pub async fn guest_suspend_ram(h: &Handlers) -> Result<(), QmpError> {
    suspend(h, SuspendMode::Ram).await
}

pub async fn guest_suspend_hybrid(h: &Handlers) -> Result<(), QmpError> {
    suspend(h, SuspendMode::Hybrid).await
}

//! `guest_suspend`: systemd first, then pm-utils, then writing
//! `/sys/power/state`, with qemu-ga's exact fall-through rules.
//!
//! Kept from qemu-ga on purpose: when one method claims support but fails
//! and no later method claims support, the request reports success (the
//! last error was already dropped); hybrid sleep has no sysfs form, so
//! its sysfs step fails with "unknown guest suspend mode".

use std::io::{Read, Write};

use crate::commands::runner::{ProgramRunner, run_process_child};
use crate::commands::system::root::FsRoot;

const LINUX_SYS_STATE_FILE: &str = "/sys/power/state";

/// qemu-ga's `SuspendMode`, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspendMode {
    Disk,
    Ram,
    Hybrid,
}

impl SuspendMode {
    fn systemd_unit(self) -> &'static str {
        [
            "systemd-hibernate",
            "systemd-suspend",
            "systemd-hybrid-sleep",
        ][self as usize]
    }
    fn systemctl_verb(self) -> &'static str {
        ["hibernate", "suspend", "hybrid-sleep"][self as usize]
    }
    fn pm_is_supported_flag(self) -> &'static str {
        ["--hibernate", "--suspend", "--suspend-hybrid"][self as usize]
    }
    fn pm_program(self) -> &'static str {
        ["pm-hibernate", "pm-suspend", "pm-suspend-hybrid"][self as usize]
    }
    fn sysfs_word(self) -> Option<&'static str> {
        [Some("disk"), Some("mem"), None][self as usize]
    }
}

type Step = Result<(), String>;

fn systemd_supports(r: &dyn ProgramRunner, mode: SuspendMode) -> bool {
    // LSB status codes: 1..=3 mean the unit exists (3: not running).
    let status = run_process_child(r, &["systemctl", "status", mode.systemd_unit()]);
    matches!(status, Ok(1..=3))
}

fn systemd_suspend(r: &dyn ProgramRunner, mode: SuspendMode) -> Step {
    let verb = mode.systemctl_verb();
    match run_process_child(r, &["systemctl", verb])? {
        0 => Ok(()),
        -1 => Err(format!(
            "the helper program 'systemctl {verb}' was not found"
        )),
        status => Err(format!(
            "the helper program 'systemctl {verb}' returned an unexpected exit status code ({status})"
        )),
    }
}

/// pm-is-supported exits 0 when the mode is supported.
fn pmutils_supports(r: &dyn ProgramRunner, mode: SuspendMode) -> bool {
    matches!(
        run_process_child(r, &["pm-is-supported", mode.pm_is_supported_flag()]),
        Ok(0)
    )
}

fn pmutils_suspend(r: &dyn ProgramRunner, mode: SuspendMode) -> Step {
    let program = mode.pm_program();
    match run_process_child(r, &[program])? {
        0 => Ok(()),
        -1 => Err(format!("the helper program '{program}' was not found")),
        status => Err(format!(
            "the helper program '{program}' returned an unexpected exit status code ({status})"
        )),
    }
}

/// Whether `/sys/power/state` lists the mode (qemu-ga reads at most 31
/// bytes of it).  The error is only for hybrid, which has no sysfs word.
fn sysfs_supports(root: &FsRoot, mode: SuspendMode) -> Result<bool, String> {
    let word = mode
        .sysfs_word()
        .ok_or_else(|| "unknown guest suspend mode".to_string())?;
    let Ok(file) = std::fs::File::open(root.path(LINUX_SYS_STATE_FILE)) else {
        return Ok(false);
    };
    let mut buf = Vec::with_capacity(31);
    if file.take(31).read_to_end(&mut buf).is_err() {
        return Ok(false);
    }
    // strstr stops at the first NUL.
    let text = buf.split(|&b| b == 0).next().unwrap_or_default();
    Ok(text.windows(word.len()).any(|w| w == word.as_bytes()))
}

fn sysfs_suspend(root: &FsRoot, mode: SuspendMode) -> Step {
    let word = mode
        .sysfs_word()
        .ok_or_else(|| "unknown guest suspend mode".to_string())?;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .open(root.path(LINUX_SYS_STATE_FILE))
        .and_then(|mut f| f.write(word.as_bytes()));
    written.map(drop).map_err(|e| {
        format!(
            "suspend: cannot write to '{LINUX_SYS_STATE_FILE}': {}",
            crate::sys::io_error_text(&e)
        )
    })
}

/// qemu-ga's `guest_suspend`.
pub fn guest_suspend(r: &dyn ProgramRunner, root: &FsRoot, mode: SuspendMode) -> Step {
    let mut supported = false;
    if systemd_supports(r, mode) {
        supported = true;
        if systemd_suspend(r, mode).is_ok() {
            return Ok(());
        }
    }
    if pmutils_supports(r, mode) {
        supported = true;
        if pmutils_suspend(r, mode).is_ok() {
            return Ok(());
        }
    }
    let last = match sysfs_supports(root, mode) {
        Ok(true) => {
            supported = true;
            sysfs_suspend(root, mode)
        }
        Ok(false) => Ok(()),
        Err(e) => Err(e),
    };
    if !supported {
        return Err("the requested suspend mode is not supported by the guest".into());
    }
    last
}

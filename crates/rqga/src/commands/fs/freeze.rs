//! guest-fsfreeze-*: qemu-ga's freeze/thaw sequence, the hook script, the
//! frozen state, and two additions of ours:
//!
//! - a watchdog that thaws by itself when the host has not sent
//!   `guest-fsfreeze-thaw` within a configured time (`fsfreeze-timeout`;
//!   off unless configured, so by default we behave exactly as qemu-ga,
//!   which waits forever);
//! - [`FsState::recover_stale_freeze`], for start-up: a frozen marker left
//!   by an agent that died while filesystems were frozen is undone by
//!   thawing everything, instead of waiting for a thaw that may never
//!   come.
//!
//! The frozen state lives here and nowhere else (an atomic flag; the
//! command state and the agent follow it through [`FreezeNotify`]), and
//! is mirrored in the marker file
//! `<statedir>/qga.state.isfrozen`, whose existence tells the next agent
//! that filesystems may still be frozen.

use std::ffi::OsString;
use std::fmt::Debug;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rqapi_runtime::qmp::QmpError;

use super::mounts::{FsMount, parse_mountinfo, parse_mtab};
use super::ops::{FsOps, OpError, SystemFsOps};
use super::sysfs::SysRoots;
use crate::commands::lock;
use crate::commands::runner::{ProgramRunner, SystemRunner, ga_run_command};
use crate::log;
use crate::sys::io_error_text;

/// Told when the frozen state changes: the command state (commands that
/// are not freeze-safe are disabled while frozen) and the agent itself
/// (qemu-ga's `ga_set_frozen`/`ga_unset_frozen`: stop logging while
/// frozen, open deferred log and pid files after the thaw).  Listeners
/// hear a freeze in the order they were added and a thaw in the reverse
/// order, so the agent's logging is off only between its own calls.
pub trait FreezeNotify: Send + Sync + Debug {
    fn frozen(&self);
    fn thawed(&self);
}

/// How the freeze commands are set up (from the agent's configuration).
#[derive(Debug, Clone, Default)]
pub struct FsConfig {
    /// The fsfreeze hook (`-F`), run with `freeze` and `thaw`.
    pub hook: Option<PathBuf>,
    /// Where the frozen marker goes; `None` keeps no marker.
    pub marker: Option<PathBuf>,
    /// Thaw automatically this long after a freeze; `None`: never.
    pub watchdog: Option<Duration>,
    /// Start frozen (the agent found a marker at start-up).
    pub initially_frozen: bool,
    /// sysfs and udev database, for fsinfo and disks.
    pub sys: SysRoots,
}

impl FsConfig {
    /// The settings from the agent's configuration: hook, marker in the
    /// state directory, watchdog (`fsfreeze-timeout`, seconds, > 0), and
    /// whether the agent started frozen (a marker was found).
    pub fn from_config(config: &crate::config::Config, initially_frozen: bool) -> FsConfig {
        FsConfig {
            hook: config.fsfreeze_hook.clone().map(PathBuf::from),
            marker: config
                .state_dir
                .as_ref()
                .map(|d| crate::state::frozen_marker_path(Path::new(d))),
            watchdog: config
                .fsfreeze_timeout
                .filter(|&s| s > 0)
                .map(|s| Duration::from_secs(s as u64)),
            initially_frozen,
            sys: SysRoots::default(),
        }
    }
}

/// Shared state of the filesystem commands.
#[derive(Debug, Clone)]
pub struct FsState {
    pub(super) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) ops: Arc<dyn FsOps>,
    runner: Arc<dyn ProgramRunner>,
    config: FsConfig,
    frozen: AtomicBool,
    /// Bumped by every freeze, so a watchdog only thaws its own freeze.
    generation: AtomicU64,
    notify: Mutex<Vec<Arc<dyn FreezeNotify>>>,
    /// Freeze and thaw never overlap.
    busy: tokio::sync::Mutex<()>,
}

impl Default for FsState {
    fn default() -> Self {
        FsState::new(
            FsConfig::default(),
            Arc::new(SystemFsOps),
            Arc::new(SystemRunner),
        )
    }
}

fn qerr(msg: impl Into<String>) -> QmpError {
    QmpError::generic(msg)
}

fn with_errno(msg: String, err: &std::io::Error) -> QmpError {
    qerr(format!("{msg}: {}", io_error_text(err)))
}

impl FsState {
    /// State with the given system layer and program runner (fakes in
    /// tests).
    pub fn new(config: FsConfig, ops: Arc<dyn FsOps>, runner: Arc<dyn ProgramRunner>) -> Self {
        let frozen = AtomicBool::new(config.initially_frozen);
        FsState {
            inner: Arc::new(Inner {
                ops,
                runner,
                config,
                frozen,
                generation: AtomicU64::new(0),
                notify: Mutex::new(Vec::new()),
                busy: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Where fsinfo and disks look.
    pub fn sys_roots(&self) -> &SysRoots {
        &self.inner.config.sys
    }

    /// Whether filesystems are frozen (the command filter's question).
    pub fn is_frozen(&self) -> bool {
        self.inner.frozen.load(Ordering::SeqCst)
    }

    /// Adds a listener for frozen-state changes.
    pub fn add_notify(&self, notify: Arc<dyn FreezeNotify>) {
        lock(&self.inner.notify).push(notify);
    }

    /// Start-up recovery: when `config.marker` exists, a previous agent
    /// died with filesystems (possibly) frozen; thaw them all, run the
    /// thaw hook and clear the frozen state.  Returns the number of
    /// filesystems thawed, `None` when there was nothing to recover.
    pub async fn recover_stale_freeze(&self) -> Option<Result<i64, QmpError>> {
        let marker = self.inner.config.marker.as_ref()?;
        if std::fs::symlink_metadata(marker).is_err() {
            return None;
        }
        // Logging is off until the thaw: hold the messages till then.
        log::log_or_hold(
            log::Level::Warning,
            &format!(
                "found {}: thawing filesystems left frozen by a previous instance",
                marker.display()
            ),
        );
        self.inner.frozen.store(true, Ordering::SeqCst);
        let result = self.thaw().await;
        if let Err(e) = &result
            && !log::enabled()
        {
            // Still frozen: the caller's warning would be dropped.
            let text = format!("thawing filesystems failed: {}", e.desc);
            log::log_or_hold(log::Level::Warning, &text);
        }
        Some(result)
    }

    /// `ga_set_frozen`.
    fn set_frozen(&self) {
        if self.inner.frozen.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(marker) = &self.inner.config.marker {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(marker);
            if let Err(e) = created {
                let path = marker.display();
                let text = io_error_text(&e);
                log::warning(&format!("unable to open/create file {path}: {text}"));
                log::warning(&format!(
                    "unable to create {path}, fsfreeze may not function properly"
                ));
            }
        }
        for n in self.listeners() {
            n.frozen();
        }
    }

    /// `ga_unset_frozen`.
    fn unset_frozen(&self) {
        if !self.inner.frozen.swap(false, Ordering::SeqCst) {
            return;
        }
        for n in self.listeners().iter().rev() {
            n.thawed();
        }
        if let Some(marker) = &self.inner.config.marker
            && let Err(e) = std::fs::remove_file(marker)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            let path = marker.display();
            let text = io_error_text(&e);
            log::warning(&format!("unable to delete file: {path}: {text}"));
            log::warning(&format!(
                "unable to delete {path}, fsfreeze may not function properly"
            ));
        }
    }

    fn listeners(&self) -> Vec<Arc<dyn FreezeNotify>> {
        lock(&self.inner.notify).clone()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> T + Send + 'static,
    ) -> Result<T, QmpError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| qerr(format!("internal error: {e}")))
    }

    /// `execute_fsfreeze_hook`.
    async fn run_hook(&self, arg: &'static str) -> Result<(), QmpError> {
        let Some(hook) = self.inner.config.hook.clone() else {
            return Ok(());
        };
        log::syslog_info(&format!("executing fsfreeze hook with arg '{arg}'"));
        let argv = [hook.into_os_string(), OsString::from(arg)];
        self.blocking(move |inner| {
            ga_run_command(&*inner.runner, &argv, None, "execute fsfreeze hook")
        })
        .await?
        .map_err(qerr)
    }

    /// `guest-fsfreeze-freeze-list` (all local filesystems when
    /// `mountpoints` is `None`).
    pub async fn freeze(&self, mountpoints: Option<Vec<String>>) -> Result<i64, QmpError> {
        let _busy = self.inner.busy.lock().await;
        log::syslog_info("guest-fsfreeze called");
        self.run_hook("freeze").await?;
        let mounts = self.blocking(|inner| inner.mount_list()).await??;
        // Set before freezing: the agent must not write to a frozen disk.
        self.set_frozen();
        let result = self
            .blocking(move |inner| inner.freeze_mounts(&mounts, mountpoints.as_deref()))
            .await
            .and_then(|r| r);
        match result {
            Ok(0) => self.unset_frozen(),
            Ok(_) => self.arm_watchdog(),
            Err(_) => {
                // Undo a partial freeze; its own errors are not reported.
                let _ = self.thaw_locked().await;
            }
        }
        result
    }

    /// `guest-fsfreeze-thaw`.
    pub async fn thaw(&self) -> Result<i64, QmpError> {
        let _busy = self.inner.busy.lock().await;
        self.thaw_locked().await
    }

    async fn thaw_locked(&self) -> Result<i64, QmpError> {
        let count = self.blocking(|inner| inner.thaw_mounts()).await??;
        self.unset_frozen();
        log::syslog_info("guest-fsthaw called");
        self.run_hook("thaw").await?;
        Ok(count)
    }

    fn arm_watchdog(&self) {
        let generation = self.inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let Some(timeout) = self.inner.config.watchdog else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let state = self.clone();
        runtime.spawn(async move {
            tokio::time::sleep(timeout).await;
            let _busy = state.inner.busy.lock().await;
            if !state.is_frozen() || state.inner.generation.load(Ordering::SeqCst) != generation {
                return;
            }
            log::warning(&format!(
                "no guest-fsfreeze-thaw within {:?} of the freeze: thawing filesystems",
                timeout
            ));
            if let Err(e) = state.thaw_locked().await {
                log::warning(&format!("fsfreeze watchdog: {}", e.desc));
            }
        });
    }
}

impl Inner {
    /// `build_fs_mount_list`.
    pub(super) fn mount_list(&self) -> Result<Vec<FsMount>, QmpError> {
        let stat = |p: &Path| self.ops.lookup_device(p);
        if let Ok(text) = self.ops.mountinfo() {
            return Ok(parse_mountinfo(&text, &stat));
        }
        match self.ops.mtab() {
            Ok(text) => Ok(parse_mtab(&text, &stat)),
            Err(_) => Err(qerr("failed to open mtab file: '/proc/self/mounts'")),
        }
    }

    /// `qmp_guest_fsfreeze_do_freeze_list`: newest mount first, so that
    /// a filesystem mounted on another is frozen before it.
    fn freeze_mounts(&self, mounts: &[FsMount], only: Option<&[String]>) -> Result<i64, QmpError> {
        let mut frozen = 0;
        for mount in mounts.iter().rev() {
            if let Some(list) = only
                && !list
                    .iter()
                    .any(|m| m.as_bytes() == mount.dirname.as_os_str().as_bytes())
            {
                continue;
            }
            let dir = mount.dirname.display();
            match self.ops.freeze(&mount.dirname) {
                Ok(()) => frozen += 1,
                Err(OpError::Open(e)) => {
                    return Err(with_errno(format!("failed to open {dir}"), &e));
                }
                // Not freezable, or already frozen through another mount.
                Err(OpError::Ioctl(e))
                    if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EBUSY)) => {}
                Err(OpError::Ioctl(e)) => {
                    return Err(with_errno(format!("failed to freeze {dir}"), &e));
                }
            }
        }
        Ok(frozen)
    }

    /// `qmp_guest_fsfreeze_do_thaw`: every local filesystem, counting
    /// those that were frozen.
    fn thaw_mounts(&self) -> Result<i64, QmpError> {
        let mounts = self.mount_list()?;
        Ok(mounts
            .iter()
            .filter(|m| matches!(self.ops.thaw(&m.dirname), Ok(true)))
            .count() as i64)
    }
}

//! Filesystems: fsfreeze (with the hook script), fstrim, fsinfo and disks.
//!
//! System access goes through injectable layers: [`ops::FsOps`] for the
//! mount table and the freeze/thaw/trim ioctls, [`sysfs::SysRoots`] for
//! the sysfs and udev-database roots walked by fsinfo and disks.

pub mod disks;
pub mod freeze;
pub mod fsinfo;
pub mod mounts;
pub mod nvme;
pub mod ops;
pub mod sysfs;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::Handlers;
use ops::OpError;

pub use freeze::{FreezeNotify, FsConfig, FsState};

pub async fn guest_fsfreeze_status(h: &Handlers) -> Result<types::GuestFsfreezeStatus, QmpError> {
    Ok(if h.fs.is_frozen() {
        types::GuestFsfreezeStatus::Frozen
    } else {
        types::GuestFsfreezeStatus::Thawed
    })
}

pub async fn guest_fsfreeze_freeze(h: &Handlers) -> Result<i64, QmpError> {
    h.fs.freeze(None).await
}

pub async fn guest_fsfreeze_freeze_list(
    h: &Handlers,
    mountpoints: Option<Vec<String>>,
) -> Result<i64, QmpError> {
    h.fs.freeze(mountpoints).await
}

pub async fn guest_fsfreeze_thaw(h: &Handlers) -> Result<i64, QmpError> {
    h.fs.thaw().await
}

/// `guest-fstrim`: one result per local filesystem, newest mount first
/// (qemu-ga prepends each), errors per path.
pub async fn guest_fstrim(
    h: &Handlers,
    minimum: Option<i64>,
) -> Result<types::GuestFilesystemTrimResponse, QmpError> {
    crate::log::syslog_info("guest-fstrim called");
    let inner = std::sync::Arc::clone(&h.fs.inner);
    // FITRIM takes a u64: a negative minimum wraps as in C.
    let minlen = minimum.unwrap_or(0) as u64;
    let paths = tokio::task::spawn_blocking(move || {
        let mounts = inner.mount_list()?;
        let mut paths: Vec<_> = mounts
            .iter()
            .map(|mount| {
                let mut result = types::GuestFilesystemTrimResult {
                    path: mount.dirname.to_string_lossy().into_owned(),
                    trimmed: None,
                    minimum: None,
                    error: None,
                };
                match inner.ops.trim(&mount.dirname, minlen) {
                    Ok(t) => {
                        result.minimum = Some(t.minlen as i64);
                        result.trimmed = Some(t.len as i64);
                    }
                    Err(OpError::Open(e)) => {
                        let text = crate::sys::io_error_text(&e);
                        result.error = Some(format!("failed to open: {text}"));
                    }
                    Err(OpError::Ioctl(e))
                        if matches!(e.raw_os_error(), Some(libc::ENOTTY | libc::EOPNOTSUPP)) =>
                    {
                        result.error = Some("trim not supported".into());
                    }
                    Err(OpError::Ioctl(e)) => {
                        let text = crate::sys::io_error_text(&e);
                        result.error = Some(format!("failed to trim: {text}"));
                    }
                }
                result
            })
            .collect();
        paths.reverse();
        Ok::<_, QmpError>(paths)
    })
    .await
    .map_err(|e| QmpError::generic(format!("internal error: {e}")))??;
    Ok(types::GuestFilesystemTrimResponse { paths })
}

pub async fn guest_get_disks(h: &Handlers) -> Result<Vec<types::GuestDiskInfo>, QmpError> {
    let roots = h.fs.sys_roots().clone();
    tokio::task::spawn_blocking(move || disks::get_disks(&roots))
        .await
        .map_err(|e| QmpError::generic(format!("internal error: {e}")))?
}

pub async fn guest_get_fsinfo(h: &Handlers) -> Result<Vec<types::GuestFilesystemInfo>, QmpError> {
    let inner = std::sync::Arc::clone(&h.fs.inner);
    let roots = h.fs.sys_roots().clone();
    tokio::task::spawn_blocking(move || {
        let mounts = inner.mount_list()?;
        fsinfo::get_fsinfo(&roots, &mounts)
    })
    .await
    .map_err(|e| QmpError::generic(format!("internal error: {e}")))?
}

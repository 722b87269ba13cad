//! Filesystems: fsfreeze (with the hook script), fstrim, fsinfo and disks.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_fsfreeze_status(_h: &Handlers) -> Result<types::GuestFsfreezeStatus, QmpError> {
    Err(unsupported())
}

pub async fn guest_fsfreeze_freeze(_h: &Handlers) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_fsfreeze_freeze_list(
    _h: &Handlers,
    _mountpoints: Option<Vec<String>>,
) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_fsfreeze_thaw(_h: &Handlers) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_fstrim(
    _h: &Handlers,
    _minimum: Option<i64>,
) -> Result<types::GuestFilesystemTrimResponse, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_disks(_h: &Handlers) -> Result<Vec<types::GuestDiskInfo>, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_fsinfo(_h: &Handlers) -> Result<Vec<types::GuestFilesystemInfo>, QmpError> {
    Err(unsupported())
}

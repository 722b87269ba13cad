//! System facts and the clock: time, timezone, host name, OS info, users, load, CPU and disk statistics.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_get_time(_h: &Handlers) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_set_time(_h: &Handlers, _time: Option<i64>) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_get_host_name(_h: &Handlers) -> Result<types::GuestHostName, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_users(_h: &Handlers) -> Result<Vec<types::GuestUser>, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_timezone(_h: &Handlers) -> Result<types::GuestTimezone, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_osinfo(_h: &Handlers) -> Result<types::GuestOSInfo, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_diskstats(
    _h: &Handlers,
) -> Result<Vec<types::GuestDiskStatsInfo>, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_cpustats(_h: &Handlers) -> Result<Vec<types::GuestCpuStats>, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_load(_h: &Handlers) -> Result<types::GuestLoadAverage, QmpError> {
    Err(unsupported())
}

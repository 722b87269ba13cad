//! Channel synchronisation and agent information: guest-sync, guest-sync-delimited, guest-ping, guest-info.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_sync_delimited(_h: &Handlers, _id: i64) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_sync(_h: &Handlers, _id: i64) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_ping(_h: &Handlers) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_info(_h: &Handlers) -> Result<types::GuestAgentInfo, QmpError> {
    Err(unsupported())
}

//! guest-file-*: file handles persisted across connections, as qemu-ga keeps them.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_file_open(
    _h: &Handlers,
    _path: String,
    _mode: Option<String>,
) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_file_close(_h: &Handlers, _handle: i64) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_file_read(
    _h: &Handlers,
    _handle: i64,
    _count: Option<i64>,
) -> Result<types::GuestFileRead, QmpError> {
    Err(unsupported())
}

pub async fn guest_file_write(
    _h: &Handlers,
    _handle: i64,
    _buf_b64: String,
    _count: Option<i64>,
) -> Result<types::GuestFileWrite, QmpError> {
    Err(unsupported())
}

pub async fn guest_file_seek(
    _h: &Handlers,
    _handle: i64,
    _offset: i64,
    _whence: types::GuestFileWhence,
) -> Result<types::GuestFileSeek, QmpError> {
    Err(unsupported())
}

pub async fn guest_file_flush(_h: &Handlers, _handle: i64) -> Result<(), QmpError> {
    Err(unsupported())
}

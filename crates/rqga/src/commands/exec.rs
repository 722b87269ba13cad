//! guest-exec and guest-exec-status: child processes with bounded, base64-encoded output capture.

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_exec_status(
    _h: &Handlers,
    _pid: i64,
) -> Result<types::GuestExecStatus, QmpError> {
    Err(unsupported())
}

pub async fn guest_exec(
    _h: &Handlers,
    _path: String,
    _arg: Option<Vec<String>>,
    _env: Option<Vec<String>>,
    _input_data: Option<String>,
    _capture_output: Option<types::GuestExecCaptureOutput>,
) -> Result<types::GuestExec, QmpError> {
    Err(unsupported())
}

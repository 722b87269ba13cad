//! Shutdown and suspend (run through the same external programs qemu-ga uses).

use rqapi_runtime::qmp::QmpError;

use super::{Handlers, unsupported};

pub async fn guest_shutdown(_h: &Handlers, _mode: Option<String>) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_suspend_disk(_h: &Handlers) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_suspend_ram(_h: &Handlers) -> Result<(), QmpError> {
    Err(unsupported())
}

pub async fn guest_suspend_hybrid(_h: &Handlers) -> Result<(), QmpError> {
    Err(unsupported())
}

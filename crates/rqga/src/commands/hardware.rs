//! vCPUs and memory blocks (sysfs).

use rqapi_runtime::qmp::QmpError;

use crate::qapi::types;

use super::{Handlers, unsupported};

pub async fn guest_get_vcpus(_h: &Handlers) -> Result<Vec<types::GuestLogicalProcessor>, QmpError> {
    Err(unsupported())
}

pub async fn guest_set_vcpus(
    _h: &Handlers,
    _vcpus: Vec<types::GuestLogicalProcessor>,
) -> Result<i64, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_memory_blocks(
    _h: &Handlers,
) -> Result<Vec<types::GuestMemoryBlock>, QmpError> {
    Err(unsupported())
}

pub async fn guest_set_memory_blocks(
    _h: &Handlers,
    _mem_blks: Vec<types::GuestMemoryBlock>,
) -> Result<Vec<types::GuestMemoryBlockResponse>, QmpError> {
    Err(unsupported())
}

pub async fn guest_get_memory_block_info(
    _h: &Handlers,
) -> Result<types::GuestMemoryBlockInfo, QmpError> {
    Err(unsupported())
}

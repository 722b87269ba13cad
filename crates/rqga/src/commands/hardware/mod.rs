//! vCPUs and memory blocks, through sysfs as qemu-ga does.

mod memory;
mod vcpus;

use rqapi_runtime::qmp::QmpError;

use super::Handlers;
use super::system::blocking;
use super::system::root::FsRoot;
use crate::qapi::types;

/// Where `/sys/devices/system/{cpu,memory}` are read and written.
#[derive(Debug, Clone, Default)]
pub struct HardwareState {
    pub root: FsRoot,
}

pub async fn guest_get_vcpus(h: &Handlers) -> Result<Vec<types::GuestLogicalProcessor>, QmpError> {
    let root = h.hardware.root.clone();
    blocking(move || vcpus::get_vcpus(&root).map_err(QmpError::generic)).await
}

pub async fn guest_set_vcpus(
    h: &Handlers,
    vcpus: Vec<types::GuestLogicalProcessor>,
) -> Result<i64, QmpError> {
    let root = h.hardware.root.clone();
    blocking(move || vcpus::set_vcpus(&root, &vcpus).map_err(QmpError::generic)).await
}

pub async fn guest_get_memory_blocks(
    h: &Handlers,
) -> Result<Vec<types::GuestMemoryBlock>, QmpError> {
    let root = h.hardware.root.clone();
    blocking(move || memory::get_blocks(&root).map_err(QmpError::generic)).await
}

pub async fn guest_set_memory_blocks(
    h: &Handlers,
    mem_blks: Vec<types::GuestMemoryBlock>,
) -> Result<Vec<types::GuestMemoryBlockResponse>, QmpError> {
    let root = h.hardware.root.clone();
    blocking(move || Ok(memory::set_blocks(&root, &mem_blks))).await
}

pub async fn guest_get_memory_block_info(
    h: &Handlers,
) -> Result<types::GuestMemoryBlockInfo, QmpError> {
    let root = h.hardware.root.clone();
    let size = blocking(move || memory::block_size(&root).map_err(QmpError::generic)).await?;
    Ok(types::GuestMemoryBlockInfo { size })
}

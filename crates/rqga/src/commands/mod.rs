//! The guest-agent commands: one module per family, behind the
//! [`Commands`] trait generated from `schema/qga.json`.
//!
//! The generated dispatcher (`qapi::commands::dispatch`) checks arguments
//! with QEMU's exact messages and calls these methods; each only forwards
//! to its family module, so families can be read (and tested) alone.

pub mod accounts;
pub mod base64;
pub mod exec;
pub mod file;
pub mod fs;
pub mod hardware;
pub mod network;
pub mod power;
pub mod runner;
pub mod sync;
pub mod system;

pub use sync::CommandState;

use rqapi_runtime::qmp::QmpError;

use crate::qapi::commands::{COMMANDS, Commands};
use crate::qapi::types;

/// Locks a mutex, ignoring poisoning: a poisoned lock only means another
/// request panicked mid-way; the data itself is still consistent, so keep
/// serving.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The command names of this (Linux) build, in schema order.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|c| c.name)
}

/// The command handlers and the state they share across connections
/// (file handles, exec'd processes and the freeze state survive a client
/// reconnecting, as in qemu-ga).
#[derive(Debug, Default)]
pub struct Handlers {
    /// Which commands are enabled (allow/block lists, freeze state); the
    /// server's dispatcher and guest-info both read it.
    pub command_state: sync::CommandState,
    /// Program runner and root for shutdown/suspend.
    pub power: power::PowerState,
    /// Clock, program runner and root for the system facts.
    pub system: system::SystemState,
    /// sysfs root for vCPUs and memory blocks.
    pub hardware: hardware::HardwareState,
    /// fsfreeze state, mount table and sysfs access (commands/fs).
    pub fs: fs::FsState,
    /// Password and ssh-key helpers (commands/accounts).
    pub accounts: accounts::AccountsState,
    /// guest-file-* handles (`Default`: numbered in memory only; the
    /// agent uses `file::FileHandles::persistent`).
    pub files: file::FileHandles,
    /// Processes started by guest-exec, until their status is collected.
    pub exec: exec::ExecProcesses,
}

impl Commands for Handlers {
    async fn guest_sync_delimited(&self, id: i64) -> Result<i64, QmpError> {
        sync::guest_sync_delimited(self, id).await
    }

    async fn guest_sync(&self, id: i64) -> Result<i64, QmpError> {
        sync::guest_sync(self, id).await
    }

    async fn guest_ping(&self) -> Result<(), QmpError> {
        sync::guest_ping(self).await
    }

    async fn guest_get_time(&self) -> Result<i64, QmpError> {
        system::guest_get_time(self).await
    }

    async fn guest_set_time(&self, time: Option<i64>) -> Result<(), QmpError> {
        system::guest_set_time(self, time).await
    }

    async fn guest_info(&self) -> Result<types::GuestAgentInfo, QmpError> {
        sync::guest_info(self).await
    }

    async fn guest_shutdown(&self, mode: Option<String>) -> Result<(), QmpError> {
        power::guest_shutdown(self, mode).await
    }

    async fn guest_file_open(&self, path: String, mode: Option<String>) -> Result<i64, QmpError> {
        file::guest_file_open(self, path, mode).await
    }

    async fn guest_file_close(&self, handle: i64) -> Result<(), QmpError> {
        file::guest_file_close(self, handle).await
    }

    async fn guest_file_read(
        &self,
        handle: i64,
        count: Option<i64>,
    ) -> Result<types::GuestFileRead, QmpError> {
        file::guest_file_read(self, handle, count).await
    }

    async fn guest_file_write(
        &self,
        handle: i64,
        buf_b64: String,
        count: Option<i64>,
    ) -> Result<types::GuestFileWrite, QmpError> {
        file::guest_file_write(self, handle, buf_b64, count).await
    }

    async fn guest_file_seek(
        &self,
        handle: i64,
        offset: i64,
        whence: types::GuestFileWhence,
    ) -> Result<types::GuestFileSeek, QmpError> {
        file::guest_file_seek(self, handle, offset, whence).await
    }

    async fn guest_file_flush(&self, handle: i64) -> Result<(), QmpError> {
        file::guest_file_flush(self, handle).await
    }

    async fn guest_fsfreeze_status(&self) -> Result<types::GuestFsfreezeStatus, QmpError> {
        fs::guest_fsfreeze_status(self).await
    }

    async fn guest_fsfreeze_freeze(&self) -> Result<i64, QmpError> {
        fs::guest_fsfreeze_freeze(self).await
    }

    async fn guest_fsfreeze_freeze_list(
        &self,
        mountpoints: Option<Vec<String>>,
    ) -> Result<i64, QmpError> {
        fs::guest_fsfreeze_freeze_list(self, mountpoints).await
    }

    async fn guest_fsfreeze_thaw(&self) -> Result<i64, QmpError> {
        fs::guest_fsfreeze_thaw(self).await
    }

    async fn guest_fstrim(
        &self,
        minimum: Option<i64>,
    ) -> Result<types::GuestFilesystemTrimResponse, QmpError> {
        fs::guest_fstrim(self, minimum).await
    }

    async fn guest_suspend_disk(&self) -> Result<(), QmpError> {
        power::guest_suspend_disk(self).await
    }

    async fn guest_suspend_ram(&self) -> Result<(), QmpError> {
        power::guest_suspend_ram(self).await
    }

    async fn guest_suspend_hybrid(&self) -> Result<(), QmpError> {
        power::guest_suspend_hybrid(self).await
    }

    async fn guest_network_get_interfaces(
        &self,
    ) -> Result<Vec<types::GuestNetworkInterface>, QmpError> {
        network::guest_network_get_interfaces(self).await
    }

    async fn guest_get_vcpus(&self) -> Result<Vec<types::GuestLogicalProcessor>, QmpError> {
        hardware::guest_get_vcpus(self).await
    }

    async fn guest_set_vcpus(
        &self,
        vcpus: Vec<types::GuestLogicalProcessor>,
    ) -> Result<i64, QmpError> {
        hardware::guest_set_vcpus(self, vcpus).await
    }

    async fn guest_get_disks(&self) -> Result<Vec<types::GuestDiskInfo>, QmpError> {
        fs::guest_get_disks(self).await
    }

    async fn guest_get_fsinfo(&self) -> Result<Vec<types::GuestFilesystemInfo>, QmpError> {
        fs::guest_get_fsinfo(self).await
    }

    async fn guest_set_user_password(
        &self,
        username: String,
        password: String,
        crypted: bool,
    ) -> Result<(), QmpError> {
        accounts::guest_set_user_password(self, username, password, crypted).await
    }

    async fn guest_get_memory_blocks(&self) -> Result<Vec<types::GuestMemoryBlock>, QmpError> {
        hardware::guest_get_memory_blocks(self).await
    }

    async fn guest_set_memory_blocks(
        &self,
        mem_blks: Vec<types::GuestMemoryBlock>,
    ) -> Result<Vec<types::GuestMemoryBlockResponse>, QmpError> {
        hardware::guest_set_memory_blocks(self, mem_blks).await
    }

    async fn guest_get_memory_block_info(&self) -> Result<types::GuestMemoryBlockInfo, QmpError> {
        hardware::guest_get_memory_block_info(self).await
    }

    async fn guest_exec_status(&self, pid: i64) -> Result<types::GuestExecStatus, QmpError> {
        exec::guest_exec_status(self, pid).await
    }

    async fn guest_exec(
        &self,
        path: String,
        arg: Option<Vec<String>>,
        env: Option<Vec<String>>,
        input_data: Option<String>,
        capture_output: Option<types::GuestExecCaptureOutput>,
    ) -> Result<types::GuestExec, QmpError> {
        exec::guest_exec(self, path, arg, env, input_data, capture_output).await
    }

    async fn guest_get_host_name(&self) -> Result<types::GuestHostName, QmpError> {
        system::guest_get_host_name(self).await
    }

    async fn guest_get_users(&self) -> Result<Vec<types::GuestUser>, QmpError> {
        system::guest_get_users(self).await
    }

    async fn guest_get_timezone(&self) -> Result<types::GuestTimezone, QmpError> {
        system::guest_get_timezone(self).await
    }

    async fn guest_get_osinfo(&self) -> Result<types::GuestOSInfo, QmpError> {
        system::guest_get_osinfo(self).await
    }

    async fn guest_ssh_get_authorized_keys(
        &self,
        username: String,
    ) -> Result<types::GuestAuthorizedKeys, QmpError> {
        accounts::guest_ssh_get_authorized_keys(self, username).await
    }

    async fn guest_ssh_add_authorized_keys(
        &self,
        username: String,
        keys: Vec<String>,
        reset: Option<bool>,
    ) -> Result<(), QmpError> {
        accounts::guest_ssh_add_authorized_keys(self, username, keys, reset).await
    }

    async fn guest_ssh_remove_authorized_keys(
        &self,
        username: String,
        keys: Vec<String>,
    ) -> Result<(), QmpError> {
        accounts::guest_ssh_remove_authorized_keys(self, username, keys).await
    }

    async fn guest_get_diskstats(&self) -> Result<Vec<types::GuestDiskStatsInfo>, QmpError> {
        system::guest_get_diskstats(self).await
    }

    async fn guest_get_cpustats(&self) -> Result<Vec<types::GuestCpuStats>, QmpError> {
        system::guest_get_cpustats(self).await
    }

    async fn guest_get_load(&self) -> Result<types::GuestLoadAverage, QmpError> {
        system::guest_get_load(self).await
    }

    async fn guest_network_get_route(&self) -> Result<Vec<types::GuestNetworkRoute>, QmpError> {
        network::guest_network_get_route(self).await
    }
}

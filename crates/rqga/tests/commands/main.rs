//! The command families through the generated dispatcher, with fakes or
//! injectable roots for everything that would change the machine.  One
//! test binary for all families (link time).

#[path = "../support/mod.rs"]
mod support;

mod accounts_keys;
mod exec_dispatch;
mod file_dispatch;
mod frozen_dispatch;
mod fs_freeze;
mod fs_sysfs;
mod hardware_sysfs;
mod power_commands;
mod sync_info;
mod system_commands;

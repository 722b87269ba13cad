//! The harness of the VM test (`tests/vm.rs`): rqga built as a static
//! binary, put into the initramfs of `tests/vm/build-initramfs`, booted in
//! the private QEMU of `.ci/fetch-qemu` with the command line of
//! `tests/vm/run-vm`, and reached through QEMU's sockets: the agent's
//! virtio-serial port (`qga.sock`) and the QMP monitor (`qmp.sock`).
//!
//! A test is *skipped* (a message, no failure) when the environment cannot
//! run it: no QEMU prefix, no `python3`, not x86-64, or a guest that never
//! got as far as starting the agent. Once the agent has started, anything
//! wrong is a failure.

pub mod harness;
pub mod outcome;
pub mod proxmox;
pub mod vm;

pub use harness::Harness;
pub use outcome::{Outcome, VmTestError};
pub use vm::Vm;

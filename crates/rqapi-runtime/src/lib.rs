//! QMP runtime: what generated QMP code and the guest agent `rqga` run on.
//!
//! The wire core does no I/O (bytes in, messages out): [`json`] reads and
//! writes QEMU's JSON dialect, and [`qmp`] checks requests and builds
//! responses in QEMU's words. [`qapi`] supports code generated from QAPI
//! schemas (QEMU's input visitor semantics, dispatch tables, events).
//! [`transport`] moves bytes over unix, TCP, vsock, serial and
//! virtio-serial channels with tokio; [`server`] runs QMP and guest-agent
//! servers over them for any [`Dispatch`](server::Dispatch), and
//! [`client`] is the async QMP and guest-agent client.

pub mod client;
pub mod json;
pub mod memory;
pub mod qapi;
pub mod qmp;
pub mod server;
mod sync;
pub mod transport;

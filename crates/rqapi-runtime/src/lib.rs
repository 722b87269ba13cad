//! QMP runtime: what generated QMP code and the guest agent `rqga` run on.
//!
//! The wire core does no I/O (bytes in, messages out): [`json`] reads and
//! writes QEMU's JSON dialect, and [`qmp`] checks requests and builds
//! responses in QEMU's words. [`qapi`] supports code generated from QAPI
//! schemas. [`transport`] moves bytes over unix, TCP,
//! vsock, serial and virtio-serial channels with tokio.

pub mod client;
pub mod json;
pub mod qapi;
pub mod qmp;
pub mod server;
pub mod transport;

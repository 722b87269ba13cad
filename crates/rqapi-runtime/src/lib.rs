//! QMP runtime: the wire core shared by generated QMP code and the guest
//! agent `rqga`.
//!
//! This part does no I/O (bytes in, messages out): [`json`] reads and writes
//! QEMU's JSON dialect, and [`qmp`] checks requests and builds responses in
//! QEMU's words. [`qapi`] supports code generated from QAPI schemas.

pub mod json;
pub mod qapi;
pub mod qmp;
pub mod transport;

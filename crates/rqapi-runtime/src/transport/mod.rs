//! Tokio byte transports for the QMP server, the async QMP client and the
//! guest agent.
//!
//! Every transport ends up as a [`Connection`]: a reader half and a writer
//! half (boxed [`TransportRead`] / [`TransportWrite`]) plus [`PeerInfo`].
//! Servers get connections from an [`Incoming`] source: a socket
//! [`Listener`], a virtio-serial port (one connection per host session) or
//! a single already-open channel (serial device, stdio). Clients use
//! [`connect`]. Command-line addresses are parsed by [`Address`].
//!
//! Writes never spin: every transport waits for the kernel (or the in-memory
//! peer) to accept more bytes, so a peer that does not read holds the writer
//! back (backpressure).

mod activation;
mod address;
mod connection;
mod fd_stream;
mod incoming;
mod listener;
mod memory;
mod serial;
mod stdio;
mod tcp;
mod unix;
mod unix_io;
mod virtio_serial;
mod vsock;

pub use activation::{activated_listener, take_activation_fds};
pub use address::{Address, AddressError};
pub use connection::{
    BoxedReader, BoxedWriter, Connection, PeerCredentials, PeerInfo, TransportRead, TransportWrite,
    write_all_with_fds,
};
pub use fd_stream::{FdReader, FdWriter, fd_connection};
pub use incoming::{Incoming, connect};
pub use listener::{ListenOptions, Listener};
pub use memory::memory_pair;
pub use serial::open_serial;
pub use stdio::stdio_connection;
pub use unix::{MAX_FDS_PER_MESSAGE, UnixReader, UnixWriter, unix_pair};
pub use virtio_serial::{VirtioSerialOptions, VirtioSerialPort};

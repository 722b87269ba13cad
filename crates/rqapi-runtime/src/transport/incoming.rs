//! Sources of server-side connections, and client connects.

use std::io;

use super::address::Address;
use super::connection::Connection;
use super::listener::{ListenOptions, Listener};
use super::serial::open_serial;
use super::stdio::stdio_connection;
use super::virtio_serial::{VirtioSerialOptions, VirtioSerialPort};
use super::{tcp, unix, vsock};

/// Where a server (the QMP server, the guest agent) gets connections.
#[derive(Debug)]
pub enum Incoming {
    /// A listening socket: one connection per client.
    Listener(Listener),
    /// A virtio-serial port: one connection per host session.
    VirtioSerial(VirtioSerialPort),
    /// A single channel (serial tty, stdio, a test pair): yielded once.
    Once(Option<Connection>),
}

impl Incoming {
    /// Opens the server side of an address: listens on sockets, opens
    /// serial and virtio-serial devices, or takes stdio.
    pub async fn open(address: &Address, options: &ListenOptions) -> io::Result<Incoming> {
        match address {
            Address::Unix(_) | Address::Tcp { .. } | Address::Vsock { .. } => {
                Ok(Incoming::Listener(Listener::bind(address, options).await?))
            }
            Address::VirtioSerial(path) => Ok(Incoming::VirtioSerial(VirtioSerialPort::open(
                path,
                VirtioSerialOptions::default(),
            )?)),
            Address::Serial(path) => Ok(Incoming::Once(Some(open_serial(path)?))),
            Address::Stdio => Ok(Incoming::Once(Some(stdio_connection()))),
        }
    }

    /// The next connection, or `None` when a single channel was used up.
    pub async fn next(&mut self) -> Option<io::Result<Connection>> {
        match self {
            Incoming::Listener(listener) => Some(listener.accept().await),
            Incoming::VirtioSerial(port) => Some(port.next_session().await),
            Incoming::Once(connection) => connection.take().map(Ok),
        }
    }
}

/// Connects to an address as a client. Serial ttys are opened raw;
/// virtio-serial ports are not something a client connects to.
pub async fn connect(address: &Address) -> io::Result<Connection> {
    match address {
        Address::Unix(path) => unix::connect(path).await,
        Address::Tcp { host, port } => tcp::connect(host, *port).await,
        Address::Vsock { cid, port } => vsock::connect(*cid, *port).await,
        Address::Serial(path) => open_serial(path),
        Address::Stdio => Ok(stdio_connection()),
        Address::VirtioSerial(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot connect to {address}: open it with Incoming::open"),
        )),
    }
}

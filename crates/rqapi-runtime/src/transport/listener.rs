//! Listening sockets (unix, TCP, vsock) behind one type.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use rustix::net::{AddressFamily, SocketType};
use tokio::net::{TcpListener, UnixListener};
use tokio_vsock::VsockListener;

use super::address::Address;
use super::connection::Connection;
use super::{tcp, unix, vsock};

/// Options for binding listeners.
#[derive(Debug, Clone, Default)]
pub struct ListenOptions {
    /// Permission bits for a unix socket file (e.g. `0o600`); `None` keeps
    /// what the umask gives.
    pub unix_mode: Option<u32>,
}

/// A bound, listening socket.
#[derive(Debug)]
pub enum Listener {
    /// A unix socket; `path` is `None` for an inherited (activated) socket.
    Unix {
        listener: UnixListener,
        path: Option<PathBuf>,
    },
    /// A TCP socket.
    Tcp(TcpListener),
    /// An AF_VSOCK socket.
    Vsock(VsockListener),
}

impl Listener {
    /// Binds a listener for a socket address (unix, tcp or vsock).
    pub async fn bind(address: &Address, options: &ListenOptions) -> io::Result<Listener> {
        match address {
            Address::Unix(path) => Ok(Listener::Unix {
                listener: unix::bind(path, options.unix_mode)?,
                path: Some(path.clone()),
            }),
            Address::Tcp { host, port } => Ok(Listener::Tcp(tcp::bind(host, *port).await?)),
            Address::Vsock { cid, port } => Ok(Listener::Vsock(vsock::bind(*cid, *port)?)),
            other => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot listen on {other}: not a socket address"),
            )),
        }
    }

    /// Adopts an already listening socket (e.g. from systemd), finding its
    /// kind from its address family.
    pub fn from_listening_fd(fd: OwnedFd) -> io::Result<Listener> {
        if rustix::net::sockopt::socket_type(&fd)? != SocketType::STREAM {
            return Err(unsupported_fd("not a stream socket"));
        }
        if !rustix::net::sockopt::socket_acceptconn(&fd)? {
            return Err(unsupported_fd("socket is not listening"));
        }
        let family = rustix::net::getsockname(&fd)?.address_family();
        rustix::io::ioctl_fionbio(fd.as_fd(), true)?;
        if family == AddressFamily::UNIX {
            let std_listener = std::os::unix::net::UnixListener::from(fd);
            Ok(Listener::Unix {
                listener: UnixListener::from_std(std_listener)?,
                path: None,
            })
        } else if family == AddressFamily::INET || family == AddressFamily::INET6 {
            let std_listener = std::net::TcpListener::from(fd);
            Ok(Listener::Tcp(TcpListener::from_std(std_listener)?))
        } else if family == AddressFamily::VSOCK {
            Ok(Listener::Vsock(VsockListener::from(fd)))
        } else {
            Err(unsupported_fd("address family is not unix, inet or vsock"))
        }
    }

    /// Waits for the next client.
    pub async fn accept(&self) -> io::Result<Connection> {
        match self {
            Listener::Unix { listener, .. } => {
                let (stream, _) = listener.accept().await?;
                unix::connection(stream)
            }
            Listener::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                tcp::connection(stream)
            }
            Listener::Vsock(listener) => {
                let (stream, peer) = listener.accept().await?;
                Ok(vsock::connection(stream, peer))
            }
        }
    }

    /// The address clients can connect to, when it can be expressed.
    pub fn local_address(&self) -> io::Result<Option<Address>> {
        Ok(match self {
            Listener::Unix { listener, path } => path
                .clone()
                .or_else(|| listener.local_addr().ok()?.as_pathname().map(Into::into))
                .map(Address::Unix),
            Listener::Tcp(listener) => {
                let addr = listener.local_addr()?;
                Some(Address::Tcp {
                    host: addr.ip().to_string(),
                    port: addr.port(),
                })
            }
            Listener::Vsock(listener) => {
                let addr = listener.local_addr()?;
                Some(Address::Vsock {
                    cid: addr.cid(),
                    port: addr.port(),
                })
            }
        })
    }
}

fn unsupported_fd(why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("unsupported listen fd type: {why}"),
    )
}

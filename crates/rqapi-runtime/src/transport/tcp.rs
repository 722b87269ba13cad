//! TCP listen and connect.

use std::io;

use tokio::net::{TcpListener, TcpStream};

use super::connection::{Connection, PeerInfo};

/// Binds `host:port`; an empty host listens on all IPv4 interfaces.
pub(crate) async fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    let host = if host.is_empty() { "0.0.0.0" } else { host };
    TcpListener::bind((host, port))
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("failed to listen on {host}:{port}: {e}")))
}

/// Connects to `host:port`; an empty host means localhost.
pub(crate) async fn connect(host: &str, port: u16) -> io::Result<Connection> {
    let host = if host.is_empty() { "localhost" } else { host };
    let stream = TcpStream::connect((host, port)).await.map_err(|e| {
        io::Error::new(e.kind(), format!("failed to connect to {host}:{port}: {e}"))
    })?;
    connection(stream)
}

/// Wraps a connected stream. Nagle is disabled: QMP exchanges small
/// request/response messages where batching only adds latency.
pub(crate) fn connection(stream: TcpStream) -> io::Result<Connection> {
    stream.set_nodelay(true)?;
    let peer = stream.peer_addr()?;
    let (read, write) = stream.into_split();
    Ok(Connection::new(
        Box::new(read),
        Box::new(write),
        PeerInfo::Tcp(peer),
    ))
}

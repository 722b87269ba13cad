//! AF_VSOCK listen and connect (through the tokio-vsock crate).

use std::io;

use tokio_vsock::{VsockAddr, VsockListener, VsockStream};

use super::connection::{Connection, PeerInfo};

pub(crate) fn bind(cid: u32, port: u32) -> io::Result<VsockListener> {
    VsockListener::bind(VsockAddr::new(cid, port)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("failed to listen on vsock:{cid}:{port}: {e}"),
        )
    })
}

pub(crate) async fn connect(cid: u32, port: u32) -> io::Result<Connection> {
    let stream = VsockStream::connect(VsockAddr::new(cid, port))
        .await
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("failed to connect to vsock:{cid}:{port}: {e}"),
            )
        })?;
    let peer = stream.peer_addr()?;
    Ok(connection(stream, peer))
}

pub(crate) fn connection(stream: VsockStream, peer: VsockAddr) -> Connection {
    let (read, write) = stream.into_split();
    Connection::new(
        Box::new(read),
        Box::new(write),
        PeerInfo::Vsock {
            cid: peer.cid(),
            port: peer.port(),
        },
    )
}

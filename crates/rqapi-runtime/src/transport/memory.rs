//! In-memory connection pairs for tests.

use super::connection::{Connection, PeerInfo};

/// Two connected in-memory connections; each direction buffers at most
/// `capacity` bytes, after which writes wait for the other side to read.
pub fn memory_pair(capacity: usize) -> (Connection, Connection) {
    let (a, b) = tokio::io::duplex(capacity);
    let wrap = |stream| {
        let (read, write) = tokio::io::split(stream);
        Connection::new(Box::new(read), Box::new(write), PeerInfo::Memory)
    };
    (wrap(a), wrap(b))
}

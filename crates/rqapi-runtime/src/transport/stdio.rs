//! Standard input/output as a connection.

use super::connection::{Connection, PeerInfo};

/// A connection reading stdin and writing stdout.
///
/// Uses tokio's stdio, which works for any kind of file (pipes, ttys,
/// regular files) by doing the blocking calls on tokio's blocking pool.
pub fn stdio_connection() -> Connection {
    Connection::new(
        Box::new(tokio::io::stdin()),
        Box::new(tokio::io::stdout()),
        PeerInfo::Stdio,
    )
}

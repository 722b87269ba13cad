//! Unix stream sockets: listen (replacing an old socket file), connect,
//! descriptor passing (SCM_RIGHTS) and peer credentials.

use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use tokio::net::{UnixListener, UnixStream};

use super::connection::{Connection, PeerCredentials, PeerInfo};
use super::unix_io;
pub use super::unix_io::{MAX_FDS_PER_MESSAGE, UnixReader, UnixWriter};

/// Binds a listening socket at `path`.
///
/// Like qemu-ga (QEMU's `unix_listen`), an existing socket file at the path
/// is removed first, whether stale or not. Unlike it, any other kind of
/// file is left alone and binding fails, so a typo cannot delete data.
/// `mode` sets the socket file's permission bits after binding.
pub(crate) fn bind(path: &Path, mode: Option<u32>) -> io::Result<UnixListener> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            tracing::debug!(path = %path.display(), "removing old socket file");
            std::fs::remove_file(path).map_err(|e| annotate(e, "remove old socket", path))?;
        }
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a socket", path.display()),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(annotate(e, "inspect", path)),
    }
    let listener = UnixListener::bind(path).map_err(|e| annotate(e, "bind", path))?;
    if let Some(mode) = mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| annotate(e, "set permissions of", path))?;
    }
    Ok(listener)
}

/// Connects to the socket at `path`.
pub(crate) async fn connect(path: &Path) -> io::Result<Connection> {
    let stream = UnixStream::connect(path)
        .await
        .map_err(|e| annotate(e, "connect to", path))?;
    connection(stream)
}

/// A connected pair of unix socket connections (with descriptor passing).
pub fn unix_pair() -> io::Result<(Connection, Connection)> {
    let (a, b) = UnixStream::pair()?;
    Ok((connection(a)?, connection(b)?))
}

/// Wraps a connected stream, recording the peer's credentials.
pub(crate) fn connection(stream: UnixStream) -> io::Result<Connection> {
    let credentials = stream.peer_cred().ok().map(|cred| PeerCredentials {
        pid: cred.pid(),
        uid: cred.uid(),
        gid: cred.gid(),
    });
    let (reader, writer) = unix_io::halves(stream.into_std()?)?;
    Ok(Connection::new(
        Box::new(reader),
        Box::new(writer),
        PeerInfo::Unix { credentials },
    ))
}

fn annotate(err: io::Error, action: &str, path: &Path) -> io::Error {
    io::Error::new(
        err.kind(),
        format!("failed to {action} {}: {err}", path.display()),
    )
}

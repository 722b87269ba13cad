//! Unix stream sockets: listen (replacing an old socket file), connect,
//! descriptor passing (SCM_RIGHTS) and peer credentials.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{UnixListener, UnixStream};

use super::connection::{Connection, PeerCredentials, PeerInfo, TransportRead, TransportWrite};

/// Most descriptors accepted with one message (QEMU's chardev uses 16).
pub const MAX_FDS_PER_MESSAGE: usize = 16;

const FD_SPACE: usize = rustix::cmsg_space!(ScmRights(MAX_FDS_PER_MESSAGE));

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
    Ok(connection(stream))
}

/// A connected pair of unix socket connections (with descriptor passing).
pub fn unix_pair() -> io::Result<(Connection, Connection)> {
    let (a, b) = UnixStream::pair()?;
    Ok((connection(a), connection(b)))
}

/// Wraps a connected stream, recording the peer's credentials.
pub(crate) fn connection(stream: UnixStream) -> Connection {
    let credentials = stream.peer_cred().ok().map(|cred| PeerCredentials {
        pid: cred.pid(),
        uid: cred.uid(),
        gid: cred.gid(),
    });
    let (read, write) = stream.into_split();
    Connection::new(
        Box::new(UnixReader {
            half: read,
            fds: Vec::new(),
        }),
        Box::new(UnixWriter { half: write }),
        PeerInfo::Unix { credentials },
    )
}

fn annotate(err: io::Error, action: &str, path: &Path) -> io::Error {
    io::Error::new(
        err.kind(),
        format!("failed to {action} {}: {err}", path.display()),
    )
}

/// Reading half of a unix socket; collects descriptors sent with the data.
#[derive(Debug)]
pub struct UnixReader {
    half: OwnedReadHalf,
    fds: Vec<OwnedFd>,
}

impl AsyncRead for UnixReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            ready!(this.half.as_ref().poll_read_ready(cx))?;
            let socket = this.half.as_ref();
            let unfilled = buf.initialize_unfilled();
            let fds = &mut this.fds;
            let wanted = unfilled.len();
            let mut drained = None;
            let result = socket.try_io(Interest::READABLE, || {
                let had_fds = fds.len();
                let n = recv_with_fds(socket, unfilled, fds)?;
                // A short read that brought no descriptors emptied the
                // queue (the kernel only stops early after a message with
                // descriptors): report it as "would block" so tokio clears
                // the readiness it saw before this read, sparing the next
                // read a certain EAGAIN (as tokio's own streams do).
                if n > 0 && n < wanted && fds.len() == had_fds {
                    drained = Some(n);
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                Ok(n)
            });
            match (result, drained) {
                (_, Some(n)) | (Ok(n), None) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                (Err(e), None) if e.kind() == io::ErrorKind::WouldBlock => continue,
                (Err(e), None) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl TransportRead for UnixReader {
    fn take_received_fds(&mut self) -> Vec<OwnedFd> {
        std::mem::take(&mut self.fds)
    }
}

fn recv_with_fds(socket: &UnixStream, buf: &mut [u8], out: &mut Vec<OwnedFd>) -> io::Result<usize> {
    let mut space = [MaybeUninit::<u8>::uninit(); FD_SPACE];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let msg = rustix::net::recvmsg(
        socket,
        &mut [IoSliceMut::new(buf)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC | RecvFlags::DONTWAIT,
    )?;
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = message {
            out.extend(fds);
        }
    }
    if msg.flags.contains(ReturnFlags::CTRUNC) {
        // The kernel closed the descriptors that did not fit.
        tracing::warn!(
            "peer sent more than {MAX_FDS_PER_MESSAGE} file descriptors in one message; extra ones were dropped"
        );
    }
    Ok(msg.bytes)
}

/// Writing half of a unix socket; can attach descriptors to data.
#[derive(Debug)]
pub struct UnixWriter {
    half: OwnedWriteHalf,
}

impl AsyncWrite for UnixWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.half).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.half).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.half).poll_shutdown(cx)
    }
}

impl TransportWrite for UnixWriter {
    fn can_send_fds(&self) -> bool {
        true
    }

    fn poll_write_with_fds(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        fds: &[BorrowedFd<'_>],
    ) -> Poll<io::Result<usize>> {
        if fds.is_empty() {
            return Pin::new(&mut self.half).poll_write(cx, buf);
        }
        if buf.is_empty() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "file descriptors must be sent with at least one byte",
            )));
        }
        loop {
            ready!(self.half.as_ref().poll_write_ready(cx))?;
            let socket = self.half.as_ref();
            match socket.try_io(Interest::WRITABLE, || send_with_fds(socket, buf, fds)) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                result => return Poll::Ready(result),
            }
        }
    }
}

fn send_with_fds(socket: &UnixStream, buf: &[u8], fds: &[BorrowedFd<'_>]) -> io::Result<usize> {
    if fds.len() > MAX_FDS_PER_MESSAGE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("at most {MAX_FDS_PER_MESSAGE} file descriptors per message"),
        ));
    }
    let mut space = [MaybeUninit::<u8>::uninit(); FD_SPACE];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err(io::Error::other("file descriptor control buffer too small"));
    }
    let sent = rustix::net::sendmsg(
        socket,
        &[IoSlice::new(buf)],
        &mut control,
        SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
    )?;
    Ok(sent)
}

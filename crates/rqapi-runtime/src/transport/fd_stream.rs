//! Non-blocking character-device descriptors (ttys) as reader/writer halves.

use std::io;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use rustix::io::Errno;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::connection::{Connection, PeerInfo, TransportRead, TransportWrite};

/// Reading half over a shared non-blocking descriptor.
#[derive(Debug)]
pub struct FdReader {
    fd: Arc<AsyncFd<OwnedFd>>,
}

/// Writing half over a shared non-blocking descriptor.
#[derive(Debug)]
pub struct FdWriter {
    fd: Arc<AsyncFd<OwnedFd>>,
}

/// Wraps any pollable descriptor (tty, pipe, socket) as a connection,
/// switching it to non-blocking mode. Regular files cannot be polled and
/// are refused by the reactor; use [`super::stdio_connection`] for stdio.
pub fn fd_connection(fd: OwnedFd, peer: PeerInfo) -> io::Result<Connection> {
    rustix::io::ioctl_fionbio(&fd, true)?;
    let fd = Arc::new(register(fd, Interest::READABLE | Interest::WRITABLE)?);
    Ok(Connection::new(
        Box::new(FdReader { fd: fd.clone() }),
        Box::new(FdWriter { fd }),
        peer,
    ))
}

/// Registers an owned descriptor with the tokio reactor.
pub(crate) fn register(fd: OwnedFd, interest: Interest) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: the `OwnedFd` is moved into the `AsyncFd`, so it stays open and
    // names the same open file until the `AsyncFd` is dropped or unwrapped.
    let registered = unsafe { AsyncFd::register_with_interest(fd, interest) };
    registered.map_err(io::Error::from)
}

impl AsyncRead for FdReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match guard.try_io(|fd| retry_eintr(|| rustix::io::read(fd.get_ref(), &mut *unfilled)))
            {
                Ok(Ok(Ok(n))) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                // A tty whose other side is gone reports EIO: that is end
                // of file for our purposes.
                Ok(Ok(Err(Errno::IO))) => return Poll::Ready(Ok(())),
                Ok(Ok(Err(e))) => return Poll::Ready(Err(e.into())),
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl TransportRead for FdReader {}

impl AsyncWrite for FdWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            let mut guard = ready!(self.fd.poll_write_ready(cx))?;
            match guard.try_io(|fd| retry_eintr(|| rustix::io::write(fd.get_ref(), buf))) {
                Ok(Ok(result)) => return Poll::Ready(result.map_err(Into::into)),
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Bytes go straight to the kernel; nothing is buffered here.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl TransportWrite for FdWriter {}

/// Runs a syscall again after EINTR; maps EAGAIN to `WouldBlock` for
/// tokio's readiness tracking, keeping other errnos for the caller.
fn retry_eintr<T>(mut call: impl FnMut() -> Result<T, Errno>) -> io::Result<Result<T, Errno>> {
    loop {
        match call() {
            Err(Errno::INTR) => continue,
            Err(Errno::AGAIN) => return Err(io::ErrorKind::WouldBlock.into()),
            other => return Ok(other),
        }
    }
}

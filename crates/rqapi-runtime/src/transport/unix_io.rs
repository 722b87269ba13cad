//! The halves of a connected unix stream socket: reads collect passed
//! descriptors (SCM_RIGHTS), writes can attach them.
//!
//! The socket is registered with the reactor for reading only. Writes go
//! straight to the kernel; only when it refuses (buffer full) is a
//! duplicate descriptor registered for writability, and it is dropped
//! again at the next flush. A permanent write registration would wake the
//! process each time the peer reads (the kernel signals "writable" on
//! every read from a unix socket), which costs a spurious wake-up and an
//! extra `epoll_wait` per request/response round trip.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use rustix::io::Errno;
use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags, Shutdown,
};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::connection::{TransportRead, TransportWrite};
use super::fd_stream::register;

/// Most descriptors accepted with one message (QEMU's chardev uses 16).
pub const MAX_FDS_PER_MESSAGE: usize = 16;

const FD_SPACE: usize = rustix::cmsg_space!(ScmRights(MAX_FDS_PER_MESSAGE));

/// Splits a connected, non-blocking stream into reader and writer halves.
pub(crate) fn halves(
    stream: std::os::unix::net::UnixStream,
) -> io::Result<(UnixReader, UnixWriter)> {
    stream.set_nonblocking(true)?;
    let socket = Arc::new(register(OwnedFd::from(stream), Interest::READABLE)?);
    Ok((
        UnixReader {
            socket: socket.clone(),
            fds: Vec::new(),
        },
        UnixWriter {
            socket,
            writable: None,
        },
    ))
}

/// Reading half of a unix socket; collects descriptors sent with the data.
#[derive(Debug)]
pub struct UnixReader {
    socket: Arc<AsyncFd<OwnedFd>>,
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
            let mut guard = ready!(this.socket.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            let wanted = unfilled.len();
            let had_fds = this.fds.len();
            match recv_with_fds(guard.get_inner(), unfilled, &mut this.fds) {
                Ok(n) => {
                    // A short read that brought no descriptors emptied the
                    // queue (the kernel only stops early after a message
                    // with descriptors): forget the readiness now, sparing
                    // the next read a certain EAGAIN.
                    if n > 0 && n < wanted && this.fds.len() == had_fds {
                        guard.clear_ready();
                    }
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(Errno::AGAIN) => guard.clear_ready(),
                Err(Errno::INTR) => {}
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }
}

impl TransportRead for UnixReader {
    fn take_received_fds(&mut self) -> Vec<OwnedFd> {
        std::mem::take(&mut self.fds)
    }
}

fn recv_with_fds(socket: &OwnedFd, buf: &mut [u8], out: &mut Vec<OwnedFd>) -> Result<usize, Errno> {
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
    socket: Arc<AsyncFd<OwnedFd>>,
    /// A duplicate registered for writability while the kernel buffer is
    /// full (see the module documentation).
    writable: Option<AsyncFd<OwnedFd>>,
}

impl UnixWriter {
    /// Sends with `send`, waiting for writability only after EAGAIN.
    fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        send: impl Fn(BorrowedFd<'_>) -> Result<usize, Errno>,
    ) -> Poll<io::Result<usize>> {
        loop {
            if let Some(writable) = &self.writable {
                let mut guard = ready!(writable.poll_write_ready(cx))?;
                match send(self.socket.get_ref().as_fd()) {
                    Err(Errno::AGAIN) => guard.clear_ready(),
                    Err(Errno::INTR) => {}
                    result => return Poll::Ready(result.map_err(Into::into)),
                }
                continue;
            }
            match send(self.socket.get_ref().as_fd()) {
                Err(Errno::AGAIN) => {
                    let copy = self.socket.get_ref().try_clone()?;
                    self.writable = Some(register(copy, Interest::WRITABLE)?);
                }
                Err(Errno::INTR) => {}
                result => return Poll::Ready(result.map_err(Into::into)),
            }
        }
    }
}

impl Drop for UnixWriter {
    fn drop(&mut self) {
        // As tokio's write halves do: the peer sees end of input even
        // while our reading half lives on.
        let _ = rustix::net::shutdown(self.socket.get_ref(), Shutdown::Write);
    }
}

impl AsyncWrite for UnixWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.get_mut().poll_send(cx, |socket| {
            rustix::net::send(socket, buf, SendFlags::NOSIGNAL | SendFlags::DONTWAIT)
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here; the buffer-full episode is over.
        self.get_mut().writable = None;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.writable = None;
        match rustix::net::shutdown(this.socket.get_ref(), Shutdown::Write) {
            Ok(()) | Err(Errno::NOTCONN) => Poll::Ready(Ok(())),
            Err(e) => Poll::Ready(Err(e.into())),
        }
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
            return Pin::new(self).poll_write(cx, buf);
        }
        if buf.is_empty() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "file descriptors must be sent with at least one byte",
            )));
        }
        if fds.len() > MAX_FDS_PER_MESSAGE {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("at most {MAX_FDS_PER_MESSAGE} file descriptors per message"),
            )));
        }
        self.poll_send(cx, |socket| send_with_fds(socket, buf, fds))
    }
}

fn send_with_fds(
    socket: BorrowedFd<'_>,
    buf: &[u8],
    fds: &[BorrowedFd<'_>],
) -> Result<usize, Errno> {
    let mut space = [MaybeUninit::<u8>::uninit(); FD_SPACE];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err(Errno::NOBUFS);
    }
    rustix::net::sendmsg(
        socket,
        &[IoSlice::new(buf)],
        &mut control,
        SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
    )
}

//! The common connection type: split reader/writer halves plus peer info.

use std::fmt;
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The reading half of a transport.
pub trait TransportRead: AsyncRead + Send + Unpin + fmt::Debug {
    /// Moves out the file descriptors that arrived (SCM_RIGHTS) together
    /// with bytes already returned by reads, oldest first.
    ///
    /// Transports that cannot carry descriptors always return nothing.
    fn take_received_fds(&mut self) -> Vec<OwnedFd> {
        Vec::new()
    }
}

/// The writing half of a transport.
pub trait TransportWrite: AsyncWrite + Send + Unpin + fmt::Debug {
    /// Whether [`TransportWrite::poll_write_with_fds`] can send descriptors.
    fn can_send_fds(&self) -> bool {
        false
    }

    /// Writes bytes from `buf`, attaching `fds` to the first byte written.
    ///
    /// When this returns `Ready(Ok(n))` with `n > 0`, all `fds` were sent.
    /// Transports without descriptor passing fail with
    /// [`io::ErrorKind::Unsupported`] when `fds` is not empty.
    fn poll_write_with_fds(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        fds: &[BorrowedFd<'_>],
    ) -> Poll<io::Result<usize>> {
        if fds.is_empty() {
            Pin::new(self).poll_write(cx, buf)
        } else {
            Poll::Ready(Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "this transport cannot pass file descriptors",
            )))
        }
    }
}

/// A boxed reading half.
pub type BoxedReader = Box<dyn TransportRead>;
/// A boxed writing half.
pub type BoxedWriter = Box<dyn TransportWrite>;

/// Who is on the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerInfo {
    /// A unix socket peer; credentials when the kernel reported them.
    Unix {
        credentials: Option<PeerCredentials>,
    },
    /// A TCP peer.
    Tcp(std::net::SocketAddr),
    /// An AF_VSOCK peer.
    Vsock { cid: u32, port: u32 },
    /// The host end of a serial tty.
    Serial { path: PathBuf },
    /// One host session on a virtio-serial port (numbered from 1).
    VirtioSerial { path: PathBuf, session: u64 },
    /// Whoever is attached to our stdin/stdout.
    Stdio,
    /// The other half of an in-memory pair.
    Memory,
}

/// Unix socket peer credentials (SO_PEERCRED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCredentials {
    pub pid: Option<i32>,
    pub uid: u32,
    pub gid: u32,
}

/// A bidirectional byte stream split into halves.
///
/// It also implements `AsyncRead`/`AsyncWrite` itself for simple uses.
#[derive(Debug)]
pub struct Connection {
    reader: BoxedReader,
    writer: BoxedWriter,
    peer: PeerInfo,
}

impl Connection {
    /// Assembles a connection from its halves.
    pub fn new(reader: BoxedReader, writer: BoxedWriter, peer: PeerInfo) -> Connection {
        Connection {
            reader,
            writer,
            peer,
        }
    }

    /// Describes the peer.
    pub fn peer(&self) -> &PeerInfo {
        &self.peer
    }

    /// Splits into the reading and writing halves (usable from two tasks).
    pub fn into_split(self) -> (BoxedReader, BoxedWriter) {
        (self.reader, self.writer)
    }

    /// The reading half.
    pub fn reader_mut(&mut self) -> &mut BoxedReader {
        &mut self.reader
    }

    /// The writing half.
    pub fn writer_mut(&mut self) -> &mut BoxedWriter {
        &mut self.writer
    }

    /// See [`TransportRead::take_received_fds`].
    pub fn take_received_fds(&mut self) -> Vec<OwnedFd> {
        self.reader.take_received_fds()
    }

    /// See [`write_all_with_fds`].
    pub async fn write_all_with_fds(
        &mut self,
        buf: &[u8],
        fds: &[BorrowedFd<'_>],
    ) -> io::Result<()> {
        write_all_with_fds(&mut *self.writer, buf, fds).await
    }
}

/// Writes all of `buf`, sending `fds` with its first byte.
///
/// `buf` must not be empty when `fds` is not: descriptors travel with data.
pub async fn write_all_with_fds<W: TransportWrite + ?Sized>(
    writer: &mut W,
    buf: &[u8],
    fds: &[BorrowedFd<'_>],
) -> io::Result<()> {
    if buf.is_empty() && !fds.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "file descriptors must be sent with at least one byte",
        ));
    }
    let mut written = 0;
    while written < buf.len() {
        let pending_fds = if written == 0 { fds } else { &[] };
        let n =
            std::future::poll_fn(|cx| writer.poll_write_with_fds(cx, &buf[written..], pending_fds))
                .await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        written += n;
    }
    std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx)).await
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.reader).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.writer).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.writer).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.writer).poll_shutdown(cx)
    }
}

// Transports whose tokio halves need no extra behaviour.
impl TransportRead for tokio::net::tcp::OwnedReadHalf {}
impl TransportWrite for tokio::net::tcp::OwnedWriteHalf {}
impl TransportRead for tokio_vsock::OwnedReadHalf {}
impl TransportWrite for tokio_vsock::OwnedWriteHalf {}
impl TransportRead for tokio::io::ReadHalf<tokio::io::DuplexStream> {}
impl TransportWrite for tokio::io::WriteHalf<tokio::io::DuplexStream> {}
impl TransportRead for tokio::io::Stdin {}
impl TransportWrite for tokio::io::Stdout {}

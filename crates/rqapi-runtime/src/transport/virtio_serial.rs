//! virtio-serial ports (qemu-ga's `virtio-serial` channel) as a stream of
//! host sessions.
//!
//! The port device stays open for the agent's whole life, as in qemu-ga.
//! While no host program is attached to the host-side chardev, the Linux
//! driver reports POLLHUP, reads return 0 or EAGAIN and writes EAGAIN. That
//! hang-up state is level-triggered, so a plain poll loop (or tokio's
//! `AsyncFd`, whose "closed" readiness never clears) would spin; qemu-ga
//! itself sleeps 100 ms per wakeup. We instead watch the port through a
//! private edge-triggered epoll instance: it becomes readable only when the
//! driver wakes the port's wait queue (data, host open/close, buffers
//! returned), so waiting costs nothing and reconnects are seen at once. A
//! slow timer re-checks the state as a safety net.
//!
//! Each host connection is one [`Connection`] from
//! [`VirtioSerialPort::next_session`]; its reader reports end of file when
//! the host goes away, so the agent can reset its parser per session.

use std::future::poll_fn;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};
use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::connection::{Connection, PeerInfo, TransportRead, TransportWrite};
use super::fd_stream;

/// Tuning for [`VirtioSerialPort`].
#[derive(Debug, Clone)]
pub struct VirtioSerialOptions {
    /// How often the hang-up state is re-checked while waiting for the
    /// host, in case a reconnect produces no wakeup.
    pub recheck_interval: Duration,
}

impl Default for VirtioSerialOptions {
    fn default() -> Self {
        VirtioSerialOptions {
            recheck_interval: Duration::from_secs(1),
        }
    }
}

/// An open virtio-serial port yielding one connection per host session.
#[derive(Debug)]
pub struct VirtioSerialPort {
    path: PathBuf,
    port: Arc<OwnedFd>,
    waiter: WakeSource,
    sessions: u64,
    current: Option<Arc<SessionState>>,
    options: VirtioSerialOptions,
}

impl VirtioSerialPort {
    /// Opens the port device read-write and non-blocking, as qemu-ga does.
    pub fn open(path: &Path, options: VirtioSerialOptions) -> io::Result<VirtioSerialPort> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| {
            io::Error::new(
                io::Error::from(e).kind(),
                format!("error opening channel '{}': {e}", path.display()),
            )
        })?;
        VirtioSerialPort::from_fd(fd, path, options)
    }

    /// Uses an already open descriptor with port-like hang-up behaviour
    /// (tests use a pty master, whose slave side plays the host).
    pub fn from_fd(
        fd: OwnedFd,
        path: &Path,
        options: VirtioSerialOptions,
    ) -> io::Result<VirtioSerialPort> {
        rustix::io::ioctl_fionbio(&fd, true)?;
        let waiter = WakeSource::new(&fd, EventFlags::IN)?;
        Ok(VirtioSerialPort {
            path: path.to_owned(),
            port: Arc::new(fd),
            waiter,
            sessions: 0,
            current: None,
            options,
        })
    }

    /// Whether a host program is attached right now (no hang-up reported).
    pub fn host_connected(&self) -> io::Result<bool> {
        Ok(!hung_up(&self.port)?)
    }

    /// Waits until the host is attached and starts a new session.
    ///
    /// The previous session ends here if it has not already: its reader
    /// reports end of file and its writer fails from now on.
    pub async fn next_session(&mut self) -> io::Result<Connection> {
        if let Some(previous) = self.current.take() {
            previous.end();
        }
        while hung_up(&self.port)? {
            let changed = poll_fn(|cx| self.waiter.poll_changed(cx));
            if let Ok(result) = tokio::time::timeout(self.options.recheck_interval, changed).await {
                result?;
            }
        }
        self.sessions += 1;
        let state = Arc::new(SessionState::default());
        self.current = Some(state.clone());
        tracing::debug!(path = %self.path.display(), session = self.sessions, "virtio-serial host attached");
        Ok(Connection::new(
            Box::new(SessionReader {
                port: self.port.clone(),
                wake: WakeSource::new(&self.port, EventFlags::IN)?,
                state: state.clone(),
            }),
            Box::new(SessionWriter {
                port: self.port.clone(),
                wake: WakeSource::new(&self.port, EventFlags::OUT)?,
                state,
            }),
            PeerInfo::VirtioSerial {
                path: self.path.clone(),
                session: self.sessions,
            },
        ))
    }
}

/// Whether the port currently reports POLLHUP (host side not attached).
fn hung_up(port: &OwnedFd) -> io::Result<bool> {
    let mut fds = [PollFd::new(port, PollFlags::IN)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    loop {
        match rustix::event::poll(&mut fds, Some(&zero)) {
            Ok(_) => return Ok(fds[0].revents().contains(PollFlags::HUP)),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// A private edge-triggered epoll instance watching the port: readable
/// once per wakeup of the port's wait queue.
#[derive(Debug)]
struct WakeSource {
    epoll: AsyncFd<OwnedFd>,
}

impl WakeSource {
    fn new(port: &OwnedFd, events: EventFlags) -> io::Result<WakeSource> {
        let epoll_fd = epoll::create(CreateFlags::CLOEXEC)?;
        epoll::add(
            &epoll_fd,
            port,
            EventData::new_u64(0),
            events | EventFlags::RDHUP | EventFlags::ET,
        )?;
        Ok(WakeSource {
            epoll: fd_stream::register(epoll_fd, Interest::READABLE)?,
        })
    }

    /// Ready after the port's state may have changed since the last call.
    fn poll_changed(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        loop {
            let mut guard = ready!(self.epoll.poll_read_ready(cx))?;
            let mut events = Vec::with_capacity(4);
            match epoll::wait(
                self.epoll.get_ref(),
                rustix::buffer::spare_capacity(&mut events),
                Some(&zero),
            ) {
                Ok(0) => guard.clear_ready(),
                Ok(_) => return Poll::Ready(Ok(())),
                Err(Errno::INTR) => continue,
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }
}

#[derive(Debug, Default)]
struct SessionState {
    ended: AtomicBool,
}

impl SessionState {
    fn end(&self) {
        self.ended.store(true, Ordering::Release);
    }

    fn has_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }
}

fn host_gone() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "virtio-serial host side disconnected",
    )
}

#[derive(Debug)]
struct SessionReader {
    port: Arc<OwnedFd>,
    wake: WakeSource,
    state: Arc<SessionState>,
}

impl AsyncRead for SessionReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.state.has_ended() || buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            match rustix::io::read(&*self.port, buf.initialize_unfilled()) {
                Ok(0) | Err(Errno::IO) => {
                    // 0: the driver's "host not attached"; EIO: a pty
                    // master without slave (the test stand-in).
                    self.state.end();
                    return Poll::Ready(Ok(()));
                }
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) => {
                    if hung_up(&self.port)? {
                        self.state.end();
                        return Poll::Ready(Ok(()));
                    }
                    ready!(self.wake.poll_changed(cx))?;
                }
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }
}

impl TransportRead for SessionReader {}

#[derive(Debug)]
struct SessionWriter {
    port: Arc<OwnedFd>,
    wake: WakeSource,
    state: Arc<SessionState>,
}

impl AsyncWrite for SessionWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.state.has_ended() {
            return Poll::Ready(Err(host_gone()));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            match rustix::io::write(&*self.port, buf) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) => {
                    if hung_up(&self.port)? {
                        self.state.end();
                        return Poll::Ready(Err(host_gone()));
                    }
                    ready!(self.wake.poll_changed(cx))?;
                }
                Err(Errno::IO | Errno::PIPE) => {
                    self.state.end();
                    return Poll::Ready(Err(host_gone()));
                }
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl TransportWrite for SessionWriter {}

//! Helpers shared by the transport tests.
#![allow(dead_code)]

use std::future::Future;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;

/// A pty master and the path of its slave (the slave is not opened).
pub fn open_pty() -> (OwnedFd, PathBuf) {
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    rustix::pty::grantpt(&master).expect("grantpt");
    rustix::pty::unlockpt(&master).expect("unlockpt");
    let name = rustix::pty::ptsname(&master, Vec::new()).expect("ptsname");
    (
        master,
        PathBuf::from(name.into_string().expect("utf-8 pts name")),
    )
}

/// Opens a pty slave in raw mode (blocking), as a "host" end in tests.
pub fn open_raw_slave(path: &std::path::Path) -> OwnedFd {
    let fd = rustix::fs::open(
        path,
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .expect("open pty slave");
    let mut tio = rustix::termios::tcgetattr(&fd).expect("tcgetattr");
    tio.make_raw();
    rustix::termios::tcsetattr(&fd, rustix::termios::OptionalActions::Now, &tio)
        .expect("tcsetattr");
    fd
}

/// Wraps a future and counts how often it is polled: a future that spins
/// (wakes itself instead of waiting for the kernel) is polled constantly.
pub struct PollCounter<F> {
    pub inner: Pin<Box<F>>,
    pub polls: Arc<AtomicUsize>,
}

impl<F: Future> PollCounter<F> {
    pub fn new(inner: F) -> (Self, Arc<AtomicUsize>) {
        let polls = Arc::new(AtomicUsize::new(0));
        (
            PollCounter {
                inner: Box::pin(inner),
                polls: polls.clone(),
            },
            polls,
        )
    }
}

impl<F: Future> Future for PollCounter<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.inner.as_mut().poll(cx)
    }
}

/// Asserts that `future` stays pending for `window` and was polled only a
/// few times meanwhile (no busy loop). Returns the still pending future.
pub async fn assert_stays_pending<F: Future>(future: F, window: Duration) -> PollCounter<F> {
    let (mut counted, polls) = PollCounter::new(future);
    let outcome = tokio::time::timeout(window, &mut counted).await;
    assert!(
        outcome.is_err(),
        "future completed although the peer never acted"
    );
    let polls = polls.load(Ordering::Relaxed);
    assert!(
        polls <= 4,
        "future was polled {polls} times in {window:?}: it spins"
    );
    counted
}

/// Generous limit for things that should happen promptly.
pub const PROMPT: Duration = Duration::from_secs(5);

/// A connected loopback TCP pair: (client, server).
pub async fn tcp_pair() -> (
    rqapi_runtime::transport::Connection,
    rqapi_runtime::transport::Connection,
) {
    use rqapi_runtime::transport::{Address, ListenOptions, Listener, connect};
    let listener = Listener::bind(
        &Address::parse("tcp:127.0.0.1:0").unwrap(),
        &ListenOptions::default(),
    )
    .await
    .unwrap();
    let address = listener.local_address().unwrap().unwrap();
    let (client, server) = tokio::join!(connect(&address), listener.accept());
    (client.unwrap(), server.unwrap())
}

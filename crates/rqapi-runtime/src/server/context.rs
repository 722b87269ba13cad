//! What a command handler can see of the server and its client.

use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::events::EventSender;
use crate::qapi::dispatch::DispatchState;
use crate::sync::lock;
use crate::transport::PeerInfo;

/// Per-request context handed to [`Dispatch::call`](super::Dispatch::call).
#[derive(Debug)]
pub struct Context {
    pub(crate) client: Arc<ClientShared>,
    pub(crate) events: Option<EventSender>,
    pub(crate) state: Arc<RwLock<DispatchState>>,
    pub(crate) oob: bool,
    delimit: AtomicBool,
}

/// State of one client connection shared by its requests.
#[derive(Debug)]
pub(crate) struct ClientShared {
    pub(crate) id: u64,
    pub(crate) peer: PeerInfo,
    /// Descriptors received (SCM_RIGHTS) and not yet taken by a command,
    /// like the fd a QEMU character device holds for `getfd`.
    pub(crate) fds: Mutex<VecDeque<OwnedFd>>,
}

impl ClientShared {
    pub(crate) fn new(id: u64, peer: PeerInfo) -> Self {
        ClientShared {
            id,
            peer,
            fds: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn add_fds(&self, fds: Vec<OwnedFd>) {
        if !fds.is_empty() {
            lock(&self.fds).extend(fds);
        }
    }
}

impl Context {
    pub(crate) fn new(
        client: Arc<ClientShared>,
        events: Option<EventSender>,
        state: Arc<RwLock<DispatchState>>,
        oob: bool,
    ) -> Self {
        Context {
            client,
            events,
            state,
            oob,
            delimit: AtomicBool::new(false),
        }
    }

    /// A number identifying the client connection within its server.
    pub fn client_id(&self) -> u64 {
        self.client.id
    }

    /// Who is connected.
    pub fn peer(&self) -> &PeerInfo {
        &self.client.peer
    }

    /// Takes the oldest file descriptor the client passed and no command
    /// has taken yet (`getfd`, `add-fd`).
    pub fn take_fd(&self) -> Option<OwnedFd> {
        lock(&self.client.fds).pop_front()
    }

    /// The server's event sender (QMP servers only).
    pub fn events(&self) -> Option<&EventSender> {
        self.events.as_ref()
    }

    /// The run-time command state (disabled commands, compat policy).
    pub fn dispatch_state(&self) -> &Arc<RwLock<DispatchState>> {
        &self.state
    }

    /// Whether the request came as `exec-oob`.
    pub fn is_oob(&self) -> bool {
        self.oob
    }

    /// Asks for a `0xFF` byte before this request's response, as
    /// `guest-sync-delimited` does.
    pub fn delimit_response(&self) {
        self.delimit.store(true, Ordering::Relaxed);
    }

    pub(crate) fn response_delimited(&self) -> bool {
        self.delimit.load(Ordering::Relaxed)
    }
}

//! The QMP server: accepts clients and runs one connection task each.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::capabilities::QemuVersion;
use super::events::EventSender;
use super::execute::Commands;
use super::{Dispatch, qmp_connection};
use crate::qapi::dispatch::DispatchState;
use crate::transport::{Connection, Incoming};

/// QEMU's `QMP_REQ_QUEUE_LEN_MAX`.
pub const DEFAULT_MAX_QUEUED: usize = 8;

/// Settings of a [`QmpServer`].
#[derive(Debug, Clone)]
pub struct QmpConfig {
    /// The version in the greeting.
    pub version: QemuVersion,
    /// The `package` string in the greeting.
    pub package: String,
    /// Whether the `oob` capability is offered (QEMU offers it on monitors
    /// with their own I/O thread).
    pub offer_oob: bool,
    /// In-band requests queued per client before reading stops, once
    /// `oob` is enabled (without it, QEMU queues one).
    pub max_queued: usize,
    /// Unsent output per client above which its requests are not read.
    pub output_high_water: usize,
}

impl Default for QmpConfig {
    fn default() -> Self {
        QmpConfig {
            version: QemuVersion {
                major: 0,
                minor: 0,
                micro: 0,
            },
            package: String::new(),
            offer_oob: true,
            max_queued: DEFAULT_MAX_QUEUED,
            output_high_water: 1 << 20,
        }
    }
}

/// A QMP server; clone it to share (all clones serve the same commands and
/// events).
#[derive(Debug, Clone)]
pub struct QmpServer {
    pub(crate) shared: Arc<Shared>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: QmpConfig,
    pub(crate) commands: Commands,
    pub(crate) events: EventSender,
    next_client: AtomicU64,
}

impl QmpServer {
    pub fn new(dispatch: Arc<dyn Dispatch>, config: QmpConfig) -> Self {
        Self::with_state(dispatch, config, DispatchState::default())
    }

    /// With an initial command state (compat policy, disabled commands).
    pub fn with_state(
        dispatch: Arc<dyn Dispatch>,
        config: QmpConfig,
        state: DispatchState,
    ) -> Self {
        QmpServer {
            shared: Arc::new(Shared {
                config,
                commands: Commands::new(dispatch, state),
                events: EventSender::default(),
                next_client: AtomicU64::new(1),
            }),
        }
    }

    /// Sends events to all negotiated clients.
    pub fn events(&self) -> EventSender {
        self.shared.events.clone()
    }

    /// The run-time command state, shared with handlers.
    pub fn dispatch_state(&self) -> Arc<RwLock<DispatchState>> {
        self.shared.commands.state.clone()
    }

    /// Serves every connection from `incoming` concurrently until
    /// `shutdown` is cancelled (then waits for the connections to end) or
    /// a single-channel source is used up.
    pub async fn serve(
        &self,
        mut incoming: Incoming,
        shutdown: CancellationToken,
    ) -> io::Result<()> {
        let mut clients = JoinSet::new();
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => break,
                next = incoming.next() => next,
                Some(_) = clients.join_next(), if !clients.is_empty() => continue,
            };
            match next {
                None => break,
                Some(Ok(connection)) => {
                    let server = self.clone();
                    let shutdown = shutdown.clone();
                    clients
                        .spawn(async move { server.serve_connection(connection, shutdown).await });
                }
                Some(Err(error)) => {
                    tracing::warn!(%error, "accepting a QMP client failed");
                    if incoming_is_single(&incoming) {
                        return Err(error);
                    }
                    // Out of descriptors and the like: do not retry at once.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
        while clients.join_next().await.is_some() {}
        Ok(())
    }

    /// Serves one client until it disconnects or `shutdown` is cancelled.
    pub async fn serve_connection(&self, connection: Connection, shutdown: CancellationToken) {
        let id = self.shared.next_client.fetch_add(1, Ordering::Relaxed);
        qmp_connection::run(self.shared.clone(), id, connection, shutdown).await;
    }
}

fn incoming_is_single(incoming: &Incoming) -> bool {
    matches!(incoming, Incoming::Once(_))
}

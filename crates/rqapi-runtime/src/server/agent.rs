//! The guest-agent flavour (qga/main.c behaviour): one client at a time,
//! requests run one after another, no greeting and no events.

use std::borrow::Cow;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;

use super::Dispatch;
use super::context::{ClientShared, Context};
use super::execute::Commands;
use super::input::MessageInput;
use super::output::Output;
use crate::json::Chunks;
use crate::qapi::dispatch::DispatchState;
use crate::qmp::{Flavor, parse_request};
use crate::transport::{Connection, Incoming};

/// The byte `guest-sync-delimited` puts before its response.
pub const SENTINEL_BYTE: u8 = 0xFF;

/// Settings of a [`GuestAgentServer`].
#[derive(Debug, Clone)]
pub struct GuestAgentConfig {
    /// Unsent output above which requests are not read.
    pub output_high_water: usize,
}

impl Default for GuestAgentConfig {
    fn default() -> Self {
        GuestAgentConfig {
            output_high_water: 64 * 1024,
        }
    }
}

/// A guest-agent server.
#[derive(Debug, Clone)]
pub struct GuestAgentServer {
    commands: Arc<Commands>,
    config: GuestAgentConfig,
    sessions: Arc<AtomicU64>,
}

impl GuestAgentServer {
    pub fn new(dispatch: Arc<dyn Dispatch>, config: GuestAgentConfig) -> Self {
        Self::with_state(dispatch, config, DispatchState::default())
    }

    /// With an initial command state (e.g. commands disabled by `-b`).
    pub fn with_state(
        dispatch: Arc<dyn Dispatch>,
        config: GuestAgentConfig,
        state: DispatchState,
    ) -> Self {
        GuestAgentServer {
            commands: Arc::new(Commands::new(dispatch, state)),
            config,
            sessions: Arc::new(AtomicU64::new(1)),
        }
    }

    /// The run-time command state, shared with handlers (the agent
    /// disables commands while filesystems are frozen).
    pub fn dispatch_state(&self) -> Arc<RwLock<DispatchState>> {
        self.commands.state.clone()
    }

    /// Serves connections one after another until `shutdown` is cancelled
    /// or a single channel ends. Further clients wait (in the listen
    /// backlog) until the current one disconnects.
    pub async fn serve(
        &self,
        mut incoming: Incoming,
        shutdown: CancellationToken,
    ) -> io::Result<()> {
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                next = incoming.next() => next,
            };
            match next {
                None => return Ok(()),
                Some(Ok(connection)) => self.serve_connection(connection, shutdown.clone()).await,
                Some(Err(error)) if matches!(incoming, Incoming::Once(_)) => return Err(error),
                Some(Err(error)) => {
                    tracing::warn!(%error, "accepting a guest-agent client failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Serves one connection with a fresh parser until end of input or
    /// `shutdown`; the response being computed is still sent.
    pub async fn serve_connection(&self, connection: Connection, shutdown: CancellationToken) {
        let id = self.sessions.fetch_add(1, Ordering::Relaxed);
        let client = Arc::new(ClientShared::new(id, connection.peer().clone()));
        let (reader, writer) = connection.into_split();
        let (output, writer_task) = Output::spawn(writer);
        let mut input = MessageInput::new(reader, client.clone());
        loop {
            let step = async {
                output.wait_below(self.config.output_high_water).await;
                input.next().await
            };
            let message = tokio::select! {
                () = shutdown.cancelled() => break,
                message = step => message,
            };
            let message = match message {
                Ok(Some(message)) => message,
                Ok(None) => break,
                Err(error) => {
                    tracing::debug!(%error, "guest-agent client read failed");
                    break;
                }
            };
            let ctx = Context::new(client.clone(), None, self.commands.state.clone(), false);
            let response = match parse_request(message, Flavor::GuestAgent) {
                Err(rejection) => Some(rejection.response()),
                Ok(request) => self.commands.run(&ctx, request).await,
            };
            let Some(response) = response else {
                continue;
            };
            // The response is given up to the writer: large strings are
            // queued as they are, not copied into a line.
            let mut chunks = Chunks::new();
            if ctx.response_delimited() {
                chunks.extend(&[SENTINEL_BYTE]);
            }
            chunks.write_value(response);
            chunks.extend(b"\n");
            output.push_pieces(chunks.into_pieces().into_iter().map(Cow::Owned));
        }
        output.close();
        let _ = writer_task.await;
    }
}

//! The real [`Server`]: qemu-ga's channels on the runtime's transports and
//! guest-agent server.
//!
//! The channel is opened before daemonizing ([`channel::open`], plain
//! syscalls); the tokio runtime starts in [`Server::serve`], after the
//! fork.  It is a current-thread runtime: the agent serves one client at
//! a time, and blocking work (file I/O, fsfreeze, programs) goes to
//! tokio's blocking pool, whose threads exist only while needed.
//!
//! As in qemu-ga, SIGTERM and SIGINT end the agent with status 0 (the
//! request being answered is still answered) and the socket file stays;
//! with `retry_path` a channel that cannot be opened, or that ends (a
//! serial line's end of file), is re-opened every 5 seconds.

pub mod channel;
pub mod dispatch;

use std::sync::Arc;
use std::time::Duration;

use rqapi_runtime::server::{CancellationToken, GuestAgentConfig, GuestAgentServer};

use crate::agent::Agent;
use crate::{Server, log};
use channel::OpenedChannel;
pub use dispatch::AgentDispatch;

/// qemu-ga's `QGA_RETRY_INTERVAL`.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// The agent's server.
#[derive(Debug, Default)]
pub struct AgentServer {
    channel: Option<OpenedChannel>,
}

impl AgentServer {
    pub fn new() -> Self {
        AgentServer::default()
    }
}

/// `ga_channel_new`'s critical message, then `channel_init`'s.
fn open_logged(agent: &Agent) -> Result<OpenedChannel, String> {
    channel::open(&agent.config).map_err(|msg| {
        log::critical(&msg);
        "failed to create guest agent channel".to_string()
    })
}

impl Server for AgentServer {
    fn open_channel(&mut self, agent: &mut Agent) -> Result<(), String> {
        self.channel = Some(open_logged(agent)?);
        Ok(())
    }

    fn serve(&mut self, agent: &mut Agent) -> i32 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        match runtime {
            Ok(runtime) => runtime.block_on(self.run(agent)),
            Err(e) => {
                log::critical(&format!("failed to start the runtime: {e}"));
                1
            }
        }
    }
}

/// Cancels `shutdown` on SIGTERM or SIGINT.
fn watch_signals(shutdown: CancellationToken) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        shutdown.cancel();
    });
    Ok(())
}

impl AgentServer {
    async fn run(&mut self, agent: &mut Agent) -> i32 {
        let shutdown = CancellationToken::new();
        if let Err(e) = watch_signals(shutdown.clone()) {
            log::critical(&format!("failed to install signal handlers: {e}"));
            return 1;
        }
        crate::signals::release_termination();
        let handlers = Arc::new(agent.handlers());
        if let Some(Err(e)) = handlers.fs.recover_stale_freeze().await {
            log::warning(&format!("thawing filesystems failed: {}", e.desc));
        }
        let dispatch = Arc::new(AgentDispatch::new(handlers));
        let server = GuestAgentServer::new(dispatch, GuestAgentConfig::default());
        loop {
            let status = self.run_once(agent, &server, &shutdown).await;
            if shutdown.is_cancelled() || !agent.config.retry_path {
                return status;
            }
            log::warning("agent stopped unexpectedly, restarting...");
            log::warning("waiting for channel path...");
            tokio::select! {
                () = tokio::time::sleep(RETRY_INTERVAL) => {}
                () = shutdown.cancelled() => return status,
            }
        }
    }

    /// `run_agent_once`: opens the channel if needed and serves it until
    /// it ends or the agent is asked to stop.
    async fn run_once(
        &mut self,
        agent: &Agent,
        server: &GuestAgentServer,
        shutdown: &CancellationToken,
    ) -> i32 {
        let opened = match self.channel.take() {
            Some(channel) => channel,
            None => match open_logged(agent) {
                Ok(channel) => channel,
                Err(msg) => {
                    log::critical(&msg);
                    log::critical("failed to initialize guest agent channel");
                    return 1;
                }
            },
        };
        let incoming = match opened.into_incoming() {
            Ok(incoming) => incoming,
            Err(e) => {
                log::critical(&format!("error adding channel to main loop: {e}"));
                log::critical("failed to initialize guest agent channel");
                return 1;
            }
        };
        if let Err(e) = server.serve(incoming, shutdown.clone()).await {
            log::warning(&format!("error reading channel: {e}"));
        }
        0
    }
}

//! Options shared by the commands that talk to a server.

use std::time::Duration;

use rqapi_cli::session::{Flavour, SessionOptions};
use rqapi_runtime::transport::Address;

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// The server: a unix socket path, unix:PATH, tcp:HOST:PORT,
    /// vsock:CID:PORT or serial:PATH.
    #[arg(value_name = "SOCKET")]
    pub address: Address,
    /// Protocol: qmp, ga (guest agent), or auto (QMP when the server
    /// greets within a second, else guest agent).
    #[arg(long, value_enum, default_value_t = Flavour::Auto)]
    pub flavour: Flavour,
    /// Give up after SECS seconds (connecting, then each command).
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
}

impl ConnectArgs {
    pub fn session_options(&self) -> SessionOptions {
        SessionOptions {
            flavour: self.flavour,
            timeout: self.timeout,
            ..SessionOptions::default()
        }
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("invalid duration '{text}': {e}"))
}

/// A runtime for one command run from start to end on this thread
/// (`call`): the client then needs no second thread and no cross-thread
/// wake-up per answer.
pub fn current_thread_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A runtime for one command-line session (the shell, whose line editor
/// blocks this thread while a worker handles the connection).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
}

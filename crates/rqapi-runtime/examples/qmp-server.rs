//! A QMP (or, with `--agent`, guest-agent) server for a small hand-written
//! dispatcher: `cargo run --example qmp-server -- [--agent] SOCKET_PATH`.
//!
//! Commands: `query-version`, `echo`, `slow` (`milliseconds`), `ping`
//! (allow-oob), `emit-event` (`name`, `data`), `take-fd`. Stops on
//! SIGINT.

use std::path::PathBuf;
use std::sync::Arc;

use rqapi_runtime::server::{
    CancellationToken, GuestAgentConfig, GuestAgentServer, QemuVersion, QmpConfig, QmpServer,
};
use rqapi_runtime::transport::{Address, Incoming, ListenOptions};

#[path = "../tests/server_support/demo.rs"]
mod demo;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut agent = false;
    let mut socket = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--agent" => agent = true,
            _ if socket.is_none() => socket = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    let socket = socket.ok_or("usage: qmp-server [--agent] SOCKET_PATH")?;
    let incoming = Incoming::open(&Address::Unix(socket), &ListenOptions::default()).await?;
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    let dispatch = Arc::new(demo::Demo);
    if agent {
        let server = GuestAgentServer::new(dispatch, GuestAgentConfig::default());
        server.serve(incoming, shutdown).await?;
    } else {
        let config = QmpConfig {
            version: QemuVersion {
                major: 7,
                minor: 2,
                micro: 0,
            },
            package: "rqapi-demo".to_owned(),
            ..QmpConfig::default()
        };
        QmpServer::new(dispatch, config)
            .serve(incoming, shutdown)
            .await?;
    }
    Ok(())
}

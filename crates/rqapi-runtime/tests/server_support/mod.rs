//! Helpers shared by the server and client tests.
#![allow(dead_code)]

pub mod demo;
pub mod qemu;

use std::sync::Arc;
use std::time::Duration;

use rqapi_runtime::json::Reader;
use rqapi_runtime::server::{CancellationToken, QemuVersion, QmpConfig, QmpServer};
use rqapi_runtime::transport::{BoxedReader, BoxedWriter, Connection, unix_pair};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const STEP: Duration = Duration::from_secs(10);

pub fn demo_config() -> QmpConfig {
    QmpConfig {
        version: QemuVersion {
            major: 7,
            minor: 2,
            micro: 0,
        },
        package: "rqapi-demo".to_owned(),
        ..QmpConfig::default()
    }
}

pub fn demo_server(config: QmpConfig) -> QmpServer {
    QmpServer::new(Arc::new(demo::Demo), config)
}

/// Serves one in-process client of `server`; returns the client's end.
pub fn attach(server: &QmpServer, shutdown: &CancellationToken) -> Connection {
    let (ours, theirs) = unix_pair().expect("socketpair");
    let server = server.clone();
    let shutdown = shutdown.clone();
    tokio::spawn(async move { server.serve_connection(theirs, shutdown).await });
    ours
}

/// A client speaking raw bytes and reading whole messages.
#[derive(Debug)]
pub struct RawClient {
    reader: BoxedReader,
    writer: BoxedWriter,
    parser: Reader,
    buffered: std::collections::VecDeque<Value>,
    /// Every byte read, for tests that look at delimiters.
    pub raw: Vec<u8>,
}

impl RawClient {
    pub fn new(connection: Connection) -> Self {
        let (reader, writer) = connection.into_split();
        RawClient {
            reader,
            writer,
            parser: Reader::new(),
            buffered: Default::default(),
            raw: Vec::new(),
        }
    }

    pub async fn send(&mut self, text: &str) {
        self.send_bytes(text.as_bytes()).await;
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("write");
        self.writer.flush().await.expect("flush");
    }

    /// The next message, failing the test after [`STEP`].
    pub async fn recv(&mut self) -> Value {
        tokio::time::timeout(STEP, self.try_recv())
            .await
            .expect("timed out waiting for a message")
            .expect("connection closed")
    }

    /// The next message, `None` at end of input. 0xFF bytes are skipped.
    pub async fn try_recv(&mut self) -> Option<Value> {
        loop {
            if let Some(v) = self.buffered.pop_front() {
                return Some(v);
            }
            let mut buf = [0u8; 4096];
            let n = self.reader.read(&mut buf).await.expect("read");
            if n == 0 {
                return None;
            }
            self.raw.extend_from_slice(&buf[..n]);
            let clean: Vec<u8> = buf[..n].iter().copied().filter(|&b| b != 0xFF).collect();
            for m in self.parser.feed(&clean) {
                self.buffered.push_back(m.expect("server sent valid JSON"));
            }
        }
    }

    /// Whether a message arrives within `wait`.
    pub async fn nothing_within(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.try_recv()).await.is_err()
    }

    /// Reads the greeting and negotiates (optionally enabling oob).
    pub async fn negotiate(&mut self, oob: bool) -> Value {
        let greeting = self.recv().await;
        let enable = if oob {
            r#","arguments":{"enable":["oob"]}"#
        } else {
            ""
        };
        self.send(&format!(r#"{{"execute":"qmp_capabilities"{enable}}}"#))
            .await;
        assert_eq!(self.recv().await, serde_json::json!({"return": {}}));
        greeting
    }
}

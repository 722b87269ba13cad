//! The async guest-agent client.
//!
//! The agent's channel can hold leftovers of an earlier client (a partial
//! request, unread responses), so a session starts with the resync recipe
//! of the agent's documentation: send a `0xFF` byte (the agent drops any
//! partial request, possibly answering with a parse error), then
//! `guest-sync-delimited` with a random number, and discard everything up
//! to its answer, which the agent prefixes with `0xFF`. Requests carry ids,
//! so stale answers are recognised and dropped, and requests can be
//! pipelined.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::core::{Core, Outgoing};
use super::error::ClientError;
use super::qmp::from_return;
use super::reader::ResponseReader;
use crate::transport::{Address, Connection, connect};

/// The agent's commands that send nothing on success.
pub const QGA_NO_REPLY_COMMANDS: [&str; 4] = [
    "guest-shutdown",
    "guest-suspend-disk",
    "guest-suspend-ram",
    "guest-suspend-hybrid",
];

/// Settings of a [`GuestAgentClient`].
#[derive(Debug, Clone)]
pub struct GuestAgentOptions {
    /// Resynchronise when connecting.
    pub sync_on_connect: bool,
    /// How long to wait for the resync answer.
    pub sync_timeout: Duration,
    /// Default time limit for each command; `None` waits forever.
    pub timeout: Option<Duration>,
    /// Commands without `success-response`: no answer is awaited.
    pub no_reply_commands: HashSet<String>,
}

impl Default for GuestAgentOptions {
    fn default() -> Self {
        GuestAgentOptions {
            sync_on_connect: true,
            sync_timeout: Duration::from_secs(5),
            timeout: None,
            no_reply_commands: QGA_NO_REPLY_COMMANDS.iter().map(|&c| c.into()).collect(),
        }
    }
}

/// A guest-agent client. Commands may be issued concurrently; the agent
/// answers them in order.
#[derive(Debug)]
pub struct GuestAgentClient {
    core: Core,
    options: GuestAgentOptions,
}

impl GuestAgentClient {
    pub async fn connect(address: &Address) -> Result<GuestAgentClient, ClientError> {
        Self::from_connection(connect(address).await?, GuestAgentOptions::default()).await
    }

    /// Uses an open connection, resynchronising first if the options say so.
    pub async fn from_connection(
        connection: Connection,
        options: GuestAgentOptions,
    ) -> Result<GuestAgentClient, ClientError> {
        let (reader, writer) = connection.into_split();
        let client = GuestAgentClient {
            core: Core::start(ResponseReader::new(reader), writer, 16),
            options,
        };
        if client.options.sync_on_connect {
            client.sync().await?;
        }
        Ok(client)
    }

    /// The resync recipe (see the module documentation).
    pub async fn sync(&self) -> Result<(), ClientError> {
        let token = random_sync_id();
        let answer = self
            .core
            .request(Outgoing {
                key: "execute",
                command: "guest-sync-delimited",
                arguments: &json!({ "id": token }),
                fds: &[],
                prefix: &[0xFF],
                expect_reply: true,
                timeout: Some(self.options.sync_timeout),
            })
            .await?;
        if answer.as_i64() != Some(token) {
            return Err(ClientError::Protocol(format!(
                "guest-sync-delimited answered {answer}, expected {token}"
            )));
        }
        Ok(())
    }

    /// Runs a command; for commands without `success-response` returns
    /// `Null` as soon as the request is sent.
    pub async fn execute(&self, command: &str, arguments: Value) -> Result<Value, ClientError> {
        let expect_reply = !self.options.no_reply_commands.contains(command);
        self.send(command, &arguments, expect_reply).await
    }

    /// Sends a command without waiting for any answer (an error answer is
    /// dropped when it comes).
    pub async fn execute_no_reply(
        &self,
        command: &str,
        arguments: Value,
    ) -> Result<(), ClientError> {
        self.send(command, &arguments, false).await.map(drop)
    }

    /// A typed call, as [`QmpClient::call`](super::QmpClient::call).
    pub async fn call<A: Serialize, R: DeserializeOwned>(
        &self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        let arguments = serde_json::to_value(arguments)?;
        from_return(self.execute(command, arguments).await?)
    }

    async fn send(
        &self,
        command: &str,
        arguments: &Value,
        expect_reply: bool,
    ) -> Result<Value, ClientError> {
        self.core
            .request(Outgoing {
                key: "execute",
                command,
                arguments,
                fds: &[],
                prefix: b"",
                expect_reply,
                timeout: self.options.timeout,
            })
            .await
    }
}

/// A random positive 31-bit number (the agent reads the id as an int).
fn random_sync_id() -> i64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (hasher.finish() & 0x7fff_ffff) as i64
}

//! The async QMP client.

use std::os::fd::BorrowedFd;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::core::{Core, Outgoing};
use super::error::ClientError;
use super::events::EventStream;
use super::reader::ResponseReader;
use crate::transport::{Address, Connection, connect};

/// Settings of a [`QmpClient`].
#[derive(Debug, Clone)]
pub struct QmpClientOptions {
    /// Ask for the `oob` capability when the server offers it.
    pub enable_oob: bool,
    /// Default time limit for each command; `None` waits forever.
    pub timeout: Option<Duration>,
    /// Time limit for the greeting and negotiation.
    pub handshake_timeout: Duration,
    /// Events kept for each slow [`EventStream`] before it loses some.
    pub event_capacity: usize,
}

impl Default for QmpClientOptions {
    fn default() -> Self {
        QmpClientOptions {
            enable_oob: true,
            timeout: None,
            handshake_timeout: Duration::from_secs(10),
            event_capacity: 1024,
        }
    }
}

/// A connected, negotiated QMP client. Commands may be issued
/// concurrently from many tasks (`&self`); responses are matched by id.
#[derive(Debug)]
pub struct QmpClient {
    core: Core,
    greeting: Value,
    oob_enabled: bool,
    timeout: Option<Duration>,
}

impl QmpClient {
    /// Connects with default options.
    pub async fn connect(address: &Address) -> Result<QmpClient, ClientError> {
        Self::connect_with(address, QmpClientOptions::default()).await
    }

    pub async fn connect_with(
        address: &Address,
        options: QmpClientOptions,
    ) -> Result<QmpClient, ClientError> {
        Self::from_connection(connect(address).await?, options).await
    }

    /// Reads the greeting and negotiates capabilities on an open connection.
    pub async fn from_connection(
        connection: Connection,
        options: QmpClientOptions,
    ) -> Result<QmpClient, ClientError> {
        let (reader, writer) = connection.into_split();
        let mut reader = ResponseReader::new(reader);
        let greeting = tokio::time::timeout(options.handshake_timeout, reader.next_message())
            .await
            .map_err(|_| ClientError::Timeout)??
            .ok_or_else(|| ClientError::Closed("no greeting".to_owned()))?;
        let offered = greeting
            .pointer("/QMP/capabilities")
            .and_then(Value::as_array)
            .ok_or_else(|| ClientError::Protocol(format!("not a QMP greeting: {greeting}")))?;
        let oob_enabled = options.enable_oob && offered.iter().any(|c| c == "oob");
        let client = QmpClient {
            core: Core::start(reader, writer, options.event_capacity),
            greeting,
            oob_enabled,
            timeout: options.timeout,
        };
        let arguments = match oob_enabled {
            true => json!({"enable": ["oob"]}),
            false => Value::Null,
        };
        let negotiation = client.send("execute", "qmp_capabilities", &arguments, &[], None);
        tokio::time::timeout(options.handshake_timeout, negotiation)
            .await
            .map_err(|_| ClientError::Timeout)??;
        Ok(client)
    }

    /// The server's greeting message.
    pub fn greeting(&self) -> &Value {
        &self.greeting
    }

    /// Whether `exec-oob` may be used.
    pub fn oob_enabled(&self) -> bool {
        self.oob_enabled
    }

    /// Events from now on.
    pub fn events(&self) -> EventStream {
        self.core.events()
    }

    /// Runs a command; `arguments` is an object or `Null` (none).
    pub async fn execute(&self, command: &str, arguments: Value) -> Result<Value, ClientError> {
        self.send("execute", command, &arguments, &[], self.timeout)
            .await
    }

    /// As [`execute`](Self::execute), with its own time limit.
    pub async fn execute_timeout(
        &self,
        command: &str,
        arguments: Value,
        timeout: Duration,
    ) -> Result<Value, ClientError> {
        self.send("execute", command, &arguments, &[], Some(timeout))
            .await
    }

    /// Runs a command out of band (`exec-oob`); needs
    /// [`oob_enabled`](Self::oob_enabled).
    pub async fn execute_oob(&self, command: &str, arguments: Value) -> Result<Value, ClientError> {
        self.send("exec-oob", command, &arguments, &[], self.timeout)
            .await
    }

    /// Runs a command with file descriptors attached to the request
    /// (SCM_RIGHTS), for `getfd` and `add-fd`.
    pub async fn execute_with_fds(
        &self,
        command: &str,
        arguments: Value,
        fds: &[BorrowedFd<'_>],
    ) -> Result<Value, ClientError> {
        self.send("execute", command, &arguments, fds, self.timeout)
            .await
    }

    /// A typed call: serialises `arguments` and deserialises the return
    /// value (generated command wrappers build on this).
    pub async fn call<A: Serialize, R: DeserializeOwned>(
        &self,
        command: &str,
        arguments: &A,
    ) -> Result<R, ClientError> {
        let arguments = serde_json::to_value(arguments)?;
        let value = self.execute(command, arguments).await?;
        from_return(value)
    }

    async fn send(
        &self,
        key: &str,
        command: &str,
        arguments: &Value,
        fds: &[BorrowedFd<'_>],
        timeout: Option<Duration>,
    ) -> Result<Value, ClientError> {
        self.core
            .request(Outgoing {
                key,
                command,
                arguments,
                fds,
                prefix: b"",
                expect_reply: true,
                timeout,
            })
            .await
    }
}

/// Deserialises a `return` member; the `{}` of commands without `returns`
/// also reads as `()`.
pub(crate) fn from_return<R: DeserializeOwned>(value: Value) -> Result<R, ClientError> {
    let empty = matches!(&value, Value::Object(m) if m.is_empty());
    match serde_json::from_value(value) {
        Ok(ret) => Ok(ret),
        Err(_) if empty => Ok(serde_json::from_value(Value::Null)?),
        Err(error) => Err(error.into()),
    }
}

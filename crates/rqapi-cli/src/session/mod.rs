//! A connection to a QMP monitor or a guest agent, whichever the socket
//! turns out to be.
//!
//! QMP servers greet every new client at once; guest agents say nothing
//! until asked. `auto` therefore waits briefly for a greeting and falls
//! back to the guest-agent flavour (with its `0xFF` + `guest-sync-delimited`
//! resync) when none comes. The bytes read while waiting are handed on, so
//! one connection serves either way.

mod replay;

use std::fmt;
use std::time::Duration;

use rqapi_runtime::client::{
    ClientError, Event, EventStream, GuestAgentClient, GuestAgentOptions, QGA_NO_REPLY_COMMANDS,
    QmpClient, QmpClientOptions,
};
use rqapi_runtime::qmp::QmpError;
use rqapi_runtime::transport::{self, Address, Connection};
use serde_json::{Map, Value};
use tokio::io::AsyncReadExt;

use replay::Replay;

/// Which protocol to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavour {
    /// A QMP monitor (greeting, capabilities negotiation).
    Qmp,
    /// A guest agent (no greeting, resync on connect).
    Ga,
    /// QMP when a greeting arrives shortly after connecting, else guest agent.
    Auto,
}

/// How to connect.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub flavour: Flavour,
    /// Limit for connecting, the handshake and each command; `None` waits
    /// forever for commands (the handshake still gives up after 10 s).
    pub timeout: Option<Duration>,
    /// How long `auto` waits for a QMP greeting.
    pub greeting_wait: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            flavour: Flavour::Auto,
            timeout: None,
            greeting_wait: Duration::from_millis(1000),
        }
    }
}

const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// Why a call failed: the server's error (exit status 1) or a local one
/// (exit status 2).
#[derive(Debug)]
pub enum CallError {
    Server(QmpError),
    Local(String),
    /// The connection ended (a local error too).
    Disconnected(String),
}

impl CallError {
    pub fn local(message: impl Into<String>) -> Self {
        CallError::Local(message.into())
    }

    pub fn exit_status(&self) -> u8 {
        match self {
            CallError::Server(_) => 1,
            CallError::Local(_) | CallError::Disconnected(_) => 2,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Server(error) => write!(f, "{}: {}", error.class.as_str(), error.desc),
            CallError::Local(message) => f.write_str(message),
            CallError::Disconnected(why) => write!(f, "connection closed: {why}"),
        }
    }
}

impl From<ClientError> for CallError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Qmp(error) => CallError::Server(error),
            ClientError::Closed(why) => CallError::Disconnected(why),
            other => CallError::Local(other.to_string()),
        }
    }
}

/// How to send one command.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallMode {
    /// `exec-oob` (QMP only).
    pub oob: bool,
    /// Do not wait for an answer (guest agent only); implied for the
    /// agent's commands without success response.
    pub no_reply: bool,
}

/// A connected client of either flavour.
#[derive(Debug)]
pub enum Session {
    Qmp(QmpClient),
    Agent(GuestAgentClient),
}

impl Session {
    /// Connects to `address` and completes the flavour's handshake.
    pub async fn connect(
        address: &Address,
        options: &SessionOptions,
    ) -> Result<Session, CallError> {
        let work = async {
            let connection = transport::connect(address)
                .await
                // The transport's message names the address already.
                .map_err(|e| CallError::local(e.to_string()))?;
            match options.flavour {
                Flavour::Qmp => Self::qmp(connection, options).await,
                Flavour::Ga => Self::agent(connection, options).await,
                Flavour::Auto => {
                    let (connection, greeted) = wait_for_greeting(connection, options).await?;
                    match greeted {
                        true => Self::qmp(connection, options).await,
                        false => Self::agent(connection, options).await,
                    }
                }
            }
        };
        match options.timeout {
            None => work.await,
            Some(limit) => tokio::time::timeout(limit, work).await.map_err(|_| {
                // Both limits may run out together: say the same either way.
                match options.flavour {
                    Flavour::Qmp => no_greeting(),
                    _ => CallError::local(format!("timed out connecting to {address}")),
                }
            })?,
        }
    }

    async fn qmp(connection: Connection, options: &SessionOptions) -> Result<Session, CallError> {
        let qmp_options = QmpClientOptions {
            timeout: options.timeout,
            handshake_timeout: options.timeout.unwrap_or(HANDSHAKE_LIMIT),
            ..QmpClientOptions::default()
        };
        match QmpClient::from_connection(connection, qmp_options).await {
            Ok(client) => Ok(Session::Qmp(client)),
            Err(ClientError::Timeout) => Err(no_greeting()),
            Err(error) => Err(CallError::local(format!("QMP handshake failed: {error}"))),
        }
    }

    async fn agent(connection: Connection, options: &SessionOptions) -> Result<Session, CallError> {
        let defaults = GuestAgentOptions::default();
        let agent_options = GuestAgentOptions {
            sync_timeout: options.timeout.unwrap_or(defaults.sync_timeout),
            timeout: options.timeout,
            ..defaults
        };
        match GuestAgentClient::from_connection(connection, agent_options).await {
            Ok(client) => Ok(Session::Agent(client)),
            Err(ClientError::Timeout) => Err(CallError::local(
                "no answer to guest-sync-delimited: is a guest agent listening there?",
            )),
            Err(error) => Err(CallError::local(format!(
                "guest-agent resync failed: {error}"
            ))),
        }
    }

    /// `"QMP"` or `"guest agent"`.
    pub fn flavour_name(&self) -> &'static str {
        match self {
            Session::Qmp(_) => "QMP",
            Session::Agent(_) => "guest agent",
        }
    }

    /// The QMP greeting, for QMP sessions.
    pub fn greeting(&self) -> Option<&Value> {
        match self {
            Session::Qmp(client) => Some(client.greeting()),
            Session::Agent(_) => None,
        }
    }

    /// Events from now on (guest agents send none).
    pub fn events(&self) -> Option<EventStream> {
        match self {
            Session::Qmp(client) => Some(client.events()),
            Session::Agent(_) => None,
        }
    }

    /// Runs a command. `Ok(None)` when no answer was awaited.
    pub async fn execute(
        &self,
        command: &str,
        arguments: Map<String, Value>,
        mode: CallMode,
    ) -> Result<Option<Value>, CallError> {
        let arguments = Value::Object(arguments);
        match self {
            Session::Qmp(client) => {
                if mode.no_reply {
                    return Err(CallError::local(
                        "--no-reply is for guest-agent commands: QMP always answers",
                    ));
                }
                let answer = match mode.oob {
                    false => client.execute(command, arguments).await,
                    true if client.oob_enabled() => client.execute_oob(command, arguments).await,
                    true => {
                        return Err(CallError::local(
                            "the server does not offer out-of-band execution (capability oob)",
                        ));
                    }
                };
                Ok(Some(answer?))
            }
            Session::Agent(client) => {
                if mode.oob {
                    return Err(CallError::local(
                        "the guest agent has no out-of-band execution",
                    ));
                }
                if mode.no_reply || QGA_NO_REPLY_COMMANDS.contains(&command) {
                    client.execute_no_reply(command, arguments).await?;
                    return Ok(None);
                }
                Ok(Some(client.execute(command, arguments).await?))
            }
        }
    }
}

fn no_greeting() -> CallError {
    CallError::local("no QMP greeting in time (for a guest agent use --flavour ga)")
}

/// Reads what the server says within `greeting_wait`; true when it is the
/// start of a QMP greeting. The bytes read are kept in the connection.
async fn wait_for_greeting(
    connection: Connection,
    options: &SessionOptions,
) -> Result<(Connection, bool), CallError> {
    let peer = connection.peer().clone();
    let (mut reader, writer) = connection.into_split();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    // A short --timeout leaves the agent's resync half of it.
    let wait = match options.timeout {
        Some(limit) => options.greeting_wait.min(limit / 2),
        None => options.greeting_wait,
    };
    let deadline = tokio::time::Instant::now() + wait;
    while !seen.contains(&b'\n') && seen.len() < 64 {
        match tokio::time::timeout_at(deadline, reader.read(&mut chunk)).await {
            Err(_) => break,
            Ok(Ok(0)) => {
                return Err(CallError::local(
                    "the server closed the connection without a word",
                ));
            }
            Ok(Ok(n)) => seen.extend_from_slice(&chunk[..n]),
            Ok(Err(error)) => return Err(CallError::local(format!("reading failed: {error}"))),
        }
    }
    let greeted = looks_like_greeting(&seen);
    let reader = Box::new(Replay::new(seen, reader));
    Ok((Connection::new(reader, writer, peer), greeted))
}

/// Whether the first bytes from a server start `{"QMP": ...`. Anything
/// else (such as an earlier agent client's leftovers) is not a greeting.
pub fn looks_like_greeting(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some(rest) = text.trim_start().strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with("\"QMP\"") || rest.starts_with("'QMP'")
}

/// An event as the server sent it: `{"event", "data", "timestamp"}`.
pub fn event_message(event: &Event) -> Value {
    let mut message = Map::new();
    message.insert("event".to_owned(), Value::String(event.name.clone()));
    if let Some(data) = &event.data {
        message.insert("data".to_owned(), data.clone());
    }
    if let Some(stamp) = &event.timestamp {
        message.insert(
            "timestamp".to_owned(),
            serde_json::json!({"seconds": stamp.seconds, "microseconds": stamp.microseconds}),
        );
    }
    Value::Object(message)
}

/// JSON for people (indented) or for programs (`raw`: one line).
pub fn format_json(value: &Value, raw: bool) -> String {
    let text = match raw {
        true => serde_json::to_string(value),
        false => serde_json::to_string_pretty(value),
    };
    // Serialising a Value cannot fail: its keys are strings.
    text.unwrap_or_default()
}

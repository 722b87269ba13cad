//! What both client flavours share: requests tagged with numeric ids,
//! one reader task routing responses by id and events to a broadcast
//! channel, and one writer used in turn.

use std::collections::HashMap;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::{broadcast, oneshot};

use super::error::ClientError;
use super::events::{Event, EventStream};
use super::reader::ResponseReader;
use crate::qmp::{ErrorClass, QmpError};
use crate::transport::{BoxedWriter, write_all_with_fds};

type Waiter = oneshot::Sender<Result<Map<String, Value>, ClientError>>;

#[derive(Debug, Default)]
pub(crate) struct Router {
    pending: Mutex<HashMap<u64, Waiter>>,
    /// Why the connection ended, once it has.
    closed: Mutex<Option<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Router {
    /// Hands a response to whoever waits for its id; others are dropped
    /// (stale answers after a resync, errors of no-reply commands).
    pub(crate) fn deliver(&self, response: Map<String, Value>) {
        let waiter = response
            .get("id")
            .and_then(Value::as_u64)
            .and_then(|id| lock(&self.pending).remove(&id));
        match waiter {
            Some(waiter) => {
                let _ = waiter.send(Ok(response));
            }
            None => tracing::debug!(?response, "dropping a response nobody waits for"),
        }
    }

    /// Fails every waiter: the connection is gone.
    pub(crate) fn close(&self, why: String) {
        *lock(&self.closed) = Some(why.clone());
        for (_, waiter) in lock(&self.pending).drain() {
            let _ = waiter.send(Err(ClientError::Closed(why.clone())));
        }
    }
}

/// Removes the waiter if the caller gives up (timeout, dropped future).
struct PendingGuard<'a> {
    router: &'a Router,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        lock(&self.router.pending).remove(&self.id);
    }
}

/// One request to send.
pub(crate) struct Outgoing<'a> {
    /// `execute` or `exec-oob`.
    pub(crate) key: &'a str,
    pub(crate) command: &'a str,
    pub(crate) arguments: &'a Value,
    pub(crate) fds: &'a [BorrowedFd<'a>],
    /// Bytes sent right before the request (the guest agent's 0xFF).
    pub(crate) prefix: &'a [u8],
    pub(crate) expect_reply: bool,
    pub(crate) timeout: Option<Duration>,
}

#[derive(Debug)]
pub(crate) struct Core {
    writer: tokio::sync::Mutex<BoxedWriter>,
    router: Arc<Router>,
    next_id: AtomicU64,
    events: broadcast::Receiver<Event>,
    reader_task: tokio::task::JoinHandle<()>,
}

impl Drop for Core {
    fn drop(&mut self) {
        self.reader_task.abort();
    }
}

impl Core {
    pub(crate) fn start(
        reader: ResponseReader,
        writer: BoxedWriter,
        event_capacity: usize,
    ) -> Core {
        let router = Arc::new(Router::default());
        let (events_tx, events) = broadcast::channel(event_capacity.max(1));
        let reader_task = tokio::spawn(reader.run(router.clone(), events_tx));
        Core {
            writer: tokio::sync::Mutex::new(writer),
            router,
            next_id: AtomicU64::new(1),
            events,
            reader_task,
        }
    }

    pub(crate) fn events(&self) -> EventStream {
        EventStream::new(self.events.resubscribe())
    }

    /// Sends a request and, when a reply is expected, waits for it;
    /// returns the `return` member (`Null` when no reply was expected).
    pub(crate) async fn request(&self, out: Outgoing<'_>) -> Result<Value, ClientError> {
        if !out.arguments.is_null() && !out.arguments.is_object() {
            return Err(ClientError::Protocol(
                "command arguments must be a JSON object".to_owned(),
            ));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let line = request_line(out.prefix, out.key, out.command, out.arguments, id)?;
        let (waiter, reply) = oneshot::channel();
        let guard = out.expect_reply.then(|| {
            lock(&self.router.pending).insert(id, waiter);
            PendingGuard {
                router: &self.router,
                id,
            }
        });
        if let Some(why) = lock(&self.router.closed).clone() {
            return Err(ClientError::Closed(why));
        }
        {
            let mut writer = self.writer.lock().await;
            write_all_with_fds(&mut **writer, &line, out.fds).await?;
        }
        if guard.is_none() {
            return Ok(Value::Null);
        }
        let reply = match out.timeout {
            None => reply.await,
            Some(limit) => tokio::time::timeout(limit, reply)
                .await
                .map_err(|_| ClientError::Timeout)?,
        };
        let response = reply.map_err(|_| ClientError::Closed("reader stopped".to_owned()))??;
        drop(guard);
        into_result(response)
    }
}

/// `{"execute":"name","arguments":{...},"id":N}` in compact form.
fn request_line(
    prefix: &[u8],
    key: &str,
    command: &str,
    arguments: &Value,
    id: u64,
) -> Result<Vec<u8>, ClientError> {
    let mut line = Vec::with_capacity(64 + command.len());
    line.extend_from_slice(prefix);
    line.extend_from_slice(b"{\"");
    line.extend_from_slice(key.as_bytes());
    line.extend_from_slice(b"\":");
    serde_json::to_writer(&mut line, command)?;
    if matches!(arguments, Value::Object(m) if !m.is_empty()) {
        line.extend_from_slice(b",\"arguments\":");
        serde_json::to_writer(&mut line, arguments)?;
    }
    line.extend_from_slice(b",\"id\":");
    line.extend_from_slice(id.to_string().as_bytes());
    line.extend_from_slice(b"}\n");
    Ok(line)
}

/// A response's `return`, or its `error` as [`ClientError::Qmp`].
fn into_result(mut response: Map<String, Value>) -> Result<Value, ClientError> {
    if let Some(value) = response.remove("return") {
        return Ok(value);
    }
    let Some(Value::Object(error)) = response.remove("error") else {
        return Err(ClientError::Protocol(format!(
            "response has neither 'return' nor 'error': {}",
            Value::Object(response)
        )));
    };
    let desc = error
        .get("desc")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let class = match error.get("class").and_then(Value::as_str) {
        Some("CommandNotFound") => ErrorClass::CommandNotFound,
        Some("DeviceNotActive") => ErrorClass::DeviceNotActive,
        Some("DeviceNotFound") => ErrorClass::DeviceNotFound,
        Some("KVMMissingCap") => ErrorClass::KVMMissingCap,
        _ => ErrorClass::GenericError,
    };
    Err(ClientError::Qmp(QmpError::new(class, desc)))
}

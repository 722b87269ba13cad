//! What both client flavours share: requests tagged with numeric ids,
//! written by the caller itself, and answers routed by id (see
//! [`super::routing`] for who reads).

use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::broadcast;

use super::error::ClientError;
use super::events::{Event, EventStream};
use super::message::Response;
use super::reader::ResponseReader;
use super::routing::{Answer, Shared};
use crate::qmp::{ErrorClass, QmpError};
use crate::transport::{BoxedWriter, write_all_with_fds};

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

/// The writing half and a request buffer reused from call to call.
#[derive(Debug)]
struct Output {
    writer: BoxedWriter,
    line: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Core {
    output: tokio::sync::Mutex<Output>,
    shared: Arc<Shared>,
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
        let (events_tx, events) = broadcast::channel(event_capacity.max(1));
        let shared = Shared::new(reader, events_tx);
        let reader_task = tokio::spawn(shared.clone().read_while_idle());
        Core {
            output: tokio::sync::Mutex::new(Output {
                writer,
                line: Vec::with_capacity(256),
            }),
            shared,
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
        // Registered before sending, so no answer can come unexpected;
        // dropping `answer` (an error, a timeout) forgets the request.
        let answer = match out.expect_reply {
            true => {
                self.shared.expect(id)?;
                Some(Answer::new(&self.shared, id))
            }
            false => {
                self.shared.check_open()?;
                None
            }
        };
        {
            let mut output = self.output.lock().await;
            let Output { writer, line } = &mut *output;
            line.clear();
            request_line(line, &out, id)?;
            let written = write_all_with_fds(&mut **writer, line, out.fds).await;
            if line.capacity() > 64 * 1024 {
                // Do not keep a huge request's buffer around.
                *line = Vec::with_capacity(256);
            }
            written?;
        }
        let Some(answer) = answer else {
            return Ok(Value::Null);
        };
        let response = match out.timeout {
            None => answer.await,
            Some(limit) => tokio::time::timeout(limit, answer)
                .await
                .map_err(|_| ClientError::Timeout)?,
        }?;
        into_result(response)
    }
}

/// `{"execute":"name","arguments":{...},"id":N}` in compact form.
fn request_line(line: &mut Vec<u8>, out: &Outgoing<'_>, id: u64) -> Result<(), ClientError> {
    line.extend_from_slice(out.prefix);
    line.extend_from_slice(b"{\"");
    line.extend_from_slice(out.key.as_bytes());
    line.extend_from_slice(b"\":");
    // Command names are plain ASCII: written as they are, no escaping pass.
    if out
        .command
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        line.push(b'"');
        line.extend_from_slice(out.command.as_bytes());
        line.push(b'"');
    } else {
        serde_json::to_writer(&mut *line, out.command)?;
    }
    if matches!(out.arguments, Value::Object(m) if !m.is_empty()) {
        line.extend_from_slice(b",\"arguments\":");
        serde_json::to_writer(&mut *line, out.arguments)?;
    }
    line.extend_from_slice(b",\"id\":");
    line.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
    line.extend_from_slice(b"}\n");
    Ok(())
}

/// A response's `return`, or its `error` as [`ClientError::Qmp`].
fn into_result(response: Response) -> Result<Value, ClientError> {
    let mut response = match response {
        Response::Return(value) => return Ok(value),
        Response::Full(response) => response,
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(command: &str, arguments: &Value, id: u64) -> String {
        let out = Outgoing {
            key: "execute",
            command,
            arguments,
            fds: &[],
            prefix: b"",
            expect_reply: true,
            timeout: None,
        };
        let mut line = Vec::new();
        request_line(&mut line, &out, id).expect("request");
        String::from_utf8(line).expect("utf-8")
    }

    #[test]
    fn requests_are_compact_json_lines() {
        let none = Value::Null;
        assert_eq!(
            line("query-version", &none, 7),
            "{\"execute\":\"query-version\",\"id\":7}\n"
        );
        let args = serde_json::json!({"a": 1});
        assert_eq!(
            line("x", &args, u64::MAX),
            "{\"execute\":\"x\",\"arguments\":{\"a\":1},\"id\":18446744073709551615}\n"
        );
        assert_eq!(
            line("q\"\\\u{1}é", &none, 1),
            "{\"execute\":\"q\\\"\\\\\\u0001é\",\"id\":1}\n"
        );
    }
}

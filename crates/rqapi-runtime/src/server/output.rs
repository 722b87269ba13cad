//! A client's output: an unbounded queue of byte pieces drained by a
//! writer task (large pieces, such as a moved base64 string, stay whole).
//! A response produced on the connection's own runtime goes straight to
//! the socket when nothing is queued and the kernel takes it all, sparing
//! a wake-up of the writer task per request.
//!
//! Producers (responses, events) never wait, so one slow client cannot
//! hold up the others or the event source. The connection's reader waits
//! (on a watch channel, not a loop) until the unsent bytes fall to the
//! high-water mark before reading more requests: a client that does not
//! read its responses stops being served, without spinning.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio::io::AsyncWriteExt;
use tokio::sync::{Notify, watch};

use serde_json::Value;

use crate::qmp::{QmpError, error_response};
use crate::sync::lock;
use crate::transport::BoxedWriter;

/// Pieces below this size are appended to the last piece (one write for
/// many small responses); larger ones are queued as they are.
const COALESCE: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Queue {
    pieces: VecDeque<Vec<u8>>,
    closed: bool,
    /// The writer, parked here while its task waits for work.
    idle_writer: Option<BoxedWriter>,
    /// A direct write is written but its flush did not complete.
    unflushed: bool,
}

impl Queue {
    fn add(&mut self, piece: Cow<'_, [u8]>) {
        match self.pieces.back_mut() {
            Some(last) if piece.len() < COALESCE && last.len() < COALESCE => {
                last.extend_from_slice(&piece);
            }
            _ => self.pieces.push_back(piece.into_owned()),
        }
    }
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Output {
    queue: Mutex<Queue>,
    wake_writer: Notify,
    /// Bytes queued or being written.
    pending: watch::Sender<usize>,
}

impl Output {
    /// Creates the queue and spawns its writer task.
    pub(crate) fn spawn(writer: BoxedWriter) -> (Arc<Output>, tokio::task::JoinHandle<()>) {
        let output = Arc::new(Output {
            queue: Mutex::new(Queue::default()),
            wake_writer: Notify::new(),
            pending: watch::Sender::new(0),
        });
        let task = tokio::spawn(output.clone().run_writer(writer));
        (output, task)
    }

    /// Queues bytes; ignored once the output is closed.
    pub(crate) fn push(&self, bytes: &[u8]) {
        self.push_pieces([Cow::Borrowed(bytes)]);
    }

    /// Queues pieces to be sent in order; large ones are moved, not copied.
    pub(crate) fn push_pieces<'a>(&self, pieces: impl IntoIterator<Item = Cow<'a, [u8]>>) {
        let mut added = 0;
        {
            let mut queue = lock(&self.queue);
            if queue.closed {
                return;
            }
            for piece in pieces {
                added += piece.len();
                queue.add(piece);
            }
        }
        self.pending.send_modify(|p| *p += added);
        self.wake_writer.notify_one();
    }

    /// Queues bytes like [`Output::push`], but first tries to write them
    /// at once. Only for the connection's own tasks: a write that has to
    /// wait registers with the current runtime.
    pub(crate) fn push_now(&self, bytes: &[u8]) {
        let mut queue = lock(&self.queue);
        let Queue {
            pieces,
            closed,
            idle_writer,
            unflushed,
        } = &mut *queue;
        let mut rest = bytes;
        if let Some(writer) = idle_writer
            && pieces.is_empty()
            && !*closed
        {
            // Nobody is woken by this context: a write that cannot finish
            // is handed to the writer task, which polls with its own.
            let mut cx = Context::from_waker(Waker::noop());
            if let Poll::Ready(Ok(n)) = Pin::new(&mut **writer).poll_write(&mut cx, bytes) {
                rest = &bytes[n..];
                if rest.is_empty() {
                    if let Poll::Ready(Ok(())) = Pin::new(&mut **writer).poll_flush(&mut cx) {
                        return;
                    }
                    *unflushed = true;
                }
            }
        }
        drop(queue);
        if rest.is_empty() {
            self.wake_writer.notify_one();
        } else {
            self.push(rest);
        }
    }

    /// Writes what is queued, then ends the writer task.
    pub(crate) fn close(&self) {
        lock(&self.queue).closed = true;
        self.wake_writer.notify_one();
    }

    /// Waits until at most `limit` bytes are unsent.
    pub(crate) async fn wait_below(&self, limit: usize) {
        if *self.pending.borrow() <= limit {
            return;
        }
        let mut rx = self.pending.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = rx.wait_for(|&pending| pending <= limit).await;
    }

    async fn run_writer(self: Arc<Self>, writer: BoxedWriter) {
        lock(&self.queue).idle_writer = Some(writer);
        loop {
            let next = {
                let mut queue = lock(&self.queue);
                let unflushed = std::mem::take(&mut queue.unflushed);
                match queue.pieces.pop_front() {
                    Some(piece) => Some(piece),
                    // Only the flush of a direct write is left to do.
                    None if unflushed => Some(Vec::new()),
                    None if queue.closed => break,
                    None => None,
                }
                .map(|piece| (piece, queue.idle_writer.take()))
            };
            let (piece, mut writer) = match next {
                Some((piece, Some(writer))) => (piece, writer),
                Some((_, None)) => return,
                None => {
                    self.wake_writer.notified().await;
                    continue;
                }
            };
            let result = async {
                writer.write_all(&piece).await?;
                writer.flush().await
            }
            .await;
            if let Err(error) = result {
                tracing::debug!(%error, "client output failed; discarding further output");
                let mut queue = lock(&self.queue);
                queue.closed = true;
                queue.pieces = VecDeque::new();
                drop(queue);
                self.pending.send_replace(0);
                return;
            }
            let written = piece.len();
            // Freed before waiting for more: a large piece is not kept.
            drop(piece);
            if written > 0 {
                self.pending.send_modify(|p| *p -= written);
            }
            lock(&self.queue).idle_writer = Some(writer);
        }
        let writer = lock(&self.queue).idle_writer.take();
        if let Some(mut writer) = writer {
            let _ = writer.shutdown().await;
        }
    }
}

/// One QMP output line: QEMU's monitor ends lines with `\r\n`.
pub(crate) fn qmp_line(value: &serde_json::Value) -> Vec<u8> {
    let mut line = Vec::with_capacity(128);
    crate::json::write_value(value, &mut line);
    line.extend_from_slice(b"\r\n");
    line
}

/// The QMP response line for a command's result, written without first
/// building the response object (the same bytes as
/// `qmp_line(&respond(result, id))`).
pub(crate) fn response_line(result: Result<Value, QmpError>, id: Option<Value>) -> Vec<u8> {
    let value = match result {
        Ok(value) => value,
        Err(error) => return qmp_line(&error_response(&error, id)),
    };
    let mut line = Vec::with_capacity(128);
    line.extend_from_slice(b"{\"return\": ");
    crate::json::write_value(&value, &mut line);
    if let Some(id) = id {
        line.extend_from_slice(b", \"id\": ");
        crate::json::write_value(&id, &mut line);
    }
    line.extend_from_slice(b"}\r\n");
    line
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{qmp_line, response_line};
    use crate::qmp::QmpError;
    use crate::server::execute::respond;

    #[test]
    fn response_line_matches_the_response_object() {
        let cases = [
            (
                Ok(json!({"qemu": {"major": 7}, "package": "é\n"})),
                Some(json!(1)),
            ),
            (Ok(json!({})), None),
            (Ok(json!([1, "x", null])), Some(json!({"deep": ["id"]}))),
            (Err(QmpError::generic("failed")), Some(json!("id"))),
            (Err(QmpError::command_not_found("nope")), None),
        ];
        for (result, id) in cases {
            let expected = qmp_line(&respond(result.clone(), id.clone()));
            assert_eq!(response_line(result, id), expected);
        }
    }
}

//! A client's output: an unbounded queue of byte pieces drained by a
//! writer task (large pieces, such as a moved base64 string, stay whole).
//!
//! Producers (responses, events) never wait, so one slow client cannot
//! hold up the others or the event source. The connection's reader waits
//! (on a watch channel, not a loop) until the unsent bytes fall to the
//! high-water mark before reading more requests: a client that does not
//! read its responses stops being served, without spinning.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::sync::{Notify, watch};

use super::context::lock;
use crate::transport::BoxedWriter;

/// Pieces below this size are appended to the last piece (one write for
/// many small responses); larger ones are queued as they are.
const COALESCE: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Queue {
    pieces: VecDeque<Vec<u8>>,
    closed: bool,
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

    /// Writes what is queued, then ends the writer task.
    pub(crate) fn close(&self) {
        lock(&self.queue).closed = true;
        self.wake_writer.notify_one();
    }

    /// Waits until at most `limit` bytes are unsent.
    pub(crate) async fn wait_below(&self, limit: usize) {
        let mut rx = self.pending.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = rx.wait_for(|&pending| pending <= limit).await;
    }

    async fn run_writer(self: Arc<Self>, mut writer: BoxedWriter) {
        loop {
            let piece = {
                let mut queue = lock(&self.queue);
                match queue.pieces.pop_front() {
                    Some(piece) => piece,
                    None if queue.closed => break,
                    None => Vec::new(),
                }
            };
            if piece.is_empty() {
                self.wake_writer.notified().await;
                continue;
            }
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
            self.pending.send_modify(|p| *p -= written);
        }
        let _ = writer.shutdown().await;
    }
}

/// One QMP output line: QEMU's monitor ends lines with `\r\n`.
pub(crate) fn qmp_line(value: &serde_json::Value) -> Vec<u8> {
    let mut line = Vec::with_capacity(128);
    crate::json::write_value(value, &mut line);
    line.extend_from_slice(b"\r\n");
    line
}

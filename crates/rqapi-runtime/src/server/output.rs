//! A client's output: an unbounded byte queue drained by a writer task.
//!
//! Producers (responses, events) never wait, so one slow client cannot
//! hold up the others or the event source. The connection's reader waits
//! (on a watch channel, not a loop) until the unsent bytes fall to the
//! high-water mark before reading more requests: a client that does not
//! read its responses stops being served, without spinning.

use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::sync::{Notify, watch};

use super::context::lock;
use crate::transport::BoxedWriter;

#[derive(Debug, Default)]
struct Queue {
    bytes: Vec<u8>,
    closed: bool,
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
        {
            let mut queue = lock(&self.queue);
            if queue.closed {
                return;
            }
            queue.bytes.extend_from_slice(bytes);
        }
        self.pending.send_modify(|p| *p += bytes.len());
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
        let mut chunk = Vec::new();
        loop {
            let idle = {
                let mut queue = lock(&self.queue);
                if queue.bytes.is_empty() && queue.closed {
                    break;
                }
                std::mem::swap(&mut chunk, &mut queue.bytes);
                chunk.is_empty()
            };
            if idle {
                self.wake_writer.notified().await;
                continue;
            }
            let result = async {
                writer.write_all(&chunk).await?;
                writer.flush().await
            }
            .await;
            if let Err(error) = result {
                tracing::debug!(%error, "client output failed; discarding further output");
                let mut queue = lock(&self.queue);
                queue.closed = true;
                queue.bytes = Vec::new();
                drop(queue);
                self.pending.send_replace(0);
                return;
            }
            let written = chunk.len();
            chunk.clear();
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

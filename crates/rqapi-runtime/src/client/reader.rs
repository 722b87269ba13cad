//! The client's reading side: messages from the server, with the guest
//! agent's `0xFF` delimiter restarting the parser.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Map, Value};
use tokio::io::AsyncReadExt;
use tokio::sync::broadcast;

use super::core::Router;
use super::error::ClientError;
use super::events::Event;
use crate::json::{JsonError, Reader};
use crate::transport::BoxedReader;

const SENTINEL: u8 = 0xFF;

#[derive(Debug)]
pub(crate) struct ResponseReader {
    reader: BoxedReader,
    parser: Reader,
    buf: Box<[u8]>,
    parsed: VecDeque<Result<Value, JsonError>>,
}

impl ResponseReader {
    pub(crate) fn new(reader: BoxedReader) -> Self {
        ResponseReader {
            reader,
            parser: Reader::new(),
            buf: vec![0; 1 << 20].into_boxed_slice(),
            parsed: VecDeque::new(),
        }
    }

    /// The next message; `Ok(None)` at end of input.
    pub(crate) async fn next_message(&mut self) -> Result<Option<Value>, ClientError> {
        loop {
            if let Some(message) = self.parsed.pop_front() {
                return message
                    .map(Some)
                    .map_err(|e| ClientError::Protocol(format!("invalid JSON from server: {e}")));
            }
            let n = self.reader.read(&mut self.buf).await?;
            if n == 0 {
                return Ok(None);
            }
            // A 0xFF starts a clean message: whatever came before is
            // dropped rather than reported as a parse error.
            let mut chunk = &self.buf[..n];
            while let Some(at) = chunk.iter().position(|&b| b == SENTINEL) {
                self.parsed.extend(self.parser.feed(&chunk[..at]));
                self.parser.reset();
                chunk = &chunk[at + 1..];
            }
            self.parsed.extend(self.parser.feed(chunk));
        }
    }

    /// Routes messages until the connection ends.
    pub(crate) async fn run(mut self, router: Arc<Router>, events: broadcast::Sender<Event>) {
        let why = loop {
            match self.next_message().await {
                Ok(Some(Value::Object(message))) => route(&router, &events, message),
                Ok(Some(other)) => tracing::warn!(%other, "ignoring a non-object message"),
                Ok(None) => break "end of input".to_owned(),
                Err(ClientError::Protocol(why)) => tracing::warn!(why, "ignoring bad input"),
                Err(error) => break error.to_string(),
            }
        };
        router.close(why);
    }
}

fn route(router: &Router, events: &broadcast::Sender<Event>, message: Map<String, Value>) {
    if message.contains_key("event") {
        if let Some(event) = Event::from_message(message) {
            // No receivers is fine: nobody asked for events.
            let _ = events.send(event);
        }
    } else {
        router.deliver(message);
    }
}

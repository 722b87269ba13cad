//! The client's reading side: messages from the server, with the guest
//! agent's `0xFF` delimiter restarting the parser.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use serde_json::Value;
use tokio::io::ReadBuf;

use super::error::ClientError;
use super::framing::Framing;
use super::message::Message;
use crate::json::JsonError;
use crate::transport::BoxedReader;

const SENTINEL: u8 = 0xFF;

#[derive(Debug)]
pub(crate) struct ResponseReader {
    reader: BoxedReader,
    parser: Framing,
    buf: Box<[u8]>,
    parsed: VecDeque<Result<Message, JsonError>>,
}

impl ResponseReader {
    pub(crate) fn new(reader: BoxedReader) -> Self {
        ResponseReader {
            reader,
            parser: Framing::default(),
            // Large: a whole `query-qmp-schema` answer in few reads.
            buf: vec![0; 1 << 20].into_boxed_slice(),
            parsed: VecDeque::new(),
        }
    }

    /// The next message; `Ok(None)` at end of input.
    pub(crate) async fn next_message(&mut self) -> Result<Option<Value>, ClientError> {
        let message = std::future::poll_fn(|cx| self.poll_next_message(cx)).await?;
        Ok(message.map(Message::into_value))
    }

    /// The next message, reading only when none is parsed yet.
    pub(crate) fn poll_next_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Message>, ClientError>> {
        loop {
            if let Some(message) = self.parsed.pop_front() {
                return Poll::Ready(
                    message.map(Some).map_err(|e| {
                        ClientError::Protocol(format!("invalid JSON from server: {e}"))
                    }),
                );
            }
            let mut buf = ReadBuf::new(&mut self.buf);
            ready!(Pin::new(&mut *self.reader).poll_read(cx, &mut buf))?;
            let n = buf.filled().len();
            if n == 0 {
                return Poll::Ready(Ok(None));
            }
            // A 0xFF starts a clean message: whatever came before is
            // dropped rather than reported as a parse error.
            let mut chunk = &self.buf[..n];
            // `contains` is a fast memchr; most reads hold no 0xFF.
            while chunk.contains(&SENTINEL)
                && let Some(at) = chunk.iter().position(|&b| b == SENTINEL)
            {
                self.parser.feed(&chunk[..at], &mut self.parsed);
                self.parser.reset();
                chunk = &chunk[at + 1..];
            }
            self.parser.feed(chunk, &mut self.parsed);
        }
    }
}

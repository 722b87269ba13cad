//! A connection's reading half turned into JSON messages, one at a time,
//! so the caller decides when to read more (backpressure).

use std::sync::Arc;

use tokio::io::AsyncReadExt;

use super::context::ClientShared;
use crate::json::{Message, Reader};
use crate::transport::BoxedReader;

const READ_SIZE: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct MessageInput {
    reader: BoxedReader,
    parser: Reader,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    client: Arc<ClientShared>,
}

impl MessageInput {
    /// A fresh parser: no state survives from an earlier connection.
    pub(crate) fn new(reader: BoxedReader, client: Arc<ClientShared>) -> Self {
        MessageInput {
            reader,
            parser: Reader::new(),
            buf: vec![0; READ_SIZE].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            client,
        }
    }

    /// The next message; `None` at end of input. Reads from the
    /// connection only when the buffered bytes hold no complete message.
    /// Descriptors that arrive are handed to the client state.
    pub(crate) async fn next(&mut self) -> std::io::Result<Option<Message>> {
        loop {
            let mut rest = &self.buf[self.start..self.end];
            let message = self.parser.next_message(&mut rest);
            self.start = self.end - rest.len();
            if message.is_some() {
                return Ok(message);
            }
            if self.eof {
                return Ok(None);
            }
            self.start = 0;
            self.end = 0;
            let n = self.reader.read(&mut self.buf).await?;
            self.client.add_fds(self.reader.take_received_fds());
            if n == 0 {
                self.eof = true;
            }
            self.end = n;
        }
    }
}

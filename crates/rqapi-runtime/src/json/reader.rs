//! The push-style message reader: feed bytes as they arrive, take messages.

use std::collections::VecDeque;

use serde_json::Value;

use super::JsonError;
use super::lexer::Lexer;
use super::parser::Streamer;

/// One message read from the stream: a JSON value, or why it was rejected.
pub type Message = Result<Value, JsonError>;

/// Reads a stream of JSON messages exactly as QEMU's QMP and guest-agent
/// channels do, whatever the chunking of the input.
///
/// Messages need no separator. A message ends when its brackets balance, so
/// a top-level scalar (`42`, `true`) ends only when the next byte shows it
/// is complete. After an error the rest of the input is read afresh, and a
/// `0xFF` (or `0xFE`) byte always ends any partial message with an error,
/// which clients use to resynchronize.
///
/// ```
/// use rqapi_runtime::json::Reader;
///
/// let mut reader = Reader::new();
/// let first: Vec<_> = reader.feed(b"{\"execute\": \"guest-").collect();
/// assert!(first.is_empty());
/// let rest: Vec<_> = reader.feed(b"ping\"}{} ").collect();
/// assert_eq!(rest.len(), 2);
/// assert_eq!(rest[0].as_ref().unwrap()["execute"], "guest-ping");
/// ```
#[derive(Debug)]
pub struct Reader {
    lexer: Lexer,
    streamer: Streamer,
    /// Messages read by a [`Messages`] iterator dropped before its end.
    queued: VecDeque<Message>,
}

impl Default for Reader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader {
    pub fn new() -> Self {
        Reader {
            lexer: Lexer::new(),
            streamer: Streamer::default(),
            queued: VecDeque::new(),
        }
    }

    /// Forgets all partial input, as for a new connection. (QEMU's agent
    /// keeps this state across clients, so one client's partial object
    /// swallows the next client's request; we do not.)
    pub fn reset(&mut self) {
        self.lexer.reset();
        self.streamer.reset();
        self.queued.clear();
    }

    /// Whether input is buffered that does not yet form a message.
    pub fn has_partial_message(&self) -> bool {
        !self.lexer.is_idle() || !self.streamer.is_idle()
    }

    /// Reads from `input` up to the end of the next message and advances
    /// `input` past the bytes consumed. Returns `None` when all of `input`
    /// was consumed without completing a message.
    ///
    /// This is the primitive for callers that want to stop reading while
    /// their output is blocked: unread bytes stay in `input`.
    pub fn next_message(&mut self, input: &mut &[u8]) -> Option<Message> {
        if let Some(message) = self.queued.pop_front() {
            return Some(message);
        }
        let (used, message) = self.lexer.run(input, &mut self.streamer);
        *input = &input[used..];
        message
    }

    /// Feeds a chunk and iterates over the messages it completes. Dropping
    /// the iterator early still reads the whole chunk; the remaining
    /// messages are returned by the next call.
    pub fn feed<'r, 'i>(&'r mut self, input: &'i [u8]) -> Messages<'r, 'i> {
        Messages {
            reader: self,
            input,
        }
    }
}

/// Iterator returned by [`Reader::feed`].
#[derive(Debug)]
pub struct Messages<'r, 'i> {
    reader: &'r mut Reader,
    input: &'i [u8],
}

impl Iterator for Messages<'_, '_> {
    type Item = Message;

    fn next(&mut self) -> Option<Message> {
        self.reader.next_message(&mut self.input)
    }
}

impl Drop for Messages<'_, '_> {
    fn drop(&mut self) {
        while !self.input.is_empty() {
            let (used, message) = self.reader.lexer.run(self.input, &mut self.reader.streamer);
            self.input = &self.input[used..];
            self.reader.queued.extend(message);
        }
    }
}

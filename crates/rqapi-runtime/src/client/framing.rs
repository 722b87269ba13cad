//! A fast path for reading server output: serde_json parses an object or
//! array that begins in the bytes just read and also ends there (faster
//! than QEMU's exact grammar); a cheap bracket scan finds that end first
//! when the bytes hold escapes. Everything
//! else goes to the exact [`Reader`], which then reads on until it is
//! idle again: a message split across reads, scalars, QEMU's extensions
//! (single quotes), `\u` escapes, numbers that are not integers (their
//! rounding), duplicate keys (a member lost) and every error. So the
//! messages are exactly the exact reader's, only read faster.

use std::collections::VecDeque;

use super::message::{CheckedMessage, Message};
use crate::json::{JsonError, Reader};

/// The bracket scan of one message.
#[derive(Debug, Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// A `\u` escape: left to the exact reader (`\u0000`, surrogates).
    unicode: bool,
}

impl Scan {
    /// The index just past the end of the message, if `bytes` reach it.
    fn run(&mut self, bytes: &[u8]) -> Option<usize> {
        for (i, &b) in bytes.iter().enumerate() {
            if self.in_string {
                match b {
                    b'u' if self.escaped => {
                        self.unicode = true;
                        self.escaped = false;
                    }
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Messages out of a byte stream, exactly as [`Reader`] reads them.
#[derive(Debug, Default)]
pub(crate) struct Framing {
    exact: Reader,
}

impl Framing {
    /// Forgets partial input (the guest agent's `0xFF` delimiter).
    pub(crate) fn reset(&mut self) {
        self.exact.reset();
    }

    /// Reads `data`, appending completed messages to `out`.
    pub(crate) fn feed(&mut self, mut data: &[u8], out: &mut VecDeque<Result<Message, JsonError>>) {
        loop {
            if !self.exact.has_partial_message() {
                let start = data
                    .iter()
                    .position(|b| !b" \t\r\n".contains(b))
                    .unwrap_or(data.len());
                data = &data[start..];
                if data.is_empty() {
                    return;
                }
                if matches!(data[0], b'{' | b'[')
                    && matches!(data.trim_ascii_end().last(), Some(b'}' | b']'))
                    && !data.contains(&b'\\')
                {
                    // No escapes, and the read looks like it ends where a
                    // message does: serde_json finds the end itself, with
                    // no bracket scan (an incomplete or invalid message
                    // goes to the exact reader below).
                    let mut stream = serde_json::Deserializer::from_slice(data).into_iter();
                    if let Some(Ok(CheckedMessage {
                        message,
                        plain: true,
                    })) = stream.next()
                    {
                        out.push_back(Ok(message));
                        data = &data[stream.byte_offset()..];
                        continue;
                    }
                } else if matches!(data[0], b'{' | b'[') {
                    let mut scan = Scan::default();
                    if let Some(end) = scan.run(data) {
                        self.parse(&data[..end], &scan, out);
                        data = &data[end..];
                        continue;
                    }
                }
            }
            // The exact reader reads the rest (it cannot say where it got
            // idle again; the next read starts afresh).
            out.extend(self.exact.feed(data).map(|m| m.map(Message::Other)));
            return;
        }
    }

    /// One complete object or array; the exact reader decides whenever
    /// serde_json's reading could differ from it.
    fn parse(
        &mut self,
        message: &[u8],
        scan: &Scan,
        out: &mut VecDeque<Result<Message, JsonError>>,
    ) {
        if !scan.unicode
            && let Ok(CheckedMessage {
                message,
                plain: true,
            }) = serde_json::from_slice(message)
        {
            out.push_back(Ok(message));
        } else {
            out.extend(self.exact.feed(message).map(|m| m.map(Message::Other)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way of cutting `input` into two chunks reads as the exact
    /// reader reads it whole.
    fn same_as_exact(input: &[u8]) {
        let expected: Vec<_> = Reader::new().feed(input).collect();
        for cut in 0..=input.len() {
            let mut framing = Framing::default();
            let mut got = VecDeque::new();
            framing.feed(&input[..cut], &mut got);
            framing.feed(&input[cut..], &mut got);
            let got: Vec<_> = got
                .into_iter()
                .map(|m| m.map(Message::into_value))
                .collect();
            assert_eq!(
                format!("{got:?}"),
                format!("{expected:?}"),
                "cut at {cut} of {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn plain_lines_and_pretty_output() {
        same_as_exact(
            b"{\"return\": {\"a\": [1, {\"b\": \"}]{[\"}]}, \"id\": 1}\r\n{\"event\": \"X\"}\r\n",
        );
        same_as_exact(b"{\n  \"return\": {\n    \"x\": \"\\\"}\"\n  }\n}\n[]\n");
        same_as_exact(b"{}{}[1,2]  {\"k\": null}");
        same_as_exact(b"{\"return\": {\"a\": 1}, \"id\": 7}\r\n{\"id\": 8, \"return\": []}\n");
    }

    #[test]
    fn what_plain_json_does_not_cover_goes_to_the_exact_reader() {
        same_as_exact(b"{'single': 'quotes'}\n{\"ok\": 1}\n");
        same_as_exact(b"{\"f\": 0.1, \"g\": 1e400, \"h\": 18446744073709551616}\n");
        same_as_exact(b"42 {\"after\": true}\n");
        same_as_exact(b"{\"bad\": }\n{\"good\": 2}\n");
        same_as_exact(b"{\"dup\": 1, \"dup\": 2}\n");
        same_as_exact(b"}{\"stray\": 1}\n");
        same_as_exact(b"{\"nul\": \"a\\u0000b\", \"e\": \"\\u00e9\\ud83d\"}\n{}\n");
        same_as_exact(b"{'q': '\"'}{\"after\": [1]}\n");
        same_as_exact(b"{\"return\": 1, \"id\": -1}{\"return\": 1, \"id\": 1.5}\n");
        same_as_exact(b"{\"return\": 1, \"return\": 2, \"id\": 3}{\"id\": 1, \"id\": 1}\n");
        same_as_exact(b"{\"return\": 1, \"id\": 4, \"x\": 2}{\"id\": \"s\", \"return\": 0}\n");
    }
}

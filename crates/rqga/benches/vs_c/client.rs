//! A minimal client over a std `UnixStream`: raw request bytes out,
//! response lines in, no JSON library on the hot path.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

pub const PING: &[u8] = br#"{"execute":"guest-ping"}"#;

#[derive(Debug)]
pub struct Client {
    stream: UnixStream,
    /// Allocated (and zeroed) once; `start..end` is unconsumed input.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes from `start` known to hold no `\n`.
    scanned: usize,
}

impl Client {
    pub fn new(stream: UnixStream) -> Client {
        Client {
            stream,
            buf: vec![0; 1 << 16],
            start: 0,
            end: 0,
            scanned: 0,
        }
    }

    /// Room for a response of `len` bytes, so that reading it does not
    /// grow (zero and copy) the buffer while the clock runs.
    pub fn reserve(&mut self, len: usize) {
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Reads once (blocking) and returns how many whole lines arrived,
    /// discarding them.
    pub fn read_lines(&mut self) -> usize {
        self.fill();
        let mut lines = 0;
        while let Some(end) = self.line_end() {
            self.consume(end);
            lines += 1;
        }
        lines
    }

    /// Blocks until the next response line has arrived whole (it stays
    /// buffered for [`Client::line`]).
    pub fn wait_for_line(&mut self) {
        self.wait_line();
    }

    /// The next response line (without its `\n`).
    pub fn line(&mut self) -> Vec<u8> {
        let end = self.wait_line();
        let line = self.buf[self.start..end - 1].to_vec();
        self.consume(end);
        line
    }

    /// Waits for the next line and only checks it starts as a success.
    pub fn expect_return(&mut self) {
        let end = self.wait_line();
        let ok = self.buf[self.start..end].starts_with(b"{\"return\"");
        assert!(ok, "unexpected reply: {}", self.show(end));
        self.consume(end);
    }

    pub fn ping(&mut self) {
        self.send(PING);
        self.expect_return();
    }

    fn wait_line(&mut self) -> usize {
        loop {
            if let Some(end) = self.line_end() {
                return end;
            }
            self.fill();
        }
    }

    fn consume(&mut self, end: usize) {
        self.start = end;
        self.scanned = 0;
    }

    fn show(&self, end: usize) -> String {
        String::from_utf8_lossy(&self.buf[self.start..end.min(self.start + 300)]).into_owned()
    }

    /// Index just past the next `\n`, if a whole line is buffered.
    fn line_end(&mut self) -> Option<usize> {
        let from = self.start + self.scanned;
        match memchr(&self.buf[from..self.end]) {
            Some(i) => Some(from + i + 1),
            None => {
                self.scanned = self.end - self.start;
                None
            }
        }
    }

    fn fill(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                let len = self.buf.len();
                self.buf.resize(len * 2, 0);
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..]).expect("read");
        assert!(n > 0, "agent closed the connection");
        self.end += n;
    }
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// The integer after `"key": ` in a response line.
pub fn int_member(line: &[u8], key: &str) -> Option<i64> {
    let pat = format!("\"{key}\": ");
    let at = find(line, pat.as_bytes())? + pat.len();
    let digits: Vec<u8> = line[at..]
        .iter()
        .copied()
        .take_while(|b| b.is_ascii_digit() || *b == b'-')
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

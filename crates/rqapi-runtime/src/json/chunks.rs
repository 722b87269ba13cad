//! QEMU's output format for a value the caller gives up: large strings that
//! need no escaping become pieces of the output as they are, so a response
//! carrying tens of megabytes (`guest-file-read`) is never copied.

use serde_json::Value;

use super::writer::{write_string, write_value};

/// Strings at least this long are moved rather than copied.
pub const MOVE_THRESHOLD: usize = 64 * 1024;

/// Bytes first reserved for the piece being written by [`Chunks::new`].
const INITIAL_CAPACITY: usize = 256;

/// Output in pieces, to be sent one after another.
#[derive(Debug, Default)]
pub struct Chunks {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl Chunks {
    /// Room for a usual small response at once, rather than growing the
    /// piece byte by byte through 8, 16, 32... (one allocation, not five).
    pub fn new() -> Self {
        Chunks {
            done: Vec::new(),
            current: Vec::with_capacity(INITIAL_CAPACITY),
        }
    }

    /// Appends bytes to the piece being written.
    pub fn extend(&mut self, bytes: &[u8]) {
        self.current.extend_from_slice(bytes);
    }

    /// Writes `value` in QEMU's format (members in insertion order), byte
    /// for byte what [`write_value`] writes.
    pub fn write_value(&mut self, value: Value) {
        match value {
            Value::String(s) if s.len() >= MOVE_THRESHOLD && is_plain(&s) => {
                self.current.push(b'"');
                self.done.push(std::mem::take(&mut self.current));
                self.done.push(s.into_bytes());
                self.current.push(b'"');
            }
            Value::Array(items) => {
                self.current.push(b'[');
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        self.current.extend_from_slice(b", ");
                    }
                    self.write_value(item);
                }
                self.current.push(b']');
            }
            Value::Object(map) => {
                self.current.push(b'{');
                for (i, (key, item)) in map.into_iter().enumerate() {
                    if i > 0 {
                        self.current.extend_from_slice(b", ");
                    }
                    write_string(&key, &mut self.current);
                    self.current.extend_from_slice(b": ");
                    self.write_value(item);
                }
                self.current.push(b'}');
            }
            other => write_value(&other, &mut self.current),
        }
    }

    /// The pieces, in order; none is empty.
    pub fn into_pieces(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done.retain(|piece| !piece.is_empty());
        self.done
    }
}

/// Whether the writer would copy `s` unchanged.
fn is_plain(s: &str) -> bool {
    super::scan::writer_plain_run(s.as_bytes()) == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn joined(value: Value) -> (Vec<u8>, usize) {
        let mut chunks = Chunks::new();
        chunks.write_value(value);
        let pieces = chunks.into_pieces();
        (pieces.concat(), pieces.len())
    }

    #[test]
    fn same_bytes_as_write_value() {
        let big = "A".repeat(MOVE_THRESHOLD + 3);
        let escaped = format!("{big}\u{e9}\"");
        let value = json!({"return": {"count": 3, "buf-b64": big, "eof": false,
            "x": [escaped, 1.5, null, {"é": "\u{1f}"}]}, "id": "a"});
        let mut expected = Vec::new();
        write_value(&value, &mut expected);
        let (bytes, pieces) = joined(value);
        assert_eq!(String::from_utf8(bytes), String::from_utf8(expected));
        // Before, the moved string, and after it.
        assert_eq!(pieces, 3);
    }

    #[test]
    fn small_values_are_one_piece() {
        let (bytes, pieces) = joined(json!({"return": {}}));
        assert_eq!(bytes, b"{\"return\": {}}");
        assert_eq!(pieces, 1);
    }
}

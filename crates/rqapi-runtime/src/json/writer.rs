//! QEMU's JSON output format (`qobject_to_json`): `", "` and `": "`
//! separators, `\uXXXX` in uppercase for control and non-ASCII characters,
//! doubles as `%.17g`.

use serde_json::{Map, Number, Value};

use super::number::format_double;
use super::qdict_order::qdict_order;
use super::text::is_valid_codepoint;

/// In which order object members are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemberOrder {
    /// The order in which members were inserted (our default). QEMU prints
    /// hash order instead; JSON clients compare parsed objects, so this only
    /// matters to byte-for-byte comparisons.
    #[default]
    Insertion,
    /// QEMU's `QDict` hash order, assuming QEMU inserted the members in the
    /// same order we did: byte-for-byte identical to QEMU's output.
    QDictHash,
}

/// Appends `value` in QEMU's format, members in insertion order.
pub fn write_value(value: &Value, out: &mut Vec<u8>) {
    write_value_with(value, MemberOrder::Insertion, out);
}

/// Appends `value` in QEMU's format, members in the given order.
pub fn write_value_with(value: &Value, order: MemberOrder, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                write_value_with(item, order, out);
            }
            out.push(b']');
        }
        Value::Object(map) => write_object(map, order, out),
    }
}

/// One message line: the value and `\n`.
pub fn to_line(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    write_value(value, &mut out);
    out.push(b'\n');
    out
}

fn write_object(map: &Map<String, Value>, order: MemberOrder, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut member = |i: usize, key: &str, value: &Value| {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        write_string(key, out);
        out.extend_from_slice(b": ");
        write_value_with(value, order, out);
    };
    match order {
        MemberOrder::Insertion => {
            for (i, (key, value)) in map.iter().enumerate() {
                member(i, key, value);
            }
        }
        MemberOrder::QDictHash => {
            let entries: Vec<(&String, &Value)> = map.iter().collect();
            for (i, index) in qdict_order(map.keys().map(String::as_str))
                .into_iter()
                .enumerate()
            {
                let (key, value) = entries[index];
                member(i, key, value);
            }
        }
    }
    out.push(b'}');
}

fn write_number(n: &Number, out: &mut Vec<u8>) {
    if let Some(v) = n.as_u64() {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    } else if let Some(v) = n.as_i64() {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    } else {
        format_double(n.as_f64().unwrap_or(0.0), out);
    }
}

pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let u_escape = |out: &mut Vec<u8>, unit: u32| {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[((unit >> shift) & 0xF) as usize]);
        }
    };
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        i += super::scan::writer_plain_run(&bytes[i..]);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        out.extend_from_slice(&bytes[run_start..i]);
        let short = match b {
            b'"' => Some(&b"\\\""[..]),
            b'\\' => Some(&b"\\\\"[..]),
            0x08 => Some(&b"\\b"[..]),
            0x0C => Some(&b"\\f"[..]),
            b'\n' => Some(&b"\\n"[..]),
            b'\r' => Some(&b"\\r"[..]),
            b'\t' => Some(&b"\\t"[..]),
            _ => None,
        };
        if let Some(esc) = short {
            out.extend_from_slice(esc);
            i += 1;
        } else if b < 0x80 {
            u_escape(out, u32::from(b));
            i += 1;
        } else {
            let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
            i += ch.len_utf8();
            // QEMU's writer shows characters it deems invalid as U+FFFD.
            let cp = if is_valid_codepoint(u32::from(ch)) {
                u32::from(ch)
            } else {
                0xFFFD
            };
            if cp > 0xFFFF {
                let v = cp - 0x10000;
                u_escape(out, 0xD800 + (v >> 10));
                u_escape(out, 0xDC00 + (v & 0x3FF));
            } else {
                u_escape(out, cp);
            }
        }
        run_start = i;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

//! GLib key files (`GKeyFile`), as far as qemu-ga reads and writes them.
//!
//! Why our own: qemu-ga's configuration and state files are read by
//! `g_key_file_load_from_file` and written by `g_key_file_to_data`, and the
//! exact GLib rules matter for compatibility (value whitespace, `\s`
//! escapes, which lines are errors and the error texts that end up in
//! qemu-ga's messages).  The ini/keyfile crates on crates.io implement
//! other dialects (trimmed values, `;` comments, quoting, no escapes), and
//! the `glib` crate binds the C library, which we want to replace.  The
//! subset needed is small: parse, look up a string/boolean/integer, write.
//!
//! Behaviour follows GLib 2.74 to 2.84 (`glib/gkeyfile.c`): lines split at
//! `\n` with one trailing `\r` removed; leading ASCII whitespace skipped;
//! `#` and blank lines are comments; `[name]` groups (trailing blanks and
//! tabs allowed); `key = value` with the key's trailing and the value's
//! leading whitespace removed but the value's trailing whitespace kept;
//! repeated groups merge and a repeated key keeps its last value.
//! Locale-suffixed keys (`key[de]`) are accepted and kept as distinct keys;
//! qemu-ga never asks for them.

use std::fmt;

/// Error from parsing a key file or converting one of its values.  The
/// message is GLib's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFileError(pub String);

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyFileError {}

/// One group: its name and its `(key, raw value)` pairs in file order.
type Group = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>);

/// A parsed key file: groups in file order, raw (still escaped) values.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyFile {
    groups: Vec<Group>,
}

/// GLib's `g_utf8_make_valid`: every byte that does not start a valid
/// UTF-8 sequence becomes U+FFFD.
pub fn make_valid(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = &bad[1..];
            }
        }
    }
}

fn is_space(c: u8) -> bool {
    // g_ascii_isspace: space, \t, \n, \v, \f, \r
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn is_group_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&c| c != b'[' && c != b']' && !c.is_ascii_control())
}

fn is_key_name(key: &[u8]) -> bool {
    let stop = key
        .iter()
        .position(|&c| c == b'=' || c == b'[' || c == b']')
        .unwrap_or(key.len());
    let base = &key[..stop];
    if base.is_empty() || base[0] == b' ' || base[base.len() - 1] == b' ' {
        return false;
    }
    match &key[stop..] {
        [] => true,
        [b'[', locale @ .., b']'] => std::str::from_utf8(locale).is_ok_and(|l| {
            l.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        }),
        _ => false,
    }
}

fn is_group_line(line: &[u8]) -> bool {
    let Some(inner) = line.strip_prefix(b"[") else {
        return false;
    };
    match inner.iter().position(|&c| c == b']') {
        Some(close) => inner[close + 1..].iter().all(|&c| c == b' ' || c == b'\t'),
        None => false,
    }
}

impl KeyFile {
    /// Parses key-file text as `g_key_file_load_from_data` with no flags.
    pub fn parse(data: &[u8]) -> Result<KeyFile, KeyFileError> {
        let mut kf = KeyFile::default();
        let mut current: Option<usize> = None;
        let mut start_group: Option<usize> = None;
        for raw in data.split(|&c| c == b'\n') {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            // GLib works on C strings: a NUL byte ends the line.
            let line = raw.split(|&c| c == 0).next().unwrap_or_default();
            let start = line
                .iter()
                .position(|&c| !is_space(c))
                .unwrap_or(line.len());
            let text = &line[start..];
            if text.is_empty() || text[0] == b'#' {
                continue;
            }
            if is_group_line(text) {
                let close = text.iter().rposition(|&c| c == b']').unwrap_or(text.len());
                let name = &text[1..close];
                if !is_group_name(name) {
                    return Err(KeyFileError(format!(
                        "Invalid group name: {}",
                        make_valid(name)
                    )));
                }
                let index = kf.group_index(name).unwrap_or_else(|| {
                    kf.groups.push((name.to_vec(), Vec::new()));
                    kf.groups.len() - 1
                });
                start_group.get_or_insert(index);
                current = Some(index);
            } else if let Some(eq) = text.iter().position(|&c| c == b'=').filter(|&eq| eq > 0) {
                let Some(group) = current else {
                    return Err(KeyFileError("Key file does not start with a group".into()));
                };
                let key_end = text[..eq]
                    .iter()
                    .rposition(|&c| !is_space(c))
                    .map_or(0, |p| p + 1);
                let key = &text[..key_end];
                if !is_key_name(key) {
                    return Err(KeyFileError(format!(
                        "Invalid key name: {}",
                        make_valid(key)
                    )));
                }
                let after = &text[eq + 1..];
                let vstart = after
                    .iter()
                    .position(|&c| !is_space(c))
                    .unwrap_or(after.len());
                let value = &after[vstart..];
                if Some(group) == start_group
                    && key == b"Encoding"
                    && !value.eq_ignore_ascii_case(b"UTF-8")
                {
                    return Err(KeyFileError(format!(
                        "Key file contains unsupported encoding \u{201c}{}\u{201d}",
                        make_valid(value)
                    )));
                }
                let pairs = &mut kf.groups[group].1;
                match pairs.iter_mut().find(|(k, _)| k == key) {
                    Some(pair) => pair.1 = value.to_vec(),
                    None => pairs.push((key.to_vec(), value.to_vec())),
                }
            } else {
                return Err(KeyFileError(format!(
                    "Key file contains line \u{201c}{}\u{201d} which is not a key-value pair, \
                     group, or comment",
                    make_valid(line)
                )));
            }
        }
        Ok(kf)
    }

    fn group_index(&self, name: &[u8]) -> Option<usize> {
        self.groups.iter().position(|(g, _)| g == name)
    }

    /// The raw value of `key` in `group` (`g_key_file_get_value`).
    pub fn raw_value(&self, group: &str, key: &str) -> Option<&[u8]> {
        let (_, pairs) = &self.groups[self.group_index(group.as_bytes())?];
        pairs
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| v.as_slice())
    }

    /// `g_key_file_has_key`.
    pub fn has_key(&self, group: &str, key: &str) -> bool {
        self.raw_value(group, key).is_some()
    }

    fn missing(group: &str, key: &str) -> KeyFileError {
        KeyFileError(format!(
            "Key file does not have key \u{201c}{key}\u{201d} in group \u{201c}{group}\u{201d}"
        ))
    }

    fn uninterpretable(key: &str) -> KeyFileError {
        KeyFileError(format!(
            "Key file contains key \u{201c}{key}\u{201d} which has a value that cannot be \
             interpreted."
        ))
    }

    /// `g_key_file_get_string`: the value, UTF-8 checked and unescaped.
    pub fn get_string(&self, group: &str, key: &str) -> Result<String, KeyFileError> {
        let raw = self
            .raw_value(group, key)
            .ok_or_else(|| Self::missing(group, key))?;
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(KeyFileError(format!(
                "Key file contains key \u{201c}{key}\u{201d} with value \u{201c}{}\u{201d} \
                 which is not UTF-8",
                make_valid(raw)
            )));
        };
        unescape(text).map_err(|_| Self::uninterpretable(key))
    }

    /// `g_key_file_get_boolean`: `true`/`1` or `false`/`0`, trailing
    /// whitespace ignored.
    pub fn get_boolean(&self, group: &str, key: &str) -> Result<bool, KeyFileError> {
        let raw = self
            .raw_value(group, key)
            .ok_or_else(|| Self::missing(group, key))?;
        let end = raw.iter().rposition(|&c| !is_space(c)).map_or(0, |p| p + 1);
        match &raw[..end] {
            b"true" | b"1" => Ok(true),
            b"false" | b"0" => Ok(false),
            _ => Err(Self::uninterpretable(key)),
        }
    }

    /// `g_key_file_get_integer`, widened to 64 bits (see `state.rs`).
    pub fn get_integer(&self, group: &str, key: &str) -> Result<i64, KeyFileError> {
        let raw = self
            .raw_value(group, key)
            .ok_or_else(|| Self::missing(group, key))?;
        let text = std::str::from_utf8(raw).map_err(|_| Self::uninterpretable(key))?;
        // strtol: optional sign and digits; trailing whitespace allowed.
        let end = text.trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
        let digits = end.strip_prefix(['+', '-']).unwrap_or(end);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Self::uninterpretable(key));
        }
        end.trim_start_matches('+')
            .parse::<i64>()
            .map_err(|_| Self::uninterpretable(key))
    }
}

/// GLib's escapes in string values: `\s \n \t \r \\`; anything else after
/// a backslash is an error.
fn unescape(text: &str) -> Result<String, ()> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next().ok_or(())? {
            's' => ' ',
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            _ => return Err(()),
        });
    }
    Ok(out)
}

/// Builds key-file text the way `g_key_file_set_*` plus
/// `g_key_file_to_data` do, for a single group.
#[derive(Debug)]
pub struct KeyFileWriter {
    text: Vec<u8>,
}

impl KeyFileWriter {
    /// Starts a file whose only group is `group`.
    pub fn new(group: &str) -> Self {
        KeyFileWriter {
            text: format!("[{group}]\n").into_bytes(),
        }
    }

    /// `g_key_file_set_string`: escapes `\n \r \\` everywhere and spaces
    /// and tabs while they lead the value.
    pub fn set_string(&mut self, key: &str, value: &[u8]) {
        self.text.extend_from_slice(key.as_bytes());
        self.text.push(b'=');
        let mut leading = true;
        for &c in value {
            match c {
                b' ' if leading => self.text.extend_from_slice(b"\\s"),
                b'\t' if leading => self.text.extend_from_slice(b"\\t"),
                b'\n' => self.text.extend_from_slice(b"\\n"),
                b'\r' => self.text.extend_from_slice(b"\\r"),
                b'\\' => {
                    self.text.extend_from_slice(b"\\\\");
                    leading = false;
                }
                b' ' | b'\t' => self.text.push(c),
                _ => {
                    self.text.push(c);
                    leading = false;
                }
            }
        }
        self.text.push(b'\n');
    }

    /// `g_key_file_set_boolean`.
    pub fn set_boolean(&mut self, key: &str, value: bool) {
        self.set_string(key, if value { b"true" } else { b"false" });
    }

    /// `g_key_file_set_int64`.
    pub fn set_int64(&mut self, key: &str, value: i64) {
        self.set_string(key, value.to_string().as_bytes());
    }

    /// `g_key_file_to_data`.
    pub fn into_bytes(self) -> Vec<u8> {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_glib_syntax() {
        let kf = KeyFile::parse(
            b"# c\n  \n[general]  \n a key \t= \\s v \\\\x  \r\n[other]\nk=1\n[general]\nb= true \nb2=0\n",
        )
        .unwrap();
        assert_eq!(
            kf.raw_value("general", "a key"),
            Some(&b"\\s v \\\\x  "[..])
        );
        assert_eq!(kf.get_string("general", "a key").unwrap(), "  v \\x  ");
        assert!(kf.get_boolean("general", "b").unwrap());
        assert!(!kf.get_boolean("general", "b2").unwrap());
        assert_eq!(kf.get_integer("other", "k").unwrap(), 1);
    }

    #[test]
    fn last_duplicate_wins_and_groups_merge() {
        let kf = KeyFile::parse(b"[g]\nk=1\n[h]\n[g]\nk=2").unwrap();
        assert_eq!(kf.raw_value("g", "k"), Some(&b"2"[..]));
    }

    #[test]
    fn glib_errors() {
        let err = |t: &[u8]| KeyFile::parse(t).unwrap_err().0;
        assert_eq!(err(b"k=v\n"), "Key file does not start with a group");
        assert_eq!(
            err(b"[g]\njunk\n"),
            "Key file contains line \u{201c}junk\u{201d} which is not a key-value pair, group, or comment"
        );
        assert_eq!(
            err(b"[g]x\n"),
            "Key file contains line \u{201c}[g]x\u{201d} which is not a key-value pair, group, or comment"
        );
        assert_eq!(err(b"[]\n"), "Invalid group name: ");
        assert_eq!(
            err(b"[g]\n=v\n"),
            "Key file contains line \u{201c}=v\u{201d} which is not a key-value pair, group, or comment"
        );
        assert_eq!(err(b"[g]\nk]=v\n"), "Invalid key name: k]");
        let kf = KeyFile::parse(b"[g]\nb=yes\ns=a\\qb\n").unwrap();
        let msg =
            "Key file contains key \u{201c}b\u{201d} which has a value that cannot be interpreted.";
        assert_eq!(kf.get_boolean("g", "b").unwrap_err().0, msg);
        assert!(kf.get_string("g", "s").is_err());
    }

    #[test]
    fn writer_escapes_like_glib() {
        let mut w = KeyFileWriter::new("general");
        w.set_string("a", b" \tx y\\ \n\r");
        w.set_boolean("b", true);
        assert_eq!(
            w.into_bytes(),
            b"[general]\na=\\s\\tx y\\\\ \\n\\r\nb=true\n"
        );
    }

    #[test]
    fn make_valid_replaces_each_bad_byte() {
        assert_eq!(make_valid(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
    }
}

//! QEMU's "modified UTF-8" rules: which characters a string may hold, how
//! string tokens are decoded, and how raw bytes are shown in error texts.

use super::JsonError;

/// Whether QEMU accepts `cp` as a character: inside U+0000..U+10FFFF, not a
/// surrogate and not one of Unicode's 66 noncharacters.
pub(crate) fn is_valid_codepoint(cp: u32) -> bool {
    cp <= 0x10FFFF
        && !(0xFDD0..=0xFDEF).contains(&cp)
        && (cp & 0xFFFE) != 0xFFFE
        && !(0xD800..=0xDFFF).contains(&cp)
}

/// Decodes one modified-UTF-8 sequence at the start of `bytes` (non-empty,
/// no NUL first). Returns the character, or `None` when invalid, and how many
/// bytes the sequence spans, following QEMU's `mod_utf8_codepoint`: a bad lead
/// byte spans 1, a truncated sequence spans the lead plus the continuation
/// bytes present, and `C0 80` is U+0000.
pub(crate) fn decode_sequence(bytes: &[u8]) -> (Option<char>, usize) {
    const MIN_CP: [u32; 5] = [0x80, 0x800, 0x10000, 0x200000, 0x4000000];
    let lead = bytes[0];
    if lead < 0x80 {
        return (Some(char::from(lead)), 1);
    }
    if lead >= 0xFE || lead & 0x40 == 0 {
        return (None, 1);
    }
    let len = lead.leading_ones() as usize;
    let mut cp = u32::from(lead) & ((1 << (7 - len)) - 1);
    for i in 1..len {
        match bytes.get(i) {
            Some(&b) if b & 0xC0 == 0x80 => cp = (cp << 6) | u32::from(b & 0x3F),
            _ => return (None, i),
        }
    }
    let overlong = cp < MIN_CP[len - 2] && !(cp == 0 && len == 2);
    if !is_valid_codepoint(cp) || overlong {
        return (None, len);
    }
    (char::from_u32(cp), len)
}

/// Shows raw token bytes the way QEMU's error text does: cut at the first
/// NUL byte (C string), each invalid sequence replaced by U+FFFD.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let mut rest = &bytes[..end];
    let mut out = String::with_capacity(rest.len());
    while !rest.is_empty() {
        let (ch, used) = decode_sequence(rest);
        out.push(ch.unwrap_or('\u{FFFD}'));
        rest = &rest[used..];
    }
    out
}

/// Appends a run of unescaped string bytes, validated as QEMU does.
fn push_raw(run: &[u8], out: &mut String) -> Result<(), JsonError> {
    if let Ok(s) = std::str::from_utf8(run) {
        // Standard UTF-8 minus the noncharacters QEMU rejects.
        if !s.is_ascii() && s.chars().any(|c| !is_valid_codepoint(u32::from(c))) {
            return Err(JsonError::InvalidUtf8);
        }
        out.push_str(s);
        return Ok(());
    }
    // Slow path: only `C0 80` (modified UTF-8 NUL) is valid here beyond std.
    let mut rest = run;
    while !rest.is_empty() {
        match decode_sequence(rest) {
            (Some(ch), used) => {
                out.push(ch);
                rest = &rest[used..];
            }
            (None, _) => return Err(JsonError::InvalidUtf8),
        }
    }
    Ok(())
}

/// Up to four hex digits at `at`, QEMU's `cvt4hex`: `None` unless all four are hex.
fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// Decodes the body of a string token (without its `quote`s), reusing
/// its buffer when it has no escapes: a large string is not held twice.
pub(crate) fn decode_owned_string(quote: u8, mut body: Vec<u8>) -> Result<String, JsonError> {
    // Usual case (base64 data): ASCII without escapes, one pass to know.
    if super::scan::ascii_until_backslash(&body) == body.len() {
        match String::from_utf8(body) {
            Ok(s) => return Ok(s),
            Err(e) => body = e.into_bytes(),
        }
    }
    if super::scan::until_backslash(&body) == body.len() {
        match String::from_utf8(body) {
            Ok(s) if s.is_ascii() || s.chars().all(|c| is_valid_codepoint(u32::from(c))) => {
                return Ok(s);
            }
            Ok(s) => body = s.into_bytes(),
            Err(e) => body = e.into_bytes(),
        }
    }
    // Escapes, or not valid as it stands: decode it the usual way (with
    // the quotes, which QEMU's error texts may show).
    body.insert(0, quote);
    body.push(quote);
    let mut out = String::with_capacity(body.len() - 2);
    decode_string(&body, &mut out)?;
    Ok(out)
}

/// Decodes a complete string token without backslashes (with its quotes)
/// into `out`: exactly what [`decode_string`] does with it, without
/// looking for escapes.
pub(crate) fn decode_plain_string(raw: &[u8], out: &mut String) -> Result<(), JsonError> {
    push_raw(&raw[1..raw.len() - 1], out)
}

/// Decodes a complete string token (with its quotes) into `out`.
pub(crate) fn decode_string(raw: &[u8], out: &mut String) -> Result<(), JsonError> {
    let body_end = raw.len() - 1;
    let mut pos = 1;
    while pos < body_end {
        let run_end = pos + super::scan::until_backslash(&raw[pos..body_end]);
        push_raw(&raw[pos..run_end], out)?;
        if run_end == body_end {
            break;
        }
        // The lexer guarantees a byte after a backslash, before the quote.
        pos = run_end + 2;
        let ch = match raw[run_end + 1] {
            b'"' => '"',
            b'\'' => '\'',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (ch, next) = unicode_escape(raw, run_end)?;
                pos = next;
                ch
            }
            _ => return Err(JsonError::InvalidEscape),
        };
        out.push(ch);
    }
    Ok(())
}

/// Decodes `\uXXXX` (or a surrogate pair) whose backslash is at `start` of
/// the raw token. Returns the character and the position after the escape.
fn unicode_escape(raw: &[u8], start: usize) -> Result<(char, usize), JsonError> {
    let mut end = start + 6;
    let mut cp = hex4(raw, start + 2);
    if let Some(lead @ 0xD800..=0xDBFF) = cp {
        if raw.get(end) == Some(&b'\\') && raw.get(end + 1) == Some(&b'u') {
            cp = match hex4(raw, end + 2) {
                Some(trail @ 0xDC00..=0xDFFF) => {
                    end += 6;
                    Some(0x10000 + ((lead & 0x3FF) << 10) + (trail & 0x3FF))
                }
                _ => None,
            };
        }
    }
    match cp
        .filter(|&cp| is_valid_codepoint(cp))
        .and_then(char::from_u32)
    {
        Some(ch) => Ok((ch, end)),
        // QEMU shows the escape up to where it stopped reading, cut where its
        // C string of the token ends (just after the closing quote).
        None => Err(JsonError::InvalidUnicodeEscape(lossy(
            &raw[start..end.min(raw.len())],
        ))),
    }
}

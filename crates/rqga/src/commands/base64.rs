//! Base64 as qemu-ga uses it (guest-file-*, guest-exec, set-user-password):
//! QEMU's `qbase64_decode` (a character check,
//! then GLib's lenient `g_base64_decode`) and GLib's padded encoding.
//!
//! A 64 MiB `buf-b64` is decoded piecewise straight into the file,
//! without a second full copy: the whole quanta before the first `=` or
//! newline (all of them, in what clients send) are plain base64 and go
//! through base64-simd; the rest goes through GLib's state machine, which
//! gives the same bytes fed all at once or in pieces.

use std::ops::ControlFlow;

use base64_simd::{Out, STANDARD, STANDARD_NO_PAD};
use rqapi_runtime::qmp::QmpError;

/// The error `qbase64_decode` gives for characters outside its set.
pub const INVALID_CHARACTERS: &str = "Base64 data contains invalid characters";

/// A base64 argument that passed `qbase64_decode`'s check (only the
/// alphabet, `=` and newline; a NUL, which qemu-ga holds as C0 80, fails
/// it too), split where the SIMD decoder hands over to GLib's state
/// machine.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    bytes: &'a [u8],
    /// Length of the prefix of whole quanta with neither `=` nor newline:
    /// there GLib's lenient decoding is plain standard base64.
    plain: usize,
}

/// Whether `b` passes the check, and whether it is one of the bytes GLib
/// treats specially (`=` and the skipped newline).
#[inline]
fn classify(b: u8) -> (bool, bool) {
    let special = b == b'=' || b == b'\n';
    (
        b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || special,
        special,
    )
}

impl<'a> Text<'a> {
    /// Checks `input` and finds the first special byte.
    pub fn new(input: &'a str) -> Result<Text<'a>, QmpError> {
        let bytes = input.as_bytes();
        // Usual case: canonical padded base64 (SIMD check), where only
        // the last quantum may hold `=`.
        if STANDARD.check(bytes).is_ok() {
            let plain = match bytes.last() {
                Some(b'=') => bytes.len() - 4,
                _ => bytes.len(),
            };
            return Ok(Text { bytes, plain });
        }
        // One pass over blocks of 64 bytes, which the compiler vectorizes.
        let mut first_special = None;
        for (i, block) in bytes.chunks(64).enumerate() {
            let (bad, special) = block.iter().fold((false, false), |(bad, special), &b| {
                let (valid, s) = classify(b);
                (bad | !valid, special | s)
            });
            if bad {
                return Err(QmpError::generic(INVALID_CHARACTERS));
            }
            if special && first_special.is_none() {
                let at = block.iter().position(|&b| classify(b).1).unwrap_or(0);
                first_special = Some(i * 64 + at);
            }
        }
        let plain = first_special.unwrap_or(bytes.len()) / 4 * 4;
        Ok(Text { bytes, plain })
    }

    /// How many bytes the text decodes to.
    pub fn decoded_len(&self) -> usize {
        self.plain / 4 * 3 + decoded_len(&self.bytes[self.plain..])
    }

    /// Decodes the text in pieces of at most `step` bytes (a multiple of
    /// 3), handing each to `sink` until it breaks.
    pub fn decode_in_steps<B>(
        &self,
        step: usize,
        mut sink: impl FnMut(&[u8]) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        let chars = (step / 3).max(1) * 4;
        let mut out = Vec::with_capacity(chars / 4 * 3);
        let (plain, rest) = self.bytes.split_at(self.plain);
        for piece in plain.chunks(chars) {
            out.clear();
            out.resize(piece.len() / 4 * 3, 0);
            if STANDARD_NO_PAD
                .decode(piece, Out::from_slice(&mut out))
                .is_err()
            {
                // Not reached (the piece is checked plain base64); GLib's
                // decoder gives the same bytes anyway.
                out.clear();
                Decoder::default().decode_into(piece, &mut out);
            }
            sink(&out)?;
        }
        let mut decoder = Decoder::default();
        for piece in rest.chunks(chars) {
            out.clear();
            decoder.decode_into(piece, &mut out);
            sink(&out)?;
        }
        ControlFlow::Continue(())
    }
}

/// GLib's `mime_base64_rank`: `=` ranks 0, characters outside the
/// alphabet are skipped.
fn rank(c: u8) -> Option<u32> {
    let r = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        b'=' => 0,
        _ => return None,
    };
    Some(u32::from(r))
}

/// `g_base64_decode_step` over one whole input: every fourth counted
/// character emits three bytes, less one for each `=` among the last
/// two characters seen; a trailing partial quantum is dropped.
#[derive(Debug, Default, Clone)]
pub struct Decoder {
    bits: u32,
    pending: u8,
    last: [u8; 2],
}

impl Decoder {
    /// Decodes `input`, calling `emit` with each output quantum (1 to 3
    /// bytes).
    fn run(&mut self, input: &[u8], mut emit: impl FnMut(&[u8])) {
        for &c in input {
            let Some(r) = rank(c) else { continue };
            self.last = [c, self.last[0]];
            self.bits = (self.bits << 6) | r;
            self.pending += 1;
            if self.pending == 4 {
                // The middle byte goes when the third character was '=',
                // the last when the fourth was: "=x=Y" still gives two.
                let [_, b0, b1, b2] = self.bits.to_be_bytes();
                let mut quantum = [b0, 0, 0];
                let mut n = 1;
                for (keep, b) in [(self.last[1] != b'=', b1), (self.last[0] != b'=', b2)] {
                    if keep {
                        quantum[n] = b;
                        n += 1;
                    }
                }
                emit(&quantum[..n]);
                self.pending = 0;
            }
        }
    }

    /// Appends the decoding of `input` to `out`.
    pub fn decode_into(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.run(input, |q| out.extend_from_slice(q));
    }
}

/// How many bytes `input` decodes to, without decoding it.
pub fn decoded_len(input: &[u8]) -> usize {
    let mut n = 0;
    Decoder::default().run(input, |q| n += q.len());
    n
}

/// `qbase64_decode` of a whole argument.
pub fn decode(input: &str) -> Result<Vec<u8>, QmpError> {
    let text = Text::new(input)?;
    let mut out = Vec::with_capacity(text.decoded_len());
    let _: ControlFlow<()> = text.decode_in_steps(DECODE_STEP, |piece| {
        out.extend_from_slice(piece);
        ControlFlow::Continue(())
    });
    Ok(out)
}

/// Piece size of [`decode`]: small, so a piece stays in the cache.
const DECODE_STEP: usize = 3 * 64 * 1024;

/// `g_base64_encode`: standard alphabet, padded, no line breaks.
pub fn encode(data: &[u8]) -> String {
    STANDARD.encode_to_string(data)
}

/// Appends the encoding of `data` to `out`; `data` must be a multiple of
/// three bytes long unless it is the final piece.
pub fn encode_append(data: &[u8], out: &mut String) {
    STANDARD.encode_append(data, out);
}

/// The length of the encoding of `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Vec<u8> {
        decode(s).unwrap()
    }

    #[test]
    fn glib_lenient_decoding() {
        assert_eq!(dec("aGVsbG8gcWdhCg=="), b"hello qga\n");
        assert_eq!(dec("aGVsbG8="), b"hello");
        // A partial last quantum is dropped (qemu-ga wrote 3 bytes).
        assert_eq!(dec("aGVsbG8"), b"hel");
        assert_eq!(dec(""), b"");
        assert_eq!(dec("aGVs\nbG8="), b"hello");
        // '=' counts as a zero digit; only the last two of a quantum trim.
        assert_eq!(dec("a=bc"), vec![0x68, 0x06, 0xdc]);
        assert_eq!(dec("===="), vec![0]);
        // A '=' third drops the middle byte only (GLib).
        assert_eq!(dec("=x=Y"), vec![0x03, 0x18]);
    }

    #[test]
    fn invalid_characters() {
        for bad in [
            "!!!notbase64",
            "aGVs bG8=",
            "aGVs\tbG8=",
            "aGVs-_",
            "aGVs\0",
        ] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.desc, INVALID_CHARACTERS, "{bad:?}");
        }
    }

    #[test]
    fn piecewise_equals_whole() {
        let text = b"aGVsbG8gcWdh\nCmhlbGxv=x=yQUJD";
        let mut whole = Vec::new();
        Decoder::default().decode_into(text, &mut whole);
        for split in 0..text.len() {
            let mut d = Decoder::default();
            let mut out = Vec::new();
            d.decode_into(&text[..split], &mut out);
            d.decode_into(&text[split..], &mut out);
            assert_eq!(out, whole, "split at {split}");
        }
        assert_eq!(decoded_len(text), whole.len());
    }

    /// The fast path (plain quanta through base64-simd, pieces of any
    /// size) gives GLib's bytes, wherever `=` and newlines fall.
    #[test]
    fn fast_path_equals_state_machine() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        };
        for round in 0..400 {
            let len = next(300) + if round % 20 == 0 { 70_000 } else { 0 };
            let mut text: Vec<u8> = (0..len).map(|_| ALPHABET[next(64)]).collect();
            for _ in 0..(round % 5) {
                let at = next(len as u64 + 1);
                text.insert(at, if next(2) == 0 { b'=' } else { b'\n' });
            }
            let input = std::str::from_utf8(&text).unwrap();
            let mut expected = Vec::new();
            Decoder::default().decode_into(&text, &mut expected);
            let parsed = Text::new(input).unwrap();
            assert_eq!(parsed.decoded_len(), expected.len(), "{input:?}");
            for step in [3, 6, 3 * 1024, DECODE_STEP] {
                let mut got = Vec::new();
                let _: ControlFlow<()> = parsed.decode_in_steps(step, |piece| {
                    assert!(piece.len() <= step);
                    got.extend_from_slice(piece);
                    ControlFlow::Continue(())
                });
                assert_eq!(got, expected, "step {step}: {input:?}");
            }
        }
        // Canonical encodings (the SIMD-checked case) round-trip.
        for len in 0..200 {
            let data: Vec<u8> = (0..len).map(|_| next(256) as u8).collect();
            assert_eq!(dec(&encode(&data)), data, "{len} bytes");
        }
        // A bad byte anywhere in a long text is found.
        let mut long = "QUJD".repeat(1000);
        long.replace_range(2049..2050, "-");
        assert_eq!(decode(&long).unwrap_err().desc, INVALID_CHARACTERS);
    }

    #[test]
    fn encoding() {
        assert_eq!(encode(b"hello"), "aGVsbG8=");
        assert_eq!(encode(b""), "");
        let mut s = String::new();
        encode_append(b"hel", &mut s);
        encode_append(b"lo", &mut s);
        assert_eq!(s, "aGVsbG8=");
        assert_eq!(encoded_len(5), 8);
        assert_eq!(encoded_len(0), 0);
    }
}

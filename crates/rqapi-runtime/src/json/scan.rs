//! Word-at-a-time scans over string bytes, the hot loops of reading and
//! writing large strings (e.g. base64 file data). Plain safe Rust: eight
//! bytes are tested at once, then the word with a hit is searched bytewise.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Nonzero iff some byte of `x` is zero.
#[inline]
fn has_zero(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Nonzero iff some byte of `x` equals `b`.
#[inline]
fn has_byte(x: u64, b: u8) -> u64 {
    has_zero(x ^ (ONES * u64::from(b)))
}

/// Nonzero iff some byte of `x` is below `n` (`n <= 128`).
#[inline]
fn has_less(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS
}

/// Length of the longest prefix whose words pass `clean`, then bytes pass `plain`.
#[inline]
fn prefix(bytes: &[u8], clean: impl Fn(u64) -> bool, plain: impl Fn(u8) -> bool) -> usize {
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if !clean(word) {
            break;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .position(|&b| !plain(b))
        .unwrap_or(bytes.len() - i)
}

/// Bytes the lexer keeps in a string without a closer look: 0x20..=0xFD,
/// except the quote and the backslash.
pub(crate) fn lexer_plain_run(bytes: &[u8], quote: u8) -> usize {
    prefix(
        bytes,
        |w| {
            has_less(w, 0x20) | has_byte(w, quote) | has_byte(w, b'\\') | has_zero((w | ONES) ^ !0)
                == 0
        },
        |b| (0x20..=0xFD).contains(&b) && b != quote && b != b'\\',
    )
}

/// Bytes up to the first backslash.
pub(crate) fn until_backslash(bytes: &[u8]) -> usize {
    prefix(bytes, |w| has_byte(w, b'\\') == 0, |b| b != b'\\')
}

/// Bytes the writer copies as they are: printable ASCII except `"` and `\`.
pub(crate) fn writer_plain_run(bytes: &[u8]) -> usize {
    prefix(
        bytes,
        |w| {
            (has_less(w, 0x20)
                | has_byte(w, b'"')
                | has_byte(w, b'\\')
                | has_byte(w, 0x7F)
                | (w & HIGHS))
                == 0
        },
        |b| (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\',
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_agree_with_bytewise_definitions() {
        for special in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = vec![b'A'; 24];
                bytes[at] = special;
                let lexer_plain =
                    (0x20..=0xFD).contains(&special) && special != b'"' && special != b'\\';
                assert_eq!(
                    lexer_plain_run(&bytes, b'"'),
                    if lexer_plain { 24 } else { at }
                );
                let writer_plain =
                    (0x20..0x7F).contains(&special) && special != b'"' && special != b'\\';
                assert_eq!(writer_plain_run(&bytes), if writer_plain { 24 } else { at });
                assert_eq!(
                    until_backslash(&bytes),
                    if special == b'\\' { at } else { 24 }
                );
            }
        }
    }
}

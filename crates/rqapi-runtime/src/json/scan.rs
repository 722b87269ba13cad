//! Block scans over string bytes, the hot loops of reading and writing
//! large strings (e.g. base64 file data). Plain safe Rust: each block of
//! 64 bytes is tested with a branch-free fold that the compiler turns into
//! SIMD compares, then the block with a hit is searched bytewise.

const BLOCK: usize = 64;

/// Length of the longest prefix of bytes that pass `plain`.
#[inline]
fn prefix(bytes: &[u8], plain: impl Fn(u8) -> bool) -> usize {
    prefix_with(bytes, &plain, &plain)
}

/// [`prefix`], with `bytewise` (the same test, cheaper one byte at a time,
/// e.g. a table) for the bytes after the last clean block.
#[inline]
fn prefix_with(bytes: &[u8], plain: impl Fn(u8) -> bool, bytewise: impl Fn(u8) -> bool) -> usize {
    let mut i = 0;
    for block in bytes.chunks_exact(BLOCK) {
        if !block.iter().fold(true, |clean, &b| clean & plain(b)) {
            break;
        }
        i += BLOCK;
    }
    i + bytes[i..]
        .iter()
        .position(|&b| !bytewise(b))
        .unwrap_or(bytes.len() - i)
}

/// A byte class as a table: one load per byte in bytewise loops, where the
/// range tests take several compares.
const fn class_table(low: u8, high: u8) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = low as usize;
    while b <= high as usize {
        table[b] = b != b'\\' as usize;
        b += 1;
    }
    table
}

/// `low..=high` except the backslash, as tables.
const LEXER_CLASS: [bool; 256] = class_table(0x20, 0xFD);
const WRITER_CLASS: [bool; 256] = {
    let mut table = class_table(0x20, 0x7E);
    table[b'"' as usize] = false;
    table
};

/// Bytes the lexer looks at one by one before scanning blocks: most
/// strings on the wire (keys, names, small values) end within them, and
/// the lexer's input goes on past the string, so a block scan would read
/// a whole block beyond its end.
const LEXER_HEAD: usize = 16;

/// Bytes the lexer keeps in a string without a closer look: 0x20..=0xFD,
/// except the quote and the backslash.
pub(crate) fn lexer_plain_run(bytes: &[u8], quote: u8) -> usize {
    let plain = |b: u8| (0x20..=0xFD).contains(&b) & (b != quote) & (b != b'\\');
    let bytewise = |b: u8| LEXER_CLASS[usize::from(b)] & (b != quote);
    let head = bytes.len().min(LEXER_HEAD);
    match bytes[..head].iter().position(|&b| !bytewise(b)) {
        Some(end) => end,
        None => head + prefix_with(&bytes[head..], plain, bytewise),
    }
}

/// ASCII bytes up to the first backslash (a string body that is all such
/// bytes is its own value).
pub(crate) fn ascii_until_backslash(bytes: &[u8]) -> usize {
    prefix(bytes, |b| (b < 0x80) & (b != b'\\'))
}

/// Bytes up to the first backslash.
pub(crate) fn until_backslash(bytes: &[u8]) -> usize {
    prefix(bytes, |b| b != b'\\')
}

/// Bytes the writer copies as they are: printable ASCII except `"` and `\`.
pub(crate) fn writer_plain_run(bytes: &[u8]) -> usize {
    prefix_with(
        bytes,
        |b| (0x20..0x7F).contains(&b) & (b != b'"') & (b != b'\\'),
        |b| WRITER_CLASS[usize::from(b)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_agree_with_bytewise_definitions() {
        // Hits in the first block, in a later one, and in the bytewise tail.
        const LEN: usize = 2 * BLOCK + 24;
        for special in 0..=255u8 {
            for at in (0..LEN).step_by(7) {
                let mut bytes = vec![b'A'; LEN];
                bytes[at] = special;
                let lexer_plain =
                    (0x20..=0xFD).contains(&special) && special != b'"' && special != b'\\';
                assert_eq!(
                    lexer_plain_run(&bytes, b'"'),
                    if lexer_plain { LEN } else { at }
                );
                let writer_plain =
                    (0x20..0x7F).contains(&special) && special != b'"' && special != b'\\';
                assert_eq!(
                    writer_plain_run(&bytes),
                    if writer_plain { LEN } else { at }
                );
                assert_eq!(
                    until_backslash(&bytes),
                    if special == b'\\' { at } else { LEN }
                );
                assert_eq!(
                    ascii_until_backslash(&bytes),
                    if special == b'\\' || special >= 0x80 {
                        at
                    } else {
                        LEN
                    }
                );
            }
        }
    }
}

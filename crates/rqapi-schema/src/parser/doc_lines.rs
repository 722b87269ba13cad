//! Line-level patterns of doc comments. Each function reproduces one of
//! QEMU's regular expressions (anchored like Python's `re.match`, `$`
//! at the end of an already right-stripped line) by hand; they are short
//! and keep the crate free of a regex engine.

use super::lexer::py_isspace;

/// Number of leading white space characters (`re.match(r'\s*')`).
pub(crate) fn indent_of(line: &str) -> usize {
    // Usually spaces then an ASCII character that is not white space:
    // counted on bytes; anything else takes the character-wise count.
    let bytes = line.as_bytes();
    let spaces = bytes.iter().take_while(|&&b| b == b' ').count();
    match bytes.get(spaces) {
        None => spaces,
        Some(&b) if b.is_ascii() && !py_isspace(char::from(b)) => spaces,
        Some(_) => line.chars().take_while(|&c| py_isspace(c)).count(),
    }
}

/// `@NAME: *` at the start of `line`: the name and the byte offset where
/// the text after the tag begins.
pub(crate) fn match_at_name_colon(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix('@')?;
    let colon = memchr::memchr(b':', rest.as_bytes())?;
    let name = &rest[..colon];
    let after = 1 + colon + 1;
    let spaces = line[after..].bytes().take_while(|&b| b == b' ').count();
    Some((name, after + spaces))
}

/// The tagged-section heading `(Returns|Errors|Since|Notes?|Examples?|TODO)`
/// followed by a single `:` (a `::` is rST markup) and spaces: the tag
/// and the byte offset of the text after it.
pub(crate) fn match_section_tag(line: &str) -> Option<(&'static str, usize)> {
    const TAGS: [&str; 8] = [
        "Returns", "Errors", "Since", "Notes", "Note", "Examples", "Example", "TODO",
    ];
    for tag in TAGS {
        let Some(rest) = line.strip_prefix(tag) else {
            continue;
        };
        if rest.starts_with("::") || !rest.starts_with(':') {
            continue;
        }
        let spaces = rest[1..].bytes().take_while(|&b| b == b' ').count();
        return Some((tag, tag.len() + 1 + spaces));
    }
    None
}

/// `(\.\. +qmp-example)? *::$`: a line opening a literal block.
pub(crate) fn opens_literal_block(line: &str) -> bool {
    // Every form ends in "::": most lines are rejected right here.
    if !line.ends_with("::") {
        return false;
    }
    let is_tail = |s: &str| s.trim_start_matches(' ') == "::";
    if is_tail(line) {
        return true;
    }
    let Some(after_dots) = line.strip_prefix("..") else {
        return false;
    };
    let directive = after_dots.trim_start_matches(' ');
    directive.len() < after_dots.len() && directive.strip_prefix("qmp-example").is_some_and(is_tail)
}

/// ` *(https?|ftp)://[^ ]*$`: a URL that may exceed the line length.
pub(crate) fn is_url_line(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let Some(rest) = ["https://", "http://", "ftp://"]
        .iter()
        .find_map(|scheme| rest.strip_prefix(scheme))
    else {
        return false;
    };
    !rest.contains(' ')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn starts_sentence(b: Option<&u8>) -> bool {
    matches!(b, Some(&b) if b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'(')
}

/// Scans like `re.finditer(r'(\be\.g\.|^ *\d\.|([.!?])) [A-Z0-9(]', line)`
/// and returns the byte offset of the first `[.!?]` that ends a sentence
/// followed by a single space. Matches of "e.g." and of a leading list
/// number consume their text without being reported, as in QEMU.
///
/// Works on bytes: every character the pattern names is ASCII, and the
/// bytes of other characters never equal an ASCII one. The consumed
/// matches can only ever swallow one candidate each (the `.` of the
/// list number, the last `.` of "e.g."), so candidates are tested on
/// their own, and found eight bytes at a time: lines are mostly prose.
pub(crate) fn single_space_after_sentence(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let at = |i: usize| bytes.get(i);
    let followed_by_sentence = |i: usize| at(i) == Some(&b' ') && starts_sentence(at(i + 1));
    // Alternative 2: `^ *\d\.` (only at the very start).
    let spaces = bytes.iter().take_while(|&&b| b == b' ').count();
    let list_dot = (at(spaces).is_some_and(u8::is_ascii_digit)
        && at(spaces + 1) == Some(&b'.')
        && followed_by_sentence(spaces + 2))
    .then_some(spaces + 1);
    let reported = |i: usize| {
        matches!(bytes[i], b'.' | b'!' | b'?')
            && followed_by_sentence(i + 1)
            && Some(i) != list_dot
            // Alternative 1: `\be\.g\.` ending here.
            && !(i >= 3
                && &bytes[i - 3..=i] == b"e.g."
                && !line[..i - 3].chars().next_back().is_some_and(is_word_char))
    };
    // Eight bytes at a time; the last, partial block padded with NULs.
    let chunks = bytes.chunks_exact(8);
    let mut last = [0u8; 8];
    for (i, &b) in chunks.remainder().iter().enumerate() {
        last[i] = b;
    }
    let words = chunks.map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
    for (n, word) in words.chain([u64::from_le_bytes(last)]).enumerate() {
        // Flags every byte equal to one of them (and, rarely, a byte
        // above one): each flagged byte is checked exactly.
        let mut flags =
            byte_eq_flags(word, b'.') | byte_eq_flags(word, b'!') | byte_eq_flags(word, b'?');
        while flags != 0 {
            let i = n * 8 + (flags.trailing_zeros() / 8) as usize;
            if i < bytes.len() && reported(i) {
                return Some(i);
            }
            flags &= flags - 1;
        }
    }
    None
}

/// High bit set in every byte of `word` equal to `b`.
fn byte_eq_flags(word: u64, b: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (LOW * u64::from(b));
    x.wrapping_sub(LOW) & !x & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_colon() {
        assert_eq!(match_at_name_colon("@foo:  bar"), Some(("foo", 7)));
        assert_eq!(match_at_name_colon("@: x"), Some(("", 3)));
        assert_eq!(match_at_name_colon("@foo bar"), None);
        assert_eq!(match_at_name_colon("foo:"), None);
    }

    #[test]
    fn section_tags() {
        assert_eq!(match_section_tag("Returns: x"), Some(("Returns", 9)));
        assert_eq!(match_section_tag("Notes: x"), Some(("Notes", 7)));
        assert_eq!(match_section_tag("Note:"), Some(("Note", 5)));
        assert_eq!(match_section_tag("Notes:: x"), None);
        assert_eq!(match_section_tag("Since::"), None);
        assert_eq!(match_section_tag("TODO:x"), Some(("TODO", 5)));
        assert_eq!(match_section_tag("Returnsx: y"), None);
    }

    #[test]
    fn literal_blocks() {
        assert!(opens_literal_block("::"));
        assert!(opens_literal_block("   ::"));
        assert!(opens_literal_block(".. qmp-example::"));
        assert!(opens_literal_block("..  qmp-example  ::"));
        assert!(!opens_literal_block("..qmp-example::"));
        assert!(!opens_literal_block("Example::"));
        assert!(!opens_literal_block(".. code-block::"));
    }

    #[test]
    fn urls() {
        assert!(is_url_line("  https://example.org/a/b"));
        assert!(is_url_line("ftp://x"));
        assert!(!is_url_line("see https://example.org/"));
        assert!(!is_url_line("https://example.org/ trailing"));
    }

    #[test]
    fn sentence_spacing() {
        assert_eq!(single_space_after_sentence("One. Two."), Some(3));
        assert_eq!(single_space_after_sentence("One.  Two."), None);
        assert_eq!(single_space_after_sentence("Use e.g. This"), None);
        assert_eq!(single_space_after_sentence("1. First item"), None);
        assert_eq!(single_space_after_sentence("x 1. First"), Some(3));
        assert_eq!(single_space_after_sentence("Why? (Because)"), Some(3));
        assert_eq!(single_space_after_sentence("v1.2 is lower. a"), None);
        assert_eq!(single_space_after_sentence("thee.g. X"), Some(6));
        // Byte offsets; a word character before "e.g." may be non-ASCII.
        assert_eq!(single_space_after_sentence("Voilà. Two"), Some(6));
        assert_eq!(single_space_after_sentence("àe.g. X"), Some(5));
        assert_eq!(single_space_after_sentence("à e.g. X"), None);
        // Candidates across and beyond the eight-byte blocks.
        assert_eq!(single_space_after_sentence("abcdefg. Xyz"), Some(7));
        assert_eq!(
            single_space_after_sentence("abcdefgh e.g. Xyz? No"),
            Some(17)
        );
        assert_eq!(single_space_after_sentence("  3. Item e.g. Foo"), None);
        assert_eq!(single_space_after_sentence("a.b!c?d.  e.f. (x)"), Some(13));
    }

    /// The straightforward left-to-right scan the fast version replaces.
    fn scalar_reference(line: &str) -> Option<usize> {
        let bytes = line.as_bytes();
        let at = |i: usize| bytes.get(i);
        let followed_by_sentence = |i: usize| at(i) == Some(&b' ') && starts_sentence(at(i + 1));
        // Alternative 2: `^ *\d\.` (only at the very start).
        let spaces = bytes.iter().take_while(|&&b| b == b' ').count();
        let mut pos = 0;
        if at(spaces).is_some_and(u8::is_ascii_digit)
            && at(spaces + 1) == Some(&b'.')
            && followed_by_sentence(spaces + 2)
        {
            pos = spaces + 4;
        }
        while pos < bytes.len() {
            match bytes[pos] {
                // Alternative 1: `\be\.g\.`
                b'e' if bytes[pos..].starts_with(b"e.g.")
                    && !line[..pos].chars().next_back().is_some_and(is_word_char)
                    && followed_by_sentence(pos + 4) =>
                {
                    pos += 6;
                    continue;
                }
                // Alternative 3: `([.!?])`, the one reported.
                b'.' | b'!' | b'?' if followed_by_sentence(pos + 1) => return Some(pos),
                _ => {}
            }
            pos += 1;
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn sentence_spacing_matches_scan(line in "[ e.g!?(Aa1à_]{0,40}") {
            proptest::prop_assert_eq!(
                single_space_after_sentence(&line),
                scalar_reference(&line)
            );
        }
    }
}

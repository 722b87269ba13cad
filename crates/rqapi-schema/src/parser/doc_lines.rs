//! Line-level patterns of doc comments. Each function reproduces one of
//! QEMU's regular expressions (anchored like Python's `re.match`, `$`
//! at the end of an already right-stripped line) by hand; they are short
//! and keep the crate free of a regex engine.

use super::lexer::py_isspace;

/// Number of leading white space characters (`re.match(r'\s*')`).
pub(crate) fn indent_of(line: &str) -> usize {
    line.chars().take_while(|&c| py_isspace(c)).count()
}

/// `@NAME: *` at the start of `line`: the name and the byte offset where
/// the text after the tag begins.
pub(crate) fn match_at_name_colon(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix('@')?;
    let colon = rest.find(':')?;
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

fn starts_sentence(c: Option<&char>) -> bool {
    matches!(c, Some(&c) if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '(')
}

/// Scans like `re.finditer(r'(\be\.g\.|^ *\d\.|([.!?])) [A-Z0-9(]', line)`
/// and returns the char index of the first `[.!?]` that ends a sentence
/// followed by a single space. Matches of "e.g." and of a leading list
/// number consume their text without being reported, as in QEMU.
pub(crate) fn single_space_after_sentence(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let at = |i: usize| chars.get(i);
    let followed_by_sentence = |i: usize| at(i) == Some(&' ') && starts_sentence(at(i + 1));
    let mut pos = 0;
    while pos < chars.len() {
        // Alternative 1: `\be\.g\.`
        let eg = chars[pos..].starts_with(&['e', '.', 'g', '.'])
            && (pos == 0 || !is_word_char(chars[pos - 1]))
            && followed_by_sentence(pos + 4);
        if eg {
            pos += 6;
            continue;
        }
        // Alternative 2: `^ *\d\.` (only at the very start).
        if pos == 0 {
            let mut i = 0;
            while at(i) == Some(&' ') {
                i += 1;
            }
            if at(i).is_some_and(|c| c.is_ascii_digit())
                && at(i + 1) == Some(&'.')
                && followed_by_sentence(i + 2)
            {
                pos = i + 4;
                continue;
            }
        }
        // Alternative 3: `([.!?])`, the one reported.
        if matches!(chars[pos], '.' | '!' | '?') && followed_by_sentence(pos + 1) {
            return Some(pos);
        }
        pos += 1;
    }
    None
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
    }
}

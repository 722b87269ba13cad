//! Tokens and values of QAPI's JSON dialect (QEMU's `accept`,
//! `get_members`, `get_values`, `get_expr`).
//!
//! The lexer works on the UTF-8 bytes of the source: every token and
//! every character a rule looks at is ASCII, so byte positions of tokens
//! are always character boundaries. QEMU counts columns in code points;
//! [`Lexer::column`] converts when (and only when) an error needs one.

use crate::error::{Error, Result};
use crate::source::SourceInfo;

/// Lexer state of one file, mirroring QEMU's parser attributes.
#[derive(Debug)]
pub(crate) struct Lexer<'s> {
    pub(crate) src: &'s str,
    pub(crate) info: SourceInfo,
    /// Token kind: one of `{}:,[]`, `'` (string), `t`/`f` (booleans),
    /// `#` (comment, text in [`Lexer::comment`]); `None` at end of input.
    pub(crate) tok: Option<char>,
    /// Byte offset of the token's first character.
    pub(crate) pos: usize,
    pub(crate) cursor: usize,
    /// Byte offset of the first character of the current line.
    pub(crate) line_pos: usize,
    /// String contents.
    pub(crate) val_str: String,
    pub(crate) val_bool: bool,
    /// Inside a `::` literal block / `.. qmp-example::` of a doc comment,
    /// where line format rules don't apply.
    pub(crate) literal_mode: bool,
    pub(crate) literal_mode_indent: usize,
    pub(crate) doc_style: super::DocStyle,
    /// Buffer doc comment blocks gather section text in, reused.
    pub(crate) doc_text: String,
}

/// Python's `str.isspace()`: Unicode white space plus the ASCII
/// separators U+001C..U+001F.
pub(crate) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

impl<'s> Lexer<'s> {
    /// `text` must end with a newline (the caller guarantees it).
    pub(crate) fn new(text: &'s str, info: SourceInfo) -> Self {
        Lexer {
            src: text,
            info,
            tok: None,
            pos: 0,
            cursor: 0,
            line_pos: 0,
            val_str: String::new(),
            val_bool: false,
            literal_mode: false,
            literal_mode_indent: 0,
            doc_style: super::DocStyle::Strict,
            doc_text: String::new(),
        }
    }

    /// A syntax error at the current token (QEMU's `QAPIParseError`).
    pub(crate) fn error(&self, msg: impl Into<String>) -> Error {
        Error::parse(&self.info, self.column(), msg)
    }

    /// Column of `pos`; a tab leaves it unchanged, faithfully to QEMU's
    /// `col = (col + 7) % 8 + 1`.
    pub(crate) fn column(&self) -> u32 {
        let end = self.pos.min(self.src.len());
        let start = self.line_pos.min(end);
        let mut col: u32 = 1;
        for ch in self.src[start..end].chars() {
            if ch == '\t' {
                col = (col + 7) % 8 + 1;
            } else {
                col = col.saturating_add(1);
            }
        }
        col
    }

    /// The byte offset `n` characters after offset `from`, or the end.
    pub(crate) fn advance_chars(&self, from: usize, n: usize) -> usize {
        self.src[from..]
            .char_indices()
            .nth(n)
            .map_or(self.src.len(), |(off, _)| from + off)
    }

    /// The text of the current `#` token, `#` included.
    pub(crate) fn comment(&self) -> &'s str {
        &self.src[self.pos..self.cursor]
    }

    /// The character at byte offset `i`, a char boundary.
    fn char_at(&self, i: usize) -> char {
        // The text ends with '\n', which stops every scan before the end;
        // a NUL past it can only end up in an error.
        self.src
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\0')
    }

    /// Reads the next token. With `skip_comment` false, comments are
    /// returned as `#` tokens; a `##` comment always is.
    pub(crate) fn accept(&mut self, mut skip_comment: bool) -> Result<()> {
        let bytes = self.src.as_bytes();
        self.val_str.clear();
        loop {
            let Some(&byte) = bytes.get(self.cursor) else {
                self.tok = None;
                return Ok(());
            };
            self.tok = Some(char::from(byte));
            self.pos = self.cursor;
            self.cursor += 1;
            match byte {
                b'#' => {
                    if bytes.get(self.cursor) == Some(&b'#') {
                        skip_comment = false;
                    }
                    // Vectorised: comment lines are most of QEMU's schema.
                    self.cursor = memchr::memchr(b'\n', &bytes[self.cursor..])
                        .map_or(self.src.len(), |off| self.cursor + off);
                    if !skip_comment {
                        return Ok(());
                    }
                }
                b'{' | b'}' | b':' | b',' | b'[' | b']' => return Ok(()),
                b'\'' => return self.lex_string(),
                b't' if self.src[self.pos..].starts_with("true") => {
                    self.val_bool = true;
                    self.cursor += 3;
                    return Ok(());
                }
                b'f' if self.src[self.pos..].starts_with("false") => {
                    self.val_bool = false;
                    self.cursor += 4;
                    return Ok(());
                }
                b'\n' => {
                    if self.cursor == self.src.len() {
                        self.tok = None;
                        return Ok(());
                    }
                    self.info.line += 1;
                    self.line_pos = self.cursor;
                }
                b' ' | b'\t' => {
                    // Indentation comes in runs: skip one at once.
                    while matches!(bytes.get(self.cursor), Some(b' ' | b'\t')) {
                        self.cursor += 1;
                    }
                }
                _ => {
                    let ch = self.char_at(self.pos);
                    self.tok = Some(ch);
                    if py_isspace(ch) {
                        self.cursor = self.pos + ch.len_utf8();
                        continue;
                    }
                    // Show up to the next structural, blank or quote char.
                    let stray: String = self.src[self.pos..]
                        .chars()
                        .take_while(|&c| !"[]{}:,'".contains(c) && !py_isspace(c))
                        .collect();
                    return Err(self.error(format!("stray '{stray}'")));
                }
            }
        }
    }

    fn lex_string(&mut self) -> Result<()> {
        // Fast path: printable ASCII without escapes up to the closing quote.
        let start = self.cursor;
        let bytes = &self.src.as_bytes()[start..];
        let plain = bytes
            .iter()
            .position(|&b| !(b' '..=b'~').contains(&b) || b == b'\\' || b == b'\'');
        if let Some(len) = plain.filter(|&len| bytes[len] == b'\'') {
            // An exact allocation: the string is usually taken away.
            self.val_str = self.src[start..start + len].to_owned();
            self.cursor = start + len + 1;
            return Ok(());
        }
        let mut string = String::new();
        let mut esc = false;
        loop {
            let ch = self.char_at(self.cursor);
            self.cursor += ch.len_utf8();
            if ch == '\n' || self.cursor > self.src.len() {
                return Err(self.error("missing terminating \"'\""));
            }
            if esc {
                // Only \\ is an escape: strings need nothing fancier.
                if ch != '\\' {
                    return Err(self.error(format!("unknown escape \\{ch}")));
                }
                esc = false;
            } else if ch == '\\' {
                esc = true;
                continue;
            } else if ch == '\'' {
                self.val_str = string;
                return Ok(());
            }
            if !(' '..='~').contains(&ch) {
                return Err(self.error("funny character in string"));
            }
            string.push(ch);
        }
    }
}

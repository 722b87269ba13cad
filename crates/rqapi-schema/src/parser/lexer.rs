//! Tokens and values of QAPI's JSON dialect (QEMU's `accept`,
//! `get_members`, `get_values`, `get_expr`).
//!
//! The source is held as `char`s because QEMU counts positions and
//! columns in code points; this also makes every slice boundary-safe.

use crate::error::{Error, Result};
use crate::source::SourceInfo;

/// Lexer state of one file, mirroring QEMU's parser attributes.
#[derive(Debug)]
pub(crate) struct Lexer {
    pub(crate) src: Vec<char>,
    pub(crate) info: SourceInfo,
    /// Token kind: one of `{}:,[]`, `'` (string), `t`/`f` (booleans),
    /// `#` (comment); `None` at end of input.
    pub(crate) tok: Option<char>,
    /// Index of the token's first character.
    pub(crate) pos: usize,
    pub(crate) cursor: usize,
    /// Index of the first character of the current line.
    pub(crate) line_pos: usize,
    /// String contents or comment text (with its `#`).
    pub(crate) val_str: String,
    pub(crate) val_bool: bool,
    /// Inside a `::` literal block / `.. qmp-example::` of a doc comment,
    /// where line format rules don't apply.
    pub(crate) literal_mode: bool,
    pub(crate) literal_mode_indent: usize,
    pub(crate) doc_style: super::DocStyle,
}

/// Python's `str.isspace()`: Unicode white space plus the ASCII
/// separators U+001C..U+001F.
pub(crate) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

impl Lexer {
    /// `text` must end with a newline (the caller guarantees it).
    pub(crate) fn new(text: &str, info: SourceInfo) -> Self {
        Lexer {
            src: text.chars().collect(),
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
        for &ch in &self.src[start..end] {
            if ch == '\t' {
                col = (col + 7) % 8 + 1;
            } else {
                col = col.saturating_add(1);
            }
        }
        col
    }

    fn char_at(&self, i: usize) -> char {
        // The text ends with '\n', which stops every scan before the end;
        // a NUL past it can only end up in an error.
        self.src.get(i).copied().unwrap_or('\0')
    }

    fn starts_with_at(&self, word: &str, at: usize) -> bool {
        (at..)
            .zip(word.chars())
            .all(|(i, w)| self.src.get(i) == Some(&w))
    }

    /// Reads the next token. With `skip_comment` false, comments are
    /// returned as `#` tokens; a `##` comment always is.
    pub(crate) fn accept(&mut self, mut skip_comment: bool) -> Result<()> {
        loop {
            if self.cursor >= self.src.len() {
                self.tok = None;
                return Ok(());
            }
            let ch = self.src[self.cursor];
            self.tok = Some(ch);
            self.pos = self.cursor;
            self.cursor += 1;
            self.val_str.clear();
            match ch {
                '#' => {
                    if self.char_at(self.cursor) == '#' {
                        skip_comment = false;
                    }
                    self.cursor = self.src[self.cursor..]
                        .iter()
                        .position(|&c| c == '\n')
                        .map_or(self.src.len(), |off| self.cursor + off);
                    if !skip_comment {
                        self.val_str = self.src[self.pos..self.cursor].iter().collect();
                        return Ok(());
                    }
                }
                '{' | '}' | ':' | ',' | '[' | ']' => return Ok(()),
                '\'' => return self.lex_string(),
                _ if self.starts_with_at("true", self.pos) => {
                    self.val_bool = true;
                    self.cursor += 3;
                    return Ok(());
                }
                _ if self.starts_with_at("false", self.pos) => {
                    self.val_bool = false;
                    self.cursor += 4;
                    return Ok(());
                }
                '\n' => {
                    if self.cursor == self.src.len() {
                        self.tok = None;
                        return Ok(());
                    }
                    self.info.line += 1;
                    self.line_pos = self.cursor;
                }
                c if py_isspace(c) => {}
                _ => {
                    // Show up to the next structural, blank or quote char.
                    let stray: String = self.src[self.pos..]
                        .iter()
                        .take_while(|&&c| !"[]{}:,'".contains(c) && !py_isspace(c))
                        .collect();
                    return Err(self.error(format!("stray '{stray}'")));
                }
            }
        }
    }

    fn lex_string(&mut self) -> Result<()> {
        let mut string = String::new();
        let mut esc = false;
        loop {
            let ch = self.char_at(self.cursor);
            self.cursor += 1;
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

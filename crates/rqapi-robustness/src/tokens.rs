//! A lossless tokenisation of QAPI schema text: joining the tokens'
//! texts gives the input back, so edits on tokens stay close to real
//! schemas.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `'...'` string (text includes the quotes; may be unterminated).
    Str,
    /// One of `{ } [ ] : ,`.
    Punct,
    /// A bare word: `true`, `false` or junk.
    Word,
    /// A `#` comment up to (not including) the newline.
    Comment,
    /// A run of whitespace.
    Space,
}

/// One token with its exact source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
}

impl Token {
    pub fn new(kind: Kind, text: impl Into<String>) -> Self {
        Token {
            kind,
            text: text.into(),
        }
    }

    /// Whether the parser sees it (not a comment or whitespace).
    pub fn significant(&self) -> bool {
        !matches!(self.kind, Kind::Comment | Kind::Space)
    }

    /// The string's contents without quotes (escapes left as written).
    pub fn str_value(&self) -> Option<&str> {
        if self.kind != Kind::Str {
            return None;
        }
        let inner = &self.text[1..];
        Some(inner.strip_suffix('\'').unwrap_or(inner))
    }
}

/// Splits `text` into tokens; never fails.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = match c {
            '\'' => string_len(rest),
            '#' => rest.find('\n').unwrap_or(rest.len()),
            '{' | '}' | '[' | ']' | ':' | ',' => 1,
            c if c.is_whitespace() => rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len()),
            _ => rest
                .find(|c: char| c.is_whitespace() || "{}[]:,'#".contains(c))
                .unwrap_or(rest.len()),
        };
        let kind = match c {
            '\'' => Kind::Str,
            '#' => Kind::Comment,
            '{' | '}' | '[' | ']' | ':' | ',' => Kind::Punct,
            c if c.is_whitespace() => Kind::Space,
            _ => Kind::Word,
        };
        out.push(Token::new(kind, &rest[..len]));
        rest = &rest[len..];
    }
    out
}

/// Length of the string starting at `s[0] == '\''`, up to and including
/// the closing quote, or to the end of the line when unterminated.
fn string_len(s: &str) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\n' => return i,
            '\\' if !escaped => escaped = true,
            '\'' if !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    s.len()
}

/// The text the tokens stand for.
pub fn render(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_classifies() {
        let text = "# c\n{ 'a\\'b': [ true, 'x' ] }\n'open\n";
        let tokens = tokenize(text);
        assert_eq!(render(&tokens), text);
        let strs: Vec<_> = tokens.iter().filter_map(Token::str_value).collect();
        assert_eq!(strs, ["a\\'b", "x", "open"]);
        assert!(
            tokens
                .iter()
                .any(|t| t.kind == Kind::Word && t.text == "true")
        );
        assert_eq!(tokens[0], Token::new(Kind::Comment, "# c"));
    }
}

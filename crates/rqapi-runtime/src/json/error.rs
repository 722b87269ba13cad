//! Errors of the JSON reader, worded exactly as QEMU's JSON parser words them.

/// QEMU formats parser details into a 1024-byte buffer, so a detail text
/// (after "JSON parse error, ") keeps at most 1023 bytes.
const DETAIL_MAX: usize = 1023;

/// Why one message could not be read.
///
/// `Display` gives QEMU's exact text, e.g. `JSON parse error, expecting value`.
/// That text becomes the `desc` of a `GenericError` response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The lexer met a byte that cannot continue the current token. The
    /// token text so far (cut at a NUL byte, invalid UTF-8 shown as U+FFFD)
    /// is kept, as QEMU reports it.
    #[error("JSON parse error, stray '{0}'")]
    Stray(String),
    /// A value was needed but a structural token came.
    #[error("JSON parse error, expecting value")]
    ExpectingValue,
    /// An object key was not followed by `:`.
    #[error("JSON parse error, missing : in object pair")]
    MissingColon,
    /// An object key was not a string.
    #[error("JSON parse error, key is not a string in object")]
    KeyNotString,
    /// The same key twice in one object.
    #[error("JSON parse error, duplicate key")]
    DuplicateKey,
    /// Something other than `,` or `}` after an object member.
    #[error("JSON parse error, expected separator in dict")]
    ExpectedDictSeparator,
    /// Something other than `,` or `]` after an array element.
    #[error("JSON parse error, expected separator in list")]
    ExpectedListSeparator,
    /// A lowercase word other than `true`, `false`, `null`.
    #[error("JSON parse error, {}", keyword_detail(.0))]
    InvalidKeyword(String),
    /// A `\u` escape that is not a valid Unicode character (lone or
    /// malformed surrogate, noncharacter, bad hex). Holds the escape text.
    #[error("JSON parse error, {0} is not a valid Unicode character")]
    InvalidUnicodeEscape(String),
    /// A backslash followed by a character that is no escape.
    #[error("JSON parse error, invalid escape sequence in string")]
    InvalidEscape,
    /// Raw bytes in a string that are not (modified) UTF-8.
    #[error("JSON parse error, invalid UTF-8 sequence in string")]
    InvalidUtf8,
    /// Input ended inside a value (only when a reader is flushed).
    #[error("JSON parse error, premature EOI")]
    PrematureEoi,
    /// One message's tokens exceed 64 MiB.
    #[error("JSON token size limit exceeded")]
    TokenSizeLimit,
    /// One message has more than 2^21 tokens.
    #[error("JSON token count limit exceeded")]
    TokenCountLimit,
    /// More than 1024 open brackets and braces.
    #[error("JSON nesting depth limit exceeded")]
    NestingLimit,
}

fn keyword_detail(keyword: &str) -> String {
    let mut detail = format!("invalid keyword '{keyword}'");
    if detail.len() > DETAIL_MAX {
        // Keywords are ASCII letters, so any byte index is a char boundary.
        detail.truncate(DETAIL_MAX);
    }
    detail
}

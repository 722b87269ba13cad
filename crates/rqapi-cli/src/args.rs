//! Command arguments as people type them, in qmp-shell's syntax.
//!
//! `key=value` pairs build the argument object; dotted keys nest
//! (`a.b=1` gives `{"a": {"b": 1}}`). A value is
//!
//! - a number when it reads as a JSON number (`3`, `-1`, `2.5`),
//! - `true` / `false` (any case, as qmp-shell) and `null`,
//! - JSON when it starts with `{` or `[` (standard JSON, else QEMU's
//!   dialect with single-quoted strings); invalid JSON is an error here,
//!   where qmp-shell would silently send the text as a string,
//! - a string when quoted as a whole: `"..."` with JSON escapes, `'...'`
//!   verbatim (quoting forces a string: `id="123"`),
//! - otherwise the text itself, as a string.
//!
//! A single argument that starts with `{` is the whole argument object.

use serde_json::{Map, Value};

use rqapi_runtime::json::Reader;

/// Why arguments could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    #[error("expected a key=value pair, got '{0}'")]
    NotKeyValue(String),
    #[error("empty member name in key '{0}'")]
    EmptyKey(String),
    #[error("cannot use \"{0}\" as both leaf and non-leaf key")]
    LeafAndNonLeaf(String),
    #[error("cannot set \"{0}\" multiple times")]
    Duplicate(String),
    #[error("invalid JSON value for '{key}': {reason}")]
    BadJson { key: String, reason: String },
    #[error("the argument object is not valid JSON: {0}")]
    BadObject(String),
    #[error("the arguments must be a JSON object, got {0}")]
    NotObject(String),
    #[error("unterminated quote in '{0}'")]
    UnterminatedQuote(String),
    #[error("unbalanced brackets in '{0}'")]
    UnbalancedBrackets(String),
    #[error("{0}")]
    BadRequest(String),
}

/// Builds the argument object from command-line words: either one JSON
/// object, or any number of `key=value` pairs.
pub fn arguments_from_words<S: AsRef<str>>(words: &[S]) -> Result<Map<String, Value>, ArgsError> {
    if let [only] = words
        && only.as_ref().trim_start().starts_with('{')
    {
        return match parse_json(only.as_ref()).map_err(ArgsError::BadObject)? {
            Value::Object(map) => Ok(map),
            other => Err(ArgsError::NotObject(other.to_string())),
        };
    }
    let mut arguments = Map::new();
    for word in words {
        add_pair(&mut arguments, word.as_ref())?;
    }
    Ok(arguments)
}

/// Adds one `key=value` pair, nesting on dots.
pub fn add_pair(arguments: &mut Map<String, Value>, pair: &str) -> Result<(), ArgsError> {
    let Some((key, text)) = pair.split_once('=') else {
        return Err(ArgsError::NotKeyValue(pair.to_owned()));
    };
    let path: Vec<&str> = key.split('.').collect();
    if path.iter().any(|part| part.is_empty()) {
        return Err(ArgsError::EmptyKey(key.to_owned()));
    }
    let value = parse_value(text).map_err(|reason| ArgsError::BadJson {
        key: key.to_owned(),
        reason,
    })?;
    let (leaf, parents) = path.split_last().expect("split yields a part");
    let mut object = arguments;
    for (depth, part) in parents.iter().enumerate() {
        let slot = object
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        object = match slot {
            Value::Object(inner) => inner,
            _ => return Err(ArgsError::LeafAndNonLeaf(path[..=depth].join("."))),
        };
    }
    match object.get(*leaf) {
        Some(Value::Object(_)) => Err(ArgsError::LeafAndNonLeaf(key.to_owned())),
        Some(_) => Err(ArgsError::Duplicate(key.to_owned())),
        None => {
            object.insert(leaf.to_string(), value);
            Ok(())
        }
    }
}

/// Reads one value (see the module documentation); the error says why
/// JSON-looking text is not JSON.
pub fn parse_value(text: &str) -> Result<Value, String> {
    if let Some(quoted) = whole_quote(text) {
        return match quoted {
            Quote::Double => serde_json::from_str(text).map_err(|e| e.to_string()),
            Quote::Single(inner) => Ok(Value::String(inner.to_owned())),
        };
    }
    if text.starts_with('{') || text.starts_with('[') {
        return parse_json(text);
    }
    if looks_numeric(text)
        && let Ok(number @ Value::Number(_)) = serde_json::from_str::<Value>(text)
    {
        return Ok(number);
    }
    Ok(match text {
        "null" => Value::Null,
        _ if text.eq_ignore_ascii_case("true") => Value::Bool(true),
        _ if text.eq_ignore_ascii_case("false") => Value::Bool(false),
        _ => Value::String(text.to_owned()),
    })
}

fn looks_numeric(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

enum Quote<'a> {
    Double,
    Single(&'a str),
}

/// The text inside quotes when `text` is exactly one quoted string.
fn whole_quote(text: &str) -> Option<Quote<'_>> {
    let (open, rest) = text.split_at_checked(1)?;
    match open {
        "\"" => {
            let end = closing_quote(rest, '"')?;
            (end + 1 == rest.len()).then_some(Quote::Double)
        }
        "'" => {
            let end = closing_quote(rest, '\'')?;
            (end + 1 == rest.len()).then(|| Quote::Single(&rest[..end]))
        }
        _ => None,
    }
}

/// The byte offset of the quote that closes a string starting at `text`
/// (backslash escapes only count inside double quotes).
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quote == '"' => escaped = true,
            _ if c == quote => return Some(at),
            _ => {}
        }
    }
    None
}

/// Standard JSON first, then QEMU's dialect (single quotes and the like).
pub fn parse_json(text: &str) -> Result<Value, String> {
    let strict = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error.to_string(),
    };
    let mut reader = Reader::new();
    let mut messages = reader.feed(text.as_bytes()).collect::<Vec<_>>().into_iter();
    match (
        messages.next(),
        messages.next(),
        reader.has_partial_message(),
    ) {
        (Some(Ok(value)), None, false) => Ok(value),
        _ => Err(strict),
    }
}

/// Splits an input line into words at whitespace, keeping quoted strings
/// and bracketed JSON (which may contain spaces) whole and unchanged.
pub fn split_words(line: &str) -> Result<Vec<String>, ArgsError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut depth = 0usize;
    let mut chars = line.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' | '\'' => {
                let rest = &line[at + 1..];
                let end = closing_quote(rest, c)
                    .ok_or_else(|| ArgsError::UnterminatedQuote(line.to_owned()))?;
                word.push_str(&line[at..at + end + 2]);
                // Skip the quoted text and its closing quote.
                let stop = at + end + 1;
                for (i, _) in chars.by_ref() {
                    if i >= stop {
                        break;
                    }
                }
            }
            '{' | '[' => {
                depth += 1;
                word.push(c);
            }
            '}' | ']' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| ArgsError::UnbalancedBrackets(line.to_owned()))?;
                word.push(c);
            }
            _ if c.is_whitespace() && depth == 0 => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if depth != 0 {
        return Err(ArgsError::UnbalancedBrackets(line.to_owned()));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// One request typed by a person.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRequest {
    pub command: String,
    pub arguments: Map<String, Value>,
    /// Sent with `exec-oob`.
    pub oob: bool,
}

/// Reads a shell line: `command key=value ...` or a whole request object
/// `{"execute": ..., "arguments": {...}}` (or `exec-oob`). `None` for a
/// blank line.
pub fn parse_line(line: &str) -> Result<Option<LineRequest>, ArgsError> {
    let trimmed = line.trim();
    if trimmed.starts_with('{') {
        let value = parse_json(trimmed).map_err(ArgsError::BadObject)?;
        return request_object(value).map(Some);
    }
    let words = split_words(trimmed)?;
    let Some((command, rest)) = words.split_first() else {
        return Ok(None);
    };
    Ok(Some(LineRequest {
        command: command.clone(),
        arguments: arguments_from_words(rest)?,
        oob: false,
    }))
}

/// Checks a request object as QMP would, keeping what the client sends.
fn request_object(value: Value) -> Result<LineRequest, ArgsError> {
    let Value::Object(mut object) = value else {
        return Err(ArgsError::NotObject(value.to_string()));
    };
    let (oob, command) = match (object.remove("execute"), object.remove("exec-oob")) {
        (Some(Value::String(c)), None) => (false, c),
        (None, Some(Value::String(c))) => (true, c),
        (Some(_), Some(_)) => {
            return Err(ArgsError::BadRequest(
                "'execute' and 'exec-oob' cannot be combined".to_owned(),
            ));
        }
        (None, None) => {
            return Err(ArgsError::BadRequest(
                "the request needs 'execute' or 'exec-oob'".to_owned(),
            ));
        }
        _ => {
            return Err(ArgsError::BadRequest(
                "the command name must be a string".to_owned(),
            ));
        }
    };
    let arguments = match object.remove("arguments") {
        None => Map::new(),
        Some(Value::Object(arguments)) => arguments,
        Some(other) => return Err(ArgsError::NotObject(other.to_string())),
    };
    // The client numbers its requests itself.
    object.remove("id");
    if let Some(member) = object.keys().next() {
        return Err(ArgsError::BadRequest(format!(
            "unexpected member '{member}' in the request"
        )));
    }
    Ok(LineRequest {
        command,
        arguments,
        oob,
    })
}

//! Tokens to values: QEMU's message streamer (which decides where a message
//! ends and enforces the limits) fused with its recursive-descent parser,
//! run incrementally so no token queue is kept.
//!
//! QEMU queues a message's tokens until its brackets balance, then parses
//! the queue. The parser here consumes each token as it arrives, in the same
//! order and with the same decisions, so the first error is the same one;
//! after an error it only counts tokens until the message would have ended,
//! because a limit error met before that point is what QEMU reports instead.

use serde_json::Value;

use super::lexer::{LexEvent, MAX_TOKEN_SIZE, Token, TokenSink};
use super::members::{Members, Spare};
use super::{JsonError, number, text};

/// Most tokens in one message (2^21).
const MAX_TOKEN_COUNT: usize = 2 << 20;
/// Most open brackets and braces in one message.
const MAX_NESTING: i64 = 1 << 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    Start,
    AfterValue,
    AfterComma,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjectState {
    /// After `{`: `}` or a key.
    Start,
    /// After a key: `:`.
    Colon,
    /// After `:`: the member's value.
    Value,
    /// After a member: `,` or `}`.
    AfterValue,
    /// After `,`: a key.
    AfterComma,
}

#[derive(Debug)]
enum Frame {
    Array(Vec<Value>, ArrayState),
    Object(Members, ObjectState, String),
}

/// Incremental recursive-descent parser for one message.
#[derive(Debug, Default)]
struct Parser {
    /// The quote and body of the string token being pushed, when the
    /// lexer handed its buffer over ([`TokenSink::owned_string`]).
    owned: Option<(u8, Vec<u8>)>,
    stack: Vec<Frame>,
    /// Member list buffers of finished objects, for the next ones.
    spare: Spare,
    result: Option<Value>,
    error: Option<JsonError>,
}

impl Parser {
    fn push(&mut self, token: Token<'_>) {
        if self.error.is_some() {
            return;
        }
        let outcome = match self.stack.last_mut() {
            None => self.begin_value(token),
            Some(Frame::Array(_, state)) => match (*state, token) {
                (ArrayState::Start | ArrayState::AfterValue, Token::RSquare) => self.close(),
                (ArrayState::AfterValue, Token::Comma) => {
                    *state = ArrayState::AfterComma;
                    Ok(())
                }
                (ArrayState::AfterValue, _) => Err(JsonError::ExpectedListSeparator),
                (ArrayState::Start | ArrayState::AfterComma, _) => self.begin_value(token),
            },
            Some(Frame::Object(_, state, _)) => match (*state, token) {
                (ObjectState::Start | ObjectState::AfterValue, Token::RCurly) => self.close(),
                (ObjectState::AfterValue, Token::Comma) => {
                    *state = ObjectState::AfterComma;
                    Ok(())
                }
                (ObjectState::AfterValue, _) => Err(JsonError::ExpectedDictSeparator),
                (ObjectState::Colon, Token::Colon) => {
                    *state = ObjectState::Value;
                    Ok(())
                }
                (ObjectState::Colon, _) => Err(JsonError::MissingColon),
                (ObjectState::Start | ObjectState::AfterComma | ObjectState::Value, _) => {
                    self.begin_value(token)
                }
            },
        };
        if let Err(e) = outcome {
            self.error = Some(e);
            self.stack.clear();
        }
    }

    /// A token where a value must start (in QEMU, also where a key starts).
    fn begin_value(&mut self, token: Token<'_>) -> Result<(), JsonError> {
        let value = match token {
            Token::LCurly => {
                self.stack.push(Frame::Object(
                    Members::new(&mut self.spare),
                    ObjectState::Start,
                    String::new(),
                ));
                return Ok(());
            }
            Token::LSquare => {
                self.stack.push(Frame::Array(Vec::new(), ArrayState::Start));
                return Ok(());
            }
            Token::PlainString(raw) => {
                let mut s = String::with_capacity(raw.len() - 2);
                text::decode_plain_string(raw, &mut s)?;
                Value::String(s)
            }
            Token::String(raw) => match self.owned.take() {
                Some((quote, body)) => Value::String(text::decode_owned_string(quote, body)?),
                None => {
                    let mut s = String::with_capacity(raw.len() - 2);
                    text::decode_string(raw, &mut s)?;
                    Value::String(s)
                }
            },
            Token::Integer(raw) => number::integer(raw),
            // Number tokens are ASCII by construction of the lexer.
            Token::Float(raw) => number::float(std::str::from_utf8(raw).unwrap_or("0")),
            Token::Keyword(b"true") => Value::Bool(true),
            Token::Keyword(b"false") => Value::Bool(false),
            Token::Keyword(b"null") => Value::Null,
            Token::Keyword(raw) => return Err(JsonError::InvalidKeyword(text::lossy(raw))),
            Token::RCurly | Token::RSquare | Token::Colon | Token::Comma => {
                return Err(JsonError::ExpectingValue);
            }
        };
        self.complete(value)
    }

    fn close(&mut self) -> Result<(), JsonError> {
        let value = match self.stack.pop() {
            Some(Frame::Array(items, _)) => Value::Array(items),
            Some(Frame::Object(members, _, _)) => Value::Object(members.into_map(&mut self.spare)),
            None => return Err(JsonError::ExpectingValue),
        };
        self.complete(value)
    }

    /// Hands a finished value to the enclosing container (or the message).
    fn complete(&mut self, value: Value) -> Result<(), JsonError> {
        match self.stack.last_mut() {
            None => self.result = Some(value),
            Some(Frame::Array(items, state)) => {
                items.push(value);
                *state = ArrayState::AfterValue;
            }
            Some(Frame::Object(members, state, key)) => match state {
                ObjectState::Value => {
                    members.insert(std::mem::take(key), value)?;
                    *state = ObjectState::AfterValue;
                }
                _ => match value {
                    Value::String(s) => {
                        *key = s;
                        *state = ObjectState::Colon;
                    }
                    _ => return Err(JsonError::KeyNotString),
                },
            },
        }
        Ok(())
    }

    /// Ends the message: its value, or the first error.
    fn finish(&mut self) -> Result<Value, JsonError> {
        self.stack.clear();
        let result = self.result.take();
        match self.error.take() {
            Some(e) => Err(e),
            None => result.ok_or(JsonError::PrematureEoi),
        }
    }
}

/// QEMU's message streamer: tracks bracket balance and the per-message
/// limits, and ends a message when its brackets balance.
#[derive(Debug, Default)]
pub(crate) struct Streamer {
    braces: i64,
    brackets: i64,
    token_count: usize,
    token_bytes: usize,
    parser: Parser,
}

impl Streamer {
    pub(crate) fn reset(&mut self) {
        self.braces = 0;
        self.brackets = 0;
        self.token_count = 0;
        self.token_bytes = 0;
        self.parser = Parser::default();
    }

    /// Whether part of a message has been read.
    pub(crate) fn is_idle(&self) -> bool {
        self.token_count == 0
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, error: JsonError) -> Option<Result<Value, JsonError>> {
        self.reset();
        Some(Err(error))
    }

    /// A token whose raw text is `len` bytes long (a string token handed
    /// over in its buffer is a placeholder here, its body in `parser.owned`).
    fn accept(&mut self, token: Token<'_>, len: usize) -> Option<Result<Value, JsonError>> {
        match token {
            Token::LCurly => self.braces += 1,
            Token::RCurly => self.braces -= 1,
            Token::LSquare => self.brackets += 1,
            Token::RSquare => self.brackets -= 1,
            _ => {}
        }
        if self.token_bytes + len + 1 > MAX_TOKEN_SIZE {
            return self.fail(JsonError::TokenSizeLimit);
        }
        if self.token_count + 1 > MAX_TOKEN_COUNT {
            return self.fail(JsonError::TokenCountLimit);
        }
        if self.braces + self.brackets > MAX_NESTING {
            return self.fail(JsonError::NestingLimit);
        }
        self.token_bytes += len;
        self.token_count += 1;
        self.parser.push(token);
        let open = self.braces > 0 || self.brackets > 0;
        if open && self.braces >= 0 && self.brackets >= 0 {
            return None;
        }
        let result = self.parser.finish();
        self.braces = 0;
        self.brackets = 0;
        self.token_count = 0;
        self.token_bytes = 0;
        Some(result)
    }
}

impl TokenSink for Streamer {
    type Output = Result<Value, JsonError>;

    #[inline]
    fn event(&mut self, event: LexEvent<'_>) -> Option<Self::Output> {
        match event {
            LexEvent::Token(token) => self.accept(token, token.len()),
            LexEvent::Stray(raw) => self.fail(JsonError::Stray(text::lossy(raw))),
            LexEvent::TokenTooBig => self.fail(JsonError::TokenSizeLimit),
        }
    }

    fn owned_string(&mut self, quote: u8, body: Vec<u8>) -> Option<Self::Output> {
        let len = body.len() + 2;
        self.parser.owned = Some((quote, body));
        let out = self.accept(Token::String(b"\"\""), len);
        self.parser.owned = None;
        out
    }
}

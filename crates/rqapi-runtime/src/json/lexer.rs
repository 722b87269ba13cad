//! Bytes to tokens: QEMU's JSON lexer state machine, with fast paths for
//! long string runs. Token text may span input chunks.

/// Longest single token QEMU's lexer accepts (64 MiB).
pub(crate) const MAX_TOKEN_SIZE: usize = 64 << 20;

/// A token this long gets a buffer for the longest one (see `run`).
const HUGE_TOKEN: usize = 1 << 20;

/// One token, with its raw text where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    LCurly,
    RCurly,
    LSquare,
    RSquare,
    Colon,
    Comma,
    Integer(&'a [u8]),
    Float(&'a [u8]),
    Keyword(&'a [u8]),
    String(&'a [u8]),
    /// A string token without backslashes (its body is the value as it is).
    PlainString(&'a [u8]),
}

impl Token<'_> {
    /// Length of the raw token text, as the message size limit counts it.
    pub(crate) fn len(&self) -> usize {
        match self {
            Token::Integer(t)
            | Token::Float(t)
            | Token::Keyword(t)
            | Token::String(t)
            | Token::PlainString(t) => t.len(),
            _ => 1,
        }
    }
}

/// What the lexer hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexEvent<'a> {
    Token(Token<'a>),
    /// A byte that cannot continue the token; the token text including it.
    Stray(&'a [u8]),
    /// The current token grew past [`MAX_TOKEN_SIZE`].
    TokenTooBig,
}

/// Receives lexer events; returning `Some` stops the lexer after that event.
pub(crate) trait TokenSink {
    type Output;
    fn event(&mut self, event: LexEvent<'_>) -> Option<Self::Output>;

    /// A string token that spanned input chunks: its body (without the
    /// quotes) handed over in its buffer, so that a large string is
    /// neither copied nor moved.
    fn owned_string(&mut self, quote: u8, mut body: Vec<u8>) -> Option<Self::Output> {
        body.insert(0, quote);
        body.push(quote);
        self.event(LexEvent::Token(Token::String(&body)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    /// After an error: skip to a byte where a token may start.
    Recovery,
    String {
        quote: u8,
        /// Whether the token has a backslash so far.
        escaped: bool,
    },
    StringEscape {
        quote: u8,
    },
    Sign,
    Zero,
    Digits,
    Mantissa,
    MantissaDigits,
    ExpE,
    ExpSign,
    ExpDigits,
    Keyword,
}

impl State {
    fn in_token(self) -> bool {
        !matches!(self, State::Start | State::Recovery)
    }
}

/// Whether a string may hold `b` unescaped (the lexer's view; UTF-8 is
/// checked when the token is decoded).
fn string_byte(b: u8) -> bool {
    (0x20..=0xFD).contains(&b)
}

/// The state a token starting with `b` begins in; `None` if none can.
fn token_start(b: u8) -> Option<State> {
    Some(match b {
        b'"' | b'\'' => State::String {
            quote: b,
            escaped: false,
        },
        b'0' => State::Zero,
        b'1'..=b'9' => State::Digits,
        b'-' => State::Sign,
        b'a'..=b'z' => State::Keyword,
        _ => return None,
    })
}

#[derive(Debug)]
pub(crate) struct Lexer {
    state: State,
    /// Text of the current token from earlier chunks.
    pending: Vec<u8>,
    /// The opening quote of a string token whose text went to `pending`
    /// without it (the body, once complete, becomes the value's buffer).
    quote_dropped: Option<u8>,
}

/// Token kinds that carry text.
#[derive(Clone, Copy)]
enum Kind {
    String,
    PlainString,
    Integer,
    Float,
    Keyword,
}

impl Kind {
    fn token(self, text: &[u8]) -> Token<'_> {
        match self {
            Kind::String => Token::String(text),
            Kind::PlainString => Token::PlainString(text),
            Kind::Integer => Token::Integer(text),
            Kind::Float => Token::Float(text),
            Kind::Keyword => Token::Keyword(text),
        }
    }
}

/// What to do with the byte at hand in a token state.
enum Step {
    /// Consume it and move to this state.
    Next(State),
    /// The token ends (for a string, with this byte; otherwise before it,
    /// and the byte is looked at again in `Start`).
    End(Kind),
    /// It cannot continue the token: consume it and report.
    Error,
}

impl Lexer {
    pub(crate) fn new() -> Self {
        Lexer {
            state: State::Start,
            pending: Vec::new(),
            quote_dropped: None,
        }
    }

    pub(crate) fn reset(&mut self) {
        self.state = State::Start;
        self.pending = Vec::new();
        self.quote_dropped = None;
    }

    /// Bytes of the current token held from earlier chunks.
    fn held(&self) -> usize {
        self.pending.len() + usize::from(self.quote_dropped.is_some())
    }

    /// Whether no token is in progress.
    pub(crate) fn is_idle(&self) -> bool {
        !self.state.in_token()
    }

    /// Lexes `input` until the sink returns an output. Returns how many bytes
    /// were consumed and that output.
    pub(crate) fn run<S: TokenSink>(
        &mut self,
        input: &[u8],
        sink: &mut S,
    ) -> (usize, Option<S::Output>) {
        let mut i = 0;
        // Where this chunk's part of the current token starts.
        let mut seg = 0;
        while i < input.len() {
            let b = input[i];
            let step = match self.state {
                State::Start => {
                    i += 1;
                    let token = match b {
                        b' ' | b'\t' | b'\r' | b'\n' => continue,
                        b'{' => Token::LCurly,
                        b'}' => Token::RCurly,
                        b'[' => Token::LSquare,
                        b']' => Token::RSquare,
                        b':' => Token::Colon,
                        b',' => Token::Comma,
                        _ => {
                            seg = i - 1;
                            if let Some(state) = token_start(b) {
                                self.state = state;
                                continue;
                            }
                            self.state = State::Recovery;
                            match sink.event(LexEvent::Stray(&input[seg..i])) {
                                Some(out) => return (i, Some(out)),
                                None => continue,
                            }
                        }
                    };
                    if let Some(out) = sink.event(LexEvent::Token(token)) {
                        return (i, Some(out));
                    }
                    continue;
                }
                State::Recovery => {
                    let resync = matches!(
                        b,
                        0..=0x1F | 0xFE | 0xFF | b'[' | b']' | b'{' | b'}' | b':' | b','
                    );
                    if resync && b != b'\t' {
                        self.state = State::Start;
                    } else {
                        i += 1;
                    }
                    continue;
                }
                State::String { quote, escaped } => {
                    // Fast path: the run of plain string bytes, capped so the
                    // size limit still trips at exactly one byte past it.
                    let room = MAX_TOKEN_SIZE + 1 - (self.held() + i - seg);
                    let end = input.len().min(i + room);
                    let run = super::scan::lexer_plain_run(&input[i..end], quote);
                    if run > 0 {
                        i += run;
                        if let Some(out) = self.check_size(seg, i, sink) {
                            return (i, Some(out));
                        }
                        continue;
                    }
                    match b {
                        b'\\' => Step::Next(State::StringEscape { quote }),
                        _ if b == quote && escaped => Step::End(Kind::String),
                        _ if b == quote => Step::End(Kind::PlainString),
                        _ => Step::Error,
                    }
                }
                State::StringEscape { quote } if string_byte(b) => Step::Next(State::String {
                    quote,
                    escaped: true,
                }),
                State::StringEscape { .. } => Step::Error,
                State::Sign => match b {
                    b'0' => Step::Next(State::Zero),
                    b'1'..=b'9' => Step::Next(State::Digits),
                    _ => Step::Error,
                },
                State::Zero => match b {
                    b'0'..=b'9' => Step::Error,
                    b'.' => Step::Next(State::Mantissa),
                    _ => Step::End(Kind::Integer),
                },
                State::Digits => match b {
                    b'0'..=b'9' => Step::Next(State::Digits),
                    b'e' | b'E' => Step::Next(State::ExpE),
                    b'.' => Step::Next(State::Mantissa),
                    _ => Step::End(Kind::Integer),
                },
                State::Mantissa => match b {
                    b'0'..=b'9' => Step::Next(State::MantissaDigits),
                    _ => Step::Error,
                },
                State::MantissaDigits => match b {
                    b'0'..=b'9' => Step::Next(State::MantissaDigits),
                    b'e' | b'E' => Step::Next(State::ExpE),
                    _ => Step::End(Kind::Float),
                },
                State::ExpE => match b {
                    b'+' | b'-' => Step::Next(State::ExpSign),
                    b'0'..=b'9' => Step::Next(State::ExpDigits),
                    _ => Step::Error,
                },
                State::ExpSign => match b {
                    b'0'..=b'9' => Step::Next(State::ExpDigits),
                    _ => Step::Error,
                },
                State::ExpDigits => match b {
                    b'0'..=b'9' => Step::Next(State::ExpDigits),
                    _ => Step::End(Kind::Float),
                },
                State::Keyword => match b {
                    b'a'..=b'z' => Step::Next(State::Keyword),
                    _ => Step::End(Kind::Keyword),
                },
            };
            let out = match step {
                Step::Next(next) => {
                    i += 1;
                    self.state = next;
                    self.check_size(seg, i, sink)
                }
                Step::End(kind) => {
                    // A string's closing quote belongs to it; other tokens
                    // end before the byte, which is looked at again.
                    if matches!(kind, Kind::String | Kind::PlainString) {
                        i += 1;
                    }
                    self.state = State::Start;
                    if let Some(quote) = self.quote_dropped.take() {
                        // Only string tokens drop their quote; this one's
                        // closing quote is `input[i - 1]`.
                        self.pending.extend_from_slice(&input[seg..i - 1]);
                        let body = std::mem::take(&mut self.pending);
                        sink.owned_string(quote, body)
                    } else {
                        let out = sink.event(LexEvent::Token(kind.token(self.text(input, seg, i))));
                        self.clear_pending();
                        out
                    }
                }
                Step::Error => {
                    i += 1;
                    self.state = State::Recovery;
                    let out = sink.event(LexEvent::Stray(self.text(input, seg, i)));
                    self.clear_pending();
                    out
                }
            };
            if out.is_some() {
                return (i, out);
            }
        }
        if self.state.in_token() {
            let string = matches!(
                self.state,
                State::String { .. } | State::StringEscape { .. }
            );
            let mut from = seg;
            if string && self.quote_dropped.is_none() && self.pending.is_empty() {
                // The string starts in this chunk, at `seg`.
                self.quote_dropped = Some(input[seg]);
                from += 1;
            }
            let len = self.pending.len() + (input.len() - from);
            if len >= HUGE_TOKEN && self.pending.capacity() <= MAX_TOKEN_SIZE {
                // A large token: address space for the largest at once (only
                // touched pages cost memory), so the buffer never moves
                // again, backed by huge pages.
                self.pending
                    .reserve_exact(MAX_TOKEN_SIZE + 1 - self.pending.len());
                crate::memory::prefer_huge_pages(self.pending.as_ptr(), self.pending.capacity());
            }
            self.pending.extend_from_slice(&input[from..]);
        }
        (input.len(), None)
    }

    /// Forgets the token text, and its memory when a huge token held much.
    fn clear_pending(&mut self) {
        self.quote_dropped = None;
        if self.pending.capacity() > 1 << 16 {
            self.pending = Vec::new();
        } else {
            self.pending.clear();
        }
    }

    /// QEMU drops a token that grows past the limit and starts afresh.
    fn check_size<S: TokenSink>(
        &mut self,
        seg: usize,
        end: usize,
        sink: &mut S,
    ) -> Option<S::Output> {
        if self.held() + (end - seg) <= MAX_TOKEN_SIZE {
            return None;
        }
        self.state = State::Start;
        self.pending = Vec::new();
        self.quote_dropped = None;
        sink.event(LexEvent::TokenTooBig)
    }

    /// The current token's text: earlier chunks' part plus `input[seg..end]`.
    fn text<'a>(&'a mut self, input: &'a [u8], seg: usize, end: usize) -> &'a [u8] {
        if let Some(quote) = self.quote_dropped.take() {
            self.pending.insert(0, quote);
        }
        if self.pending.is_empty() {
            &input[seg..end]
        } else {
            self.pending.extend_from_slice(&input[seg..end]);
            &self.pending
        }
    }
}

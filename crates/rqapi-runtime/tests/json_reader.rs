//! The reader's behaviour, case by case, with QEMU's exact error texts.

use rqapi_runtime::json::{JsonError, Reader};
use serde_json::{Value, json};

/// All messages `input` yields, errors as their text.
fn read(input: &[u8]) -> Vec<Result<Value, String>> {
    Reader::new()
        .feed(input)
        .map(|m| m.map_err(|e| e.to_string()))
        .collect()
}

fn errors(input: &[u8]) -> Vec<String> {
    read(input)
        .into_iter()
        .map(|m| m.err().unwrap_or_else(|| "<value>".to_owned()))
        .collect()
}

fn one_error(input: &[u8]) -> String {
    let errs = errors(input);
    assert_eq!(
        errs.len(),
        1,
        "{:?} gave {errs:?}",
        String::from_utf8_lossy(input)
    );
    errs.into_iter().next().unwrap()
}

#[test]
fn grammar_errors() {
    let cases: &[(&[u8], &str)] = &[
        (b"}", "JSON parse error, expecting value"),
        (b"]", "JSON parse error, expecting value"),
        (b"{\"a\":1,}", "JSON parse error, expecting value"),
        (b"[1,]", "JSON parse error, expecting value"),
        (b"[}", "JSON parse error, expecting value"),
        (b"{\"a\" 1}", "JSON parse error, missing : in object pair"),
        (b"{1:2}", "JSON parse error, key is not a string in object"),
        (b"{[]:2}", "JSON parse error, key is not a string in object"),
        (b"{\"a\":1,\"a\":2}", "JSON parse error, duplicate key"),
        (
            b"{\"a\":1 \"b\":2}",
            "JSON parse error, expected separator in dict",
        ),
        (b"[1 2]", "JSON parse error, expected separator in list"),
        (b"foo ", "JSON parse error, invalid keyword 'foo'"),
        (b"[nul]", "JSON parse error, invalid keyword 'nul'"),
        (
            b"\"\\x\"",
            "JSON parse error, invalid escape sequence in string",
        ),
        (
            b"{\"a\":0x10}",
            "JSON parse error, expected separator in dict",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            one_error(input),
            *want,
            "input {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn first_error_wins_inside_one_message() {
    // Missing colon comes first; the later duplicate key is never reached.
    assert_eq!(
        one_error(b"{\"a\" 1, \"a\": 2}"),
        "JSON parse error, missing : in object pair"
    );
    // The message ends where the bracket counts balance, even if mismatched:
    // here at `]`, so the last `}` is a message of its own.
    assert_eq!(
        errors(b"{\"a\": [}]}"),
        [
            "JSON parse error, expecting value",
            "JSON parse error, expecting value"
        ]
    );
}

#[test]
fn unicode_escapes() {
    let bad = |s: &str| format!("JSON parse error, {s} is not a valid Unicode character");
    assert_eq!(one_error(br#""\ud800""#), bad("\\ud800"));
    assert_eq!(one_error(br#""\udc00x""#), bad("\\udc00"));
    assert_eq!(one_error(br#""\ud800\u0041""#), bad("\\ud800"));
    assert_eq!(one_error(br#""\uFFFF""#), bad("\\uFFFF"));
    assert_eq!(one_error(br#""\ufdd0""#), bad("\\ufdd0"));
    // QEMU shows six bytes from the backslash, cut at the token's end.
    assert_eq!(one_error(br#""\u12""#), bad("\\u12\""));
    assert_eq!(one_error(br#""\u12zzz""#), bad("\\u12zz"));
    assert_eq!(
        read(br#""\ud83d\ude00\u0000\u00e9""#),
        vec![Ok(json!("\u{1F600}\0\u{e9}"))]
    );
    assert_eq!(read(br#"'it''"#)[0], Ok(json!("it")));
    assert_eq!(read(br#"'a\'"b'"#), vec![Ok(json!("a'\"b"))]);
    assert_eq!(
        read(br#""\/\b\f\n\r\t""#),
        vec![Ok(json!("/\u{8}\u{c}\n\r\t"))]
    );
}

#[test]
fn raw_bytes_in_strings() {
    let utf8 = "JSON parse error, invalid UTF-8 sequence in string";
    for input in [
        &b"\"a\xc3(b\""[..],
        b"\"\xc0\xaf\"",
        b"\"\x80\"",
        b"\"\xef\xbf\xbf\"",
        b"\"\xed\xa0\x80\"",
    ] {
        assert_eq!(one_error(input), utf8);
    }
    // Modified UTF-8: C0 80 is U+0000.
    assert_eq!(read(b"\"a\xc0\x80b\""), vec![Ok(json!("a\0b"))]);
    assert_eq!(
        read("\"w\u{f6}rld \u{20ac}\"".as_bytes()),
        vec![Ok(json!("w\u{f6}rld \u{20ac}"))]
    );
    // Control bytes, DEL and 0xFF end the token with a stray error; the
    // rest of the input is then read afresh.
    assert_eq!(
        errors(b"{\"id\":\"a\x01b\"}"),
        [
            "JSON parse error, stray '\"a\u{1}'",
            "JSON parse error, expecting value"
        ]
    );
    assert_eq!(
        errors(b"\"a\x7fb\tc\"}")[0],
        "JSON parse error, stray '\"a\u{7f}b\t'"
    );
    // A NUL byte ends QEMU's C string: it is not shown.
    assert_eq!(errors(b"\"a\x00b\"}")[0], "JSON parse error, stray '\"a'");
    assert_eq!(
        errors(b"\"x-\xffy\"}")[0],
        "JSON parse error, stray '\"x-\u{fffd}'"
    );
}

#[test]
fn stray_bytes_and_recovery() {
    assert_eq!(one_error(b"\xff"), "JSON parse error, stray '\u{fffd}'");
    assert_eq!(one_error(b"\xfe"), "JSON parse error, stray '\u{fffd}'");
    assert_eq!(errors(b"-x ")[0], "JSON parse error, stray '-x'");
    assert_eq!(errors(b"1.x ")[0], "JSON parse error, stray '1.x'");
    assert_eq!(errors(b"1e+ ")[0], "JSON parse error, stray '1e+ '");
    assert_eq!(errors(b"\x0b")[0], "JSON parse error, stray '\u{b}'");
    assert_eq!(
        errors(b"{\"id\":01}"),
        [
            "JSON parse error, stray '01'",
            "JSON parse error, expecting value"
        ]
    );
    // Recovery skips to a structural byte; 0xFF there is another error.
    assert_eq!(errors(b"\x01abc\xff").len(), 2);
    // 0xFF ends a partial object; the next object is read normally.
    let got = read(b"{\"execute\":\"guest-ping\"\xff{\"a\":1}");
    assert_eq!(
        got,
        vec![
            Err("JSON parse error, stray '\u{fffd}'".to_owned()),
            Ok(json!({"a": 1}))
        ]
    );
}

#[test]
fn message_boundaries() {
    let mut reader = Reader::new();
    // A top-level scalar is held until a byte shows its end.
    assert_eq!(reader.feed(b"42").count(), 0);
    assert!(reader.has_partial_message());
    let got: Vec<_> = reader.feed(b"\r\n").collect();
    assert_eq!(got, vec![Ok(json!(42))]);
    // Strings and containers end at their closing byte; CRLF is whitespace.
    assert_eq!(
        read(b"\"s\"[1]{}\r\n true\n"),
        vec![
            Ok(json!("s")),
            Ok(json!([1])),
            Ok(json!({})),
            Ok(json!(true))
        ]
    );
    // An incomplete object swallows what follows, until 0xFF.
    let mut reader = Reader::new();
    assert_eq!(reader.feed(b"{\"execute\":\"guest-ping\"").count(), 0);
    assert_eq!(reader.feed(b"{\"execute\":\"guest-ping\"}").count(), 0);
    assert_eq!(reader.feed(b"\xff{}").count(), 2);
    // Reset forgets partial input (a new connection).
    let mut reader = Reader::new();
    assert_eq!(reader.feed(b"{\"a\":[1,").count(), 0);
    reader.reset();
    assert!(!reader.has_partial_message());
    assert_eq!(
        reader.feed(b"{\"id\":\"B\"}").collect::<Vec<_>>(),
        vec![Ok(json!({"id": "B"}))]
    );
}

#[test]
fn dropped_iterator_keeps_remaining_messages() {
    let mut reader = Reader::new();
    let first = reader.feed(b"1 2 3 ").next();
    assert_eq!(first, Some(Ok(json!(1))));
    let rest: Vec<_> = reader.feed(b"").collect();
    assert_eq!(rest, vec![Ok(json!(2)), Ok(json!(3))]);
    let mut input: &[u8] = b"[1][2]";
    assert_eq!(reader.next_message(&mut input), Some(Ok(json!([1]))));
    assert_eq!(input, b"[2]");
}

#[test]
fn numbers() {
    let got = read(b"[0, -0, -0.0, 9223372036854775807, 18446744073709551615, -9223372036854775808, 18446744073709551616, -9223372036854775809, 1e3, 1E-2, 1e400, -1e400]");
    let Ok(Value::Array(items)) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(items[0], json!(0));
    assert_eq!(items[1].as_i64(), Some(0));
    assert!(items[2].as_f64().unwrap().is_sign_negative() && items[2].is_f64());
    assert_eq!(items[3], json!(i64::MAX));
    assert_eq!(items[4], json!(u64::MAX));
    assert_eq!(items[5], json!(i64::MIN));
    assert_eq!(items[6].as_f64(), Some(18446744073709551616.0));
    assert_eq!(items[7].as_f64(), Some(-9223372036854775809.0));
    assert!(items[8].is_f64() && items[8].as_f64() == Some(1000.0));
    assert_eq!(items[9].as_f64(), Some(0.01));
    assert_eq!(items[10].as_f64(), Some(f64::MAX));
    assert_eq!(items[11].as_f64(), Some(-f64::MAX));
}

#[test]
fn nesting_limit() {
    let nest = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(read(nest(1024).as_bytes())[0].is_ok());
    let errs = errors(nest(1025).as_bytes());
    assert_eq!(errs.len(), 1026);
    assert_eq!(errs[0], "JSON nesting depth limit exceeded");
    assert!(
        errs[1..]
            .iter()
            .all(|e| e == "JSON parse error, expecting value")
    );
    // 10,000 '[': an error at every 1025th, then a parser mid-array.
    let mut reader = Reader::new();
    assert_eq!(reader.feed("[".repeat(10_000).as_bytes()).count(), 9);
    assert!(reader.has_partial_message());
}

#[test]
fn token_count_limit() {
    // `{"a":[...]}` with n elements is 2n + 6 tokens; 2^21 are allowed.
    let message = |n: usize| format!("{{\"a\":[{}1]}}", "1,".repeat(n - 1));
    assert!(matches!(
        &read(message((1 << 20) - 3).as_bytes())[..],
        [Ok(_)]
    ));
    let errs = errors(message((1 << 20) - 2).as_bytes());
    assert_eq!(errs[0], "JSON token count limit exceeded");
}

#[test]
fn token_size_limit() {
    const MAX: usize = 64 << 20;
    let string = |len: usize| {
        let mut s = vec![b'A'; len];
        s[0] = b'"';
        s[len - 1] = b'"';
        s.push(b' ');
        s
    };
    // A message's token bytes plus one may be at most 64 MiB.
    assert!(matches!(&read(&string(MAX - 1))[..], [Ok(_)]));
    assert_eq!(errors(&string(MAX))[0], "JSON token size limit exceeded");
    // A token growing past 64 MiB is cut by the lexer; the rest is re-read.
    let mut huge = string(MAX + 10);
    huge.extend_from_slice(b"}");
    let errs = errors(&huge);
    assert_eq!(
        errs[..2],
        [
            "JSON token size limit exceeded",
            "JSON parse error, stray 'A'"
        ]
    );
}

/// All messages `input` yields when it arrives in pieces of `sizes`
/// (cycled), as a socket delivers a large request.
fn read_in_pieces(input: &[u8], sizes: &[usize]) -> Vec<Result<Value, String>> {
    let mut reader = Reader::new();
    let mut out = Vec::new();
    let mut rest = input;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        out.extend(reader.feed(piece).map(|m| m.map_err(|e| e.to_string())));
        rest = tail;
    }
    out
}

#[test]
fn large_strings_across_pieces() {
    const MAX: usize = 64 << 20;
    let string = |quote: u8, len: usize, tail: &[u8]| {
        let mut s = vec![b'A'; len];
        s[0] = quote;
        s[len - 1] = quote;
        s.extend_from_slice(tail);
        s
    };
    let cases = [
        // At the limits, as in `token_size_limit`.
        string(b'"', MAX - 1, b" "),
        string(b'"', MAX, b" "),
        // Cut one byte before its closing quote, which then opens a string.
        string(b'"', MAX + 2, b" {}"),
        // Single quotes, an escape, raw UTF-8 and an invalid byte.
        string(b'\'', 200_000, b" "),
        [&string(b'"', 100_000, b"")[..99_999], b"\\n\xc3\xa9\""].concat(),
        [&string(b'"', 100_000, b"")[..99_999], b"\xff\""].concat(),
        [&b"{\"a\": "[..], &string(b'"', 150_000, b"}")].concat(),
    ];
    for input in &cases {
        let whole = read(input);
        // Cut right after the opening quote, and at socket-like sizes
        // (fewer cuts through the huge ones: this is a debug build).
        let cuts: &[&[usize]] = if input.len() > MAX / 2 {
            &[&[1, 1 << 20]]
        } else {
            &[&[1, 65536], &[65536], &[7, 1, 100_003]]
        };
        for &sizes in cuts {
            let got = read_in_pieces(input, sizes);
            assert_eq!(got.len(), whole.len(), "{sizes:?}");
            for (g, w) in got.iter().zip(&whole) {
                assert!(g == w, "{sizes:?}: {:.80?} != {:.80?}", g, w);
            }
        }
    }
}

#[test]
fn error_texts_are_qemus() {
    assert_eq!(
        JsonError::NestingLimit.to_string(),
        "JSON nesting depth limit exceeded"
    );
    assert_eq!(
        JsonError::TokenCountLimit.to_string(),
        "JSON token count limit exceeded"
    );
    assert_eq!(
        JsonError::TokenSizeLimit.to_string(),
        "JSON token size limit exceeded"
    );
    assert_eq!(
        JsonError::PrematureEoi.to_string(),
        "JSON parse error, premature EOI"
    );
    // QEMU formats details into 1024 bytes.
    let long = JsonError::InvalidKeyword("a".repeat(2000)).to_string();
    assert_eq!(long.len(), "JSON parse error, ".len() + 1023);
    assert!(!long.ends_with('\''));
}

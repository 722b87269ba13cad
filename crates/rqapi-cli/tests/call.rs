//! `rqapi call`: qmp-shell's argument syntax, then the binary against an
//! in-test QMP server and an in-test guest agent (Debian's C qemu-ga is
//! in call_qemu_ga.rs).

mod support;

use rqapi_cli::args::{ArgsError, arguments_from_words, parse_value};
use rqapi_cli::session::looks_like_greeting;
use serde_json::{Value, json};
use support::{TestServer, json, rqapi};

fn args(words: &[&str]) -> Result<Value, ArgsError> {
    arguments_from_words(words).map(Value::Object)
}

#[test]
fn dotted_keys_nest() {
    assert_eq!(
        args(&["a.b=1", "a.c.d=x", "e=2"]).unwrap(),
        json!({"a": {"b": 1, "c": {"d": "x"}}, "e": 2})
    );
    assert_eq!(args(&[]).unwrap(), json!({}));
}

#[test]
fn values_read_as_json_when_they_look_like_it() {
    assert_eq!(parse_value("42"), Ok(json!(42)));
    assert_eq!(parse_value("-7"), Ok(json!(-7)));
    assert_eq!(parse_value("2.5"), Ok(json!(2.5)));
    assert_eq!(parse_value("18446744073709551615"), Ok(json!(u64::MAX)));
    assert_eq!(parse_value("true"), Ok(json!(true)));
    assert_eq!(parse_value("False"), Ok(json!(false)));
    assert_eq!(parse_value("null"), Ok(Value::Null));
    assert_eq!(parse_value("[1, \"a\"]"), Ok(json!([1, "a"])));
    assert_eq!(
        parse_value("{\"k\": {\"l\": []}}"),
        Ok(json!({"k": {"l": []}}))
    );
    // QEMU's dialect: single-quoted strings.
    assert_eq!(parse_value("{'k': 'v'}"), Ok(json!({"k": "v"})));
}

#[test]
fn other_values_are_strings() {
    for text in [
        "hello", "", "007", "0x10", "-", "1.2.3", "nulL", "/dev/sda", "a=b",
    ] {
        assert_eq!(parse_value(text), Ok(json!(text)), "{text}");
    }
    // Quotes force a string.
    assert_eq!(parse_value("\"123\""), Ok(json!("123")));
    assert_eq!(parse_value("\"a\\tb\""), Ok(json!("a\tb")));
    assert_eq!(parse_value("'true'"), Ok(json!("true")));
    assert_eq!(parse_value("'a\\b'"), Ok(json!("a\\b")));
    // Not one quoted string: the text itself.
    assert_eq!(parse_value("\"a\"b\""), Ok(json!("\"a\"b\"")));
}

#[test]
fn bad_json_values_are_errors() {
    let error = args(&["a=[1,"]).unwrap_err();
    assert!(
        matches!(&error, ArgsError::BadJson { key, .. } if key == "a"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("invalid JSON value for 'a': "),
        "{error}"
    );
    assert!(matches!(args(&["b={x}"]), Err(ArgsError::BadJson { .. })));
    assert!(
        args(&["c=\"open"]).is_ok(),
        "an unclosed quote is plain text"
    );
}

#[test]
fn key_errors() {
    assert_eq!(args(&["a=1", "a=2"]), Err(ArgsError::Duplicate("a".into())));
    assert_eq!(
        args(&["a.b=1", "a.b=2"]),
        Err(ArgsError::Duplicate("a.b".into()))
    );
    assert_eq!(
        args(&["a=1", "a.b=2"]),
        Err(ArgsError::LeafAndNonLeaf("a".into()))
    );
    assert_eq!(
        args(&["a.b=1", "a=2"]),
        Err(ArgsError::LeafAndNonLeaf("a".into()))
    );
    assert_eq!(
        args(&["x.y.z=1", "x.y=2"]),
        Err(ArgsError::LeafAndNonLeaf("x.y".into()))
    );
    assert_eq!(
        args(&["novalue"]),
        Err(ArgsError::NotKeyValue("novalue".into()))
    );
    assert_eq!(args(&["=1"]), Err(ArgsError::EmptyKey("".into())));
    assert_eq!(args(&["a..b=1"]), Err(ArgsError::EmptyKey("a..b".into())));
    assert_eq!(
        ArgsError::Duplicate("a".into()).to_string(),
        "cannot set \"a\" multiple times"
    );
}

#[test]
fn one_json_object_is_the_whole_argument_object() {
    assert_eq!(
        args(&[r#"{"a": 1, "b": [true]}"#]).unwrap(),
        json!({"a": 1, "b": [true]})
    );
    assert_eq!(args(&[" {'a': 'x'}"]).unwrap(), json!({"a": "x"}));
    assert!(matches!(args(&["{\"a\": "]), Err(ArgsError::BadObject(_))));
    // Only objects; other JSON starts with a key.
    assert!(matches!(args(&["[1]"]), Err(ArgsError::NotKeyValue(_))));
    // With other words, a brace word is just a bad pair.
    assert!(matches!(
        args(&["{}", "a=1"]),
        Err(ArgsError::NotKeyValue(_))
    ));
}

#[test]
fn greeting_detection() {
    assert!(looks_like_greeting(b"{\"QMP\": {\"version\": "));
    assert!(looks_like_greeting(b"\r\n { \"QMP\""));
    assert!(!looks_like_greeting(b""));
    assert!(!looks_like_greeting(b"{\"return\": {}}\n"));
    assert!(!looks_like_greeting(b"\xff{\"return\": 5}"));
}

// End to end against the in-test QMP server.

#[test]
fn call_prints_the_return_value() {
    let server = TestServer::qmp();
    let run = rqapi(&["call", server.address(), "query-version", "--timeout", "10"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        json(&run.stdout),
        json!({"qemu": {"micro": 3, "minor": 2, "major": 9}, "package": "test"})
    );
    assert!(
        run.stdout.contains("\n  \"qemu\": {\n"),
        "pretty: {}",
        run.stdout
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn call_sends_key_value_and_json_arguments() {
    let server = TestServer::qmp();
    let address = format!("unix:{}", server.address());
    let run = rqapi(&[
        "call",
        &address,
        "echo",
        "a.b=1",
        "s=x y",
        "t=\"12\"",
        "l=[1,{\"q\":null}]",
        "--raw",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"a\":{\"b\":1},\"s\":\"x y\",\"t\":\"12\",\"l\":[1,{\"q\":null}]}\n"
    );
    let run = rqapi(&["call", &address, "echo", r#"{"k": [1, 2]}"#, "--raw"]);
    assert_eq!(run.stdout, "{\"k\":[1,2]}\n", "{run:?}");
}

#[test]
fn server_error_exits_1() {
    let server = TestServer::qmp();
    let run = rqapi(&["call", server.address(), "fail"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stderr, "GenericError: failed on purpose\n");
    assert!(run.stdout.is_empty());
    let run = rqapi(&["call", server.address(), "nope"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "CommandNotFound: The command nope has not been found\n"
    );
}

#[test]
fn local_errors_exit_2() {
    let server = TestServer::qmp();
    let run = rqapi(&["call", server.address(), "echo", "a=1", "a=2"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "rqapi call: bad arguments: cannot set \"a\" multiple times\n"
    );

    let missing = server.dir.path().join("missing.sock");
    let run = rqapi(&["call", missing.to_str().unwrap(), "query-version"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("rqapi call: failed to connect to "),
        "{}",
        run.stderr
    );

    let run = rqapi(&[
        "call",
        server.address(),
        "slow",
        "milliseconds=5000",
        "--timeout",
        "0.3",
    ]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "rqapi call: timed out waiting for the response\n"
    );

    let run = rqapi(&["call", server.address(), "echo", "--no-reply"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("--no-reply is for guest-agent commands"),
        "{}",
        run.stderr
    );

    let run = rqapi(&["call", "tcp:nohost", "query-version"]);
    assert_eq!(run.code, Some(2), "clap rejects the address: {run:?}");
}

#[test]
fn oob_and_events() {
    let server = TestServer::qmp();
    let run = rqapi(&["call", server.address(), "ping", "--oob"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "{}\n"),
        "{run:?}"
    );
    let run = rqapi(&["call", server.address(), "echo", "--oob"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "GenericError: The command echo does not support OOB\n"
    );

    let run = rqapi(&[
        "call",
        server.address(),
        "emit-event",
        "name=DONE",
        "data.n=5",
        "--wait-event",
        "DONE",
        "--raw",
        "--timeout",
        "10",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert_eq!(json(lines[0]), json!({}));
    let event = json(lines[1]);
    assert_eq!(
        (&event["event"], &event["data"]),
        (&json!("DONE"), &json!({"n": 5}))
    );
    assert!(event["timestamp"]["seconds"].is_i64());

    let run = rqapi(&[
        "call",
        server.address(),
        "emit-event",
        "name=OTHER",
        "--events",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.starts_with("{\"event\":\"OTHER\","),
        "{}",
        run.stderr
    );

    let run = rqapi(&[
        "call",
        server.address(),
        "ping",
        "--wait-event",
        "X",
        "--timeout",
        "0.3",
    ]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stderr, "rqapi call: timed out waiting for event X\n");
}

#[test]
fn flavours_forced_and_detected() {
    let qmp = TestServer::qmp();
    let run = rqapi(&["call", qmp.address(), "ping", "--flavour", "qmp"]);
    assert_eq!(run.code, Some(0), "{run:?}");

    let agent = TestServer::agent();
    for flavour in ["auto", "ga"] {
        let run = rqapi(&[
            "call",
            agent.address(),
            "guest-ping",
            "--flavour",
            flavour,
            "--timeout",
            "10",
        ]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (Some(0), "{}\n"),
            "{flavour}: {run:?}"
        );
    }
    let run = rqapi(&["call", agent.address(), "fail"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (Some(1), "GenericError: failed on purpose\n")
    );
    // No answer awaited: nothing printed.
    let run = rqapi(&["call", agent.address(), "guest-shutdown"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""), "{run:?}");
    let run = rqapi(&["call", agent.address(), "guest-ping", "--oob"]);
    assert_eq!(run.code, Some(2));
    let run = rqapi(&["call", agent.address(), "guest-ping", "--wait-event", "X"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (Some(2), "rqapi call: guest agents send no events\n")
    );

    // A guest agent taken for QMP: no greeting comes.
    let run = rqapi(&[
        "call",
        agent.address(),
        "guest-ping",
        "--flavour",
        "qmp",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr == "rqapi call: no QMP greeting in time (for a guest agent use --flavour ga)\n",
        "{}",
        run.stderr
    );
}

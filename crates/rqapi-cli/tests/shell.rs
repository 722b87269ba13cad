//! `rqapi shell`: its line parser and completion as units, then whole
//! sessions with input from a pipe.

mod support;

use rqapi_cli::args::{ArgsError, LineRequest, parse_line, split_words};
use rqapi_cli::complete::Completions;
use serde_json::{Map, Value, json};
use support::{TestServer, json, rqapi_with_input};

fn request(command: &str, arguments: Value, oob: bool) -> Option<LineRequest> {
    let Value::Object(arguments) = arguments else {
        panic!("object")
    };
    Some(LineRequest {
        command: command.to_owned(),
        arguments,
        oob,
    })
}

#[test]
fn words_keep_quotes_and_brackets_whole() {
    assert_eq!(split_words("  a  b=1\tc ").unwrap(), ["a", "b=1", "c"]);
    assert_eq!(
        split_words(r#"cmd s="x y" t='p q' l=[1, 2] o={"k": "v w"}"#).unwrap(),
        [
            "cmd",
            r#"s="x y""#,
            "t='p q'",
            "l=[1, 2]",
            r#"o={"k": "v w"}"#
        ]
    );
    assert_eq!(split_words(r#"a="q\" r""#).unwrap(), [r#"a="q\" r""#]);
    assert_eq!(split_words("a=[']']").unwrap(), ["a=[']']"]);
    assert!(matches!(
        split_words("a=\"open"),
        Err(ArgsError::UnterminatedQuote(_))
    ));
    assert!(matches!(
        split_words("a=[1"),
        Err(ArgsError::UnbalancedBrackets(_))
    ));
    assert!(matches!(
        split_words("a=1]"),
        Err(ArgsError::UnbalancedBrackets(_))
    ));
}

#[test]
fn lines_become_requests() {
    assert_eq!(parse_line("").unwrap(), None);
    assert_eq!(parse_line("   ").unwrap(), None);
    assert_eq!(
        parse_line("query-status").unwrap(),
        request("query-status", json!({}), false)
    );
    assert_eq!(
        parse_line(r#"blockdev-add driver=null-co node-name="n 1" opts.size=1024 l=[1, 2]"#)
            .unwrap(),
        request(
            "blockdev-add",
            json!({"driver": "null-co", "node-name": "n 1", "opts": {"size": 1024}, "l": [1, 2]}),
            false
        )
    );
    assert_eq!(
        parse_line(r#"{"execute": "echo", "arguments": {"a": 1}, "id": 7}"#).unwrap(),
        request("echo", json!({"a": 1}), false)
    );
    assert_eq!(
        parse_line("{'exec-oob': 'ping'}").unwrap(),
        request("ping", json!({}), true)
    );
}

#[test]
fn bad_lines_are_errors() {
    let message = |line: &str| parse_line(line).unwrap_err().to_string();
    assert_eq!(message("echo a=1 a=2"), "cannot set \"a\" multiple times");
    assert_eq!(message("echo a"), "expected a key=value pair, got 'a'");
    assert_eq!(
        message(r#"{"arguments": {}}"#),
        "the request needs 'execute' or 'exec-oob'"
    );
    assert_eq!(
        message(r#"{"execute": "a", "exec-oob": "b"}"#),
        "'execute' and 'exec-oob' cannot be combined"
    );
    assert_eq!(
        message(r#"{"execute": 1}"#),
        "the command name must be a string"
    );
    assert_eq!(
        message(r#"{"execute": "a", "arguments": [1]}"#),
        "the arguments must be a JSON object, got [1]"
    );
    assert_eq!(
        message(r#"{"execute": "a", "extra": 1}"#),
        "unexpected member 'extra' in the request"
    );
    assert!(message("{\"execute\": ").starts_with("the argument object is not valid JSON"));
}

fn completions() -> Completions {
    let names = Completions::command_names(&json!([
        {"name": "query-status"}, {"name": "query-version"}, {"name": "blockdev-add"},
        {"name": "quit"}
    ]));
    let mut completions = Completions::new(names);
    completions.add_schema(&json!([
        {"name": "blockdev-add", "meta-type": "command", "arg-type": "Opts", "ret-type": "0"},
        {"name": "Opts", "meta-type": "object", "tag": "driver",
         "members": [{"name": "driver", "type": "str"}, {"name": "node-name", "type": "str"},
                     {"name": "cache", "type": "Cache", "default": null}],
         "variants": [{"case": "file", "type": "File"}, {"case": "raw", "type": "Raw"}]},
        {"name": "Cache", "meta-type": "object",
         "members": [{"name": "direct", "type": "bool"}, {"name": "no-flush", "type": "bool"}]},
        {"name": "File", "meta-type": "object", "members": [{"name": "filename", "type": "str"}]},
        {"name": "Raw", "meta-type": "object", "members": [{"name": "file", "type": "Ref"}]},
        {"name": "Ref", "meta-type": "alternate",
         "members": [{"type": "str"}, {"type": "Inline"}]},
        {"name": "Inline", "meta-type": "object", "members": [{"name": "offset", "type": "int"}]},
        {"name": "Loop", "meta-type": "object", "members": [],
         "variants": [{"case": "x", "type": "Loop2"}]},
        {"name": "Loop2", "meta-type": "object", "members": [{"name": "m", "type": "str"}],
         "variants": [{"case": "y", "type": "Loop"}]},
        {"name": "loop", "meta-type": "command", "arg-type": "Loop"},
    ]));
    completions
}

fn complete(line: &str) -> (usize, Vec<String>) {
    completions().complete(line, line.len())
}

#[test]
fn command_names_complete() {
    assert_eq!(
        complete("que"),
        (0, vec!["query-status".into(), "query-version".into()])
    );
    assert_eq!(complete("  qui"), (2, vec!["quit".into()]));
    assert_eq!(complete("x").1, Vec::<String>::new());
    assert_eq!(complete("").1.len(), 4);
    // The cursor in the middle: only the text before it counts.
    assert_eq!(
        completions().complete("query-v rest", 7),
        (0, vec!["query-version".into()])
    );
    assert_eq!(
        Completions::command_names(&json!({"version": "1", "supported_commands": [
            {"name": "guest-ping", "enabled": true}, {"name": "guest-info", "enabled": true}]})),
        ["guest-ping", "guest-info"]
    );
}

#[test]
fn argument_names_complete_from_introspection() {
    let all = complete("blockdev-add ");
    assert_eq!(all.0, 13);
    assert_eq!(
        all.1,
        ["cache.", "driver=", "file.", "filename=", "node-name="],
        "object members end with a dot, variants' members are included"
    );
    assert_eq!(complete("blockdev-add driver=file n").1, ["node-name="]);
    // Keys already given are not offered again.
    assert_eq!(
        complete("blockdev-add driver=file node-name=x ").1,
        ["cache.", "file.", "filename="]
    );
    // Nested members, through an alternate's object branch.
    assert_eq!(
        complete("blockdev-add cache.").1,
        ["cache.direct=", "cache.no-flush="]
    );
    assert_eq!(
        complete("blockdev-add cache.d"),
        (13, vec!["cache.direct=".into()])
    );
    assert_eq!(complete("blockdev-add file.").1, ["file.offset="]);
    // Nothing for values, unknown commands or members, raw JSON.
    assert!(complete("blockdev-add driver=").1.is_empty());
    assert!(complete("query-status ").1.is_empty());
    assert!(complete("blockdev-add nope.").1.is_empty());
    assert!(complete("{\"execute\": \"q").1.is_empty());
    // Cyclic introspection from a bad server ends.
    assert_eq!(complete("loop ").1, ["m="]);
}

#[test]
fn shell_session_over_a_pipe() {
    let server = TestServer::qmp();
    let home = tempfile::tempdir().unwrap();
    let input = "query-version\n\
                 echo name=\"a b\" opts.cache.direct=true\n\
                 \n\
                 emit-event name=SEEN data.k=1\n\
                 bogus\n\
                 echo a=1 a=2\n\
                 {\"execute\": \"echo\", \"arguments\": {\"q\": [1]}}\n\
                 {\"exec-oob\": \"ping\"}\n";
    let run = rqapi_with_input(
        &["shell", server.address(), "--raw", "--timeout", "10"],
        input,
        Some(home.path()),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<Value> = run.stdout.lines().map(json).collect();
    let event = lines[3].as_object().cloned().unwrap_or_else(Map::new);
    assert_eq!(
        lines.iter().map(|v| v.to_string()).collect::<Vec<_>>()[..3],
        [
            r#"{"qemu":{"micro":3,"minor":2,"major":9},"package":"test"}"#,
            r#"{"name":"a b","opts":{"cache":{"direct":true}}}"#,
            "{}",
        ]
    );
    assert_eq!(
        (&event["event"], &event["data"]),
        (&json!("SEEN"), &json!({"k": 1}))
    );
    assert_eq!(lines[4..], [json!({"q": [1]}), json!({})]);
    assert!(
        run.stderr
            .starts_with("Connected to QEMU 9.2.3 (QMP, 12 commands)."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\nCommandNotFound: The command bogus has not been found\n")
    );
    assert!(
        run.stderr
            .contains("\nerror: cannot set \"a\" multiple times\n")
    );

    let history = std::fs::read_to_string(home.path().join(".rqapi_history")).unwrap();
    assert!(history.contains("query-version\n"), "{history}");
    assert!(history.contains("{\"exec-oob\": \"ping\"}"), "{history}");
    assert!(
        !history.contains("\n\n"),
        "blank lines are not kept: {history}"
    );
}

#[test]
fn shell_with_a_guest_agent() {
    let server = TestServer::agent();
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("sub/hist");
    let run = rqapi_with_input(
        &[
            "shell",
            server.address(),
            "--history",
            history.to_str().unwrap(),
        ],
        "guest-ping\nguest-shutdown\nfail\n",
        None,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "{}\n");
    assert!(
        run.stderr
            .starts_with("Connected (guest agent, 12 commands)."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(sent; this command gives no answer)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("GenericError: failed on purpose"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&history)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        ["guest-ping", "guest-shutdown", "fail"]
    );
}

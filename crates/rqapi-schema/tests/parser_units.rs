//! Parser behaviour on small schemas of our own: lexing, columns,
//! directives, files.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rqapi_schema::parser::{ParsedSchema, parse_schema};
use rqapi_schema::value::Value;

/// A fresh, empty directory for one test.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rqapi-parser-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Parses `text` as `t.json`; returns the result with the directory
/// prefix removed from messages.
fn parse_text(text: impl AsRef<[u8]>) -> Result<ParsedSchema, String> {
    let dir = scratch_dir();
    let path = dir.join("t.json");
    std::fs::write(&path, text).unwrap();
    let prefix = format!("{}/", dir.display());
    let result =
        parse_schema(&path.display().to_string()).map_err(|e| e.to_string().replace(&prefix, ""));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn parse_err(text: &str) -> String {
    match parse_text(text) {
        Ok(_) => panic!("parsed: {text:?}"),
        Err(e) => e,
    }
}

#[test]
fn tab_does_not_advance_the_column() {
    assert_eq!(parse_err("\t\t{ 'enum': 'X' ;"), "t.json:1:15: stray ';'");
    assert_eq!(parse_err("  { 'enum': 'X' ;"), "t.json:1:17: stray ';'");
    assert_eq!(parse_err("{ 'a':\t\t;"), "t.json:1:7: stray ';'");
}

#[test]
fn columns_count_characters_and_lines_count_newlines() {
    assert_eq!(
        parse_err("{ 'a': 'é' }"),
        "t.json:1:8: funny character in string"
    );
    assert_eq!(
        parse_err("# é\n\n{ 'é': 1 }"),
        "t.json:3:3: funny character in string"
    );
    // The last newline ends the input; the one before it starts line 2.
    assert_eq!(
        parse_err("{ 'a': 'b'\n\n"),
        "t.json:2:1: expected ',' or '}'"
    );
    assert_eq!(parse_err("{ 'a': 'b'"), "t.json:1:11: expected ',' or '}'");
    assert_eq!(parse_err("{\r\n'a':\r\n 'b' x }"), "t.json:3:6: stray 'x'");
    assert_eq!(parse_err("{\r'a':\r 'b' x }"), "t.json:3:6: stray 'x'");
}

#[test]
fn lexical_errors() {
    assert_eq!(
        parse_err("{ 'a': 'b\n'}"),
        "t.json:1:8: missing terminating \"'\""
    );
    assert_eq!(
        parse_err(r"{ 'a\n': 'b' }"),
        "t.json:1:3: unknown escape \\n"
    );
    assert_eq!(parse_err("{ 'a': nul }"), "t.json:1:8: stray 'nul'");
    assert_eq!(parse_err("{ 'a': truex }"), "t.json:1:12: stray 'x'");
    assert_eq!(
        parse_err("{ 'a': 1.5e3, 'b' }"),
        "t.json:1:8: stray '1.5e3'"
    );
    assert_eq!(parse_err("{ 'a' 'b' }"), "t.json:1:7: expected ':'");
    assert_eq!(
        parse_err("{ 'a': 'b' 'c' }"),
        "t.json:1:12: expected ',' or '}'"
    );
    assert_eq!(parse_err("{ 'a': 'b', }"), "t.json:1:13: expected string");
    assert_eq!(
        parse_err("{ 'a': [ 'b' 'c' ] }"),
        "t.json:1:14: expected ',' or ']'"
    );
    assert_eq!(
        parse_err("{ 'a': [ : ] }"),
        "t.json:1:10: expected '{', '[', ']', string, or boolean"
    );
    assert_eq!(parse_err("{ 'a': 1, 'a': 2 }"), "t.json:1:8: stray '1'");
    assert_eq!(
        parse_err("{ 'a': true, 'a': false }"),
        "t.json:1:19: duplicate key 'a'"
    );
    assert_eq!(
        parse_err("[ 'a' ]"),
        "t.json:1: top-level expression must be an object"
    );
    assert_eq!(parse_err("\u{feff}{}"), "t.json:1:1: stray '\u{feff}'");
}

#[test]
fn values_keep_order_and_escapes() {
    let schema = parse_text("{ 'z': 'a\\\\b', 'a': [ true, false, {} ] }").unwrap();
    let keys: Vec<&str> = schema.exprs[0].expr.keys().map(String::as_str).collect();
    assert_eq!(keys, ["z", "a"]);
    assert_eq!(schema.exprs[0].expr["z"], Value::Str("a\\b".into()));
    assert_eq!(schema.exprs[0].expr["a"].python_repr(), "[True, False, {}]");
    assert_eq!(schema.exprs[0].info.line, 1);
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let deep = format!("{{ 'a': {} }}", "[".repeat(100_000));
    assert!(parse_err(&deep).contains("nesting deeper than"));
    let ok = format!("{{ 'a': {}{} }}", "[".repeat(500), "]".repeat(500));
    assert!(parse_text(ok).is_ok());
}

#[test]
fn unreadable_files() {
    let dir = scratch_dir();
    let missing = dir.join("nope.json").display().to_string();
    assert_eq!(
        parse_schema(&missing).unwrap_err().to_string(),
        format!("can't read schema file '{missing}': No such file or directory")
    );
    let d = dir.display().to_string();
    assert_eq!(
        parse_schema(&d).unwrap_err().to_string(),
        format!("can't read schema file '{d}': Is a directory")
    );
    let err = parse_text(b"{ 'a': 'b' }\n# \xff\xfe\n").unwrap_err();
    assert!(err.starts_with("can't read schema file"), "{err}");
}

#[test]
fn includes_pragmas_and_loops() {
    let dir = scratch_dir();
    std::fs::create_dir(dir.join("sub")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "main.json",
        "{ 'include': 'sub/a.json' }\n{ 'include': 'sub/a.json' }\n{ 'enum': 'M', 'data': [] }\n",
    );
    write(
        "sub/a.json",
        "{ 'pragma': { 'doc-required': true } }\n{ 'include': 'b.json' }\n",
    );
    write("sub/b.json", "\n{ 'struct': 'B', 'data': {} }");
    let main = dir.join("main.json").display().to_string();
    let schema = parse_schema(&main).unwrap();
    let d = dir.display();
    let shown: Vec<String> = schema
        .exprs
        .iter()
        .map(|e| format!("{} {}", e.info, Value::Dict(e.expr.clone()).python_repr()))
        .collect();
    assert_eq!(
        shown,
        [
            format!("{d}/main.json:1 {{'include': '{d}/sub/a.json'}}"),
            format!(
                "In file included from {d}/main.json:1:\n{d}/sub/a.json:2 {{'include': '{d}/sub/b.json'}}"
            ),
            format!(
                "In file included from {d}/main.json:1:\nIn file included from {d}/sub/a.json:2:\n{d}/sub/b.json:2 {{'struct': 'B', 'data': {{}}}}"
            ),
            format!("{d}/main.json:2 {{'include': '{d}/sub/a.json'}}"),
            format!("{d}/main.json:3 {{'enum': 'M', 'data': []}}"),
        ]
    );
    assert!(schema.pragma.doc_required);

    write("sub/b.json", "{ 'include': '../main.json' }");
    let err = parse_schema(&main).unwrap_err().to_string();
    assert!(
        err.ends_with("b.json:1: inclusion loop for ../main.json"),
        "{err}"
    );

    write("sub/b.json", "{ 'include': 'gone.json' }");
    let err = parse_schema(&main).unwrap_err().to_string();
    assert!(
        err.ends_with(&format!(
            "b.json:1: can't read include file '{d}/sub/gone.json': No such file or directory"
        )),
        "{err}"
    );
}

#[test]
fn directive_errors() {
    let cases = [
        (
            "{ 'include': 'x.json', 'if': 'A' }",
            "invalid 'include' directive",
        ),
        (
            "{ 'include': ['x.json'] }",
            "value of 'include' must be a string",
        ),
        ("{ 'pragma': {}, 'x': true }", "invalid 'pragma' directive"),
        ("{ 'pragma': 'x' }", "value of 'pragma' must be an object"),
        (
            "{ 'pragma': { 'doc-required': 'yes' } }",
            "pragma 'doc-required' must be boolean",
        ),
        (
            "{ 'pragma': { 'command-name-exceptions': [ true ] } }",
            "pragma command-name-exceptions must be a list of strings",
        ),
        (
            "{ 'pragma': { 'member-name-exceptions': 'x' } }",
            "pragma member-name-exceptions must be a list of strings",
        ),
        ("{ 'pragma': { 'bogus': true } }", "unknown pragma 'bogus'"),
    ];
    for (text, msg) in cases {
        assert_eq!(parse_err(text), format!("t.json:1: {msg}"), "{text}");
    }
    let schema = parse_text(
        "{ 'pragma': { 'command-name-exceptions': ['a'], 'command-returns-exceptions': ['b'],\n\
         'documentation-exceptions': ['c'], 'member-name-exceptions': ['d'] } }\n\
         { 'pragma': { 'member-name-exceptions': ['e'] } }",
    )
    .unwrap();
    let p = schema.pragma;
    assert!(!p.doc_required);
    assert_eq!(
        (
            p.command_name_exceptions,
            p.command_returns_exceptions,
            p.documentation_exceptions,
            p.member_name_exceptions
        ),
        (
            vec!["a".into()],
            vec!["b".into()],
            vec!["c".into()],
            vec!["e".into()]
        )
    );
    assert!(schema.exprs.is_empty());
}

#[test]
fn include_chains_are_bounded() {
    let dir = scratch_dir();
    let depth = rqapi_schema::parser::MAX_INCLUDE_DEPTH + 5;
    for i in 0..depth {
        let text = format!("{{ 'include': 'f{}.json' }}\n", i + 1);
        std::fs::write(dir.join(format!("f{i}.json")), text).unwrap();
    }
    std::fs::write(dir.join(format!("f{depth}.json")), "").unwrap();
    let root = dir.join("f0.json").display().to_string();
    let err = parse_schema(&root).unwrap_err().to_string();
    assert!(
        err.ends_with("includes nested deeper than 200 levels"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

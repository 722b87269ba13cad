//! Doc comment checks made by `check_exprs`, on small schemas of our own
//! run through the real parser. Expected texts confirmed against QEMU.

use std::path::PathBuf;

use rqapi_schema::expr::check_exprs;
use rqapi_schema::parser::parse_schema;

/// Writes `text` to a fresh file and returns (directory prefix, path).
fn write_schema(test: &str, text: &str) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("rqapi-expr-docs-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{test}.json"));
    std::fs::write(&path, text).expect("write schema");
    (format!("{}/", dir.display()), path)
}

/// The error `check_exprs` gives, with the directory removed, or `None`.
fn check(test: &str, text: &str) -> Option<String> {
    let (prefix, path) = write_schema(test, text);
    let mut schema = parse_schema(&path.display().to_string()).expect("schema parses");
    let result = check_exprs(&mut schema);
    let _ = std::fs::remove_dir_all(&prefix);
    result.err().map(|e| e.to_string().replace(&prefix, ""))
}

#[test]
fn doc_for_another_symbol() {
    let text = "##\n# @Bar:\n#\n# Doc.\n##\n{ 'struct': 'Foo', 'data': {} }\n";
    assert_eq!(
        check("sym", text).as_deref(),
        Some("sym.json: In struct 'Foo':\nsym.json:6: documentation comment is for 'Bar'")
    );
}

#[test]
fn returns_section_on_a_type() {
    let text =
        "##\n# @Foo:\n#\n# Doc.\n#\n# Returns: nothing\n##\n{ 'struct': 'Foo', 'data': {} }\n";
    assert_eq!(
        check("ret", text).as_deref(),
        Some("ret.json:6: 'Returns' section is only valid for commands")
    );
}

#[test]
fn errors_section_on_an_event() {
    let text = "##\n# @EV:\n#\n# Doc.\n#\n# Errors:\n#     - Oops\n##\n{ 'event': 'EV' }\n";
    assert_eq!(
        check("err", text).as_deref(),
        Some("err.json:6: 'Errors' section is only valid for commands")
    );
}

#[test]
fn returns_section_without_returns() {
    let text = "##\n# @cmd:\n#\n# Doc.\n#\n# Returns: nothing\n##\n{ 'command': 'cmd' }\n";
    assert_eq!(
        check("cmdret", text).as_deref(),
        Some("cmdret.json:6: 'Returns' section, but command doesn't return anything")
    );
}

#[test]
fn doc_required_by_pragma() {
    let text = "{ 'pragma': { 'doc-required': true } }\n##\n# @Foo:\n##\n\
                { 'struct': 'Foo', 'data': {} }\n{ 'enum': 'Bar', 'data': [] }\n";
    assert_eq!(
        check("req", text).as_deref(),
        Some("req.json: In enum 'Bar':\nreq.json:6: documentation comment required")
    );
}

#[test]
fn documented_command_passes() {
    let text = "{ 'pragma': { 'doc-required': true } }\n##\n# @cmd:\n#\n# Doc.\n#\n\
                # Errors:\n#     - Oops\n#\n# Returns: a number\n##\n\
                { 'command': 'cmd', 'returns': 'int' }\n";
    assert_eq!(check("good", text), None);
}

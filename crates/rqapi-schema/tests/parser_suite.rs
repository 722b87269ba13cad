//! Differential test of the parser stage against QEMU's
//! tests/qapi-schema suite and the real schemas, read from
//! `$RQAPI_QEMU_QAPI` or `<workspace>/../shared/qemu-qapi`.

use std::path::{Path, PathBuf};

use rqapi_schema::parser::parse_schema;

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("RQAPI_QEMU_QAPI") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qemu-qapi"),
    };
    if dir.join("ACTIVE-TESTS.txt").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: QEMU QAPI corpus not found at {}", dir.display());
        None
    }
}

/// Messages only the parser produces (the text after `LOCATION: `).
const PARSER_MESSAGES: &[&str] = &[
    "stray '",
    "missing terminating \"'\"",
    "unknown escape \\",
    "funny character in string",
    "expected ",
    "duplicate key '",
    "nesting deeper than",
    "top-level expression must be an object",
    "invalid 'include' directive",
    "value of 'include' must be a string",
    "inclusion loop for ",
    "can't read include file '",
    "can't read schema file '",
    "invalid 'pragma' directive",
    "value of 'pragma' must be an object",
    "pragma ",
    "unknown pragma '",
    "documentation for '",
    "definition documentation required",
    "junk after '##'",
    "documentation comment must end with '##'",
    "missing space after #",
    "documentation line longer than 70 characters",
    "Use two spaces between sentences",
    "line should end with ':'",
    "name required after '@'",
    "duplicated 'Features:' line",
    "feature descriptions expected",
    "description of '@",
    "not allowed in free-form documentation",
    "unexpected de-indent",
    "section is no longer supported",
    "duplicated '",
    "text required after '",
    "invalid parameter name",
    "parameter name duplicated",
];

fn is_parser_message(err_text: &str) -> bool {
    PARSER_MESSAGES
        .iter()
        .any(|m| err_text.starts_with(m) || err_text.contains(&format!(": {m}")))
}

fn cases(corpus: &Path) -> Vec<String> {
    let list = std::fs::read_to_string(corpus.join("ACTIVE-TESTS.txt")).expect("ACTIVE-TESTS");
    list.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn qemu_suite_parser_stage() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("tests/qapi-schema");
    let prefix = format!("{}/", dir.display());
    let (mut matched, mut later_stage, mut failures) = (0, 0, Vec::new());
    for case in cases(&corpus) {
        let path = format!("{prefix}{case}.json");
        let expected = std::fs::read_to_string(dir.join(format!("{case}.err")))
            .unwrap_or_else(|e| panic!("{case}.err: {e}"));
        match parse_schema(&path) {
            Err(err) => {
                let got = format!("{err}\n").replace(&prefix, "");
                if got == expected {
                    matched += 1;
                } else {
                    failures.push(format!("{case}: expected {expected:?}, got {got:?}"));
                }
            }
            Ok(_) if is_parser_message(&expected) => {
                failures.push(format!("{case}: parsed, but expected {expected:?}"));
            }
            Ok(_) => later_stage += 1,
        }
    }
    eprintln!("parser stage: {matched} errors matched, {later_stage} cases parsed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        matched >= 45,
        "suspiciously few parser-stage cases: {matched}"
    );
}

fn assert_parses(path: &Path) -> rqapi_schema::parser::ParsedSchema {
    match parse_schema(&path.display().to_string()) {
        Ok(schema) => schema,
        Err(err) => panic!("{}: {err}", path.display()),
    }
}

#[test]
fn current_schemas_parse() {
    let Some(corpus) = corpus() else { return };
    let full = assert_parses(&corpus.join("qapi/qapi-schema.json"));
    assert!(full.exprs.len() > 500, "{}", full.exprs.len());
    assert!(full.pragma.doc_required);
    assert!(!full.pragma.command_name_exceptions.is_empty());
    assert!(
        full.exprs
            .iter()
            .all(|e| e.doc.is_some() || e.expr.contains_key("include"))
    );
    let qga = assert_parses(&corpus.join("qga/qapi-schema.json"));
    assert!(
        qga.exprs
            .iter()
            .any(|e| e.expr.get("command").and_then(|v| v.as_str()) == Some("guest-ping"))
    );
    let sd = assert_parses(&corpus.join("storage-daemon/qapi/qapi-schema.json"));
    // Includes are kept with the path joined to the including file's directory.
    assert!(sd.exprs.iter().any(|e| {
        e.expr.get("include").and_then(|v| v.as_str())
            == Some(&format!(
                "{}/storage-daemon/qapi/../../qapi/pragma.json",
                corpus.display()
            ))
    }));
}

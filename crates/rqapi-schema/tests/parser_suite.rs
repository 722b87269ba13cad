//! Differential test of the parser stage against QEMU's
//! tests/qapi-schema suite and the real schemas, read from
//! `$RQAPI_QEMU_QAPI` or `<workspace>/../shared/qemu-qapi`.

use std::path::{Path, PathBuf};

use rqapi_schema::parser::parse_schema;

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
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
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
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
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

/// Messages for doc comment style rules that QEMU introduced after most
/// releases were cut.
const DOC_STYLE_MESSAGES: &[&str] = &[
    "documentation line longer than 70 characters",
    "Use two spaces between sentences",
    "section is no longer supported",
];

#[test]
fn release_schemas_parse_or_fail_only_on_newer_doc_style_rules() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let releases = corpus.join("releases");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&releases)
        .expect("releases/")
        .map(|e| e.unwrap().path())
        .collect();
    // By version number: v10 comes after v9.
    versions.sort_by_key(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.trim_start_matches('v')
            .split('.')
            .map(|n| n.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    });
    let mut parsed = 0;
    for version in &versions {
        for schema in ["qapi/qapi-schema.json", "qga/qapi-schema.json"] {
            let path = version.join(schema);
            if !path.is_file() {
                continue;
            }
            match parse_schema(&path.display().to_string()) {
                Ok(p) => {
                    assert!(!p.exprs.is_empty());
                    parsed += 1;
                }
                Err(err) => {
                    let text = err.to_string();
                    assert!(
                        err.col.is_some() && DOC_STYLE_MESSAGES.iter().any(|m| text.contains(m)),
                        "{text}"
                    );
                }
            }
        }
    }
    // The newest release predates no rule: it parses in full.
    let newest = versions.last().expect("some release");
    for schema in ["qapi/qapi-schema.json", "qga/qapi-schema.json"] {
        assert_parses(&newest.join(schema));
    }
    assert!(parsed >= 2);
}

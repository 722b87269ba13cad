//! Differential test of the expression-check stage against QEMU's
//! tests/qapi-schema suite, read from `$RQAPI_QEMU_QAPI` or
//! `<workspace>/../shared/qemu-qapi`. Cases run with the suite directory
//! as working directory, so messages carry bare file names as in the
//! `.err` files.

use std::path::Path;

use rqapi_schema::expr::check_exprs;
use rqapi_schema::parser::parse_schema;

/// Messages raised by QEMU's expr.py (and the doc checks it calls); a case
/// expecting one of these must fail at our stage.
const EXPR_MESSAGES: &[&str] = &[
    "expression must have exactly one key",
    "requires a string name",
    "has an invalid name",
    "must not use lowercase or '-'",
    "must not use uppercase or '_'",
    "must use CamelCase",
    "should not end in 'List'",
    " misses key",
    " has unknown key",
    "may only use false value",
    "may only use true value",
    "are incompatible",
    "is not a valid identifier",
    "must be a string or an object",
    "has conflicting keys",
    "must be an array",
    "is useless",
    "should be a type name",
    "should be an object or type name",
    "array type must contain single type name",
    "uses reserved name",
    "'prefix' must be a string",
    "'data' must be an object",
    "'data' must not be empty",
    "'boxed': true requires 'data'",
    "documentation comment is for",
    "documentation comment required",
    "'Returns' section",
    "'Errors' section is only valid for commands",
];

fn is_expr_message(err_text: &str) -> bool {
    EXPR_MESSAGES.iter().any(|m| err_text.contains(m))
}

fn cases(corpus: &Path) -> Vec<String> {
    let list = std::fs::read_to_string(corpus.join("ACTIVE-TESTS.txt")).unwrap_or_default();
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

// The only test in this binary: it changes the working directory.
#[test]
fn qemu_suite_expr_stage() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let dir = corpus.join("tests/qapi-schema");
    std::env::set_current_dir(&dir).expect("enter the suite directory");
    let (mut matched, mut parser_stage, mut later_stage) = (0, 0, 0);
    let mut mismatches = Vec::new();
    for case in cases(&corpus) {
        let expected = std::fs::read_to_string(format!("{case}.err")).unwrap_or_default();
        let mut schema = match parse_schema(&format!("{case}.json")) {
            Ok(schema) => schema,
            Err(_) => {
                parser_stage += 1;
                continue;
            }
        };
        match check_exprs(&mut schema) {
            Err(err) => {
                let got = format!("{err}\n");
                if got == expected {
                    matched += 1;
                } else {
                    mismatches.push(format!("{case}: expected {expected:?}, got {got:?}"));
                }
            }
            Ok(()) if is_expr_message(&expected) => {
                mismatches.push(format!("{case}: passed, but expected {expected:?}"));
            }
            Ok(()) => later_stage += 1,
        }
    }
    for line in &mismatches {
        eprintln!("MISMATCH {line}");
    }
    eprintln!(
        "expr stage: {matched} errors matched, {} mismatches, {later_stage} passed to the \
         schema stage, {parser_stage} stopped by the parser",
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
    assert!(
        matched >= 50,
        "suspiciously few expr-stage cases: {matched}"
    );
}

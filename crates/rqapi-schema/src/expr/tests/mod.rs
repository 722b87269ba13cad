//! Unit tests of `check_exprs` on small schemas of our own; the expected
//! texts and normalised shapes were confirmed against QEMU's expr.py.

mod cases_err_a;
mod cases_err_b;
mod cases_err_c;
mod cases_ok;
mod robustness;

use std::sync::Arc;

use super::check_exprs;
use crate::parser::{ParsedExpr, ParsedSchema, Pragma};
use crate::source::SourceInfo;
use crate::value::{Dict, Value};

/// (name, expressions, pragma, normalised expressions or error text)
type Case = (
    &'static str,
    serde_json::Value,
    Pragma,
    Result<serde_json::Value, &'static str>,
);

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Test-only conversion; the schema language has no numbers or null.
fn to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Array(items) => Value::List(items.iter().map(to_value).collect()),
        serde_json::Value::Object(map) => {
            Value::Dict(map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
        }
        other => panic!("not a schema value: {other}"),
    }
}

fn to_dict(json: &serde_json::Value) -> Dict {
    match to_value(json) {
        Value::Dict(d) => d,
        other => panic!("not an object: {other:?}"),
    }
}

/// One expression per line of `test.json`, no docs.
fn schema(exprs: &serde_json::Value, pragma: Pragma) -> ParsedSchema {
    let fname: Arc<str> = Arc::from("test.json");
    let exprs = exprs
        .as_array()
        .expect("a list of expressions")
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut info = SourceInfo::new(fname.clone(), None);
            info.line = i as u32 + 1;
            ParsedExpr {
                expr: to_dict(e),
                info,
                doc: None,
            }
        })
        .collect();
    ParsedSchema {
        exprs,
        docs: Vec::new(),
        pragma,
    }
}

fn outcome(exprs: &serde_json::Value, pragma: Pragma) -> Result<Vec<Dict>, String> {
    let mut schema = schema(exprs, pragma);
    match check_exprs(&mut schema) {
        Ok(()) => Ok(schema.exprs.into_iter().map(|e| e.expr).collect()),
        Err(e) => Err(e.to_string()),
    }
}

fn run_table(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for (name, exprs, pragma, expected) in cases {
        let got = outcome(&exprs, pragma);
        let expected = expected
            .map(|json| {
                let list = json.as_array().expect("a list").iter().map(to_dict);
                list.collect::<Vec<_>>()
            })
            .map_err(str::to_owned);
        // Compare key order too: IndexMap equality ignores it.
        if format!("{got:?}") != format!("{expected:?}") {
            failures.push(format!(
                "{name}:\n  got      {got:?}\n  expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accepted_schemas_are_normalised() {
    run_table(cases_ok::cases());
}

#[test]
fn rejected_schemas_give_qemu_messages_part_a() {
    run_table(cases_err_a::cases());
}

#[test]
fn rejected_schemas_give_qemu_messages_part_b() {
    run_table(cases_err_b::cases());
}

#[test]
fn rejected_schemas_give_qemu_messages_part_c() {
    run_table(cases_err_c::cases());
}

//! QEMU's real schemas pass the expression checks, and normalisation
//! leaves the documented shapes. Read from `$RQAPI_QEMU_QAPI` or
//! `<workspace>/../shared/qemu-qapi`.

use std::path::Path;

use rqapi_schema::expr::check_exprs;
use rqapi_schema::parser::{ParsedSchema, parse_schema};
use rqapi_schema::value::Value;

fn checked(path: &Path) -> ParsedSchema {
    let mut schema = parse_schema(&path.display().to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err(e) = check_exprs(&mut schema) {
        panic!("{}: {e}", path.display());
    }
    schema
}

fn all_dicts(value: Option<&Value>, key: &str) -> bool {
    match value {
        None => true,
        Some(Value::List(items)) => items
            .iter()
            .all(|i| i.as_dict().is_some_and(|d| d.contains_key(key))),
        Some(Value::Dict(members)) => members
            .values()
            .all(|m| m.as_dict().is_some_and(|d| d.contains_key(key))),
        Some(_) => false,
    }
}

#[test]
fn real_schemas_pass_and_are_normalised() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    for file in [
        "qapi/qapi-schema.json",
        "qga/qapi-schema.json",
        "storage-daemon/qapi/qapi-schema.json",
    ] {
        let schema = checked(&corpus.join(file));
        for parsed in &schema.exprs {
            let expr = &parsed.expr;
            if expr.contains_key("include") {
                assert!(parsed.info.defn.is_none());
                continue;
            }
            assert!(parsed.info.defn.is_some(), "{file}: {expr:?}");
            assert!(all_dicts(expr.get("features"), "name"), "{expr:?}");
            if expr.contains_key("enum") {
                assert!(all_dicts(expr.get("data"), "name"), "{expr:?}");
            } else if let Some(Value::Dict(_)) = expr.get("data") {
                assert!(all_dicts(expr.get("data"), "type"), "{expr:?}");
            }
        }
    }
}

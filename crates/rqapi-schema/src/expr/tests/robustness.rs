//! Inputs QEMU never sees or crashes on: we must answer without panicking.

use proptest::prelude::*;
use serde_json::json;

use super::{outcome, schema};
use crate::expr::{MAX_IF_NESTING, check_exprs};
use crate::parser::Pragma;
use crate::value::{Dict, Value};

#[test]
fn empty_enum_value_is_an_invalid_name() {
    // QEMU's expr.py raises IndexError here.
    let got = outcome(&json!([{"enum": "Foo", "data": [""]}]), Pragma::default());
    assert_eq!(
        got.unwrap_err(),
        "test.json: In enum 'Foo':\ntest.json:1: 'data' member '' has an invalid name"
    );
}

#[test]
fn defn_is_set_on_checked_expressions() {
    let mut s = schema(
        &json!([{"include": "a.json"}, {"command": "cmd"}, {"enum": "E", "data": []}]),
        Pragma::default(),
    );
    let _ = check_exprs(&mut s);
    assert!(s.exprs[0].info.defn.is_none());
    let defn = s.exprs[1].info.defn.as_deref().expect("defn set");
    assert_eq!((defn.meta.as_str(), defn.name.as_str()), ("command", "cmd"));
    // Set before the name check fails, as QEMU does.
    let defn = s.exprs[2].info.defn.as_deref().expect("defn set");
    assert_eq!((defn.meta.as_str(), defn.name.as_str()), ("enum", "E"));
}

fn nested_not(depth: usize) -> Value {
    let mut cond = Value::Str("A".into());
    for _ in 0..depth {
        cond = Value::Dict(Dict::from_iter([("not".to_owned(), cond)]));
    }
    cond
}

fn check_struct_with_if(cond: Value) -> Result<(), String> {
    let mut s = schema(&json!([{"struct": "Foo", "data": {}}]), Pragma::default());
    s.exprs[0].expr.insert("if".into(), cond);
    let result = check_exprs(&mut s).map_err(|e| e.to_string());
    // Dropping a deep value recurses; keep it off this thread's stack.
    let deep = std::mem::take(&mut s.exprs);
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || drop(deep))
        .expect("spawn")
        .join()
        .expect("drop");
    result
}

#[test]
fn deeply_nested_condition_is_an_error_not_an_overflow() {
    let err = check_struct_with_if(nested_not(200_000)).unwrap_err();
    assert_eq!(
        err,
        "test.json: In struct 'Foo':\ntest.json:1: 'if' condition of struct \
         is nested deeper than 100 levels"
    );
}

#[test]
fn condition_nesting_is_bounded_at_max_if_nesting() {
    assert_eq!(check_struct_with_if(nested_not(MAX_IF_NESTING)), Ok(()));
    assert!(check_struct_with_if(nested_not(MAX_IF_NESTING + 1)).is_err());
    // `all` and `any` count as levels too, wherever they sit in a list.
    let mut cond = Value::Str("A".into());
    for i in 0..=MAX_IF_NESTING {
        let op = if i % 2 == 0 { "all" } else { "any" };
        let items = Value::List(vec![Value::Str("B".into()), cond]);
        cond = Value::Dict(Dict::from_iter([(op.to_owned(), items)]));
    }
    let err = check_struct_with_if(cond).unwrap_err();
    assert!(err.ends_with("is nested deeper than 100 levels"), "{err}");
}

fn arb_value() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "enum",
        "struct",
        "union",
        "alternate",
        "command",
        "event",
        "data",
        "base",
        "if",
        "features",
        "name",
        "type",
        "prefix",
        "discriminator",
        "boxed",
        "returns",
        "all",
        "any",
        "not",
        "gen",
        "allow-oob",
        "coroutine",
        "*a",
        "a",
        "Foo",
        "X",
        "",
    ]);
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec![
            "", "Foo", "a", "A", "x-b", "1", "q_x", "*a", "FooList"
        ])
        .prop_map(|s| Value::Str(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::vec((key.clone().prop_map(str::to_owned), inner), 0..5)
                .prop_map(|kv| Value::Dict(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_shapes_never_panic(exprs in prop::collection::vec(arb_value(), 1..4)) {
        let mut s = schema(&json!([]), Pragma::default());
        for (i, e) in exprs.into_iter().enumerate() {
            let mut parsed = schema(&json!([{}]), Pragma::default()).exprs.remove(0);
            parsed.info.line = i as u32 + 1;
            parsed.expr = match e {
                Value::Dict(d) => d,
                other => Dict::from_iter([("struct".to_owned(), other)]),
            };
            s.exprs.push(parsed);
        }
        let _ = check_exprs(&mut s);
    }
}

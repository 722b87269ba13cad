//! The generated dispatcher of our own schema: QEMU's texts for bad
//! requests, policies, disabled commands, typed calls.

use rqapi_codegen_tests::everything::commands::{self, Commands};
use rqapi_codegen_tests::everything::types::{Scalars, Shape, ShapeBranch, Value};
use rqapi_runtime::qapi::dispatch::DispatchState;
use rqapi_runtime::qapi::{CompatPolicy, InputPolicy, OutputPolicy};
use rqapi_runtime::qmp::{ErrorClass, QmpError};
use serde_json::{Map, Value as Json, json};

struct Handler;

impl Commands for Handler {
    async fn ping(&self) -> Result<(), QmpError> {
        Ok(())
    }
    async fn add(&self, a: i8, b: i8, saturate: Option<bool>) -> Result<i64, QmpError> {
        let sum = i64::from(a) + i64::from(b);
        Ok(if saturate == Some(true) {
            sum.clamp(-128, 127)
        } else {
            sum
        })
    }
    async fn echo(&self, value: Value) -> Result<Value, QmpError> {
        Ok(value)
    }
    async fn draw(&self, arguments: Shape) -> Result<Vec<Shape>, QmpError> {
        Ok(vec![arguments.clone(), arguments])
    }
    async fn store(&self, arguments: Scalars) -> Result<Scalars, QmpError> {
        Ok(arguments)
    }
    async fn old_command(&self) -> Result<(), QmpError> {
        Ok(())
    }
    async fn x_experiment(&self) -> Result<(), QmpError> {
        Ok(())
    }
    async fn raw(&self, arguments: &Map<String, Json>) -> Result<Json, QmpError> {
        Ok(Json::Object(arguments.clone()))
    }
    async fn shutdown(&self) -> Result<(), QmpError> {
        Ok(())
    }
    #[cfg(target_os = "linux")]
    async fn linux_only(&self) -> Result<(), QmpError> {
        Ok(())
    }
}

fn run_with(
    state: &DispatchState,
    command: &str,
    args: Json,
    oob: bool,
) -> Result<Option<Json>, QmpError> {
    let Json::Object(args) = args else {
        panic!("test arguments must be an object")
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(commands::dispatch(&Handler, state, command, args, oob))
}

fn run(command: &str, args: Json) -> Result<Option<Json>, QmpError> {
    run_with(&DispatchState::default(), command, args, false)
}

fn err(command: &str, args: Json) -> String {
    run(command, args).expect_err("must fail").desc
}

#[test]
fn typed_calls_return_values() {
    assert_eq!(run("ping", json!({})).unwrap(), Some(json!({})));
    assert_eq!(
        run("add", json!({"a": 100, "b": 100})).unwrap(),
        Some(json!(200))
    );
    assert_eq!(
        run("add", json!({"a": 100, "b": 100, "saturate": true})).unwrap(),
        Some(json!(127))
    );
    assert_eq!(run("echo", json!({"value": 5})).unwrap(), Some(json!(5)));
    assert_eq!(
        run("echo", json!({"value": null})).unwrap(),
        Some(json!(null))
    );
    assert_eq!(
        run("raw", json!({"x": [1]})).unwrap(),
        Some(json!({"x": [1]}))
    );
    assert_eq!(
        run("shutdown", json!({})).unwrap(),
        None,
        "no success response"
    );
}

#[test]
fn unknown_and_disabled_commands() {
    let e = run("nope", json!({})).unwrap_err();
    assert_eq!(
        (e.class, e.desc.as_str()),
        (
            ErrorClass::CommandNotFound,
            "The command nope has not been found"
        )
    );
    assert_eq!(
        err("never", json!({})),
        "The command never has not been found"
    );
    let mut state = DispatchState::default();
    state.disable("ping", None);
    let e = run_with(&state, "ping", json!({}), false).unwrap_err();
    assert_eq!(
        (e.class, e.desc.as_str()),
        (
            ErrorClass::CommandNotFound,
            "Command ping has been disabled"
        )
    );
    state.disable("ping", Some("the guest is frozen"));
    assert_eq!(
        run_with(&state, "ping", json!({}), false).unwrap_err().desc,
        "Command ping has been disabled: the guest is frozen"
    );
    state.enable("ping");
    assert!(run_with(&state, "ping", json!({}), false).is_ok());
    assert_eq!(
        run_with(&state, "ping", json!({}), true).unwrap_err().desc,
        "The command ping does not support OOB"
    );
    assert!(run_with(&state, "x-experiment", json!({}), true).is_ok());
}

#[test]
fn argument_errors_in_qemu_words() {
    assert_eq!(err("ping", json!({"x": 1})), "Parameter 'x' is unexpected");
    assert_eq!(err("add", json!({"b": 1})), "Parameter 'a' is missing");
    assert_eq!(
        err("add", json!({"a": "1", "b": 1})),
        "Invalid parameter type for 'a', expected: integer"
    );
    assert_eq!(
        err("add", json!({"a": 1.5, "b": 1})),
        "Invalid parameter type for 'a', expected: integer"
    );
    assert_eq!(
        err("add", json!({"a": 128, "b": 1})),
        "Parameter 'a' expects int8_t"
    );
    assert_eq!(
        err("add", json!({"a": 1, "b": 1, "saturate": 1})),
        "Invalid parameter type for 'saturate', expected: boolean"
    );
    // Unexpected members are only reported once all members were visited.
    assert_eq!(
        err("add", json!({"zz": 1, "a": 1})),
        "Parameter 'b' is missing"
    );
    assert_eq!(
        err("add", json!({"a": 1, "b": 2, "zz": 1})),
        "Parameter 'zz' is unexpected"
    );
    // Alternates choose by JSON type, and say which alternate they wanted.
    assert_eq!(
        err("echo", json!({"value": "s"})),
        "Invalid parameter type for 'value', expected: Value"
    );
    assert_eq!(
        err("echo", json!({"value": {"label": "x"}})),
        "Parameter 'value.id' is missing"
    );
    assert_eq!(
        err("echo", json!({"value": {"id": 1, "q": 2}})),
        "Parameter 'value.q' is unexpected"
    );
}

fn scalars() -> Json {
    json!({
        "id": 1, "i8": -128, "i16": 2, "i32": 3, "i64": 4, "u8": 255, "u16": 6,
        "u32": 7, "u64": 8, "int": 9, "size": 10, "num": 1.5, "flag": true,
        "text": "t", "anything": {"deep": [1, null]}, "nothing": null,
        "colour": "red", "list": ["a"], "matrix": [{"id": 2, "label": "l"}],
        "type": "32bit"
    })
}

#[test]
fn nested_paths_and_ranges() {
    assert_eq!(run("store", scalars()).unwrap(), Some(scalars()));
    let with = |k: &str, v: Json| {
        let mut s = scalars();
        s[k] = v;
        err("store", s)
    };
    assert_eq!(with("u8", json!(256)), "Parameter 'u8' expects uint8_t");
    assert_eq!(with("u8", json!(-1)), "Parameter 'u8' expects uint8_t");
    assert_eq!(with("u16", json!("x")), "Parameter 'u16' expects uint64");
    assert_eq!(
        with("num", json!("x")),
        "Invalid parameter type for 'num', expected: number"
    );
    assert_eq!(
        with("nothing", json!(0)),
        "Invalid parameter type for 'nothing', expected: null"
    );
    assert_eq!(
        with("colour", json!("pink")),
        "Parameter 'colour' does not accept value 'pink'"
    );
    assert_eq!(
        with("colour", json!("never")),
        "Parameter 'colour' does not accept value 'never'"
    );
    assert_eq!(
        with("list", json!(["a", 1])),
        "Invalid parameter type for 'list[1]', expected: string"
    );
    assert_eq!(
        with("list", json!("a")),
        "Invalid parameter type for 'list', expected: array"
    );
    assert_eq!(
        with("matrix", json!([{"id": 1}, {}])),
        "Parameter 'matrix[1].id' is missing"
    );
    assert_eq!(
        with("matrix", json!([{"id": 1, "x": 0}])),
        "Parameter 'matrix[0].x' is unexpected"
    );
    assert_eq!(
        with("matrix", json!([5])),
        "Invalid parameter type for 'matrix[0]', expected: object"
    );
    assert_eq!(
        with("type", json!(["x"])),
        "Invalid parameter type for 'type', expected: string"
    );
}

#[test]
fn uint64_wraps_negative_input_like_qemu() {
    let mut s = scalars();
    s["u64"] = json!(-1);
    let back = run("store", s).unwrap().unwrap();
    assert_eq!(back["u64"], json!(u64::MAX));
}

#[test]
fn unions_flatten_base_tag_and_branch() {
    let circle = json!({"name": "c", "kind": "circle", "radius": 2.0});
    let out = run("draw", circle.clone()).unwrap().unwrap();
    assert_eq!(out, json!([circle, circle]));
    let order: Vec<&String> = out[0].as_object().unwrap().keys().collect();
    assert_eq!(order, ["name", "kind", "radius"], "QEMU's member order");
    assert_eq!(
        err("draw", json!({"name": "c", "kind": "circle"})),
        "Parameter 'radius' is missing"
    );
    assert_eq!(
        err("draw", json!({"name": "c", "kind": "hexagon"})),
        "Parameter 'kind' does not accept value 'hexagon'"
    );
    assert_eq!(
        err("draw", json!({"name": "p", "kind": "point", "radius": 1})),
        "Parameter 'radius' is unexpected"
    );
    assert_eq!(
        err(
            "draw",
            json!({"name": "p", "kind": "polygon", "corners": [], "inner": {"name": "i", "kind": "square"}})
        ),
        "Parameter 'inner.side' is missing"
    );
    let shape: Shape = serde_json::from_value(json!({"name": "p", "kind": "point"})).unwrap();
    assert_eq!(shape.kind, ShapeBranch::Point);
}

#[test]
fn compat_policy_as_qemu() {
    let reject = CompatPolicy {
        deprecated_input: InputPolicy::Reject,
        unstable_input: InputPolicy::Reject,
        ..CompatPolicy::default()
    };
    let state = DispatchState::new(reject);
    let e = run_with(&state, "old-command", json!({}), false).unwrap_err();
    assert_eq!(
        (e.class, e.desc.as_str()),
        (
            ErrorClass::CommandNotFound,
            "Deprecated command old-command disabled by policy"
        )
    );
    assert_eq!(
        run_with(&state, "x-experiment", json!({}), false)
            .unwrap_err()
            .desc,
        "Unstable command x-experiment disabled by policy"
    );
    let mut s = scalars();
    s["old"] = json!(1);
    let e = run_with(&state, "store", s.clone(), false).unwrap_err();
    assert_eq!(
        (e.class, e.desc.as_str()),
        (
            ErrorClass::GenericError,
            "Deprecated parameter old disabled by policy"
        )
    );
    let mut uv = scalars();
    uv["colour"] = json!("ultraviolet");
    assert_eq!(
        run_with(&state, "store", uv, false).unwrap_err().desc,
        "Deprecated value ultraviolet disabled by policy"
    );
    // Hidden output: the deprecated member disappears from the return.
    let hide = DispatchState::new(CompatPolicy {
        deprecated_output: OutputPolicy::Hide,
        ..CompatPolicy::default()
    });
    let out = run_with(&hide, "store", s.clone(), false).unwrap().unwrap();
    assert!(out.get("old").is_none());
    assert_eq!(run("store", s.clone()).unwrap().unwrap()["old"], json!(1));
}

#[test]
fn command_table_has_qemu_options() {
    let find = |n: &str| commands::COMMANDS.iter().find(|c| c.name == n).unwrap();
    assert!(
        !find("shutdown").success_response
            && find("shutdown").allow_preconfig
            && find("shutdown").coroutine
    );
    assert!(find("x-experiment").allow_oob && find("x-experiment").features.is_unstable());
    assert!(!find("raw").generated);
    assert!(find("old-command").features.is_deprecated());
    assert!(commands::COMMANDS.iter().all(|c| c.name != "never"));
    assert_eq!(
        commands::COMMANDS.iter().any(|c| c.name == "linux-only"),
        cfg!(target_os = "linux")
    );
}

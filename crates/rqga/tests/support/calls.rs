//! Calling our handlers through the generated dispatcher (argument
//! checking included), in the three shapes the tests use: `Result`
//! ([`call`]), the wire's response object ([`wire`]) and blocking
//! ([`blocking`]).

use rqapi_runtime::qapi::dispatch::DispatchState;
use rqapi_runtime::qapi::serde_json::{Map, Value, json};
use rqapi_runtime::qmp::QmpError;
use rqga::commands::Handlers;

fn object(args: Value) -> Map<String, Value> {
    match args {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => panic!("arguments must be an object, got {other}"),
    }
}

/// Runs `name` with `args` (an object, or null for none); the `return`
/// value (null for commands without one) or the error.
pub async fn call_map(
    h: &Handlers,
    name: &str,
    args: Map<String, Value>,
) -> Result<Value, QmpError> {
    rqga::qapi::commands::dispatch(h, &DispatchState::default(), name, args, false)
        .await
        .map(|v| v.unwrap_or(Value::Null))
}

/// [`call_map`] with the arguments as a JSON value.
pub async fn call(h: &Handlers, name: &str, args: Value) -> Result<Value, QmpError> {
    call_map(h, name, object(args)).await
}

/// The error text of a call that must fail.
pub async fn call_err(h: &Handlers, name: &str, args: Value) -> String {
    match call(h, name, args).await {
        Ok(v) => panic!("{name} succeeded with {v}"),
        Err(e) => e.desc,
    }
}

/// Responses as the wire shows them: `{"return": ...}` or
/// `{"error": {"class", "desc"}}`.
pub mod wire {
    use super::*;
    pub use crate::support::{CAgent, serde_json, sorted};
    pub use rqapi_runtime::qapi::serde_json::{Value, json};

    pub async fn call(h: &Handlers, command: &str, args: Value) -> Value {
        match super::call(h, command, args).await {
            Ok(ret) => json!({ "return": ret }),
            Err(e) => json!({ "error": { "class": e.class.as_str(), "desc": e.desc } }),
        }
    }

    /// The `return` member, or a panic showing the error.
    pub async fn ok(h: &Handlers, command: &str, args: Value) -> Value {
        let resp = call(h, command, args.clone()).await;
        match resp.get("return") {
            Some(v) => v.clone(),
            None => panic!("{command} {args}: {resp}"),
        }
    }

    /// The error's `desc`, or a panic showing the success.
    pub async fn err(h: &Handlers, command: &str, args: Value) -> String {
        let resp = call(h, command, args.clone()).await;
        match resp.pointer("/error/desc").and_then(Value::as_str) {
            Some(d) => d.to_owned(),
            None => panic!("{command} {args}: expected an error, got {resp}"),
        }
    }
}

/// Blocking calls for plain `#[test]`s (a runtime per call).
pub mod blocking {
    pub use super::call_map as call_async;
    use super::*;

    pub fn call(h: &Handlers, name: &str, args: Value) -> Result<Value, QmpError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(super::call(h, name, args))
    }

    /// The error text of a failed call.
    pub fn error_of(r: Result<Value, QmpError>) -> String {
        match r {
            Err(e) => e.desc,
            Ok(v) => panic!("expected an error, got {v}"),
        }
    }
}

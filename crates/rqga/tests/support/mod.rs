//! Helpers shared by all rqga test binaries (each test binary includes
//! this module with `#[path]`): calling handlers through the generated
//! dispatcher, fakes for programs and the clock, running an agent
//! process (the C qemu-ga or our binary) on a private unix socket, and
//! running agents for their command-line behaviour.

#![allow(dead_code, unused_imports)]

pub mod agent;
pub mod calls;
pub mod cli;
pub mod fakes;

pub use agent::{AgentProcess, C_AGENT, CAgent, OURS, RunAs};
pub use rqapi_runtime::qapi::serde_json::{self, Map, Value, json};

/// `value` with every object's members in name order, for comparing
/// answers whose member order differs (the C agent uses hash order).
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<_> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The JSON type of every member, recursively, for shape comparisons.
pub fn shape(v: &Value) -> Value {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        // %.17g prints whole doubles without a point: do not tell apart.
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
    }
}

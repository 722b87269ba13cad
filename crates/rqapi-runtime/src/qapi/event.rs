//! Events: the generated `Event` enum implements [`QapiEvent`]; this turns
//! one into QMP's event message and reads messages back (clients).

use serde_json::Value;

use super::compat::CompatPolicy;
use crate::qmp::{QmpError, Timestamp, event_message};

/// A typed event of a schema.
pub trait QapiEvent: Sized {
    /// The event name on the wire (`SHUTDOWN`).
    fn name(&self) -> &'static str;
    /// The `data` member, under the output `policy`; `None` for events
    /// without data.
    fn data(&self, policy: CompatPolicy) -> Result<Option<Value>, QmpError>;
    /// Reads an event from its name and `data` member (tolerant of unknown
    /// members, as a client should be); `Ok(None)` for unknown events.
    fn from_parts(name: &str, data: Option<&Value>) -> Result<Option<Self>, QmpError>;
}

/// Reads an event's `data` member (absent means no members), tolerantly
/// and under the default policy, as clients read events.
pub fn data_from_parts<T: super::Visit>(data: Option<&Value>) -> Result<T, QmpError> {
    let empty = Value::Object(serde_json::Map::new());
    super::from_value(data.unwrap_or(&empty), false, CompatPolicy::default())
}

/// `{"event": NAME, "timestamp": {"seconds", "microseconds"}, "data": {...}}`
/// as QEMU emits it.
pub fn to_message<E: QapiEvent>(
    event: &E,
    timestamp: Timestamp,
    policy: CompatPolicy,
) -> Result<Value, QmpError> {
    Ok(event_message(event.name(), event.data(policy)?, timestamp))
}

/// Reads an event message; `Ok(None)` when it is no event of this schema.
pub fn from_message<E: QapiEvent>(message: &Value) -> Result<Option<E>, QmpError> {
    let Some(name) = message.get("event").and_then(Value::as_str) else {
        return Err(QmpError::generic("event message lacks member 'event'"));
    };
    E::from_parts(name, message.get("data"))
}

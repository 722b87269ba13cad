//! Building responses and events as QEMU does.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::QmpError;

/// `{"return": value, "id": id}` (no `id` member when the request had none).
pub fn success_response(ret: Value, id: Option<Value>) -> Value {
    let mut response = Map::new();
    response.insert("return".to_owned(), ret);
    if let Some(id) = id {
        response.insert("id".to_owned(), id);
    }
    Value::Object(response)
}

/// `{"error": {"class": ..., "desc": ...}, "id": id}`.
pub fn error_response(error: &QmpError, id: Option<Value>) -> Value {
    let mut body = Map::new();
    body.insert("class".to_owned(), Value::from(error.class.as_str()));
    body.insert("desc".to_owned(), Value::from(error.desc.as_str()));
    let mut response = Map::new();
    response.insert("error".to_owned(), Value::Object(body));
    if let Some(id) = id {
        response.insert("id".to_owned(), id);
    }
    Value::Object(response)
}

/// Wall-clock time of an event, split as QEMU splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub seconds: i64,
    pub microseconds: i64,
}

impl Timestamp {
    pub fn now() -> Self {
        let micros = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
        };
        Self::from_micros(micros)
    }

    /// From microseconds since the epoch (C division: both parts share the sign).
    pub fn from_micros(micros: i64) -> Self {
        Timestamp {
            seconds: micros / 1_000_000,
            microseconds: micros % 1_000_000,
        }
    }

    fn to_value(self) -> Value {
        let mut ts = Map::new();
        ts.insert("seconds".to_owned(), Value::from(self.seconds));
        ts.insert("microseconds".to_owned(), Value::from(self.microseconds));
        Value::Object(ts)
    }
}

/// An event message: `{"event": name, "timestamp": {...}, "data": data}`,
/// members inserted in QEMU's order (`data` only when the event has any).
pub fn event_message(name: &str, data: Option<Value>, timestamp: Timestamp) -> Value {
    let mut event = Map::new();
    event.insert("event".to_owned(), Value::from(name));
    event.insert("timestamp".to_owned(), timestamp.to_value());
    if let Some(data) = data {
        event.insert("data".to_owned(), data);
    }
    Value::Object(event)
}

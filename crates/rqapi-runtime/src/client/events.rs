//! Events as clients receive them.

use serde_json::Value;
use tokio::sync::broadcast;

use crate::qmp::Timestamp;

/// One event message.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    /// The `data` member, when the event has one.
    pub data: Option<Value>,
    pub timestamp: Option<Timestamp>,
}

impl Event {
    /// Reads an event message; `None` when it has no string `event` member.
    pub fn from_message(mut message: serde_json::Map<String, Value>) -> Option<Event> {
        let Some(Value::String(name)) = message.remove("event") else {
            return None;
        };
        let timestamp = message.get("timestamp").and_then(|ts| {
            Some(Timestamp {
                seconds: ts.get("seconds")?.as_i64()?,
                microseconds: ts.get("microseconds")?.as_i64()?,
            })
        });
        Some(Event {
            name,
            data: message.remove("data"),
            timestamp,
        })
    }
}

/// The events a client receives from the moment it was created.
///
/// A receiver that falls behind by more than the client's event capacity
/// loses the oldest events (logged), so a forgotten receiver cannot make
/// the client's memory grow.
#[derive(Debug)]
pub struct EventStream {
    receiver: broadcast::Receiver<Event>,
}

impl EventStream {
    pub(crate) fn new(receiver: broadcast::Receiver<Event>) -> Self {
        EventStream { receiver }
    }

    /// The next event; `None` once the connection has ended and every
    /// event was taken.
    pub async fn next(&mut self) -> Option<Event> {
        loop {
            match self.receiver.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(lost)) => {
                    tracing::warn!(lost, "QMP event receiver fell behind; events lost");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// The next event with the given name, skipping others.
    pub async fn next_named(&mut self, name: &str) -> Option<Event> {
        loop {
            let event = self.next().await?;
            if event.name == name {
                return Some(event);
            }
        }
    }

    /// The underlying tokio receiver.
    pub fn into_inner(self) -> broadcast::Receiver<Event> {
        self.receiver
    }
}

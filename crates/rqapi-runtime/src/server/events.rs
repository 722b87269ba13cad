//! Events go to every client in command mode (QEMU sends none during
//! capabilities negotiation).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::output::{Output, qmp_line};
use crate::qapi::CompatPolicy;
use crate::qapi::event::{QapiEvent, to_message};
use crate::qmp::{QmpError, Timestamp, event_message};
use crate::sync::lock;

/// Sends events to the clients of a [`QmpServer`](super::QmpServer).
/// Cheap to clone; sending never waits for clients.
#[derive(Debug, Clone, Default)]
pub struct EventSender {
    clients: Arc<Mutex<HashMap<u64, Arc<Output>>>>,
}

impl EventSender {
    /// Sends `{"event": name, "timestamp": now, "data": data}`.
    pub fn emit(&self, name: &str, data: Option<Value>) {
        self.emit_message(&event_message(name, data, Timestamp::now()));
    }

    /// Sends a typed event, its data serialised under `policy`.
    pub fn emit_event<E: QapiEvent>(
        &self,
        event: &E,
        policy: CompatPolicy,
    ) -> Result<(), QmpError> {
        self.emit_message(&to_message(event, Timestamp::now(), policy)?);
        Ok(())
    }

    /// Sends an already built event message.
    pub fn emit_message(&self, message: &Value) {
        let line = qmp_line(message);
        for output in lock(&self.clients).values() {
            output.push(&line);
        }
    }

    /// How many clients receive events now.
    pub fn receivers(&self) -> usize {
        lock(&self.clients).len()
    }

    pub(crate) fn subscribe(&self, client: u64, output: Arc<Output>) {
        lock(&self.clients).insert(client, output);
    }

    pub(crate) fn unsubscribe(&self, client: u64) {
        lock(&self.clients).remove(&client);
    }
}

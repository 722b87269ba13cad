//! Checking that a message is a well-formed request, in QEMU's words
//! (`qmp_dispatch_check_obj` and the start of `qmp_dispatch`).

use serde_json::{Map, Value};

use super::QmpError;
use crate::json::{Message, qdict_order};

/// Which protocol's request rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// The guest agent: no out-of-band execution, so `exec-oob` is an
    /// unexpected member.
    GuestAgent,
    /// The QMP monitor; `exec-oob` is accepted once the client enabled the
    /// `oob` capability.
    Qmp { oob_enabled: bool },
}

impl Flavor {
    fn allows_oob(self) -> bool {
        matches!(self, Flavor::Qmp { oob_enabled: true })
    }
}

/// A checked request, ready for dispatch.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The command name, from `execute` or `exec-oob`.
    pub command: String,
    /// The `arguments` object (empty when absent).
    pub arguments: Map<String, Value>,
    /// The `id` member, echoed verbatim in the response.
    pub id: Option<Value>,
    /// Whether the command came as `exec-oob`.
    pub oob: bool,
}

/// A message refused before dispatch, with the `id` to echo (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub error: QmpError,
    pub id: Option<Value>,
}

impl Rejection {
    /// The error response to send.
    pub fn response(self) -> Value {
        super::error_response(&self.error, self.id)
    }
}

/// Turns one message from the [`Reader`](crate::json::Reader) into a request,
/// or the error to answer. Parse errors carry no `id`.
pub fn parse_request(message: Message, flavor: Flavor) -> Result<Request, Rejection> {
    match message {
        Ok(value) => check_request(value, flavor),
        Err(error) => Err(Rejection {
            error: error.into(),
            id: None,
        }),
    }
}

/// Checks a parsed message as QEMU does. The `id` is echoed with every error
/// found here, except when the message is not an object at all.
pub fn check_request(message: Value, flavor: Flavor) -> Result<Request, Rejection> {
    let Value::Object(mut members) = message else {
        return Err(Rejection {
            error: QmpError::generic("QMP input must be a JSON object"),
            id: None,
        });
    };
    let oob = match check_members(&members, flavor) {
        Ok(oob) => oob,
        Err(desc) => {
            return Err(Rejection {
                error: QmpError::generic(desc),
                id: members.remove("id"),
            });
        }
    };
    // Checked: one string command member, `arguments` an object if
    // present, `id` anything. Taken apart without hash lookups.
    let mut request = Request {
        command: String::new(),
        arguments: Map::new(),
        id: None,
        oob,
    };
    for (name, value) in members {
        match (name.as_str(), value) {
            ("execute" | "exec-oob", Value::String(command)) => request.command = command,
            ("arguments", Value::Object(arguments)) => request.arguments = arguments,
            ("id", id) => request.id = Some(id),
            _ => {}
        }
    }
    Ok(request)
}

const LACKS_EXECUTE: &str = "QMP input lacks member 'execute'";

/// Checks every member; QEMU visits them in its hash order and reports the
/// first problem, so when there is one we look again in that order.
/// Returns whether the command is `exec-oob`.
fn check_members(members: &Map<String, Value>, flavor: Flavor) -> Result<bool, String> {
    if let Ok(oob) = check_in_order(members.iter(), flavor) {
        return Ok(oob);
    }
    let entries: Vec<(&String, &Value)> = members.iter().collect();
    let order = qdict_order(members.keys().map(String::as_str));
    check_in_order(order.into_iter().map(|i| entries[i]), flavor)
}

fn check_in_order<'a>(
    members: impl Iterator<Item = (&'a String, &'a Value)>,
    flavor: Flavor,
) -> Result<bool, String> {
    let mut exec_key: Option<&str> = None;
    for (name, value) in members {
        match name.as_str() {
            "execute" | "exec-oob" if name == "execute" || flavor.allows_oob() => {
                if !value.is_string() {
                    return Err(format!("QMP input member '{name}' must be a string"));
                }
                if let Some(first) = exec_key {
                    return Err(format!("QMP input member '{name}' clashes with '{first}'"));
                }
                exec_key = Some(name);
            }
            "arguments" if !value.is_object() => {
                return Err("QMP input member 'arguments' must be an object".to_owned());
            }
            "arguments" | "id" => {}
            _ => return Err(format!("QMP input member '{name}' is unexpected")),
        }
    }
    match exec_key {
        Some(key) => Ok(key == "exec-oob"),
        None => Err(LACKS_EXECUTE.to_owned()),
    }
}

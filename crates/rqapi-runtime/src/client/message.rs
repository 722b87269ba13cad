//! One message from the server, with the commonest shape, a successful
//! answer `{"return": ..., "id": N}`, kept apart: its id is routed and its
//! `return` handed over without building (and taking apart again) the
//! outer object.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::plain::{Checked, CheckedVisitor};

#[derive(Debug)]
pub(crate) enum Message {
    /// Exactly the members `return` and a `u64` `id`.
    Return {
        id: u64,
        value: Value,
        /// Whether `return` came before `id` (to rebuild it as it came).
        return_first: bool,
    },
    Other(Value),
}

impl Message {
    /// The message as one JSON value.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Message::Other(value) => value,
            Message::Return {
                id,
                value,
                return_first,
            } => {
                let mut members = Map::with_capacity(2);
                let id = ("id".to_owned(), Value::from(id));
                let ret = ("return".to_owned(), value);
                let (first, second) = match return_first {
                    true => (ret, id),
                    false => (id, ret),
                };
                members.extend([first, second]);
                Value::Object(members)
            }
        }
    }
}

/// A response handed to the caller that waits for it.
#[derive(Debug)]
pub(crate) enum Response {
    /// The `return` member of a `{"return": ..., "id": N}` answer.
    Return(Value),
    /// Any other response, whole.
    Full(Map<String, Value>),
}

/// serde_json's reading of a whole message, and whether it is plain (see
/// [`Checked`]).
pub(crate) struct CheckedMessage {
    pub(crate) message: Message,
    pub(crate) plain: bool,
}

impl<'de> Deserialize<'de> for CheckedMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MessageVisitor)
    }
}

/// An object key, without allocating the two the envelope uses.
enum Key {
    Return,
    Id,
    Other(String),
}

impl Key {
    fn into_string(self) -> String {
        match self {
            Key::Return => "return".to_owned(),
            Key::Id => "id".to_owned(),
            Key::Other(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "return" => Key::Return,
            "id" => Key::Id,
            _ => Key::Other(v.to_owned()),
        })
    }

    fn visit_string<E>(self, v: String) -> Result<Key, E> {
        Ok(match v.as_str() {
            "return" => Key::Return,
            "id" => Key::Id,
            _ => Key::Other(v),
        })
    }
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = CheckedMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CheckedMessage, A::Error> {
        let mut members: Vec<(Key, Value)> = Vec::with_capacity(4);
        let mut plain = true;
        while let Some(key) = map.next_key::<Key>()? {
            let item = map.next_value::<Checked>()?;
            plain &= item.plain;
            members.push((key, item.value));
        }
        let shape = match members.as_slice() {
            [(Key::Return, _), (Key::Id, Value::Number(id))] => id.as_u64().map(|id| (id, true)),
            [(Key::Id, Value::Number(id)), (Key::Return, _)] => id.as_u64().map(|id| (id, false)),
            _ => None,
        };
        if let Some((id, return_first)) = shape {
            let value = members
                .into_iter()
                .find_map(|(key, value)| matches!(key, Key::Return).then_some(value))
                .unwrap_or_default();
            let message = Message::Return {
                id,
                value,
                return_first,
            };
            return Ok(CheckedMessage { message, plain });
        }
        let mut object = Map::new();
        for (key, value) in members {
            plain &= object.insert(key.into_string(), value).is_none();
        }
        Ok(CheckedMessage {
            message: Message::Other(Value::Object(object)),
            plain,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<CheckedMessage, A::Error> {
        let Checked { value, plain } = CheckedVisitor.visit_seq(seq)?;
        Ok(CheckedMessage {
            message: Message::Other(value),
            plain,
        })
    }
}

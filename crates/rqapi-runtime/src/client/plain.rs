//! serde_json's reading of a message, with a note of whether it is
//! "plain": no number that is not an integer (its rounding, or a huge
//! integer's conversion, is left to the exact reader) and no key twice in
//! an object (serde_json would keep one member where QEMU's reader reports
//! it differently). Checked while the value is built, in one pass.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A value and whether serde_json read it as the exact reader would.
pub(crate) struct Checked {
    pub(crate) value: Value,
    pub(crate) plain: bool,
}

impl Checked {
    fn plain(value: Value) -> Self {
        Checked { value, plain: true }
    }
}

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CheckedVisitor)
    }
}

pub(crate) struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Checked, E> {
        Ok(Checked::plain(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Checked, E> {
        Ok(Checked::plain(Value::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Checked, E> {
        Ok(Checked::plain(Value::Number(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Checked, E> {
        let value = Number::from_f64(v).map_or(Value::Null, Value::Number);
        Ok(Checked {
            value,
            plain: false,
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Checked, E> {
        Ok(Checked::plain(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Checked, E> {
        Ok(Checked::plain(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked::plain(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Checked, E> {
        Ok(Checked::plain(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        let mut items = Vec::new();
        let mut plain = true;
        while let Some(item) = seq.next_element::<Checked>()? {
            plain &= item.plain;
            items.push(item.value);
        }
        Ok(Checked {
            value: Value::Array(items),
            plain,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        let mut members = Map::new();
        let mut plain = true;
        while let Some(key) = map.next_key::<String>()? {
            let item = map.next_value::<Checked>()?;
            plain &= item.plain;
            plain &= members.insert(key, item.value).is_none();
        }
        Ok(Checked {
            value: Value::Object(members),
            plain,
        })
    }
}

//! Built-in types on input (`visit_type_int8` ... `visit_type_null`), with
//! QEMU's range checks and texts, and the `null` type.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::Visit;
use super::input::{Input, VisitResult};

fn int64(v: &Input, name: Option<&'static str>, value: &Value) -> VisitResult<i64> {
    value
        .as_i64()
        .ok_or_else(|| v.invalid_type(name, "integer"))
}

/// `uint64` accepts negative integers, wrapped, "for backward compatibility".
fn uint64(v: &Input, name: Option<&'static str>, value: &Value) -> VisitResult<u64> {
    value
        .as_u64()
        .or_else(|| value.as_i64().map(|i| i as u64))
        .ok_or_else(|| v.invalid_value_full(name, "uint64"))
}

macro_rules! signed {
    ($($t:ty => $c:literal),*) => {$(
        impl Visit for $t {
            fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
                let wide = int64(v, name, value)?;
                <$t>::try_from(wide).map_err(|_| Input::out_of_range(name, $c))
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($t:ty => $c:literal),*) => {$(
        impl Visit for $t {
            fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
                let wide = uint64(v, name, value)?;
                <$t>::try_from(wide).map_err(|_| Input::out_of_range(name, $c))
            }
        }
    )*};
}

signed!(i8 => "int8_t", i16 => "int16_t", i32 => "int32_t");
unsigned!(u8 => "uint8_t", u16 => "uint16_t", u32 => "uint32_t");

impl Visit for i64 {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        int64(v, name, value)
    }
}

/// Also `size`.
impl Visit for u64 {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        uint64(v, name, value)
    }
}

/// Any number, integers converted.
impl Visit for f64 {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        value.as_f64().ok_or_else(|| v.invalid_type(name, "number"))
    }
}

impl Visit for bool {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        value
            .as_bool()
            .ok_or_else(|| v.invalid_type(name, "boolean"))
    }
}

impl Visit for String {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        match value {
            Value::String(s) => Ok(s.clone()),
            _ => Err(v.invalid_type(name, "string")),
        }
    }

    fn visit_owned(v: &mut Input, name: Option<&'static str>, value: Value) -> VisitResult<Self> {
        match value {
            Value::String(s) => Ok(s),
            _ => Err(v.invalid_type(name, "string")),
        }
    }
}

/// QAPI's `any`: every JSON value.
impl Visit for Value {
    fn visit(_: &mut Input, _: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        Ok(value.clone())
    }

    fn visit_owned(_: &mut Input, _: Option<&'static str>, value: Value) -> VisitResult<Self> {
        Ok(value)
    }
}

/// QAPI's `null` type: only JSON `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Null;

impl Visit for Null {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        match value {
            Value::Null => Ok(Null),
            _ => Err(v.invalid_type(name, "null")),
        }
    }
}

impl Serialize for Null {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Null {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <()>::deserialize(deserializer).map(|()| Null)
    }
}

impl<T: Visit> Visit for Vec<T> {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        v.list(name, value)
    }

    fn visit_owned(v: &mut Input, name: Option<&'static str>, value: Value) -> VisitResult<Self> {
        v.list_owned(name, value)
    }
}

/// Recursive types are boxed.
impl<T: Visit> Visit for Box<T> {
    fn visit(v: &mut Input, name: Option<&'static str>, value: &Value) -> VisitResult<Self> {
        T::visit(v, name, value).map(Box::new)
    }

    fn visit_owned(v: &mut Input, name: Option<&'static str>, value: Value) -> VisitResult<Self> {
        T::visit_owned(v, name, value).map(Box::new)
    }
}

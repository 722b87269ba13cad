//! Built-in scalar types and JSON wire shapes.

/// How a type's values look on the wire (QEMU's `json_type()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    String,
    Number,
    Int,
    Boolean,
    Null,
    /// Any JSON value (`any` and alternates).
    Value,
    Array,
    Object,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Int => "int",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
            JsonType::Value => "value",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// The QType tag an alternate uses to tell branches apart;
    /// `None` for `value` (such types cannot be alternate branches).
    pub fn alternate_qtype(self) -> Option<&'static str> {
        Some(match self {
            JsonType::Null => "QTYPE_QNULL",
            JsonType::String => "QTYPE_QSTRING",
            JsonType::Number | JsonType::Int => "QTYPE_QNUM",
            JsonType::Boolean => "QTYPE_QBOOL",
            JsonType::Array => "QTYPE_QLIST",
            JsonType::Object => "QTYPE_QDICT",
            JsonType::Value => return None,
        })
    }
}

/// The built-in scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Str,
    Number,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Size,
    Bool,
    Any,
    Null,
}

impl Builtin {
    /// All built-ins in QEMU's definition order.
    pub const ALL: [Builtin; 15] = [
        Builtin::Str,
        Builtin::Number,
        Builtin::Int,
        Builtin::Int8,
        Builtin::Int16,
        Builtin::Int32,
        Builtin::Int64,
        Builtin::Uint8,
        Builtin::Uint16,
        Builtin::Uint32,
        Builtin::Uint64,
        Builtin::Size,
        Builtin::Bool,
        Builtin::Any,
        Builtin::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Str => "str",
            Builtin::Number => "number",
            Builtin::Int => "int",
            Builtin::Int8 => "int8",
            Builtin::Int16 => "int16",
            Builtin::Int32 => "int32",
            Builtin::Int64 => "int64",
            Builtin::Uint8 => "uint8",
            Builtin::Uint16 => "uint16",
            Builtin::Uint32 => "uint32",
            Builtin::Uint64 => "uint64",
            Builtin::Size => "size",
            Builtin::Bool => "bool",
            Builtin::Any => "any",
            Builtin::Null => "null",
        }
    }

    pub fn json_type(self) -> JsonType {
        match self {
            Builtin::Str => JsonType::String,
            Builtin::Number => JsonType::Number,
            Builtin::Bool => JsonType::Boolean,
            Builtin::Any => JsonType::Value,
            Builtin::Null => JsonType::Null,
            _ => JsonType::Int,
        }
    }
}

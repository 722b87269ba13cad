//! Values of QAPI's JSON dialect as the parser produces them.
//!
//! The schema language has only strings, booleans, arrays and objects
//! (numbers and `null` are rejected by the parser). Objects keep source order.

/// An object: keys in source order. Hashed with foldhash, as the other
/// name maps (see `hash.rs`): make one with `Dict::default()`.
pub type Dict = crate::hash::IndexMap<String, Value>;

/// Name lookups in a [`Dict`] that compare the keys directly when the
/// object is small, as schema objects nearly always are: cheaper than
/// hashing the name (the checks make tens of thousands of lookups).
pub(crate) trait DictExt {
    fn lookup(&self, key: &str) -> Option<&Value>;
    fn lookup_mut(&mut self, key: &str) -> Option<&mut Value>;
}

/// Up to this many keys, a scan beats hashing.
const SCAN_MAX: usize = 8;

impl DictExt for Dict {
    fn lookup(&self, key: &str) -> Option<&Value> {
        if self.len() > SCAN_MAX {
            return self.get(key);
        }
        self.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    }

    fn lookup_mut(&mut self, key: &str) -> Option<&mut Value> {
        if self.len() > SCAN_MAX {
            return self.get_mut(key);
        }
        self.iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Bool(bool),
    List(Vec<Value>),
    Dict(Dict),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// Python's `repr()` of the value, as QEMU's test dumps print conditions.
    pub fn python_repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(&python_str_repr(s)),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_repr(out);
                }
                out.push(']');
            }
            Value::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&python_str_repr(k));
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
        }
    }
}

/// Python's `repr()` of a `str`: single quotes unless the text has a single
/// quote and no double quote.
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        let mut d = Dict::default();
        d.insert(
            "all".into(),
            Value::List(vec![Value::Str("A".into()), Value::Str("B".into())]),
        );
        assert_eq!(Value::Dict(d).python_repr(), "{'all': ['A', 'B']}");
        assert_eq!(python_str_repr("it's"), "\"it's\"");
        assert_eq!(python_str_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(python_str_repr("\u{1}"), "'\\x01'");
    }
}

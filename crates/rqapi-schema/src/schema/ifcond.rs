//! Build conditions (`'if'`), typed, as QEMU's `QAPISchemaIfCond`.

use crate::error::{Error, Result};
use crate::source::SourceInfo;
use crate::value::{Dict, Value};

/// One condition expression: a config symbol or a combination.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// A configuration symbol such as `CONFIG_LINUX`.
    Str(String),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

/// The (possibly absent) condition of an entity, member or feature.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IfCond(Option<Cond>);

impl IfCond {
    /// No condition: always present.
    pub const NONE: IfCond = IfCond(None);

    pub fn new(cond: Option<Cond>) -> Self {
        IfCond(cond)
    }

    /// Converts an `'if'` value already validated by the expression checks.
    pub fn from_value(value: Option<&Value>, info: &SourceInfo) -> Result<Self> {
        value
            .map(|v| Cond::from_value(v, info))
            .transpose()
            .map(IfCond)
    }

    pub fn cond(&self) -> Option<&Cond> {
        self.0.as_ref()
    }

    /// QEMU's `is_present()`: whether there is a condition at all.
    pub fn is_present(&self) -> bool {
        self.0.is_some()
    }

    /// The condition as written in the schema (QEMU keeps the raw value).
    pub fn to_value(&self) -> Option<Value> {
        self.0.as_ref().map(Cond::to_value)
    }

    /// Python's `repr()` of the raw condition (`'X'`, `{'all': ['A', 'B']}`),
    /// or `None` as Python prints it.
    pub fn python_repr(&self) -> String {
        self.to_value()
            .map_or_else(|| "None".to_owned(), |v| v.python_repr())
    }

    /// C preprocessor form, like QEMU's `cgen_ifcond`: `defined(A) && !defined(B)`.
    /// Empty without condition.
    pub fn cgen(&self) -> String {
        self.render_with(&CGEN)
    }

    /// Documentation form, like QEMU's `docgen_ifcond`: `A and not B`.
    pub fn docgen(&self) -> String {
        self.render_with(&DOCGEN)
    }

    fn render_with(&self, style: &Style) -> String {
        self.0
            .as_ref()
            .map_or_else(String::new, |c| c.render(style, false))
    }
}

struct Style {
    symbol: (&'static str, &'static str),
    not: &'static str,
    all: &'static str,
    any: &'static str,
}

const CGEN: Style = Style {
    symbol: ("defined(", ")"),
    not: "!",
    all: " && ",
    any: " || ",
};

const DOCGEN: Style = Style {
    symbol: ("", ""),
    not: "not ",
    all: " and ",
    any: " or ",
};

impl Cond {
    fn from_value(value: &Value, info: &SourceInfo) -> Result<Self> {
        let bad = || Error::sem(info, "invalid 'if' condition");
        match value {
            Value::Str(s) => Ok(Cond::Str(s.clone())),
            Value::Dict(d) if d.len() == 1 => {
                let (op, arg) = d.get_index(0).ok_or_else(bad)?;
                match op.as_str() {
                    "not" => Ok(Cond::Not(Box::new(Cond::from_value(arg, info)?))),
                    "all" | "any" => {
                        let items = arg
                            .as_list()
                            .ok_or_else(bad)?
                            .iter()
                            .map(|v| Cond::from_value(v, info))
                            .collect::<Result<Vec<_>>>()?;
                        Ok(if op == "all" {
                            Cond::All(items)
                        } else {
                            Cond::Any(items)
                        })
                    }
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    pub fn to_value(&self) -> Value {
        let op = |name: &str, v: Value| Value::Dict(Dict::from_iter([(name.to_owned(), v)]));
        let list = |items: &[Cond]| Value::List(items.iter().map(Cond::to_value).collect());
        match self {
            Cond::Str(s) => Value::Str(s.clone()),
            Cond::All(items) => op("all", list(items)),
            Cond::Any(items) => op("any", list(items)),
            Cond::Not(c) => op("not", c.to_value()),
        }
    }

    fn render(&self, style: &Style, need_parens: bool) -> String {
        let infix = |sep: &str, items: &[Cond]| {
            let joined = items
                .iter()
                .map(|c| c.render(style, true))
                .collect::<Vec<_>>()
                .join(sep);
            if need_parens {
                format!("({joined})")
            } else {
                joined
            }
        };
        match self {
            Cond::Str(s) => format!("{}{s}{}", style.symbol.0, style.symbol.1),
            Cond::Not(c) => format!("{}{}", style.not, c.render(style, true)),
            Cond::All(items) => infix(style.all, items),
            Cond::Any(items) => infix(style.any, items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Cond {
        Cond::Str(x.into())
    }

    #[test]
    fn renders_like_cgen_ifcond() {
        let c = IfCond::new(Some(Cond::All(vec![
            s("A"),
            Cond::Not(Box::new(Cond::Any(vec![s("B"), s("C")]))),
        ])));
        assert_eq!(c.cgen(), "defined(A) && !(defined(B) || defined(C))");
        assert_eq!(c.docgen(), "A and not (B or C)");
        assert_eq!(
            c.python_repr(),
            "{'all': ['A', {'not': {'any': ['B', 'C']}}]}"
        );
        assert_eq!(IfCond::NONE.cgen(), "");
    }
}

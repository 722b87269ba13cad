//! What to do with `'if'` conditions: turn them into `#[cfg(...)]`
//! predicates through a caller-supplied symbol mapping, or evaluate them at
//! generation time against a set of defined symbols.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use rqapi_schema::schema::{Cond, IfCond};

use crate::Error;

/// How conditions are handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conditions {
    /// Emit `#[cfg(...)]`: each symbol maps to a cfg predicate such as
    /// `target_os = "linux"` or `feature = "spice"`; symbols without a
    /// mapping use `default` (an error when `None`). `all()` is always
    /// true, `any()` always false.
    Cfg {
        map: BTreeMap<String, String>,
        default: Option<String>,
    },
    /// Keep exactly the items whose condition holds when the given symbols
    /// are defined.
    Evaluate(BTreeSet<String>),
}

impl Default for Conditions {
    fn default() -> Self {
        Conditions::Cfg {
            map: BTreeMap::new(),
            default: None,
        }
    }
}

/// The verdict on one condition.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Leave the item out.
    Drop,
    /// Keep it, with this `cfg` predicate (Rust tokens as text, already
    /// checked to lex) if any. Text, so the model can cross threads.
    Keep(Option<String>),
}

impl Conditions {
    pub fn judge(&self, ifcond: &IfCond) -> Result<Verdict, Error> {
        let Some(cond) = ifcond.cond() else {
            return Ok(Verdict::Keep(None));
        };
        match self {
            Conditions::Evaluate(defined) => Ok(if evaluate(cond, defined) {
                Verdict::Keep(None)
            } else {
                Verdict::Drop
            }),
            Conditions::Cfg { map, default } => Ok(Verdict::Keep(Some(predicate(
                cond,
                map,
                default.as_deref(),
            )?))),
        }
    }
}

fn evaluate(cond: &Cond, defined: &BTreeSet<String>) -> bool {
    match cond {
        Cond::Str(s) => defined.contains(s),
        Cond::All(items) => items.iter().all(|c| evaluate(c, defined)),
        Cond::Any(items) => items.iter().any(|c| evaluate(c, defined)),
        Cond::Not(c) => !evaluate(c, defined),
    }
}

fn predicate(
    cond: &Cond,
    map: &BTreeMap<String, String>,
    default: Option<&str>,
) -> Result<String, Error> {
    let list = |items: &[Cond]| -> Result<String, Error> {
        let items = items
            .iter()
            .map(|c| predicate(c, map, default))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(items.join(", "))
    };
    Ok(match cond {
        Cond::Str(symbol) => {
            let text = map
                .get(symbol)
                .map(String::as_str)
                .or(default)
                .ok_or_else(|| Error::UnmappedCondition(symbol.clone()))?;
            text.parse::<TokenStream>()
                .map_err(|e| Error::BadCfg(symbol.clone(), e.to_string()))?;
            text.trim().to_owned()
        }
        Cond::All(items) => format!("all({})", list(items)?),
        Cond::Any(items) => format!("any({})", list(items)?),
        Cond::Not(c) => format!("not({})", predicate(c, map, default)?),
    })
}

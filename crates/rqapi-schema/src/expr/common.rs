//! Checks shared by all kinds of definition: keys, `if`, features, flags.

use std::fmt;

use crate::error::{Error, Result};
use crate::source::SourceInfo;
use crate::value::{Dict, DictExt, Value};

use super::names::{check_name_is_str, check_name_lower};

/// What a message is about, such as `'data' member 'foo'`: formatted
/// only when an error needs it, not for every member checked.
#[derive(Clone, Copy, Debug)]
pub(super) struct Subject<'a> {
    pub what: &'a str,
    /// Between `what` and the quoted name, such as ` member`.
    pub role: &'a str,
    pub name: &'a str,
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{} '{}'", self.what, self.role, self.name)
    }
}

/// Python's truthiness of an optional value (`None` is false).
pub(super) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None => false,
        Some(Value::Str(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::List(l)) => !l.is_empty(),
        Some(Value::Dict(d)) => !d.is_empty(),
    }
}

/// Python's `sorted(set(names))`.
fn sorted_set<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `'a', 'b'`
fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// `value` has every key of `required` and no key outside `required` and
/// `optional`.
pub(super) fn check_keys(
    value: &Dict,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
    required: &[&str],
    optional: &[&str],
) -> Result<()> {
    // Fast path: one pass over the object's few keys, comparing them with
    // the short key lists instead of looking each required key up. Keys
    // of an object are distinct, so counting the required ones found
    // tells whether all are there.
    let mut required_found = 0;
    let all_allowed = value.keys().all(|k| {
        if required.contains(&k.as_str()) {
            required_found += 1;
            true
        } else {
            optional.contains(&k.as_str())
        }
    });
    if all_allowed && required_found == required.len() {
        return Ok(());
    }
    let missing = sorted_set(required.iter().copied().filter(|k| !value.contains_key(*k)));
    if !missing.is_empty() {
        return Err(Error::sem(
            info,
            format!(
                "{source} misses key{} {}",
                plural(missing.len()),
                quoted_list(&missing)
            ),
        ));
    }
    let is_allowed = |k: &str| required.contains(&k) || optional.contains(&k);
    let unknown = sorted_set(value.keys().map(String::as_str).filter(|k| !is_allowed(k)));
    if !unknown.is_empty() {
        let allowed = sorted_set(required.iter().chain(optional).copied());
        return Err(Error::sem(
            info,
            format!(
                "{source} has unknown key{} {}\nValid keys are {}.",
                plural(unknown.len()),
                quoted_list(&unknown),
                quoted_list(&allowed)
            ),
        ));
    }
    Ok(())
}

/// A condition name must look like a C macro: `[A-Z][A-Z0-9_]*`.
fn is_macro_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Deepest nesting of `all`/`any`/`not` in an `if` condition. QEMU has
/// no explicit bound (Python's recursion limit ends it with a traceback
/// somewhat below the parser's 1000 levels); real schemas nest two or
/// three. The model and every backend walk conditions recursively, so
/// this bounds their stack use.
pub const MAX_IF_NESTING: usize = 100;

/// The `if` member of `expr`, if any: a macro name, or an object with
/// exactly one of `all`/`any` (non-empty arrays) or `not`, nested at most
/// [`MAX_IF_NESTING`] levels.
pub(super) fn check_if(
    expr: &Dict,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
) -> Result<()> {
    let Some(cond) = expr.lookup("if") else {
        return Ok(());
    };
    // Depth-first, left to right, as QEMU's recursion; an explicit stack so
    // that deep nesting cannot overflow ours.
    let mut pending = vec![(cond, 0)];
    while let Some((cond, depth)) = pending.pop() {
        match cond {
            Value::Str(s) => {
                if !is_macro_name(s) {
                    return Err(Error::sem(
                        info,
                        format!("'if' condition '{s}' of {source} is not a valid identifier"),
                    ));
                }
            }
            Value::Dict(d) => {
                let what = format!("'if' condition of {source}");
                if depth == MAX_IF_NESTING {
                    return Err(Error::sem(
                        info,
                        format!("{what} is nested deeper than {MAX_IF_NESTING} levels"),
                    ));
                }
                check_keys(d, info, &what, &[], &["all", "any", "not"])?;
                if d.len() != 1 {
                    return Err(Error::sem(info, format!("{what} has conflicting keys")));
                }
                if let Some(operand) = d.lookup("not") {
                    pending.push((operand, depth + 1));
                    continue;
                }
                let (operator, operands) = match d.lookup("all") {
                    Some(v) => ("all", v),
                    None => ("any", d.lookup("any").unwrap_or(cond)),
                };
                let Value::List(operands) = operands else {
                    return Err(Error::sem(
                        info,
                        format!("'{operator}' condition of {source} must be an array"),
                    ));
                };
                if operands.is_empty() {
                    return Err(Error::sem(
                        info,
                        format!("'if' condition [] of {source} is useless"),
                    ));
                }
                pending.extend(operands.iter().rev().map(|c| (c, depth + 1)));
            }
            _ => {
                return Err(Error::sem(
                    info,
                    format!("'if' condition of {source} must be a string or an object"),
                ));
            }
        }
    }
    Ok(())
}

/// Wraps a non-object `value` as `{key: value}` (QAPI's sugar).
pub(super) fn desugar(value: &mut Value, key: &str) {
    if !matches!(value, Value::Dict(_)) {
        let inner = std::mem::replace(value, Value::Bool(false));
        *value = Value::Dict(Dict::from_iter([(key.to_owned(), inner)]));
    }
}

/// The `features` member: an array whose string elements become
/// `{"name": F}`; each feature has a lowercase name and an optional `if`.
pub(super) fn check_features(features: Option<&mut Value>, info: &SourceInfo) -> Result<()> {
    let Some(features) = features else {
        return Ok(());
    };
    let Value::List(features) = features else {
        return Err(Error::sem(info, "'features' must be an array"));
    };
    for feat in features.iter_mut() {
        desugar(feat, "name");
    }
    for feat in features.iter() {
        let Value::Dict(feat) = feat else { continue };
        let source = "'features' member";
        check_keys(feat, info, source, &["name"], &["if"])?;
        let name = check_name_is_str(feat.lookup("name"), info, source)?;
        let source = Subject {
            what: source,
            role: "",
            name,
        };
        check_name_lower(name, info, &source, false, false)?;
        check_if(feat, info, &source)?;
    }
    Ok(())
}

/// Flags may only take their one meaningful value.
pub(super) fn check_flags(expr: &Dict, info: &SourceInfo) -> Result<()> {
    // Most definitions have no flag at all: one pass over their few keys
    // settles that, instead of a lookup per flag.
    let is_flag = |key: &String| {
        matches!(
            key.as_str(),
            "gen" | "success-response" | "boxed" | "allow-oob" | "allow-preconfig" | "coroutine"
        )
    };
    if !expr.keys().any(is_flag) {
        return Ok(());
    }
    for key in ["gen", "success-response"] {
        if expr.get(key).is_some_and(|v| *v != Value::Bool(false)) {
            return Err(Error::sem(
                info,
                format!("flag '{key}' may only use false value"),
            ));
        }
    }
    for key in ["boxed", "allow-oob", "allow-preconfig", "coroutine"] {
        if expr.get(key).is_some_and(|v| *v != Value::Bool(true)) {
            return Err(Error::sem(
                info,
                format!("flag '{key}' may only use true value"),
            ));
        }
    }
    if expr.contains_key("allow-oob") && expr.contains_key("coroutine") {
        return Err(Error::sem(
            info,
            "flags 'allow-oob' and 'coroutine' are incompatible",
        ));
    }
    Ok(())
}

//! Type references and implicit (anonymous) struct types.

use std::fmt;

use crate::error::{Error, Result};
use crate::parser::Pragma;
use crate::source::SourceInfo;
use crate::value::{DictExt, Value};

use super::common::{Subject, check_features, check_if, check_keys, desugar};
use super::names::{c_name_chars, c_name_starts_with, check_name_lower};

/// QEMU's `normalize_members`: in an object of members, every value that
/// is not an object becomes `{"type": VALUE}`. Anything else is left alone.
pub(super) fn normalize_members(members: Option<&mut Value>) {
    if let Some(Value::Dict(members)) = members {
        for arg in members.values_mut() {
            desugar(arg, "type");
        }
    }
}

/// An absent value or a type name.
pub(super) fn check_type_name(
    value: Option<&Value>,
    info: &SourceInfo,
    source: &str,
) -> Result<()> {
    match value {
        None | Some(Value::Str(_)) => Ok(()),
        Some(_) => Err(Error::sem(info, format!("{source} should be a type name"))),
    }
}

/// An absent value, a type name, or an array of exactly one type name.
pub(super) fn check_type_name_or_array(
    value: Option<&Value>,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
) -> Result<()> {
    match value {
        None | Some(Value::Str(_)) => Ok(()),
        Some(Value::List(items)) => match items.as_slice() {
            [Value::Str(_)] => Ok(()),
            _ => Err(Error::sem(
                info,
                format!("{source}: array type must contain single type name"),
            )),
        },
        Some(_) => Err(Error::sem(
            info,
            format!("{source} should be a type name or array"),
        )),
    }
}

/// An absent value or an object of members `{NAME: {"type": T, "if"?,
/// "features"?}}` (already normalised by `normalize_members`). Member
/// names of `parent_name` may break case rules if the pragma
/// `member-name-exceptions` lists it.
pub(super) fn check_type_implicit(
    value: Option<&mut Value>,
    info: &SourceInfo,
    source: &str,
    parent_name: Option<&str>,
    pragma: &Pragma,
) -> Result<()> {
    let Some(value) = value else {
        return Ok(());
    };
    let Value::Dict(members) = value else {
        return Err(Error::sem(
            info,
            format!("{source} should be an object or type name"),
        ));
    };
    let permissive =
        parent_name.is_some_and(|p| pragma.member_name_exceptions.iter().any(|n| n == p));
    for (key, arg) in members.iter_mut() {
        let key_source = Subject {
            what: source,
            role: " member",
            name: key,
        };
        let name = key.strip_prefix('*').unwrap_or(key);
        check_name_lower(name, info, &key_source, permissive, permissive)?;
        if c_name_chars(name).eq("u".chars()) || c_name_starts_with(name, "has_") {
            return Err(Error::sem(info, format!("{key_source} uses reserved name")));
        }
        // Callers normalise first; this keeps the shape guaranteed anyway.
        desugar(arg, "type");
        let Value::Dict(arg) = arg else { continue };
        check_keys(arg, info, &key_source, &["type"], &["if", "features"])?;
        check_if(arg, info, &key_source)?;
        check_features(arg.lookup_mut("features"), info)?;
        check_type_name_or_array(arg.lookup("type"), info, &key_source)?;
    }
    Ok(())
}

/// An absent value, a type name, or an implicit struct type.
pub(super) fn check_type_name_or_implicit(
    value: Option<&mut Value>,
    info: &SourceInfo,
    source: &str,
    parent_name: Option<&str>,
    pragma: &Pragma,
) -> Result<()> {
    match value {
        None | Some(Value::Str(_)) => Ok(()),
        value => check_type_implicit(value, info, source, parent_name, pragma),
    }
}

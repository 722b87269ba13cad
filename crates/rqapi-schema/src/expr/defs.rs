//! Checks specific to each kind of definition (QEMU's `check_enum`,
//! `check_struct`, ... `check_event`).

use crate::error::{Error, Result};
use crate::parser::Pragma;
use crate::source::SourceInfo;
use crate::value::{Dict, DictExt, Value};

use super::common::{Subject, check_features, check_if, check_keys, desugar, truthy};
use super::names::{check_name_is_str, check_name_lower};
use super::types::{
    check_type_implicit, check_type_name, check_type_name_or_array, check_type_name_or_implicit,
};

/// `data` is an array of values; strings become `{"name": V}`.
pub(super) fn check_enum(
    expr: &mut Dict,
    name: &str,
    info: &SourceInfo,
    pragma: &Pragma,
) -> Result<()> {
    if !matches!(expr.lookup("data"), Some(Value::List(_))) {
        return Err(Error::sem(info, "'data' must be an array"));
    }
    if expr
        .lookup("prefix")
        .is_some_and(|p| !matches!(p, Value::Str(_)))
    {
        return Err(Error::sem(info, "'prefix' must be a string"));
    }
    let permissive = pragma.member_name_exceptions.iter().any(|n| n == name);
    let Some(Value::List(members)) = expr.lookup_mut("data") else {
        return Ok(());
    };
    for member in members.iter_mut() {
        desugar(member, "name");
    }
    for member in members.iter_mut() {
        let Value::Dict(member) = member else {
            continue;
        };
        let source = "'data' member";
        check_keys(member, info, source, &["name"], &["if", "features"])?;
        let member_name = check_name_is_str(member.lookup("name"), info, source)?;
        let source = Subject {
            what: source,
            role: "",
            name: member_name,
        };
        // Values may start with a digit: check them as if prefixed by a letter.
        let hidden;
        let checked = if member_name.starts_with(|c: char| c.is_ascii_digit()) {
            hidden = format!("d{member_name}");
            &hidden
        } else {
            member_name
        };
        check_name_lower(checked, info, &source, permissive, permissive)?;
        check_if(member, info, &source)?;
        check_features(member.lookup_mut("features"), info)?;
    }
    Ok(())
}

pub(super) fn check_struct(
    expr: &mut Dict,
    name: &str,
    info: &SourceInfo,
    pragma: &Pragma,
) -> Result<()> {
    check_type_implicit(expr.lookup_mut("data"), info, "'data'", Some(name), pragma)?;
    check_type_name(expr.lookup("base"), info, "'base'")
}

pub(super) fn check_union(
    expr: &mut Dict,
    name: &str,
    info: &SourceInfo,
    pragma: &Pragma,
) -> Result<()> {
    check_type_name_or_implicit(expr.lookup_mut("base"), info, "'base'", Some(name), pragma)?;
    check_name_is_str(expr.lookup("discriminator"), info, "'discriminator'")?;
    let Some(Value::Dict(members)) = expr.lookup("data") else {
        return Err(Error::sem(info, "'data' must be an object"));
    };
    for (key, value) in members {
        let source = format!("'data' member '{key}'");
        let Value::Dict(value) = value else {
            return Err(Error::sem(info, format!("{source} should be a type name")));
        };
        check_keys(value, info, &source, &["type"], &["if"])?;
        check_if(value, info, &source)?;
        check_type_name(value.lookup("type"), info, &source)?;
    }
    Ok(())
}

pub(super) fn check_alternate(expr: &Dict, info: &SourceInfo) -> Result<()> {
    let members = expr.lookup("data");
    if !truthy(members) {
        return Err(Error::sem(info, "'data' must not be empty"));
    }
    let Some(Value::Dict(members)) = members else {
        return Err(Error::sem(info, "'data' must be an object"));
    };
    for (key, value) in members {
        let source = format!("'data' member '{key}'");
        check_name_lower(key, info, &source, false, false)?;
        let Value::Dict(value) = value else {
            return Err(Error::sem(
                info,
                format!("{source} should be a type name or array"),
            ));
        };
        check_keys(value, info, &source, &["type"], &["if"])?;
        check_if(value, info, &source)?;
        check_type_name_or_array(value.lookup("type"), info, &source)?;
    }
    Ok(())
}

/// `data` of a command or event: a type name when boxed, else a type name
/// or an implicit struct type.
fn check_arguments(expr: &mut Dict, info: &SourceInfo, pragma: &Pragma) -> Result<()> {
    if truthy(expr.lookup("boxed")) {
        let Some(args) = expr.lookup("data") else {
            return Err(Error::sem(info, "'boxed': true requires 'data'"));
        };
        check_type_name(Some(args), info, "'data'")
    } else {
        check_type_name_or_implicit(expr.lookup_mut("data"), info, "'data'", None, pragma)
    }
}

pub(super) fn check_command(expr: &mut Dict, info: &SourceInfo, pragma: &Pragma) -> Result<()> {
    check_arguments(expr, info, pragma)?;
    check_type_name_or_array(expr.lookup("returns"), info, "'returns'")
}

pub(super) fn check_event(expr: &mut Dict, info: &SourceInfo, pragma: &Pragma) -> Result<()> {
    check_arguments(expr, info, pragma)
}

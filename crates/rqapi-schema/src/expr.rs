//! Per-expression shape checks and normalisation (QEMU's `expr.py`).
//!
//! CONTRACT: `check_exprs` validates every expression of a parsed schema
//! and normalises it in place exactly as QEMU's `check_exprs` does, and
//! sets each definition's `info.defn`. After a successful check:
//! - members (struct/command/event `data`, union `base` when an object,
//!   union and alternate `data`) are `{NAME: {"type": T, "if"?, "features"?}}`
//!   (member names keep their `*` optional marker);
//! - every `features` array is `[{"name": F, "if"?}]`;
//! - enum `data` is `[{"name": V, "if"?, "features"?}]`;
//! - `if` conditions nest at most [`MAX_IF_NESTING`] levels (consumers
//!   may recurse on them).
//!
//! Everything else (type names, `returns`, flags) is left as written.

mod common;
mod defs;
mod names;
#[cfg(test)]
mod tests;
mod types;

use crate::doc::Doc;
use crate::error::{Error, Result};
use crate::parser::{ParsedExpr, ParsedSchema, Pragma};
use crate::value::DictExt;

pub use common::MAX_IF_NESTING;
use common::{check_features, check_flags, check_if, check_keys};
use names::{check_defn_name_str, check_name_is_str};
use types::normalize_members;

const METAS: [&str; 6] = ["enum", "struct", "union", "alternate", "command", "event"];

/// Checks and normalises all expressions in order; stops at the first error.
pub fn check_exprs(schema: &mut ParsedSchema) -> Result<()> {
    let ParsedSchema {
        exprs,
        docs,
        pragma,
    } = schema;
    for parsed in exprs.iter_mut() {
        check_expr(parsed, docs, pragma)?;
    }
    Ok(())
}

fn check_expr(parsed: &mut ParsedExpr, docs: &[Doc], pragma: &Pragma) -> Result<()> {
    let ParsedExpr { expr, info, doc } = parsed;
    if expr.lookup("include").is_some() {
        return Ok(());
    }
    // A pass over the expression's few keys, rather than a lookup per meta.
    let mut metas = expr
        .keys()
        .filter_map(|key| METAS.into_iter().find(|m| m == key));
    let (Some(meta), None) = (metas.next(), metas.next()) else {
        return Err(Error::sem(
            info,
            "expression must have exactly one key 'enum', 'struct', 'union', 'alternate', \
             'command', 'event'",
        ));
    };
    let name = check_name_is_str(expr.lookup(meta), info, &format_args!("'{meta}'"))?;
    // QEMU prints no "In META 'NAME':" line for an empty name.
    if !name.is_empty() {
        info.set_defn(meta, name);
    }
    // The name, borrowed from the definition just set rather than copied
    // (the expression is modified below).
    let defn = info.defn.clone();
    let name = defn.as_deref().map_or("", |d| d.name.as_str());
    let info = &*info;
    check_defn_name_str(name, info, meta, pragma)?;

    match doc.and_then(|id| docs.get(id)) {
        Some(doc) => {
            if doc.symbol.as_deref() != Some(name) {
                let symbol = doc.symbol.as_deref().unwrap_or("None");
                return Err(Error::sem(
                    info,
                    format!("documentation comment is for '{symbol}'"),
                ));
            }
            doc.check_expr(expr)?;
        }
        None if pragma.doc_required => {
            return Err(Error::sem(info, "documentation comment required"));
        }
        None => {}
    }

    match meta {
        "enum" => {
            check_keys(
                expr,
                info,
                meta,
                &["enum", "data"],
                &["if", "features", "prefix"],
            )?;
            defs::check_enum(expr, name, info, pragma)?;
        }
        "union" => {
            check_keys(
                expr,
                info,
                meta,
                &["union", "base", "discriminator", "data"],
                &["if", "features"],
            )?;
            normalize_members(expr.get_mut("base"));
            normalize_members(expr.get_mut("data"));
            defs::check_union(expr, name, info, pragma)?;
        }
        "alternate" => {
            check_keys(
                expr,
                info,
                meta,
                &["alternate", "data"],
                &["if", "features"],
            )?;
            normalize_members(expr.get_mut("data"));
            defs::check_alternate(expr, info)?;
        }
        "struct" => {
            check_keys(
                expr,
                info,
                meta,
                &["struct", "data"],
                &["base", "if", "features"],
            )?;
            normalize_members(expr.get_mut("data"));
            defs::check_struct(expr, name, info, pragma)?;
        }
        "command" => {
            check_keys(
                expr,
                info,
                meta,
                &["command"],
                &[
                    "data",
                    "returns",
                    "boxed",
                    "if",
                    "features",
                    "gen",
                    "success-response",
                    "allow-oob",
                    "allow-preconfig",
                    "coroutine",
                ],
            )?;
            normalize_members(expr.get_mut("data"));
            defs::check_command(expr, info, pragma)?;
        }
        _ => {
            check_keys(
                expr,
                info,
                meta,
                &["event"],
                &["data", "boxed", "if", "features"],
            )?;
            normalize_members(expr.get_mut("data"));
            defs::check_event(expr, info, pragma)?;
        }
    }

    check_if(expr, info, meta)?;
    check_features(expr.get_mut("features"), info)?;
    check_flags(expr, info)
}

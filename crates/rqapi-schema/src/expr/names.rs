//! Name rules of QAPI (QEMU's `check_name_*` and `check_defn_name_str`).

use std::fmt;

use crate::error::{Error, Result};
use crate::parser::Pragma;
use crate::source::SourceInfo;
use crate::value::Value;

/// `SOURCE requires a string name` unless `name` is a string.
pub(super) fn check_name_is_str<'a>(
    name: Option<&'a Value>,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
) -> Result<&'a str> {
    match name {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(Error::sem(info, format!("{source} requires a string name"))),
    }
}

/// Letters as QEMU's case-insensitive name pattern sees them: Python's
/// `re.IGNORECASE` also folds four non-ASCII characters onto `[a-z]`.
fn is_name_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

fn is_stem(s: &str) -> bool {
    if s.is_ascii() {
        // Byte by byte: every definition and member name comes here.
        let bytes = s.as_bytes();
        return bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes[1..]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    }
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_letter)
        && chars.all(|c| is_name_letter(c) || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The stem of `name` if it matches QEMU's `valid_name` pattern
/// `(__RFQDN_)?(x-)?STEM$`, else `None`.
fn valid_name_stem(name: &str) -> Option<&str> {
    // Python's `$` also matches before one final newline.
    let s = name.strip_suffix('\n').unwrap_or(name);
    let mut rest = s;
    if let Some(after) = s.strip_prefix("__") {
        let run = after
            .find(|c: char| !(is_name_letter(c) || c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(after.len());
        if run == 0 {
            return None;
        }
        rest = after[run..].strip_prefix('_')?;
    }
    if rest.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-")) && is_stem(&rest[2..]) {
        return Some(&rest[2..]);
    }
    is_stem(rest).then_some(rest)
}

/// The characters of QEMU's `c_name(name, protect=False)`: every
/// character other than ASCII letters, digits and `_` becomes `_`.
/// An iterator, so that prefix tests allocate nothing.
pub(super) fn c_name_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    })
}

/// Whether `c_name(name)` starts with `prefix`.
pub(super) fn c_name_starts_with(name: &str, prefix: &str) -> bool {
    let n = prefix.chars().count();
    c_name_chars(name).take(n).eq(prefix.chars())
}

/// A valid QAPI name, not in the reserved `q_` namespace; returns the stem.
pub(super) fn check_name_str<'a>(
    name: &'a str,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
) -> Result<&'a str> {
    match valid_name_stem(name) {
        Some(stem) if !c_name_starts_with(name, "q_") => Ok(stem),
        _ => Err(Error::sem(info, format!("{source} has an invalid name"))),
    }
}

/// Event names: no lowercase, no `-` in the stem.
pub(super) fn check_name_upper(name: &str, info: &SourceInfo, source: &str) -> Result<()> {
    let stem = check_name_str(name, info, source)?;
    if stem.chars().any(|c| c.is_ascii_lowercase() || c == '-') {
        return Err(Error::sem(
            info,
            format!("name of {source} must not use lowercase or '-'"),
        ));
    }
    Ok(())
}

/// Command and member names: no uppercase, no `_` in the stem, unless
/// permitted by a pragma.
pub(super) fn check_name_lower(
    name: &str,
    info: &SourceInfo,
    source: &(impl fmt::Display + ?Sized),
    permit_upper: bool,
    permit_underscore: bool,
) -> Result<()> {
    let stem = check_name_str(name, info, source)?;
    if (!permit_upper && stem.bytes().any(|b| b.is_ascii_uppercase()))
        || (!permit_underscore && stem.contains('_'))
    {
        return Err(Error::sem(
            info,
            format!("name of {source} must not use uppercase or '_'"),
        ));
    }
    Ok(())
}

/// Type names: CamelCase stem (`[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*`).
pub(super) fn check_name_camel(name: &str, info: &SourceInfo, source: &str) -> Result<()> {
    let stem = check_name_str(name, info, source)?;
    let mut chars = stem.chars();
    let camel = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && stem.chars().all(|c| c.is_ascii_alphanumeric())
        && chars.any(|c| c.is_ascii_lowercase());
    if !camel {
        return Err(Error::sem(
            info,
            format!("name of {source} must use CamelCase"),
        ));
    }
    Ok(())
}

/// The name rule for a definition of kind `meta`.
pub(super) fn check_defn_name_str(
    name: &str,
    info: &SourceInfo,
    meta: &str,
    pragma: &Pragma,
) -> Result<()> {
    match meta {
        "event" => check_name_upper(name, info, meta),
        "command" => {
            let permit_underscore = pragma.command_name_exceptions.iter().any(|n| n == name);
            check_name_lower(name, info, meta, false, permit_underscore)
        }
        _ => {
            check_name_camel(name, info, meta)?;
            if name.ends_with("List") {
                return Err(Error::sem(
                    info,
                    format!("{meta} name should not end in 'List'"),
                ));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stem_follows_python_backtracking() {
        assert_eq!(valid_name_stem("foo"), Some("foo"));
        assert_eq!(valid_name_stem("x-foo"), Some("foo"));
        assert_eq!(valid_name_stem("X-foo"), Some("foo"));
        assert_eq!(valid_name_stem("x-"), Some("x-"));
        assert_eq!(valid_name_stem("x-1a"), Some("x-1a"));
        assert_eq!(valid_name_stem("__org.qemu_x-foo"), Some("foo"));
        assert_eq!(valid_name_stem("__org.qemu_Bar"), Some("Bar"));
        assert_eq!(valid_name_stem("foo\n"), Some("foo"));
        assert_eq!(valid_name_stem("foo\n\n"), None);
        assert_eq!(valid_name_stem("__foo"), None);
        assert_eq!(valid_name_stem("___foo"), None);
        assert_eq!(valid_name_stem("_foo"), None);
        assert_eq!(valid_name_stem(""), None);
        assert_eq!(valid_name_stem("1a"), None);
        assert_eq!(valid_name_stem("a.b"), None);
        assert_eq!(valid_name_stem("\u{212a}elvin"), Some("\u{212a}elvin"));
        assert_eq!(valid_name_stem("é"), None);
    }

    #[test]
    fn c_name_maps_punctuation() {
        let c_name = |name| c_name_chars(name).collect::<String>();
        assert_eq!(c_name("__a.b-c"), "__a_b_c");
        assert_eq!(c_name("q-x"), "q_x");
        assert!(c_name_starts_with("q-x", "q_"));
        assert!(c_name_starts_with("has.x", "has_"));
        assert!(!c_name_starts_with("ha", "has_"));
        assert!(!c_name_starts_with("hasx", "has_"));
    }
}

//! Identifier mangling: the one place that turns QAPI names into Rust
//! identifiers.
//!
//! - Types, enum values, events: `UpperCamelCase` (`query-status` →
//!   `QueryStatus`, `__org.qemu_x-Enum` → `OrgQemuXEnum`, `SHUTDOWN` →
//!   `Shutdown`); a leading digit gets a `V` prefix.
//! - Members and commands: `snake_case` (`cpu-index` → `cpu_index`,
//!   `maxBytes` → `max_bytes`); Rust keywords become raw identifiers
//!   (`r#type`), except those that cannot be raw (`self` → `self_`); a
//!   leading digit gets an `n` prefix.
//!
//! Different QAPI names can map to one Rust name (`a-b` and `a_b`);
//! [`Namer`] makes names unique within a scope with a numeric suffix.

use std::collections::HashSet;

use proc_macro2::{Ident, Span};

/// Rust's strict and reserved keywords (2024 edition).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// `UpperCamelCase` of a QAPI name. Words written in capitals only
/// (`SHUTDOWN`, `x86_64` is not) are lowered first; other capitals are kept.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let all_caps = word.len() > 1 && !word.chars().any(|c| c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_caps {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// `snake_case` of a QAPI name, splitting `camelCase` humps too.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        if !out.is_empty() {
            out.push('_');
        }
        let mut prev_lower = false;
        for c in word.chars() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        out.push_str("empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    out
}

/// An identifier for `name` as written: raw for keywords, `self_` for the
/// keywords that cannot be raw.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Hands out unique names within one scope.
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks a name as used without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// `want`, or `want2`, `want3`... (`want_2` for snake case) if taken.
    pub fn unique(&mut self, want: String) -> String {
        if self.taken.insert(want.clone()) {
            return want;
        }
        let sep = if want.contains('_') || want.starts_with(|c: char| c.is_ascii_lowercase()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{want}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_table() {
        for (input, want) in [
            ("query-status", "QueryStatus"),
            ("BlockdevOptions", "BlockdevOptions"),
            ("__org.qemu_x-Enum", "OrgQemuXEnum"),
            ("SHUTDOWN", "Shutdown"),
            ("BLOCK_JOB_COMPLETED", "BlockJobCompleted"),
            ("x86_64", "X8664"),
            ("NFSServer", "NFSServer"),
            ("qcow2", "Qcow2"),
            ("32bit", "V32bit"),
            ("value1", "Value1"),
            ("Self", "SelfValue"),
            ("-", "Empty"),
        ] {
            assert_eq!(camel(input), want, "{input}");
        }
    }

    #[test]
    fn snake_table() {
        for (input, want) in [
            ("cpu-index", "cpu_index"),
            ("maxBytes", "max_bytes"),
            ("__org.qemu_x-member", "org_qemu_x_member"),
            ("guest-fsfreeze-freeze", "guest_fsfreeze_freeze"),
            ("netdev_add", "netdev_add"),
            ("0day", "n0day"),
            ("VNCInfo", "vncinfo"),
            ("type", "type"),
        ] {
            assert_eq!(snake(input), want, "{input}");
        }
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("match").to_string(), "r#match");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("crate").to_string(), "crate_");
        assert_eq!(ident("plain").to_string(), "plain");
    }

    #[test]
    fn namer_suffixes_clashes() {
        let mut n = Namer::new();
        assert_eq!(n.unique("a_b".into()), "a_b");
        assert_eq!(n.unique("a_b".into()), "a_b_2");
        assert_eq!(n.unique("Foo".into()), "Foo");
        assert_eq!(n.unique("Foo".into()), "Foo2");
    }
}

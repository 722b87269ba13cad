//! Token-level edits of a schema that keep it close enough to valid that
//! the expression and model checks (and, when it still loads, the
//! backends) get to see it.

use crate::tokens::{Kind, Token, render, tokenize};

/// One edit: `op` picks the kind, `a` and `b` pick targets and values
/// (reduced modulo the candidates available, so any numbers work).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub op: u8,
    pub a: usize,
    pub b: usize,
}

/// Number of distinct edit kinds (`op` is taken modulo this).
pub const OPS: u8 = 13;

/// Edit kinds weighted for reaching the semantic checks: the purely
/// syntactic edits (delete, duplicate, swap a token: 0-2) and deep nesting
/// (11) mostly stop at the parser, so they are drawn less often.
pub const WEIGHTED_OPS: &[u8] = &[
    0, 1, 2, 3, 3, 3, 3, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 10, 10, 11, 12, 12, 12,
];

/// Names that mean something to QAPI, to collide with or to confuse.
const NAMES: &[&str] = &[
    "int",
    "str",
    "any",
    "null",
    "bool",
    "number",
    "size",
    "uint8",
    "QType",
    "q_obj_Foo-arg",
    "*opt",
    "x-foo",
    "",
    "Foo-Bar",
    "has-x",
    "u",
    "on",
    "ABC_DEF",
    "__x",
    "a.b",
    "if",
    "type",
    "data",
    "deprecated",
    "unstable",
    "CONFIG_X",
    "123",
    "é",
];

const METAS: &[&str] = &[
    "struct",
    "union",
    "alternate",
    "enum",
    "command",
    "event",
    "include",
    "pragma",
];

const KEYS: &[&str] = &[
    "base",
    "if",
    "features",
    "data",
    "discriminator",
    "returns",
    "boxed",
    "gen",
    "prefix",
    "type",
    "success-response",
    "allow-oob",
    "allow-preconfig",
    "coroutine",
    "default",
];

/// Deepest nesting an edit adds: past the parser's limit of 1000.
const MAX_DEPTH: usize = 1100;

/// `text` with `edits` applied in order; comment lines (doc comments)
/// removed first when `strip_docs`, with `doc-required` turned off so the
/// definitions still count as documented enough.
pub fn mutate(text: &str, edits: &[Edit], strip_docs: bool) -> String {
    let mut m = Mutant {
        tokens: tokenize(text),
    };
    if strip_docs {
        m.strip_docs();
    }
    let strings: Vec<String> = m
        .tokens
        .iter()
        .filter_map(|t| t.str_value().map(str::to_owned))
        .collect();
    for e in edits {
        m.apply(*e, &strings);
    }
    render(&m.tokens)
}

struct Mutant {
    tokens: Vec<Token>,
}

impl Mutant {
    fn strip_docs(&mut self) {
        self.tokens.retain(|t| t.kind != Kind::Comment);
        let sig = self.significant();
        for w in sig.windows(3) {
            if self.tokens[w[0]].str_value() == Some("doc-required") && self.is(w[1], ":") {
                self.tokens[w[2]] = Token::new(Kind::Word, "false");
            }
        }
    }

    fn apply(&mut self, e: Edit, strings: &[String]) {
        let sig = self.significant();
        let pick = |v: &[usize], n: usize| (!v.is_empty()).then(|| v[n % v.len()]);
        let strs: Vec<usize> = sig
            .iter()
            .copied()
            .filter(|&i| self.tokens[i].kind == Kind::Str)
            .collect();
        match e.op % OPS {
            0 => {
                if let Some(i) = pick(&sig, e.a) {
                    self.tokens.remove(i);
                }
            }
            1 => {
                if let Some(i) = pick(&sig, e.a) {
                    let t = self.tokens[i].clone();
                    self.tokens.insert(i, Token::new(Kind::Space, " "));
                    self.tokens.insert(i, t);
                }
            }
            2 => {
                if let (Some(i), Some(j)) = (pick(&sig, e.a), pick(&sig, e.b)) {
                    self.tokens.swap(i, j);
                }
            }
            3 => {
                if let (Some(i), false) = (pick(&strs, e.a), strings.is_empty()) {
                    self.set_str(i, &strings[e.b % strings.len()]);
                }
            }
            4 => {
                let bools: Vec<usize> = sig
                    .iter()
                    .copied()
                    .filter(|&i| self.is(i, "true") || self.is(i, "false"))
                    .collect();
                if let Some(i) = pick(&bools, e.a) {
                    let flipped = if self.is(i, "true") { "false" } else { "true" };
                    self.tokens[i] = Token::new(Kind::Word, flipped);
                }
            }
            5 | 6 => {
                let exprs = self.top_level_exprs(&sig);
                let Some(&(start, end)) = exprs.get(e.a % exprs.len().max(1)) else {
                    return;
                };
                if e.op % OPS == 5 {
                    self.tokens.drain(start..=end);
                } else {
                    let mut copy = self.tokens[start..=end].to_vec();
                    copy.push(Token::new(Kind::Space, "\n"));
                    let at = exprs[e.b % exprs.len()].0;
                    self.tokens.splice(at..at, copy);
                }
            }
            7 | 8 => self.edit_member(&sig, e, strings),
            9 => {
                let metas: Vec<usize> = strs
                    .iter()
                    .copied()
                    .filter(|&i| METAS.contains(&self.tokens[i].str_value().unwrap_or("")))
                    .collect();
                if let Some(i) = pick(&metas, e.a) {
                    self.set_str(i, METAS[e.b % METAS.len()]);
                }
            }
            10 => self.insert_key(&sig, e, strings),
            11 => {
                if let Some(i) = pick(&strs, e.a) {
                    let depth = e.b % MAX_DEPTH;
                    let (open, close) = if (e.b / MAX_DEPTH) % 2 == 0 {
                        ("[ ", " ]")
                    } else {
                        ("{ 'not': ", " }")
                    };
                    let inner = self.tokens[i].text.clone();
                    let text = format!("{}{inner}{}", open.repeat(depth), close.repeat(depth));
                    self.tokens.splice(i..=i, tokenize(&text));
                }
            }
            _ => {
                if let Some(i) = pick(&strs, e.a) {
                    self.set_str(i, NAMES[e.b % NAMES.len()]);
                }
            }
        }
    }

    fn is(&self, i: usize, text: &str) -> bool {
        self.tokens[i].text == text
    }

    fn set_str(&mut self, i: usize, value: &str) {
        self.tokens[i] = Token::new(Kind::Str, format!("'{value}'"));
    }

    fn significant(&self) -> Vec<usize> {
        (0..self.tokens.len())
            .filter(|&i| self.tokens[i].significant())
            .collect()
    }

    /// Position in `sig` of the bracket closing the one at `sig[k]`.
    fn closing(&self, sig: &[usize], k: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (n, &i) in sig.iter().enumerate().skip(k) {
            match self.tokens[i].text.as_str() {
                "{" | "[" => depth += 1,
                "}" | "]" => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(n);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Token ranges (inclusive) of the `{ ... }` at nesting depth 0.
    fn top_level_exprs(&self, sig: &[usize]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < sig.len() {
            if self.is(sig[k], "{")
                && let Some(end) = self.closing(sig, k)
            {
                out.push((sig[k], sig[end]));
                k = end;
            }
            k += 1;
        }
        out
    }

    /// Members `'key': value` inside any object: (position in `sig` of
    /// the key, of the value's last token).
    fn members(&self, sig: &[usize]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for k in 0..sig.len().saturating_sub(2) {
            let key = &self.tokens[sig[k]];
            let before = k.checked_sub(1).map(|p| self.tokens[sig[p]].text.as_str());
            if key.kind != Kind::Str
                || !self.is(sig[k + 1], ":")
                || !matches!(before, Some("{" | ","))
            {
                continue;
            }
            let end = match self.tokens[sig[k + 2]].text.as_str() {
                "{" | "[" => self.closing(sig, k + 2),
                _ => Some(k + 2),
            };
            if let Some(end) = end {
                out.push((k, end));
            }
        }
        out
    }

    fn edit_member(&mut self, sig: &[usize], e: Edit, strings: &[String]) {
        let members = self.members(sig);
        let Some(&(k, end)) = members.get(e.a % members.len().max(1)) else {
            return;
        };
        if e.op % OPS == 7 {
            // Take one neighbouring comma along, so the rest stays valid.
            let comma_after = sig.get(end + 1).filter(|&&i| self.is(i, ","));
            let comma_before = sig[k - 1];
            let (from, to) = match comma_after {
                Some(&c) => (sig[k], c),
                None if self.is(comma_before, ",") => (comma_before, sig[end]),
                None => (sig[k], sig[end]),
            };
            self.tokens.drain(from..=to);
        } else {
            // A copy under another name of the file (a duplicate key
            // would only exercise the parser).
            let mut copy = self.tokens[sig[k]..=sig[end]].to_vec();
            let name = strings.get(e.b % strings.len().max(1)).map_or("x", |s| s);
            copy[0] = Token::new(Kind::Str, format!("'{name}'"));
            copy.push(Token::new(Kind::Punct, ","));
            copy.push(Token::new(Kind::Space, " "));
            self.tokens.splice(sig[k]..sig[k], copy);
        }
    }

    /// Sets `key` in some object: replaces its value when present (a
    /// duplicate key would only exercise the parser), else inserts it.
    fn insert_key(&mut self, sig: &[usize], e: Edit, strings: &[String]) {
        let opens: Vec<usize> = (0..sig.len()).filter(|&k| self.is(sig[k], "{")).collect();
        let Some(&open) = opens.get(e.a % opens.len().max(1)) else {
            return;
        };
        let key = KEYS[e.b % KEYS.len()];
        let value = value_for(key, e.b / KEYS.len(), strings);
        if let Some((v, end)) = self.direct_value(sig, open, key) {
            self.tokens.splice(sig[v]..=sig[end], tokenize(&value));
            return;
        }
        let empty = sig.get(open + 1).is_some_and(|&i| self.is(i, "}"));
        let sep = if empty { " " } else { ", " };
        let text = format!(" '{key}': {value}{sep}");
        self.tokens
            .splice(sig[open] + 1..sig[open] + 1, tokenize(&text));
    }

    /// Positions in `sig` of the value of member `key` of the object
    /// opening at `sig[open]` (first and last token).
    fn direct_value(&self, sig: &[usize], open: usize, key: &str) -> Option<(usize, usize)> {
        let mut k = open + 1;
        while k + 2 < sig.len() && self.tokens[sig[k]].kind == Kind::Str {
            if !self.is(sig[k + 1], ":") {
                return None;
            }
            let end = match self.tokens[sig[k + 2]].text.as_str() {
                "{" | "[" => self.closing(sig, k + 2)?,
                _ => k + 2,
            };
            if self.tokens[sig[k]].str_value() == Some(key) {
                return Some((k + 2, end));
            }
            if !sig.get(end + 1).is_some_and(|&i| self.is(i, ",")) {
                return None;
            }
            k = end + 2;
        }
        None
    }
}

/// A value for `key`, mostly of the kind it takes (so checks past the
/// value's type are reached), chosen by `n`.
fn value_for(key: &str, n: usize, strings: &[String]) -> String {
    let (fitting, n) = (n % 4 != 0, n / 4);
    let file_string = || match strings.len() {
        0 => "'x'".to_owned(),
        len => format!("'{}'", strings[n % len]),
    };
    match key {
        _ if !fitting => some_value(n, strings),
        "if" => some_value([5, 6][n % 2] + 9 * (n / 2), strings),
        "features" => some_value(8, strings),
        // Flags only take their non-default value; the other is an error.
        "gen" | "success-response" if n % 4 != 0 => "false".to_owned(),
        "boxed" | "allow-oob" | "allow-preconfig" | "coroutine" if n % 4 != 0 => "true".to_owned(),
        "boxed" | "gen" | "success-response" | "allow-oob" | "allow-preconfig" | "coroutine" => {
            some_value(2 + 9 * n, strings)
        }
        "data" if n % 3 == 0 => some_value(4 + 9 * (n / 3), strings),
        _ => file_string(),
    }
}

/// A value of any kind, chosen by `n`.
fn some_value(n: usize, strings: &[String]) -> String {
    let s = |i: usize| {
        if strings.is_empty() {
            NAMES[i % NAMES.len()].to_owned()
        } else {
            strings[i % strings.len()].clone()
        }
    };
    let rest = n / 9;
    match n % 9 {
        0 => format!("'{}'", s(rest)),
        1 => format!("'{}'", NAMES[rest % NAMES.len()]),
        2 => if rest % 2 == 0 { "true" } else { "false" }.to_owned(),
        3 => format!("[ '{}', '{}' ]", s(rest), s(rest / 7 + 1)),
        4 => format!("{{ '{}': '{}' }}", s(rest), s(rest / 7 + 1)),
        5 => {
            "{ 'all': [ 'CONFIG_A', { 'not': { 'any': [ 'CONFIG_B', 'CONFIG_C' ] } } ] }".to_owned()
        }
        6 => {
            let depth = rest % MAX_DEPTH;
            format!(
                "{}'CONFIG_D'{}",
                "{ 'not': ".repeat(depth),
                " }".repeat(depth)
            )
        }
        7 => if rest % 2 == 0 { "{}" } else { "[]" }.to_owned(),
        _ => "[ 'deprecated', { 'name': 'unstable', 'if': 'CONFIG_E' } ]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "# doc\n{ 'pragma': { 'doc-required': true } }\n\
                     { 'struct': 'A', 'data': { 'x': 'int', 'y': [ 'str' ] } }\n";

    fn one(op: u8, a: usize, b: usize) -> String {
        mutate(S, &[Edit { op, a, b }], false)
    }

    #[test]
    fn edits_do_what_they_say() {
        assert_eq!(mutate(S, &[], false), S);
        assert!(!mutate(S, &[], true).contains("# doc"));
        assert!(mutate(S, &[], true).contains("'doc-required': false"));
        // Drop the struct expression.
        assert!(!one(5, 1, 0).contains("struct"));
        // Drop member 'y' (the last one): its leading comma goes too.
        let members = "{ 'struct': 'A', 'data': { 'x': 'int' } }";
        assert!(one(7, 5, 0).contains(members), "{}", one(7, 5, 0));
        // Copy member 'x' under the name of the file's first string.
        assert!(one(8, 4, 0).contains("{ 'pragma': 'int', 'x': 'int', 'y'"));
        // Setting a key that is there replaces its value.
        assert!(
            one(10, 2, 3).contains("'data': 'pragma' }"),
            "{}",
            one(10, 2, 3)
        );
        // 'struct' becomes 'union'.
        assert!(one(9, 1, 1).contains("{ 'union': 'A'"));
        // Insert 'base': 'A' into the struct.
        let inserted = one(10, 2, 0);
        assert!(inserted.contains("{ 'base': '"), "{inserted}");
        // Nest a string 3 levels deep.
        assert!(one(11, 0, 3).contains("[ [ [ 'pragma' ] ] ]"));
    }
}

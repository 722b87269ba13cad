//! What the comparison carries down a path: direction, whether it runs
//! through something deprecated or unstable, and the build configuration.

use std::collections::HashSet;

use rqapi_schema::schema::{Cond, Feature, IfCond};

use crate::change::{Direction, Severity};

/// The strongest special feature seen on the way down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Stability {
    Stable,
    /// Under something the old schema marks `deprecated`.
    Deprecated,
    /// Under something marked `unstable` (in either schema).
    Unstable,
}

impl Stability {
    /// Adds what an element's features say: `deprecated` counts in the
    /// old schema only (a new deprecation promises nothing yet),
    /// `unstable` in either.
    pub(crate) fn with(self, old: &[Feature], new: &[Feature]) -> Stability {
        let has = |fs: &[Feature], name: &str| fs.iter().any(|f| f.name == name);
        let own = if has(old, "unstable") || has(new, "unstable") {
            Stability::Unstable
        } else if has(old, "deprecated") {
            Stability::Deprecated
        } else {
            Stability::Stable
        };
        self.max(own)
    }
}

/// Per-path state; part of the memo key, so a type reached through a
/// deprecated command and through a stable one is judged for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Ctx {
    pub(crate) dir: Direction,
    pub(crate) stability: Stability,
}

impl Ctx {
    pub(crate) fn new(dir: Direction) -> Self {
        Ctx {
            dir,
            stability: Stability::Stable,
        }
    }

    pub(crate) fn under(self, old: &[Feature], new: &[Feature]) -> Ctx {
        Ctx {
            stability: self.stability.with(old, new),
            ..self
        }
    }

    /// The severity of a change, given whether it breaks clients in this
    /// context's direction.
    pub(crate) fn severity(self, breaking: bool) -> Severity {
        match (self.stability, breaking) {
            (Stability::Unstable, _) => Severity::Unstable,
            (_, false) => Severity::Compatible,
            (Stability::Deprecated, true) => Severity::BreakingDeprecatedRemoval,
            (Stability::Stable, true) => Severity::Breaking,
        }
    }

    /// Picks the rule of this context's direction.
    pub(crate) fn breaks(self, in_input: bool, in_output: bool) -> bool {
        match self.dir {
            Direction::Input => in_input,
            Direction::Output => in_output,
        }
    }
}

/// Which configuration symbols are defined, when conditions are evaluated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `None`: conditions are compared as written, not evaluated.
    pub defined: Option<HashSet<String>>,
}

impl Config {
    /// Evaluates conditions with exactly `symbols` defined.
    pub fn with_symbols<I, S>(symbols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Config {
            defined: Some(symbols.into_iter().map(Into::into).collect()),
        }
    }

    /// Whether something with condition `cond` exists in this build
    /// (always, when not evaluating).
    pub fn present(&self, cond: &IfCond) -> bool {
        match (&self.defined, cond.cond()) {
            (Some(defined), Some(c)) => eval(c, defined),
            _ => true,
        }
    }

    pub fn evaluates(&self) -> bool {
        self.defined.is_some()
    }
}

fn eval(cond: &Cond, defined: &HashSet<String>) -> bool {
    match cond {
        Cond::Str(s) => defined.contains(s),
        Cond::All(items) => items.iter().all(|c| eval(c, defined)),
        Cond::Any(items) => items.iter().any(|c| eval(c, defined)),
        Cond::Not(c) => !eval(c, defined),
    }
}

/// Whether every build that has `old` also has `new`, decided on the
/// conditions' structure (enough for QEMU's widened `any` lists).
pub(crate) fn implies(old: Option<&Cond>, new: Option<&Cond>) -> bool {
    let (old, new) = match (old, new) {
        (_, None) => return true,
        (None, Some(_)) => return false,
        (Some(o), Some(n)) => (o, n),
    };
    if old == new {
        return true;
    }
    if let Cond::Any(items) = new {
        if items.iter().any(|n| implies(Some(old), Some(n))) {
            return true;
        }
    }
    match old {
        Cond::Any(items) => items.iter().all(|o| implies(Some(o), Some(new))),
        Cond::All(items) => items.iter().any(|o| implies(Some(o), Some(new))),
        _ => false,
    }
}

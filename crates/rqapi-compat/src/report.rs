//! The list of changes, its counts and its text and JSON renderings.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::change::{Change, Severity};

/// Every client-visible difference between two schemas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// In discovery order: commands then events, in the old schema's
    /// order, each followed by what is reachable from it.
    pub changes: Vec<Change>,
}

/// How many changes of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub compatible: usize,
    pub conditional: usize,
    pub unstable: usize,
    pub breaking_deprecated_removal: usize,
    pub breaking: usize,
}

impl Counts {
    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Compatible => self.compatible,
            Severity::Conditional => self.conditional,
            Severity::Unstable => self.unstable,
            Severity::BreakingDeprecatedRemoval => self.breaking_deprecated_removal,
            Severity::Breaking => self.breaking,
        }
    }
}

impl Report {
    /// Keeps one change per (kind, direction, message, locations): a type
    /// reached along several paths is reported once per direction, at the
    /// first path and with the worst severity any path gave it.
    pub(crate) fn from_changes(changes: Vec<Change>) -> Report {
        let mut index: HashMap<_, usize> = HashMap::new();
        let mut kept: Vec<Change> = Vec::new();
        for change in changes {
            let key = (
                change.kind,
                change.direction,
                change.message.clone(),
                change.old_loc.clone(),
                change.new_loc.clone(),
            );
            match index.get(&key) {
                Some(&i) => {
                    if change.severity > kept[i].severity {
                        kept[i].severity = change.severity;
                    }
                }
                None => {
                    index.insert(key, kept.len());
                    kept.push(change);
                }
            }
        }
        Report { changes: kept }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for change in &self.changes {
            match change.severity {
                Severity::Compatible => c.compatible += 1,
                Severity::Conditional => c.conditional += 1,
                Severity::Unstable => c.unstable += 1,
                Severity::BreakingDeprecatedRemoval => c.breaking_deprecated_removal += 1,
                Severity::Breaking => c.breaking += 1,
            }
        }
        c
    }

    /// Anything that breaks existing clients (deprecated removals
    /// included, unless `allow_deprecated`).
    pub fn is_breaking(&self, allow_deprecated: bool) -> bool {
        self.changes.iter().any(|c| match c.severity {
            Severity::Breaking => true,
            Severity::BreakingDeprecatedRemoval => !allow_deprecated,
            _ => false,
        })
    }

    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == severity)
    }

    /// Readable report: one section per severity, worst first, one line
    /// per change, then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for severity in Severity::ALL {
            let changes: Vec<&Change> = self.with_severity(severity).collect();
            if changes.is_empty() {
                continue;
            }
            let title = match severity {
                Severity::Breaking => "Breaking changes",
                Severity::BreakingDeprecatedRemoval => "Breaking, removal of deprecated interfaces",
                Severity::Unstable => "Changes to unstable interfaces",
                Severity::Conditional => "Condition changes (depend on the build)",
                Severity::Compatible => "Compatible changes",
            };
            let _ = writeln!(out, "{title} ({}):", changes.len());
            for change in changes {
                let _ = writeln!(out, "  {change}");
            }
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// `N compatible, N breaking (+N deprecated removals), N unstable, N conditional`
    pub fn summary(&self) -> String {
        let c = self.counts();
        format!(
            "{} compatible, {} breaking, {} breaking deprecated removals, {} unstable, {} conditional",
            c.compatible, c.breaking, c.breaking_deprecated_removal, c.unstable, c.conditional
        )
    }

    pub fn to_json(&self) -> Value {
        let c = self.counts();
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|ch| {
                json!({
                    "kind": ch.kind.as_str(),
                    "direction": ch.direction.as_str(),
                    "severity": ch.severity.as_str(),
                    "path": ch.path,
                    "old-loc": ch.old_loc,
                    "new-loc": ch.new_loc,
                    "message": ch.message,
                })
            })
            .collect();
        json!({
            "summary": {
                "compatible": c.compatible,
                "conditional": c.conditional,
                "unstable": c.unstable,
                "breaking-deprecated-removal": c.breaking_deprecated_removal,
                "breaking": c.breaking,
            },
            "changes": changes,
        })
    }
}

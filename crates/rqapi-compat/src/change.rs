//! One client-visible difference and how it is classified.

use std::fmt;

/// Which way the data flows, seen from the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// What a client sends: command names and arguments.
    Input,
    /// What a client receives: return values and events.
    Output,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
        }
    }
}

/// How a change affects existing clients. Ordered from harmless to worst,
/// so the most severe classification of a change reached twice wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Existing clients keep working.
    Compatible,
    /// Only builds where a (new or changed) `if` condition is false
    /// lose something; no configuration was given to decide.
    Conditional,
    /// Concerns something marked `unstable`, which carries no promise.
    Unstable,
    /// Breaks clients, but only ones using something the old schema
    /// marked `deprecated` (QEMU's deprecation process allows this).
    BreakingDeprecatedRemoval,
    /// Breaks existing clients.
    Breaking,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Breaking,
        Severity::BreakingDeprecatedRemoval,
        Severity::Unstable,
        Severity::Conditional,
        Severity::Compatible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::Conditional => "conditional",
            Severity::Unstable => "unstable",
            Severity::BreakingDeprecatedRemoval => "breaking-deprecated-removal",
            Severity::Breaking => "breaking",
        }
    }

    /// Breaking for somebody (deprecated removals included).
    pub fn is_breaking(self) -> bool {
        matches!(
            self,
            Severity::Breaking | Severity::BreakingDeprecatedRemoval
        )
    }
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    CommandAdded,
    CommandRemoved,
    EventAdded,
    EventRemoved,
    MemberAdded,
    MemberRemoved,
    MemberBecameOptional,
    MemberBecameMandatory,
    EnumValueAdded,
    EnumValueRemoved,
    BranchAdded,
    BranchRemoved,
    /// A JSON type an alternate (or a type widened to one) accepts.
    AlternativeAdded,
    AlternativeRemoved,
    /// Same JSON type, larger value set (`int32` → `int64`, enum → `str`,
    /// anything → `any`).
    TypeWidened,
    /// Same JSON type, smaller value set.
    TypeNarrowed,
    /// Incompatible JSON shape (`str` → `int`, struct → array, ...).
    TypeChanged,
    FeatureAdded,
    FeatureRemoved,
    ConditionChanged,
    /// `allow-oob`, `allow-preconfig` or `success-response`.
    CommandFlagChanged,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::CommandAdded => "command-added",
            ChangeKind::CommandRemoved => "command-removed",
            ChangeKind::EventAdded => "event-added",
            ChangeKind::EventRemoved => "event-removed",
            ChangeKind::MemberAdded => "member-added",
            ChangeKind::MemberRemoved => "member-removed",
            ChangeKind::MemberBecameOptional => "member-became-optional",
            ChangeKind::MemberBecameMandatory => "member-became-mandatory",
            ChangeKind::EnumValueAdded => "enum-value-added",
            ChangeKind::EnumValueRemoved => "enum-value-removed",
            ChangeKind::BranchAdded => "branch-added",
            ChangeKind::BranchRemoved => "branch-removed",
            ChangeKind::AlternativeAdded => "alternative-added",
            ChangeKind::AlternativeRemoved => "alternative-removed",
            ChangeKind::TypeWidened => "type-widened",
            ChangeKind::TypeNarrowed => "type-narrowed",
            ChangeKind::TypeChanged => "type-changed",
            ChangeKind::FeatureAdded => "feature-added",
            ChangeKind::FeatureRemoved => "feature-removed",
            ChangeKind::ConditionChanged => "condition-changed",
            ChangeKind::CommandFlagChanged => "command-flag-changed",
        }
    }
}

/// One difference a client can observe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub direction: Direction,
    pub severity: Severity,
    /// Where a client meets it, from the command or event down:
    /// `blockdev-add(args).file<object>[driver=file].filename`; `.m` is
    /// a member, `[]` an array element, `[tag=v]` a union branch,
    /// `<json-type>` an alternate's branch.
    pub path: String,
    /// `FILE:LINE` in the old schema (relative to its main file's
    /// directory), when it exists there.
    pub old_loc: Option<String>,
    pub new_loc: Option<String>,
    /// One line naming what changed.
    pub message: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<6} {}: {} [old {}, new {}]",
            self.direction.as_str(),
            self.path,
            self.message,
            self.old_loc.as_deref().unwrap_or("-"),
            self.new_loc.as_deref().unwrap_or("-"),
        )
    }
}

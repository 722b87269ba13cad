//! Members, enum values, branches and features, and their descriptions
//! in messages (QEMU's `QAPISchemaMember` family).

use super::ifcond::IfCond;
use super::model::EntityId;
use crate::source::SourceInfo;

/// A feature flag of a definition, member or enum value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    /// `None` only for the schema-wide special features.
    pub info: Option<SourceInfo>,
    pub ifcond: IfCond,
    /// Name of the definition or member carrying it.
    pub defined_in: String,
}

impl Feature {
    /// Features every schema knows, with fixed meaning.
    pub const SPECIAL_NAMES: [&'static str; 2] = ["deprecated", "unstable"];

    /// `deprecated` or `unstable`.
    pub fn is_special(&self) -> bool {
        Self::SPECIAL_NAMES.contains(&self.name.as_str())
    }
}

/// A value of an enum type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumMember {
    pub name: String,
    /// `None` for the built-in `QType`'s values.
    pub info: Option<SourceInfo>,
    pub ifcond: IfCond,
    pub features: Vec<Feature>,
    pub defined_in: String,
}

/// A member of an object type, or the implicit `type` tag of an alternate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMember {
    pub name: String,
    pub info: SourceInfo,
    pub ifcond: IfCond,
    pub features: Vec<Feature>,
    /// The type as written (arrays already named `FooList`).
    pub type_name: String,
    /// The resolved type.
    pub ty: EntityId,
    pub optional: bool,
    /// Name of the object type that declares it (may be implicit `q_obj_*`).
    pub defined_in: String,
}

/// A branch of a union or an alternative of an alternate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The tag value (union) or branch name (alternate).
    pub name: String,
    pub info: SourceInfo,
    pub ifcond: IfCond,
    pub type_name: String,
    pub ty: EntityId,
    pub defined_in: String,
}

/// What kind of member something is, for messages (QEMU's `role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Member,
    Value,
    Branch,
    Feature,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Value => "value",
            Role::Branch => "branch",
            Role::Feature => "feature",
        }
    }
}

/// Human description of a member for messages, as QEMU's
/// `QAPISchemaMember.describe()`: `member 'x'`, `parameter 'x'`,
/// `base member 'x' of type 'U'`, ... relative to the definition `info`
/// is in.
pub fn describe_member(
    role: Role,
    name: &str,
    defined_in: &str,
    info: Option<&SourceInfo>,
) -> String {
    let mut role = role.as_str().to_owned();
    let mut meta = "type";
    let mut owner = defined_in;
    if let Some(rest) = owner.strip_prefix("q_obj_") {
        if let Some(cmd) = rest.strip_suffix("-arg") {
            role = "parameter".to_owned();
            meta = "command";
            owner = cmd;
        } else if let Some(union) = rest.strip_suffix("-base") {
            role = format!("base {role}");
            owner = union;
        } else {
            owner = rest;
        }
    }
    let in_defn = info
        .and_then(|i| i.defn.as_deref())
        .map(|d| d.name.as_str());
    if in_defn == Some(owner) {
        format!("{role} '{name}'")
    } else {
        format!("{role} '{name}' of {meta} '{owner}'")
    }
}

impl Feature {
    pub fn describe(&self, info: Option<&SourceInfo>) -> String {
        describe_member(Role::Feature, &self.name, &self.defined_in, info)
    }
}

impl EnumMember {
    pub fn describe(&self, info: Option<&SourceInfo>) -> String {
        describe_member(Role::Value, &self.name, &self.defined_in, info)
    }
}

impl ObjectMember {
    pub fn describe(&self, info: Option<&SourceInfo>) -> String {
        describe_member(Role::Member, &self.name, &self.defined_in, info)
    }
}

impl Variant {
    pub fn describe(&self, info: Option<&SourceInfo>) -> String {
        describe_member(Role::Branch, &self.name, &self.defined_in, info)
    }
}

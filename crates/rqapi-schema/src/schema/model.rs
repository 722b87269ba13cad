//! The checked schema's entities and members (QEMU's `QAPISchema*` classes).

pub use super::builtin::{Builtin, JsonType};
use super::ifcond::IfCond;
pub use super::members::{EnumMember, Feature, ObjectMember, Role, Variant, describe_member};
use crate::common::c_name;
use crate::parser::DocId;
use crate::source::SourceInfo;

/// Index of an entity in [`Schema::entities`](super::Schema::entities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub(crate) u32);

impl EntityId {
    /// Placeholder for a type reference not yet resolved; never visible
    /// in a checked schema.
    pub(crate) const UNRESOLVED: EntityId = EntityId(u32::MAX);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a module in [`Schema::modules`](super::Schema::modules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub(crate) u32);

impl ModuleId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An enum type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    pub members: Vec<EnumMember>,
    /// Overrides the C constant prefix.
    pub prefix: Option<String>,
}

impl EnumType {
    pub fn member_names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }
}

/// An array type `FooList`, implicit from `['Foo']`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayType {
    pub element_type_name: String,
    pub element_type: EntityId,
}

/// A union's branches, selected by a member of its base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branches {
    pub info: SourceInfo,
    /// The discriminator member's name as written.
    pub tag_name: String,
    /// The discriminator member (from the base), resolved by the checks.
    pub tag_member: Option<ObjectMember>,
    /// Explicit branches in source order, then an implicit `q_empty`
    /// branch for every tag value not covered.
    pub variants: Vec<Variant>,
}

/// A struct (no branches) or union (base + branches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectType {
    pub base_name: Option<String>,
    pub base: Option<EntityId>,
    /// Members declared by this type itself.
    pub local_members: Vec<ObjectMember>,
    /// All members: the base's, then the local ones (set by the checks).
    pub members: Vec<ObjectMember>,
    pub branches: Option<Branches>,
}

impl ObjectType {
    pub fn is_union(&self) -> bool {
        self.branches.is_some()
    }

    /// No members and no branches.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.branches.is_none()
    }

    pub fn has_conditional_members(&self) -> bool {
        self.members.iter().any(|m| m.ifcond.is_present())
    }
}

/// An alternate type: one of several types, told apart by JSON type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlternateType {
    /// The implicit `type` member of built-in enum `QType`.
    pub tag_member: ObjectMember,
    pub variants: Vec<Variant>,
}

/// A command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub arg_type_name: Option<String>,
    /// Arguments: an object type (implicit `q_obj_NAME-arg` for inline ones).
    pub arg_type: Option<EntityId>,
    pub ret_type_name: Option<String>,
    pub ret_type: Option<EntityId>,
    /// QEMU's `gen`: whether to generate the C marshalling code.
    pub generate: bool,
    pub success_response: bool,
    pub boxed: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

/// An event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub arg_type_name: Option<String>,
    pub arg_type: Option<EntityId>,
    pub boxed: bool,
}

/// What an entity is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityKind {
    Builtin(Builtin),
    Enum(EnumType),
    Array(ArrayType),
    Object(ObjectType),
    Alternate(AlternateType),
    Command(Command),
    Event(Event),
}

/// A named definition: a type, command or event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    /// The definition; for implicit types the place that caused it;
    /// `None` for built-ins (and their arrays).
    pub info: Option<SourceInfo>,
    pub doc: Option<DocId>,
    /// For arrays, the element type's condition.
    pub ifcond: IfCond,
    pub features: Vec<Feature>,
    /// The module it is listed in (for arrays: the element type's).
    pub module: ModuleId,
    pub kind: EntityKind,
}

impl Entity {
    /// QEMU's `meta`: `built-in`, `enum`, `array`, `struct`, `union`,
    /// `alternate`, `command`, `event`.
    pub fn meta(&self) -> &'static str {
        match &self.kind {
            EntityKind::Builtin(_) => "built-in",
            EntityKind::Enum(_) => "enum",
            EntityKind::Array(_) => "array",
            EntityKind::Object(o) if o.is_union() => "union",
            EntityKind::Object(_) => "struct",
            EntityKind::Alternate(_) => "alternate",
            EntityKind::Command(_) => "command",
            EntityKind::Event(_) => "event",
        }
    }

    pub fn is_type(&self) -> bool {
        !matches!(self.kind, EntityKind::Command(_) | EntityKind::Event(_))
    }

    /// Implicitly defined: built-ins, `QType`, arrays and `q_*` objects.
    pub fn is_implicit(&self) -> bool {
        match &self.kind {
            EntityKind::Enum(_) => self.name == "QType",
            EntityKind::Array(_) => true,
            EntityKind::Object(_) => self.name.starts_with("q_"),
            _ => self.info.is_none(),
        }
    }

    /// For messages: `struct type 'Foo'`, `array type ['Foo']`, `command 'x'`.
    pub fn describe(&self) -> String {
        match &self.kind {
            EntityKind::Array(a) => format!("array type ['{}']", a.element_type_name),
            EntityKind::Command(_) | EntityKind::Event(_) => {
                format!("{} '{}'", self.meta(), self.name)
            }
            _ => format!("{} type '{}'", self.meta(), self.name),
        }
    }

    /// The wire shape of a type; `None` for commands and events.
    pub fn json_type(&self) -> Option<JsonType> {
        Some(match &self.kind {
            EntityKind::Builtin(b) => b.json_type(),
            EntityKind::Enum(_) => JsonType::String,
            EntityKind::Array(_) => JsonType::Array,
            EntityKind::Object(_) => JsonType::Object,
            EntityKind::Alternate(_) => JsonType::Value,
            EntityKind::Command(_) | EntityKind::Event(_) => return None,
        })
    }

    /// The C identifier form of the name (built-ins keep theirs).
    pub fn c_name(&self) -> String {
        match self.kind {
            EntityKind::Builtin(_) => self.name.clone(),
            _ => c_name(&self.name, true),
        }
    }

    pub fn as_enum(&self) -> Option<&EnumType> {
        match &self.kind {
            EntityKind::Enum(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&ObjectType> {
        match &self.kind {
            EntityKind::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&ArrayType> {
        match &self.kind {
            EntityKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_alternate(&self) -> Option<&AlternateType> {
        match &self.kind {
            EntityKind::Alternate(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_command(&self) -> Option<&Command> {
        match &self.kind {
            EntityKind::Command(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_event(&self) -> Option<&Event> {
        match &self.kind {
            EntityKind::Event(e) => Some(e),
            _ => None,
        }
    }
}

/// One item of a module, in source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleItem {
    /// An `include` directive of this module.
    Include {
        module: ModuleId,
        info: SourceInfo,
    },
    Entity(EntityId),
}

/// A schema file (`./builtin` for the built-in types).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// Path relative to the main schema's directory, or `./builtin`.
    pub name: String,
    pub items: Vec<ModuleItem>,
}

impl Module {
    pub const BUILTIN_NAME: &'static str = "./builtin";

    /// Internally defined modules have names starting with `./`.
    pub fn is_system(&self) -> bool {
        self.name.starts_with("./")
    }

    pub fn is_user(&self) -> bool {
        !self.is_system()
    }

    pub fn is_builtin(&self) -> bool {
        self.name == Self::BUILTIN_NAME
    }

    pub fn entities(&self) -> impl Iterator<Item = EntityId> + '_ {
        self.items.iter().filter_map(|i| match i {
            ModuleItem::Entity(id) => Some(*id),
            ModuleItem::Include { .. } => None,
        })
    }
}

//! The checked schema's entities and members (QEMU's `QAPISchema*` classes).

use super::ifcond::IfCond;
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

/// How a type's values look on the wire (QEMU's `json_type()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    String,
    Number,
    Int,
    Boolean,
    Null,
    /// Any JSON value (`any` and alternates).
    Value,
    Array,
    Object,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Int => "int",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
            JsonType::Value => "value",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// The QType tag an alternate uses to tell branches apart;
    /// `None` for `value` (such types cannot be alternate branches).
    pub fn alternate_qtype(self) -> Option<&'static str> {
        Some(match self {
            JsonType::Null => "QTYPE_QNULL",
            JsonType::String => "QTYPE_QSTRING",
            JsonType::Number | JsonType::Int => "QTYPE_QNUM",
            JsonType::Boolean => "QTYPE_QBOOL",
            JsonType::Array => "QTYPE_QLIST",
            JsonType::Object => "QTYPE_QDICT",
            JsonType::Value => return None,
        })
    }
}

/// The built-in scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Str,
    Number,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Size,
    Bool,
    Any,
    Null,
}

impl Builtin {
    /// All built-ins in QEMU's definition order.
    pub const ALL: [Builtin; 15] = [
        Builtin::Str,
        Builtin::Number,
        Builtin::Int,
        Builtin::Int8,
        Builtin::Int16,
        Builtin::Int32,
        Builtin::Int64,
        Builtin::Uint8,
        Builtin::Uint16,
        Builtin::Uint32,
        Builtin::Uint64,
        Builtin::Size,
        Builtin::Bool,
        Builtin::Any,
        Builtin::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Str => "str",
            Builtin::Number => "number",
            Builtin::Int => "int",
            Builtin::Int8 => "int8",
            Builtin::Int16 => "int16",
            Builtin::Int32 => "int32",
            Builtin::Int64 => "int64",
            Builtin::Uint8 => "uint8",
            Builtin::Uint16 => "uint16",
            Builtin::Uint32 => "uint32",
            Builtin::Uint64 => "uint64",
            Builtin::Size => "size",
            Builtin::Bool => "bool",
            Builtin::Any => "any",
            Builtin::Null => "null",
        }
    }

    pub fn json_type(self) -> JsonType {
        match self {
            Builtin::Str => JsonType::String,
            Builtin::Number => JsonType::Number,
            Builtin::Bool => JsonType::Boolean,
            Builtin::Any => JsonType::Value,
            Builtin::Null => JsonType::Null,
            _ => JsonType::Int,
        }
    }
}

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

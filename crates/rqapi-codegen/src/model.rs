//! The Rust-shaped model the schema is lowered to before emission: names
//! are final Rust identifiers, conditions are already `cfg` predicates (or
//! evaluated away), recursion is already broken with `Box`.

use rqapi_schema::schema::{Builtin, JsonType};

/// A Rust type expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeRef {
    Builtin(Builtin),
    /// A generated type, by Rust name.
    Named(String),
    List(Box<TypeRef>),
    Boxed(Box<TypeRef>),
}

/// What every generated item carries.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Rustdoc lines.
    pub doc: Vec<String>,
    /// `#[cfg(...)]` predicate (token text), if conditional.
    pub cfg: Option<String>,
    pub deprecated: bool,
    pub unstable: bool,
}

/// A member of an object type (struct field).
#[derive(Clone, Debug)]
pub struct Field {
    pub ident: String,
    pub wire: String,
    pub ty: TypeRef,
    pub optional: bool,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub ident: String,
    pub fields: Vec<Field>,
    pub meta: Meta,
}

/// A union: base members (the tag among them, at `tag_index`), whose tag
/// field holds the branch enum `branch_ident`.
#[derive(Clone, Debug)]
pub struct UnionDef {
    pub ident: String,
    pub fields: Vec<Field>,
    pub tag_index: usize,
    pub branch_ident: String,
    /// The tag's enum type (Rust name).
    pub tag_enum: String,
    pub branches: Vec<Branch>,
    /// Catch-all branch for unknown tag values (tolerant side).
    pub unknown: Option<String>,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub struct Branch {
    pub ident: String,
    pub wire: String,
    /// The branch's object type; `None` for branches without members.
    pub ty: Option<TypeRef>,
    pub cfg: Option<String>,
}

#[derive(Clone, Debug)]
pub struct EnumValue {
    pub ident: String,
    pub wire: String,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub ident: String,
    pub wire: String,
    pub values: Vec<EnumValue>,
    /// Name of the catch-all variant for unknown values (tolerant side).
    pub unknown: Option<String>,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub struct Alternative {
    pub ident: String,
    pub ty: TypeRef,
    pub json: JsonType,
    pub cfg: Option<String>,
}

#[derive(Clone, Debug)]
pub struct AlternateDef {
    pub ident: String,
    pub wire: String,
    pub alternatives: Vec<Alternative>,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub enum TypeDef {
    Struct(StructDef),
    Union(UnionDef),
    Enum(EnumDef),
    Alternate(AlternateDef),
}

/// Static command facts (QEMU's `QCO_*` options and features).
#[derive(Clone, Copy, Debug, Default)]
pub struct CommandFlags {
    pub generated: bool,
    pub success_response: bool,
    pub allow_oob: bool,
    pub allow_preconfig: bool,
    pub coroutine: bool,
}

#[derive(Clone, Debug)]
pub struct CommandDef {
    pub wire: String,
    /// Trait method name.
    pub method: String,
    /// Client marker type name.
    pub marker: String,
    /// Argument struct (Rust name) and its fields.
    pub args: Option<(String, Vec<Field>)>,
    /// Pass the argument struct whole (`boxed`, or members we cannot unpack).
    pub boxed: bool,
    pub ret: Option<TypeRef>,
    pub flags: CommandFlags,
    pub meta: Meta,
}

#[derive(Clone, Debug)]
pub struct EventDef {
    pub wire: String,
    pub ident: String,
    pub data: Option<TypeRef>,
    pub meta: Meta,
}

/// Everything to emit.
#[derive(Clone, Debug, Default)]
pub struct RustSchema {
    pub types: Vec<TypeDef>,
    pub commands: Vec<CommandDef>,
    pub events: Vec<EventDef>,
}

//! The checked schema model (QEMU's `schema.py`).
//!
//! A [`Schema`] is an arena of [`Entity`] values (types, commands,
//! events), addressed by [`EntityId`] and looked up by name. Entities are
//! kept in definition order: the built-ins (`str` ... `null`, each with its
//! implicit array, then `q_empty` and `QType`), then every definition of
//! the schema in source order, with implicit types (`FooList` arrays,
//! `q_obj_CMD-arg`, `q_obj_UNION-base`) placed right before the definition
//! that caused them, exactly as QEMU orders them.
//!
//! Every entity belongs to a [`Module`] (`./builtin` first, then the schema
//! files in the order first met, named relative to the main file's
//! directory); a module lists its `include` directives and entities in
//! order, which is the order backends visit them ([`Schema::visit`]).
//!
//! Type references are resolved: members, variants, bases, array
//! elements, command and event argument and return types hold
//! [`EntityId`]s next to the names as written. Conditions are typed
//! [`IfCond`]s; every entity, member and feature keeps its [`SourceInfo`]
//! and definitions their [`DocId`] into [`Schema::docs`].
//!
//! A `Schema` only exists once every check of QEMU's front end passed, with
//! QEMU's error text otherwise (see [`crate::load`]).

mod build;
mod builtin;
mod check;
mod ifcond;
mod members;
mod model;
mod module_name;
mod visit;

use std::ops::Index;

pub use ifcond::{Cond, IfCond};
pub use model::Entity;
pub use model::{
    AlternateType, ArrayType, Branches, Builtin, Command, EntityId, EntityKind, EnumMember,
    EnumType, Event, Feature, JsonType, Module, ModuleId, ModuleItem, ObjectMember, ObjectType,
    Role, Variant, describe_member,
};
pub use visit::SchemaVisitor;

use crate::doc::Doc;
use crate::error::Result;
use crate::hash::HashMap;
use crate::parser::{DocId, ParsedSchema, Pragma};

/// A checked QAPI schema.
#[derive(Clone, Debug)]
pub struct Schema {
    fname: String,
    entities: Vec<Entity>,
    by_name: HashMap<String, EntityId>,
    modules: Vec<Module>,
    docs: Vec<Doc>,
    features: Vec<Feature>,
    pragma: Pragma,
}

impl Schema {
    /// Builds and checks the model from parsed, expression-checked input.
    /// `fname` is the main schema file as given to the parser.
    pub fn from_parsed(fname: &str, parsed: ParsedSchema) -> Result<Schema> {
        let mut builder = build::Builder::new(fname, parsed)?;
        builder.def_exprs()?;
        builder.check()
    }

    /// The main schema file, as given.
    pub fn fname(&self) -> &str {
        &self.fname
    }

    /// All entities in definition order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// Entities with their ids, in definition order.
    pub fn iter(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| (EntityId(i as u32), e))
    }

    pub fn lookup_id(&self, name: &str) -> Option<EntityId> {
        self.by_name.get(name).copied()
    }

    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        self.lookup_id(name).map(|id| self.entity(id))
    }

    /// Like [`lookup`](Self::lookup), but only types.
    pub fn lookup_type(&self, name: &str) -> Option<&Entity> {
        self.lookup(name).filter(|e| e.is_type())
    }

    /// Modules: `./builtin` first, then schema files in the order first met.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.index()]
    }

    /// All doc comment blocks in source order, connected to the model.
    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    pub fn doc(&self, id: DocId) -> &Doc {
        &self.docs[id]
    }

    /// Feature names used anywhere in the schema, the special ones first,
    /// then in order of first use (each with its first use's info).
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The schema's final pragma settings.
    pub fn pragma(&self) -> &Pragma {
        &self.pragma
    }

    /// Commands in definition order.
    pub fn commands(&self) -> impl Iterator<Item = (&Entity, &Command)> {
        self.entities
            .iter()
            .filter_map(|e| e.as_command().map(|c| (e, c)))
    }

    /// Events in definition order.
    pub fn events(&self) -> impl Iterator<Item = (&Entity, &Event)> {
        self.entities
            .iter()
            .filter_map(|e| e.as_event().map(|v| (e, v)))
    }

    /// Types (including built-ins and implicit ones) in definition order.
    pub fn types(&self) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(|e| e.is_type())
    }
}

impl Index<EntityId> for Schema {
    type Output = Entity;

    fn index(&self, id: EntityId) -> &Entity {
        self.entity(id)
    }
}

//! Lowering the checked schema to the Rust model ([`crate::model`]).
//!
//! Decisions made here (see the crate docs for the why): which entities
//! become Rust types and under which names, where `Box` goes, what
//! conditions become, and the docs attached to everything.

mod api;
mod docs;
mod recursion;
mod types;

use std::collections::HashMap;

use rqapi_schema::Schema;
use rqapi_schema::schema::{Entity, EntityId, EntityKind, Feature, IfCond};

use crate::cond::Verdict;
use crate::model::{Meta, RustSchema, TypeRef};
use crate::names::{Namer, camel};
use crate::{Error, Options};

/// Lowers `schema` for `options`.
pub fn lower(schema: &Schema, options: &Options) -> Result<RustSchema, Error> {
    let lowerer = Lowerer::new(schema, options);
    let mut out = RustSchema::default();
    for (id, entity) in schema.iter() {
        match &entity.kind {
            EntityKind::Command(c) => {
                if let Some(def) = lowerer.command(entity, c)? {
                    out.commands.push(def);
                }
            }
            EntityKind::Event(e) => {
                if let Some(def) = lowerer.event(entity, e)? {
                    out.events.push(def);
                }
            }
            _ => {
                if let Some(def) = lowerer.type_def(id, entity)? {
                    out.types.push(def);
                }
            }
        }
    }
    unique_api_names(&mut out);
    Ok(out)
}

/// Command methods, command markers and event variants each need unique
/// names in their scope.
fn unique_api_names(out: &mut RustSchema) {
    let mut methods = Namer::new();
    let mut markers = Namer::new();
    for name in ["COMMANDS", "Commands", "dispatch"] {
        markers.reserve(name);
    }
    for c in &mut out.commands {
        c.method = methods.unique(std::mem::take(&mut c.method));
        c.marker = markers.unique(std::mem::take(&mut c.marker));
    }
    let mut events = Namer::new();
    for e in &mut out.events {
        e.ident = events.unique(std::mem::take(&mut e.ident));
    }
}

pub(crate) struct Lowerer<'s> {
    schema: &'s Schema,
    options: &'s Options,
    /// Rust names of the entities that become Rust types.
    type_names: HashMap<EntityId, String>,
    /// Per enum entity: Rust variant name of every value.
    enum_values: HashMap<EntityId, Vec<(String, String)>>,
    /// Per enum entity: its catch-all variant, on the tolerant side.
    enum_unknown: HashMap<EntityId, String>,
    /// Per union: the Rust name of its branch enum.
    branch_enums: HashMap<EntityId, String>,
    cycles: recursion::Cycles,
}

/// Entities that become Rust types of their own.
fn emits_type(entity: &Entity) -> bool {
    match &entity.kind {
        EntityKind::Enum(_) | EntityKind::Alternate(_) => true,
        EntityKind::Object(_) => {
            entity.name != "q_empty"
                && !(entity.name.starts_with("q_obj_") && entity.name.ends_with("-base"))
        }
        _ => false,
    }
}

impl<'s> Lowerer<'s> {
    fn new(schema: &'s Schema, options: &'s Options) -> Self {
        let mut namer = Namer::new();
        let mut type_names = HashMap::new();
        let mut enum_values = HashMap::new();
        let mut enum_unknown = HashMap::new();
        for (id, entity) in schema.iter().filter(|(_, e)| emits_type(e)) {
            type_names.insert(id, namer.unique(Self::type_base_name(schema, entity)));
        }
        let mut branch_enums = HashMap::new();
        for (id, entity) in schema.iter() {
            if entity.as_object().is_some_and(|o| o.is_union()) && type_names.contains_key(&id) {
                branch_enums.insert(id, namer.unique(format!("{}Branch", type_names[&id])));
            }
            if let Some(e) = entity.as_enum() {
                let mut values = Namer::new();
                let named = e
                    .members
                    .iter()
                    .map(|m| (m.name.clone(), values.unique(camel(&m.name))))
                    .collect();
                enum_values.insert(id, named);
                if !options.side.strict() {
                    enum_unknown.insert(id, values.unique("Unknown".to_owned()));
                }
            }
        }
        Lowerer {
            schema,
            options,
            type_names,
            enum_values,
            enum_unknown,
            branch_enums,
            cycles: recursion::Cycles::new(schema),
        }
    }

    /// `q_obj_query-status-arg` → `QueryStatusArguments` (commands) or
    /// `ShutdownEvent` (events); everything else by [`camel`].
    fn type_base_name(schema: &Schema, entity: &Entity) -> String {
        if let Some(owner) = entity
            .name
            .strip_prefix("q_obj_")
            .and_then(|r| r.strip_suffix("-arg"))
        {
            let is_event = schema.lookup(owner).is_some_and(|e| e.as_event().is_some());
            let suffix = if is_event { "Event" } else { "Arguments" };
            return format!("{}{suffix}", camel(owner));
        }
        camel(&entity.name)
    }

    fn judge(&self, ifcond: &IfCond) -> Result<Verdict, Error> {
        self.options.conditions.judge(ifcond)
    }

    /// Meta for an item, or `None` when its condition drops it.
    fn meta(
        &self,
        ifcond: &IfCond,
        features: &[Feature],
        doc: Vec<String>,
    ) -> Result<Option<Meta>, Error> {
        let Verdict::Keep(cfg) = self.judge(ifcond)? else {
            return Ok(None);
        };
        let has = |name: &str| features.iter().any(|f| f.name == name);
        Ok(Some(Meta {
            doc,
            cfg,
            deprecated: has("deprecated"),
            unstable: has("unstable"),
        }))
    }

    /// The Rust type for a reference to entity `id`, from inside `owner`.
    fn type_ref(&self, owner: Option<EntityId>, id: EntityId) -> Result<TypeRef, Error> {
        let entity = self.schema.entity(id);
        let plain = match &entity.kind {
            EntityKind::Builtin(b) => return Ok(TypeRef::Builtin(*b)),
            EntityKind::Array(a) => {
                return Ok(TypeRef::List(Box::new(
                    self.type_ref(None, a.element_type)?,
                )));
            }
            _ => match self.type_names.get(&id) {
                Some(name) => TypeRef::Named(name.clone()),
                None => {
                    return Err(Error::Unsupported(format!(
                        "reference to {}",
                        entity.describe()
                    )));
                }
            },
        };
        Ok(match owner {
            Some(owner) if self.cycles.needs_box(self.schema, owner, id) => {
                TypeRef::Boxed(Box::new(plain))
            }
            _ => plain,
        })
    }

    fn type_name(&self, id: EntityId) -> String {
        self.type_names.get(&id).cloned().unwrap_or_default()
    }
}

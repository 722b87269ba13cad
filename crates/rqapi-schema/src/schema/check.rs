//! The semantic checks, in QEMU's order: each entity is checked (resolving
//! type names) and connected to its doc in definition order, then entities
//! are placed in modules and the doc blocks checked.

use std::borrow::Cow;
use std::sync::Arc;

use indexmap::map::Entry;

use super::Schema;
use super::build::{Builder, Placed};
use super::model::{
    EntityId, EntityKind, Feature, ModuleItem, ObjectMember, Role, describe_member,
};
use crate::common::{c_name, is_protected};
use crate::error::{Error, Result};
use crate::hash::{HashMap, IndexMap};
use crate::source::SourceInfo;

mod doc;
mod types;

/// Progress of an object type's check, to detect self-containment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Progress {
    InProgress,
    Complete,
}

/// A member already seen under its C name, for clash messages. It
/// borrows from the checked entities: clash checks run per member of
/// every flattened member list, and copies made them allocation-bound.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seen<'a> {
    role: Role,
    name: &'a str,
    defined_in: &'a str,
}

/// Members seen so far, by C name (borrowed when the name is its own C
/// name, as nearly all are).
pub(super) type SeenMap<'a> = IndexMap<Cow<'a, str>, Seen<'a>>;

/// An error at `info`, or without location for built-ins.
pub(super) fn err_at(info: Option<&SourceInfo>, msg: String) -> Error {
    match info {
        Some(info) => Error::sem(info, msg),
        None => Error::bare(msg),
    }
}

/// QEMU's `QAPISchemaMember.check_clash`: reports a member whose C name
/// was already seen, else records it.
pub(super) fn check_clash<'a>(
    role: Role,
    name: &'a str,
    defined_in: &'a str,
    info: Option<&SourceInfo>,
    seen: &mut SeenMap<'a>,
) -> Result<()> {
    match seen.entry(c_name_key(name)) {
        Entry::Occupied(other) => {
            let other = other.get();
            let msg = format!(
                "{} collides with {}",
                describe_member(role, name, defined_in, info),
                describe_member(other.role, other.name, other.defined_in, info)
            );
            Err(err_at(info, msg))
        }
        Entry::Vacant(slot) => {
            slot.insert(Seen {
                role,
                name,
                defined_in,
            });
            Ok(())
        }
    }
}

/// `c_name(name, true)`, borrowing `name` when mapping would not change it.
fn c_name_key(name: &str) -> Cow<'_, str> {
    let plain = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain && !is_protected(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(c_name(name, true))
    }
}

pub(super) fn check_feature_clash(features: &[Feature], info: Option<&SourceInfo>) -> Result<()> {
    let mut seen = SeenMap::default();
    for f in features {
        check_clash(Role::Feature, &f.name, &f.defined_in, info, &mut seen)?;
    }
    Ok(())
}

pub(super) fn member_seen(m: &ObjectMember) -> (Role, &str, &str) {
    (Role::Member, &m.name, &m.defined_in)
}

/// State of the checks over a [`Builder`].
pub(super) struct Checker {
    pub b: Builder,
    pub progress: HashMap<EntityId, Progress>,
}

impl Builder {
    /// Runs every check and returns the finished schema.
    pub fn check(self) -> Result<Schema> {
        let mut c = Checker {
            b: self,
            progress: HashMap::default(),
        };
        let defs: Vec<EntityId> =
            c.b.order
                .iter()
                .filter_map(|p| match p {
                    Placed::Def(id) => Some(*id),
                    Placed::Include { .. } => None,
                })
                .collect();
        for id in defs {
            c.check_entity(id)?;
            c.connect_doc(id)?;
        }
        let mut b = c.b;
        b.set_modules();
        for doc in &b.docs {
            doc.check()?;
        }
        if let Some(f) = b.features.values().nth(64) {
            return Err(err_at(
                f.info.as_ref(),
                "Maximum of 64 schema features is permitted".to_owned(),
            ));
        }
        Ok(b.finish())
    }

    fn set_modules(&mut self) {
        for placed in std::mem::take(&mut self.order) {
            match placed {
                Placed::Include { module, info } => {
                    let owner = self.module_by_fname(Some(&info.fname));
                    self.modules[owner.index()]
                        .items
                        .push(ModuleItem::Include { module, info });
                }
                Placed::Def(id) => {
                    let entity = &self.entities[id.index()];
                    let info = match &entity.kind {
                        EntityKind::Array(a) => self
                            .entities
                            .get(a.element_type.index())
                            .and_then(|e| e.info.as_ref()),
                        _ => entity.info.as_ref(),
                    };
                    let fname = info.map(|i| Arc::clone(&i.fname));
                    let module = self.module_by_fname(fname.as_deref());
                    self.entities[id.index()].module = module;
                    self.modules[module.index()]
                        .items
                        .push(ModuleItem::Entity(id));
                }
            }
        }
    }

    fn finish(mut self) -> Schema {
        // An array is as conditional as its element type.
        for i in 0..self.entities.len() {
            if let EntityKind::Array(a) = &self.entities[i].kind {
                let ifcond = self.entities[a.element_type.index()].ifcond.clone();
                self.entities[i].ifcond = ifcond;
            }
        }
        Schema {
            fname: self.fname,
            entities: self.entities,
            by_name: self.by_name,
            modules: self.modules,
            docs: self.docs,
            features: self.features.into_values().collect(),
            pragma: self.pragma,
        }
    }
}

impl Checker {
    /// QEMU's `resolve_type`: a type by name or "WHAT uses unknown type".
    pub fn resolve_type(
        &self,
        name: &str,
        info: Option<&SourceInfo>,
        what: &str,
    ) -> Result<EntityId> {
        self.resolve_type_with(name, info, || what.to_owned())
    }

    /// [`Self::resolve_type`] with the description made only for errors.
    pub fn resolve_type_with(
        &self,
        name: &str,
        info: Option<&SourceInfo>,
        what: impl FnOnce() -> String,
    ) -> Result<EntityId> {
        self.b
            .lookup_type(name)
            .ok_or_else(|| err_at(info, format!("{} uses unknown type '{name}'", what())))
    }

    pub fn entity(&self, id: EntityId) -> &super::model::Entity {
        &self.b.entities[id.index()]
    }
}

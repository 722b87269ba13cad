//! Connecting definitions' members and features to their doc blocks
//! (QEMU's `connect_doc` methods).

use super::Checker;
use crate::doc::Doc;
use crate::error::Result;
use crate::parser::Pragma;
use crate::schema::model::{Entity, EntityId, EntityKind, Feature, ObjectMember, Role};
use crate::source::SourceInfo;

impl Checker {
    /// Connects entity `id` to its own doc block, if any.
    pub fn connect_doc(&mut self, id: EntityId) -> Result<()> {
        let b = &mut self.b;
        let Some(doc) = b.entities[id.index()].doc else {
            return Ok(());
        };
        // Entities are only read while the doc is written: borrow both
        // rather than cloning the entity.
        let mut connector = DocConnector {
            entities: &b.entities,
            pragma: &b.pragma,
            doc: &mut b.docs[doc],
        };
        connector.connect(id)
    }
}

/// One doc block being connected to the entities it documents.
struct DocConnector<'a> {
    entities: &'a [Entity],
    pragma: &'a Pragma,
    doc: &'a mut Doc,
}

impl DocConnector<'_> {
    fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// Connects entity `id`'s documented parts to the block (which is the
    /// using definition's block for implicit types).
    fn connect(&mut self, id: EntityId) -> Result<()> {
        let e = &self.entities[id.index()];
        self.connect_features(&e.features)?;
        match &e.kind {
            EntityKind::Enum(en) => {
                for m in &en.members {
                    let info = m.info.as_ref();
                    self.connect_member(&m.name, Role::Value, info)?;
                    self.connect_features(&m.features)?;
                }
            }
            EntityKind::Object(o) => {
                if let Some(base) = o.base.filter(|b| self.entity(*b).is_implicit()) {
                    self.connect(base)?;
                }
                self.connect_object_members(&o.local_members)?;
            }
            EntityKind::Alternate(a) => {
                for v in &a.variants {
                    self.connect_member(&v.name, Role::Branch, Some(&v.info))?;
                }
            }
            EntityKind::Command(c) => {
                if let Some(arg) = c.arg_type.filter(|a| self.entity(*a).is_implicit()) {
                    self.connect(arg)?;
                }
                if let (Some(_), Some(info)) = (c.ret_type, &e.info) {
                    self.doc.ensure_returns(info);
                }
            }
            EntityKind::Event(v) => {
                if let Some(arg) = v.arg_type.filter(|a| self.entity(*a).is_implicit()) {
                    self.connect(arg)?;
                }
            }
            EntityKind::Builtin(_) | EntityKind::Array(_) => {}
        }
        Ok(())
    }

    fn connect_object_members(&mut self, members: &[ObjectMember]) -> Result<()> {
        for m in members {
            self.connect_member(&m.name, Role::Member, Some(&m.info))?;
            self.connect_features(&m.features)?;
        }
        Ok(())
    }

    fn connect_member(&mut self, name: &str, role: Role, info: Option<&SourceInfo>) -> Result<()> {
        // Only built-in QType's values lack info, and they have no doc.
        let Some(info) = info else { return Ok(()) };
        self.doc
            .connect_member(name, role.as_str(), info, self.pragma)
    }

    fn connect_features(&mut self, features: &[Feature]) -> Result<()> {
        for f in features {
            if let Some(info) = &f.info {
                self.doc.connect_feature(&f.name, info)?;
            }
        }
        Ok(())
    }
}

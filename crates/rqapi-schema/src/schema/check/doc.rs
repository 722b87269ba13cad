//! Connecting definitions' members and features to their doc blocks
//! (QEMU's `connect_doc` methods).

use super::Checker;
use crate::error::Result;
use crate::parser::DocId;
use crate::schema::model::{EntityId, EntityKind, Feature, ObjectMember, Role};
use crate::source::SourceInfo;

impl Checker {
    /// Connects entity `id` to its own doc block, if any.
    pub fn connect_doc(&mut self, id: EntityId) -> Result<()> {
        match self.entity(id).doc {
            Some(doc) => self.connect_doc_to(id, doc),
            None => Ok(()),
        }
    }

    /// Connects entity `id`'s documented parts to block `doc` (which is the
    /// using definition's block for implicit types).
    fn connect_doc_to(&mut self, id: EntityId, doc: DocId) -> Result<()> {
        let e = self.entity(id).clone();
        self.connect_features(doc, &e.features)?;
        match &e.kind {
            EntityKind::Enum(en) => {
                for m in &en.members {
                    let info = m.info.as_ref();
                    self.connect_member(doc, &m.name, Role::Value, info)?;
                    self.connect_features(doc, &m.features)?;
                }
            }
            EntityKind::Object(o) => {
                if let Some(base) = o.base.filter(|b| self.entity(*b).is_implicit()) {
                    self.connect_doc_to(base, doc)?;
                }
                self.connect_object_members(doc, &o.local_members)?;
            }
            EntityKind::Alternate(a) => {
                for v in &a.variants {
                    self.connect_member(doc, &v.name, Role::Branch, Some(&v.info))?;
                }
            }
            EntityKind::Command(c) => {
                if let Some(arg) = c.arg_type.filter(|a| self.entity(*a).is_implicit()) {
                    self.connect_doc_to(arg, doc)?;
                }
                if let (Some(_), Some(info)) = (c.ret_type, &e.info) {
                    self.doc_mut(doc).ensure_returns(info);
                }
            }
            EntityKind::Event(v) => {
                if let Some(arg) = v.arg_type.filter(|a| self.entity(*a).is_implicit()) {
                    self.connect_doc_to(arg, doc)?;
                }
            }
            EntityKind::Builtin(_) | EntityKind::Array(_) => {}
        }
        Ok(())
    }

    fn connect_object_members(&mut self, doc: DocId, members: &[ObjectMember]) -> Result<()> {
        for m in members {
            self.connect_member(doc, &m.name, Role::Member, Some(&m.info))?;
            self.connect_features(doc, &m.features)?;
        }
        Ok(())
    }

    fn connect_member(
        &mut self,
        doc: DocId,
        name: &str,
        role: Role,
        info: Option<&SourceInfo>,
    ) -> Result<()> {
        // Only built-in QType's values lack info, and they have no doc.
        let Some(info) = info else { return Ok(()) };
        let b = &mut self.b;
        b.docs[doc].connect_member(name, role.as_str(), info, &b.pragma)
    }

    fn connect_features(&mut self, doc: DocId, features: &[Feature]) -> Result<()> {
        for f in features {
            if let Some(info) = &f.info {
                self.doc_mut(doc).connect_feature(&f.name, info)?;
            }
        }
        Ok(())
    }

    fn doc_mut(&mut self, doc: DocId) -> &mut crate::doc::Doc {
        &mut self.b.docs[doc]
    }
}

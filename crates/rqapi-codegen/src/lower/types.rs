//! Lowering type definitions: structs, unions, enums, alternates.

use rqapi_schema::schema::{
    AlternateType, Entity, EntityId, EntityKind, EnumType, ObjectMember, ObjectType,
};

use super::{Lowerer, docs};
use crate::Error;
use crate::cond::Verdict;
use crate::model::{
    AlternateDef, Alternative, Branch, EnumDef, EnumValue, Field, StructDef, TypeDef, TypeRef,
    UnionDef,
};
use crate::names::{Namer, snake};

impl Lowerer<'_> {
    pub(super) fn type_def(&self, id: EntityId, entity: &Entity) -> Result<Option<TypeDef>, Error> {
        if !self.type_names.contains_key(&id) {
            return Ok(None);
        }
        let doc = docs::definition(self.schema, entity);
        let Some(meta) = self.meta(&entity.ifcond, &entity.features, doc)? else {
            return Ok(None);
        };
        let ident = self.type_name(id);
        let wire = entity.name.clone();
        Ok(Some(match &entity.kind {
            EntityKind::Enum(e) => TypeDef::Enum(EnumDef {
                values: self.enum_values_of(id, e)?,
                unknown: self.enum_unknown.get(&id).cloned(),
                ident,
                wire,
                meta,
            }),
            EntityKind::Object(o) if o.is_union() => {
                TypeDef::Union(self.union(id, o, ident, &wire, meta)?)
            }
            EntityKind::Object(o) => TypeDef::Struct(StructDef {
                fields: self.fields(id, &o.members)?,
                ident,
                meta,
            }),
            EntityKind::Alternate(a) => TypeDef::Alternate(AlternateDef {
                alternatives: self.alternatives(id, a)?,
                ident,
                wire,
                meta,
            }),
            _ => return Ok(None),
        }))
    }

    fn enum_values_of(&self, id: EntityId, e: &EnumType) -> Result<Vec<EnumValue>, Error> {
        let names = &self.enum_values[&id];
        let mut out = Vec::new();
        for (member, (_, ident)) in e.members.iter().zip(names) {
            let doc = docs::member(
                self.schema,
                &member.defined_in,
                &member.name,
                &member.features,
            );
            if let Some(meta) = self.meta(&member.ifcond, &member.features, doc)? {
                out.push(EnumValue {
                    ident: ident.clone(),
                    wire: member.name.clone(),
                    meta,
                });
            }
        }
        Ok(out)
    }

    /// Struct fields for `members` of object `owner`.
    pub(super) fn fields(
        &self,
        owner: EntityId,
        members: &[ObjectMember],
    ) -> Result<Vec<Field>, Error> {
        let mut namer = Namer::new();
        let mut out = Vec::new();
        for member in members {
            let doc = docs::member(
                self.schema,
                &member.defined_in,
                &member.name,
                &member.features,
            );
            let Some(meta) = self.meta(&member.ifcond, &member.features, doc)? else {
                continue;
            };
            out.push(Field {
                ident: namer.unique(snake(&member.name)),
                wire: member.name.clone(),
                ty: self.type_ref(Some(owner), member.ty)?,
                optional: member.optional,
                meta,
            });
        }
        Ok(out)
    }

    fn union(
        &self,
        id: EntityId,
        o: &ObjectType,
        ident: String,
        wire: &str,
        meta: crate::model::Meta,
    ) -> Result<UnionDef, Error> {
        let Some(branches) = &o.branches else {
            return Err(Error::Unsupported(format!("union {wire} without branches")));
        };
        let Some(tag) = &branches.tag_member else {
            return Err(Error::Unsupported(format!(
                "union {wire} without tag member"
            )));
        };
        let branch_ident = self.branch_enums[&id].clone();
        let mut fields = self.fields(id, &o.members)?;
        let tag_index = fields
            .iter()
            .position(|f| f.wire == tag.name)
            .ok_or_else(|| Error::Unsupported(format!("union {wire}: tag member dropped")))?;
        fields[tag_index].ty = TypeRef::Named(branch_ident.clone());
        let value_names = self.enum_values.get(&tag.ty);
        let mut out = Vec::new();
        for variant in &branches.variants {
            let Verdict::Keep(cfg) = self.judge(&variant.ifcond)? else {
                continue;
            };
            let ident = value_names
                .and_then(|v| v.iter().find(|(w, _)| *w == variant.name))
                .map(|(_, i)| i.clone())
                .ok_or_else(|| {
                    Error::Unsupported(format!("union {wire}: branch {}", variant.name))
                })?;
            let ty = if variant.type_name == "q_empty" {
                None
            } else {
                Some(self.type_ref(Some(id), variant.ty)?)
            };
            out.push(Branch {
                ident,
                wire: variant.name.clone(),
                ty,
                cfg,
            });
        }
        Ok(UnionDef {
            ident,
            fields,
            tag_index,
            branch_ident,
            tag_enum: self.type_name(tag.ty),
            branches: out,
            unknown: self.enum_unknown.get(&tag.ty).cloned(),
            meta,
        })
    }

    fn alternatives(&self, id: EntityId, a: &AlternateType) -> Result<Vec<Alternative>, Error> {
        let mut namer = Namer::new();
        let mut out = Vec::new();
        for variant in &a.variants {
            let Verdict::Keep(cfg) = self.judge(&variant.ifcond)? else {
                continue;
            };
            let json = self
                .schema
                .entity(variant.ty)
                .json_type()
                .ok_or_else(|| Error::Unsupported(format!("alternative {}", variant.name)))?;
            out.push(Alternative {
                ident: namer.unique(crate::names::camel(&variant.name)),
                ty: self.type_ref(Some(id), variant.ty)?,
                json,
                cfg,
            });
        }
        Ok(out)
    }
}

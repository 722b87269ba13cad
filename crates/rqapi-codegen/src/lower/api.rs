//! Lowering commands and events.

use rqapi_schema::schema::{Command, Entity, Event};

use super::{Lowerer, docs};
use crate::Error;
use crate::model::{CommandDef, CommandFlags, EventDef, TypeRef};
use crate::names::{camel, snake};

impl Lowerer<'_> {
    pub(super) fn command(
        &self,
        entity: &Entity,
        c: &Command,
    ) -> Result<Option<CommandDef>, Error> {
        let doc = docs::definition(self.schema, entity);
        let Some(meta) = self.meta(&entity.ifcond, &entity.features, doc)? else {
            return Ok(None);
        };
        let mut boxed = c.boxed;
        let args = match c.arg_type {
            Some(id) => {
                let arg_entity = self.schema.entity(id);
                let object = arg_entity
                    .as_object()
                    .ok_or_else(|| Error::Unsupported(format!("arguments of {}", entity.name)))?;
                // Unions can only be passed whole; so can members under
                // `cfg`, which call arguments cannot carry.
                let fields = self.fields(id, &object.members)?;
                if object.is_union() || fields.iter().any(|f| f.meta.cfg.is_some()) {
                    boxed = true;
                }
                Some((self.type_name(id), fields))
            }
            None => None,
        };
        let ret = c.ret_type.map(|id| self.type_ref(None, id)).transpose()?;
        Ok(Some(CommandDef {
            wire: entity.name.clone(),
            method: snake(&entity.name),
            marker: camel(&entity.name),
            args,
            boxed,
            ret,
            flags: CommandFlags {
                generated: c.generate,
                success_response: c.success_response,
                allow_oob: c.allow_oob,
                allow_preconfig: c.allow_preconfig,
                coroutine: c.coroutine,
            },
            meta,
        }))
    }

    pub(super) fn event(&self, entity: &Entity, e: &Event) -> Result<Option<EventDef>, Error> {
        let doc = docs::definition(self.schema, entity);
        let Some(meta) = self.meta(&entity.ifcond, &entity.features, doc)? else {
            return Ok(None);
        };
        let data = e
            .arg_type
            .map(|id| self.type_ref(None, id))
            .transpose()?
            .filter(|t| !matches!(t, TypeRef::Named(n) if n.is_empty()));
        Ok(Some(EventDef {
            wire: entity.name.clone(),
            ident: camel(&entity.name),
            data,
            meta,
        }))
    }
}

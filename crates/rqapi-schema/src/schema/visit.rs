//! Walking the model module by module, as QEMU's backends do.

use super::Schema;
use super::model::{
    AlternateType, ArrayType, Builtin, Command, Entity, EntityKind, EnumType, Event, Module,
    ModuleItem, ObjectType,
};
use crate::source::SourceInfo;

/// Callbacks for [`Schema::visit`]; every method defaults to doing nothing.
/// Each gets the whole [`Entity`] (name, info, ifcond, features, doc) plus
/// its kind-specific part.
pub trait SchemaVisitor {
    fn visit_begin(&mut self, _schema: &Schema) {}
    fn visit_end(&mut self) {}
    fn visit_module(&mut self, _module: &Module) {}
    /// Filters entities; by default all are visited.
    fn visit_needed(&mut self, _entity: &Entity) -> bool {
        true
    }
    /// An `include` of module `name`, written at `info`.
    fn visit_include(&mut self, _name: &str, _info: &SourceInfo) {}
    fn visit_builtin_type(&mut self, _entity: &Entity, _builtin: Builtin) {}
    fn visit_enum_type(&mut self, _entity: &Entity, _enum: &EnumType) {}
    fn visit_array_type(&mut self, _entity: &Entity, _array: &ArrayType) {}
    fn visit_object_type(&mut self, _entity: &Entity, _object: &ObjectType) {}
    fn visit_alternate_type(&mut self, _entity: &Entity, _alternate: &AlternateType) {}
    fn visit_command(&mut self, _entity: &Entity, _command: &Command) {}
    fn visit_event(&mut self, _entity: &Entity, _event: &Event) {}
}

impl Schema {
    /// Visits every module in order, and in each its includes and entities
    /// in definition order.
    pub fn visit(&self, visitor: &mut dyn SchemaVisitor) {
        visitor.visit_begin(self);
        for module in self.modules() {
            visitor.visit_module(module);
            for item in &module.items {
                match item {
                    ModuleItem::Include { module, info } => {
                        visitor.visit_include(&self.module(*module).name, info);
                    }
                    ModuleItem::Entity(id) => {
                        let entity = self.entity(*id);
                        if visitor.visit_needed(entity) {
                            visit_entity(visitor, entity);
                        }
                    }
                }
            }
        }
        visitor.visit_end();
    }
}

fn visit_entity(visitor: &mut dyn SchemaVisitor, entity: &Entity) {
    match &entity.kind {
        EntityKind::Builtin(b) => visitor.visit_builtin_type(entity, *b),
        EntityKind::Enum(e) => visitor.visit_enum_type(entity, e),
        EntityKind::Array(a) => visitor.visit_array_type(entity, a),
        EntityKind::Object(o) => visitor.visit_object_type(entity, o),
        EntityKind::Alternate(a) => visitor.visit_alternate_type(entity, a),
        EntityKind::Command(c) => visitor.visit_command(entity, c),
        EntityKind::Event(e) => visitor.visit_event(entity, e),
    }
}

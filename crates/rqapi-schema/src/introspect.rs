//! Introspection data: the list `query-qmp-schema` returns (QEMU's
//! `introspect.py`).
//!
//! Commands and events come first, module by module in definition order; then every type
//! they use, in order of first use, each followed by the types it uses in
//! turn. Types nobody uses are left out. Unless unmasked, the names of
//! non-built-in, non-array types are replaced by numbers in order of first
//! use, so clients cannot come to depend on them.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::schema::{Builtin, Entity, EntityId, EntityKind, Feature, IfCond, Schema};

/// What the introspection list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Keep the real type names instead of QEMU's numbers.
    pub unmask: bool,
    /// Keep each conditional item's condition, in C preprocessor form:
    /// objects get an `"if"` member, strings become
    /// `{"if": COND, "value": STRING}`.
    pub annotated: bool,
}

/// The introspection list of `schema`, as `query-qmp-schema` returns it.
pub fn introspect(schema: &Schema, opts: &IntrospectOptions) -> Value {
    let mut walker = Introspector {
        schema,
        opts: *opts,
        used: Vec::new(),
        used_index: HashMap::new(),
        masks: HashMap::new(),
        trees: Vec::new(),
    };
    // Module by module, as QEMU's backends visit.
    for id in schema.modules().iter().flat_map(|m| m.entities()) {
        if matches!(
            schema[id].kind,
            EntityKind::Command(_) | EntityKind::Event(_)
        ) {
            walker.entity(id);
        }
    }
    // Visiting a type may use more types: the list grows as we walk it.
    let mut next = 0;
    while let Some(&id) = walker.used.get(next) {
        walker.entity(id);
        next += 1;
    }
    Value::Array(walker.trees)
}

struct Introspector<'a> {
    schema: &'a Schema,
    opts: IntrospectOptions,
    used: Vec<EntityId>,
    used_index: HashMap<EntityId, usize>,
    masks: HashMap<String, String>,
    trees: Vec<Value>,
}

impl Introspector<'_> {
    fn entity(&mut self, id: EntityId) {
        let schema = self.schema;
        let entity = &schema[id];
        let mut obj = Map::new();
        let meta = match &entity.kind {
            EntityKind::Builtin(b) => {
                obj.insert("json-type".into(), b.json_type().as_str().into());
                "builtin"
            }
            EntityKind::Enum(e) => {
                let members = e
                    .members
                    .iter()
                    .map(|m| {
                        let mut member = Map::new();
                        member.insert("name".into(), m.name.clone().into());
                        self.features(&mut member, &m.features);
                        self.annotate(Value::Object(member), &m.ifcond)
                    })
                    .collect();
                let values = e
                    .members
                    .iter()
                    .map(|m| self.annotate(m.name.clone().into(), &m.ifcond))
                    .collect();
                obj.insert("members".into(), Value::Array(members));
                obj.insert("values".into(), Value::Array(values));
                "enum"
            }
            EntityKind::Array(a) => {
                let element = self.use_type(a.element_type);
                obj.insert("element-type".into(), element.into());
                "array"
            }
            EntityKind::Object(o) => {
                let members = o
                    .members
                    .iter()
                    .map(|m| {
                        let mut member = Map::new();
                        member.insert("name".into(), m.name.clone().into());
                        member.insert("type".into(), self.use_type(m.ty).into());
                        if m.optional {
                            member.insert("default".into(), Value::Null);
                        }
                        self.features(&mut member, &m.features);
                        self.annotate(Value::Object(member), &m.ifcond)
                    })
                    .collect();
                obj.insert("members".into(), Value::Array(members));
                if let Some(branches) = &o.branches {
                    let tag = branches
                        .tag_member
                        .as_ref()
                        .map_or(branches.tag_name.as_str(), |m| m.name.as_str());
                    obj.insert("tag".into(), tag.into());
                    let variants = branches
                        .variants
                        .iter()
                        .map(|v| {
                            let variant = json!({"case": v.name, "type": self.use_type(v.ty)});
                            self.annotate(variant, &v.ifcond)
                        })
                        .collect();
                    obj.insert("variants".into(), Value::Array(variants));
                }
                "object"
            }
            EntityKind::Alternate(a) => {
                let members = a
                    .variants
                    .iter()
                    .map(|v| {
                        let member = json!({"type": self.use_type(v.ty)});
                        self.annotate(member, &v.ifcond)
                    })
                    .collect();
                obj.insert("members".into(), Value::Array(members));
                "alternate"
            }
            EntityKind::Command(c) => {
                let arg = self.use_type_or_empty(c.arg_type);
                let ret = self.use_type_or_empty(c.ret_type);
                obj.insert("arg-type".into(), arg.into());
                obj.insert("ret-type".into(), ret.into());
                if c.allow_oob {
                    obj.insert("allow-oob".into(), true.into());
                }
                "command"
            }
            EntityKind::Event(e) => {
                let arg = self.use_type_or_empty(e.arg_type);
                obj.insert("arg-type".into(), arg.into());
                "event"
            }
        };
        let name = match meta {
            "command" | "event" | "builtin" | "array" => self.plain_name(entity),
            _ => self.mask(&entity.name),
        };
        obj.insert("name".into(), name.into());
        obj.insert("meta-type".into(), meta.into());
        self.features(&mut obj, &entity.features);
        let tree = self.annotate(Value::Object(obj), &entity.ifcond);
        self.trees.push(tree);
    }

    /// Arrays are named after their element type: `[int]`, `[42]`.
    fn plain_name(&mut self, entity: &Entity) -> String {
        match &entity.kind {
            EntityKind::Array(a) => format!("[{}]", self.use_type(a.element_type)),
            _ => entity.name.clone(),
        }
    }

    fn mask(&mut self, name: &str) -> String {
        if self.opts.unmask {
            return name.to_owned();
        }
        let next = self.masks.len().to_string();
        self.masks.entry(name.to_owned()).or_insert(next).clone()
    }

    fn use_type_or_empty(&mut self, id: Option<EntityId>) -> String {
        let id = id.or_else(|| self.schema.lookup_id("q_empty"));
        id.map(|id| self.use_type(id)).unwrap_or_default()
    }

    /// Records that `id` is used and returns how the list refers to it.
    /// All integer types are introspected as `int`, integer arrays as
    /// `intList`: their ranges are not part of the wire contract.
    fn use_type(&mut self, id: EntityId) -> String {
        let schema = self.schema;
        let mut id = id;
        let int_json = |e: &Entity| e.json_type() == Some(crate::schema::JsonType::Int);
        if int_json(&schema[id]) {
            id = schema.lookup_id(Builtin::Int.name()).unwrap_or(id);
        } else if let Some(a) = schema[id].as_array()
            && int_json(&schema[a.element_type])
        {
            id = schema.lookup_id("intList").unwrap_or(id);
        }
        if !self.used_index.contains_key(&id) {
            self.used_index.insert(id, self.used.len());
            self.used.push(id);
        }
        let entity = &schema[id];
        match &entity.kind {
            EntityKind::Builtin(_) => entity.name.clone(),
            EntityKind::Array(a) => format!("[{}]", self.use_type(a.element_type)),
            _ => self.mask(&entity.name),
        }
    }

    fn features(&self, obj: &mut Map<String, Value>, features: &[Feature]) {
        if features.is_empty() {
            return;
        }
        let list = features
            .iter()
            .map(|f| self.annotate(f.name.clone().into(), &f.ifcond))
            .collect();
        obj.insert("features".into(), Value::Array(list));
    }

    /// Attaches a condition when annotating; dropped otherwise.
    fn annotate(&self, value: Value, ifcond: &IfCond) -> Value {
        if !self.opts.annotated || !ifcond.is_present() {
            return value;
        }
        match value {
            Value::Object(mut obj) => {
                obj.insert("if".into(), ifcond.cgen().into());
                Value::Object(obj)
            }
            other => json!({"if": ifcond.cgen(), "value": other}),
        }
    }
}

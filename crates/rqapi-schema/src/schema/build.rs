//! Turning checked expressions into unresolved entities (QEMU's
//! `QAPISchema._def_*` methods), including the implicit types.

use super::ifcond::IfCond;
use super::model::{
    AlternateType, ArrayType, Branches, Builtin, Command, Entity, EntityId, EntityKind, EnumMember,
    EnumType, Event, Feature, Module, ModuleId, ObjectMember, ObjectType, Variant,
};
use super::module_name::{dirname, module_name};
use crate::doc::Doc;
use crate::error::{Error, Result};
use crate::hash::{HashMap, IndexMap};
use crate::parser::{DocId, ParsedExpr, ParsedSchema, Pragma};
use crate::source::SourceInfo;
use crate::value::{Dict, DictExt, Value};

/// An item of QEMU's entity list: definitions and `include` directives.
#[derive(Debug)]
pub(super) enum Placed {
    Include { module: ModuleId, info: SourceInfo },
    Def(EntityId),
}

/// The schema under construction.
#[derive(Debug)]
pub(super) struct Builder {
    pub fname: String,
    schema_dir: String,
    /// The working directory, read once (see `parser::current_dir`).
    cwd: String,
    exprs: Vec<ParsedExpr>,
    pub entities: Vec<Entity>,
    pub by_name: HashMap<String, EntityId>,
    pub order: Vec<Placed>,
    pub modules: Vec<Module>,
    module_ids: HashMap<String, ModuleId>,
    /// Memo of [`Builder::module_by_fname`]: a module name takes path
    /// arithmetic and a `getcwd`, and entities are many, files few.
    file_modules: HashMap<String, ModuleId>,
    pub docs: Vec<Doc>,
    pub pragma: Pragma,
    pub features: IndexMap<String, Feature>,
}

/// Expression fields were validated by the expression checks; a missing one
/// here is a front-end bug, reported rather than panicking.
fn internal(info: &SourceInfo, what: &str) -> Error {
    Error::sem(info, format!("internal error: malformed {what}"))
}

fn get_str<'a>(expr: &'a Dict, key: &str, info: &SourceInfo) -> Result<&'a str> {
    expr.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| internal(info, key))
}

/// The string at `key`, moved out: expressions are taken apart as their
/// entities are defined, so their strings need no copy.
fn take_str(expr: &mut Dict, key: &str, info: &SourceInfo) -> Result<String> {
    match expr.get_mut(key) {
        Some(Value::Str(s)) => Ok(std::mem::take(s)),
        _ => Err(internal(info, key)),
    }
}

/// The object at `key`, moved out (see `take_str`).
fn take_dict(expr: &mut Dict, key: &str, info: &SourceInfo) -> Result<Dict> {
    match expr.get_mut(key) {
        Some(Value::Dict(d)) => Ok(std::mem::take(d)),
        _ => Err(internal(info, key)),
    }
}

fn get_bool(expr: &Dict, key: &str, default: bool) -> bool {
    expr.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn get_dict<'a>(value: &'a Value, info: &SourceInfo) -> Result<&'a Dict> {
    value.as_dict().ok_or_else(|| internal(info, "member"))
}

impl Builder {
    pub fn new(fname: &str, parsed: ParsedSchema) -> Result<Self> {
        let mut features = IndexMap::default();
        for name in Feature::SPECIAL_NAMES {
            features.insert(
                name.to_owned(),
                Feature {
                    name: name.to_owned(),
                    info: None,
                    ifcond: IfCond::NONE,
                    defined_in: String::new(),
                },
            );
        }
        // Every expression defines about one entity, plus implicit types
        // and builtins: sizing up front avoids re-copying large vectors.
        // Not more: unused room still costs (see `parser::parse_schema_with`).
        let capacity = parsed.exprs.len() * 3 / 2 + 64;
        let mut builder = Builder {
            fname: fname.to_owned(),
            schema_dir: dirname(fname).to_owned(),
            cwd: crate::parser::current_dir(),
            exprs: parsed.exprs,
            entities: Vec::with_capacity(capacity),
            by_name: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            order: Vec::with_capacity(capacity),
            modules: Vec::new(),
            module_ids: HashMap::default(),
            file_modules: HashMap::default(),
            docs: parsed.docs,
            pragma: parsed.pragma,
            features,
        };
        builder.make_module(Module::BUILTIN_NAME);
        builder.make_module(fname);
        builder.def_predefineds()?;
        Ok(builder)
    }

    fn make_module(&mut self, fname: &str) -> ModuleId {
        let name = module_name(fname, &self.schema_dir, &self.cwd);
        if let Some(id) = self.module_ids.get(&name) {
            return *id;
        }
        let id = ModuleId(self.modules.len() as u32);
        self.module_ids.insert(name.clone(), id);
        self.modules.push(Module {
            name,
            items: Vec::new(),
        });
        id
    }

    /// The module of file `fname` (`None`: built-in), which must exist.
    pub fn module_by_fname(&mut self, fname: Option<&str>) -> ModuleId {
        let Some(fname) = fname else {
            return self.module_id(Module::BUILTIN_NAME);
        };
        if let Some(&id) = self.file_modules.get(fname) {
            return id;
        }
        let id = self.module_id(&module_name(fname, &self.schema_dir, &self.cwd));
        self.file_modules.insert(fname.to_owned(), id);
        id
    }

    fn module_id(&self, name: &str) -> ModuleId {
        // Every file the parser read was met as main file or include.
        self.module_ids.get(name).copied().unwrap_or(ModuleId(0))
    }

    pub fn lookup(&self, name: &str) -> Option<EntityId> {
        self.by_name.get(name).copied()
    }

    pub fn lookup_type(&self, name: &str) -> Option<EntityId> {
        self.lookup(name)
            .filter(|id| self.entities[id.index()].is_type())
    }

    fn def_definition(&mut self, entity: Entity) -> Result<EntityId> {
        if let Some(other) = self.lookup(&entity.name) {
            let other = &self.entities[other.index()];
            let msg = match &other.info {
                Some(oinfo) => format!(
                    "'{}' is already defined\n{oinfo}: previous definition",
                    entity.name
                ),
                None => format!("{} is already defined", other.describe()),
            };
            return Err(match &entity.info {
                Some(info) => Error::sem(info, msg),
                None => Error::bare(msg),
            });
        }
        let id = EntityId(self.entities.len() as u32);
        self.by_name.insert(entity.name.clone(), id);
        self.entities.push(entity);
        self.order.push(Placed::Def(id));
        Ok(id)
    }

    fn new_entity(
        name: &str,
        info: Option<&SourceInfo>,
        doc: Option<DocId>,
        ifcond: IfCond,
        features: Vec<Feature>,
        kind: EntityKind,
    ) -> Entity {
        Entity {
            name: name.to_owned(),
            info: info.cloned(),
            doc,
            ifcond,
            features,
            module: ModuleId(0),
            kind,
        }
    }

    fn def_predefineds(&mut self) -> Result<()> {
        for builtin in Builtin::ALL {
            let kind = EntityKind::Builtin(builtin);
            let entity = Self::new_entity(builtin.name(), None, None, IfCond::NONE, vec![], kind);
            self.def_definition(entity)?;
            self.make_array_type(builtin.name(), None)?;
        }
        let empty = EntityKind::Object(ObjectType {
            base_name: None,
            base: None,
            local_members: vec![],
            members: vec![],
            branches: None,
        });
        self.def_definition(Self::new_entity(
            "q_empty",
            None,
            None,
            IfCond::NONE,
            vec![],
            empty,
        ))?;
        let qtypes = [
            "none", "qnull", "qnum", "qstring", "qdict", "qlist", "qbool",
        ];
        let members = qtypes
            .iter()
            .map(|n| EnumMember {
                name: (*n).to_owned(),
                info: None,
                ifcond: IfCond::NONE,
                features: vec![],
                defined_in: "QType".to_owned(),
            })
            .collect();
        let qtype = EntityKind::Enum(EnumType {
            members,
            prefix: None,
        });
        self.def_definition(Self::new_entity(
            "QType",
            None,
            None,
            IfCond::NONE,
            vec![],
            qtype,
        ))?;
        Ok(())
    }

    fn make_features(
        &mut self,
        features: Option<&Value>,
        info: &SourceInfo,
        defined_in: &str,
    ) -> Result<Vec<Feature>> {
        let Some(features) = features else {
            return Ok(vec![]);
        };
        let list = features
            .as_list()
            .ok_or_else(|| internal(info, "features"))?;
        let mut out = Vec::with_capacity(list.len());
        for f in list {
            let f = get_dict(f, info)?;
            let name = get_str(f, "name", info)?;
            let feature = Feature {
                name: name.to_owned(),
                info: Some(info.clone()),
                ifcond: IfCond::from_value(f.lookup("if"), info)?,
                defined_in: defined_in.to_owned(),
            };
            self.features
                .entry(name.to_owned())
                .or_insert_with(|| Feature {
                    ifcond: IfCond::NONE,
                    defined_in: String::new(),
                    ..feature.clone()
                });
            out.push(feature);
        }
        Ok(out)
    }

    fn make_array_type(&mut self, element: &str, info: Option<&SourceInfo>) -> Result<String> {
        let name = format!("{element}List");
        if self.lookup_type(&name).is_none() {
            let kind = EntityKind::Array(ArrayType {
                element_type_name: element.to_owned(),
                element_type: EntityId::UNRESOLVED,
            });
            self.def_definition(Self::new_entity(
                &name,
                info,
                None,
                IfCond::NONE,
                vec![],
                kind,
            ))?;
        }
        Ok(name)
    }

    /// A type reference as written: `'T'` or `['T']` (making `TList`).
    fn type_ref(&mut self, typ: &mut Value, info: &SourceInfo) -> Result<String> {
        match typ {
            Value::Str(s) => Ok(std::mem::take(s)),
            Value::List(l) if l.len() == 1 => match &l[0] {
                Value::Str(s) => self.make_array_type(s, Some(info)),
                _ => Err(internal(info, "type")),
            },
            _ => Err(internal(info, "type")),
        }
    }

    fn make_members(
        &mut self,
        data: Dict,
        info: &SourceInfo,
        defined_in: &str,
    ) -> Result<Vec<ObjectMember>> {
        let mut members = Vec::with_capacity(data.len());
        for (mut name, mut value) in data {
            let Value::Dict(value) = &mut value else {
                return Err(internal(info, "member"));
            };
            let ifcond = IfCond::from_value(value.lookup("if"), info)?;
            let optional = name.starts_with('*');
            if optional {
                name.remove(0);
            }
            let typ = value
                .lookup_mut("type")
                .ok_or_else(|| internal(info, "member"))?;
            let type_name = self.type_ref(typ, info)?;
            let features = self.make_features(value.lookup("features"), info, &name)?;
            members.push(ObjectMember {
                name,
                info: info.clone(),
                ifcond,
                features,
                type_name,
                ty: EntityId::UNRESOLVED,
                optional,
                defined_in: defined_in.to_owned(),
            });
        }
        Ok(members)
    }

    fn make_variants(
        &mut self,
        data: Dict,
        info: &SourceInfo,
        defined_in: &str,
    ) -> Result<Vec<Variant>> {
        let mut variants = Vec::with_capacity(data.len());
        for (key, mut value) in data {
            let Value::Dict(value) = &mut value else {
                return Err(internal(info, "branch"));
            };
            let ifcond = IfCond::from_value(value.lookup("if"), info)?;
            let typ = value
                .lookup_mut("type")
                .ok_or_else(|| internal(info, "branch"))?;
            variants.push(Variant {
                name: key,
                info: info.clone(),
                ifcond,
                type_name: self.type_ref(typ, info)?,
                ty: EntityId::UNRESOLVED,
                defined_in: defined_in.to_owned(),
            });
        }
        Ok(variants)
    }

    /// `q_obj_NAME-ROLE` for inline members; `None` when there are none.
    fn make_implicit_object_type(
        &mut self,
        name: &str,
        info: &SourceInfo,
        ifcond: &IfCond,
        role: &str,
        data: Dict,
    ) -> Result<Option<String>> {
        let implicit = format!("q_obj_{name}-{role}");
        let members = self.make_members(data, info, &implicit)?;
        if members.is_empty() {
            return Ok(None);
        }
        // An existing one means a duplicate definition, reported later.
        if self.lookup(&implicit).is_none() {
            let kind = EntityKind::Object(ObjectType {
                base_name: None,
                base: None,
                local_members: members,
                members: vec![],
                branches: None,
            });
            let entity =
                Self::new_entity(&implicit, Some(info), None, ifcond.clone(), vec![], kind);
            self.def_definition(entity)?;
        }
        Ok(Some(implicit))
    }

    /// Defines every expression's entities, in order.
    pub fn def_exprs(&mut self) -> Result<()> {
        let exprs = std::mem::take(&mut self.exprs);
        // Each expression is taken apart (its strings move into the model)
        // and freed once defined.
        for mut e in exprs {
            self.def_expr(&mut e)?;
        }
        Ok(())
    }

    fn def_expr(&mut self, e: &mut ParsedExpr) -> Result<()> {
        let (expr, info) = (&mut e.expr, &e.info);
        if let Some(Value::Str(path)) = expr.lookup("include") {
            let module = self.make_module(path);
            self.order.push(Placed::Include {
                module,
                info: info.clone(),
            });
            return Ok(());
        }
        let (meta, name) = ["enum", "struct", "union", "alternate", "command", "event"]
            .into_iter()
            .find_map(|m| match expr.get_mut(m) {
                Some(Value::Str(n)) => Some((m, std::mem::take(n))),
                _ => None,
            })
            .ok_or_else(|| internal(info, "expression"))?;
        let name = name.as_str();
        let ifcond = IfCond::from_value(expr.lookup("if"), info)?;
        let features = self.make_features(expr.lookup("features"), info, name)?;
        let kind = match meta {
            "enum" => self.enum_kind(expr, info, name)?,
            "struct" => {
                let data = match expr.lookup_mut("data") {
                    Some(Value::Dict(d)) => std::mem::take(d),
                    _ => Dict::default(),
                };
                let local_members = self.make_members(data, info, name)?;
                EntityKind::Object(ObjectType {
                    base_name: expr
                        .lookup("base")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    base: None,
                    local_members,
                    members: vec![],
                    branches: None,
                })
            }
            "union" => self.union_kind(expr, info, &ifcond, name)?,
            "alternate" => {
                let data = take_dict(expr, "data", info)?;
                let tag_member = ObjectMember {
                    name: "type".to_owned(),
                    info: info.clone(),
                    ifcond: IfCond::NONE,
                    features: vec![],
                    type_name: "QType".to_owned(),
                    ty: EntityId::UNRESOLVED,
                    optional: false,
                    defined_in: name.to_owned(),
                };
                let variants = self.make_variants(data, info, name)?;
                EntityKind::Alternate(AlternateType {
                    tag_member,
                    variants,
                })
            }
            "command" => self.command_kind(expr, info, &ifcond, name)?,
            _ => {
                let arg_type_name = self.args_ref(expr.lookup_mut("data"), info, &ifcond, name)?;
                EntityKind::Event(Event {
                    arg_type_name,
                    arg_type: None,
                    boxed: get_bool(expr, "boxed", false),
                })
            }
        };
        let entity = Self::new_entity(name, Some(info), e.doc, ifcond, features, kind);
        self.def_definition(entity)?;
        Ok(())
    }

    fn enum_kind(&mut self, expr: &mut Dict, info: &SourceInfo, name: &str) -> Result<EntityKind> {
        let Some(Value::List(values)) = expr.lookup_mut("data") else {
            return Err(internal(info, "data"));
        };
        let mut members = Vec::with_capacity(values.len());
        for v in values.iter_mut() {
            let Value::Dict(v) = v else {
                return Err(internal(info, "member"));
            };
            let vname = take_str(v, "name", info)?;
            let ifcond = IfCond::from_value(v.lookup("if"), info)?;
            let features = self.make_features(v.lookup("features"), info, &vname)?;
            members.push(EnumMember {
                name: vname,
                info: Some(info.clone()),
                ifcond,
                features,
                defined_in: name.to_owned(),
            });
        }
        let prefix = expr
            .lookup("prefix")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(EntityKind::Enum(EnumType { members, prefix }))
    }

    fn union_kind(
        &mut self,
        expr: &mut Dict,
        info: &SourceInfo,
        ifcond: &IfCond,
        name: &str,
    ) -> Result<EntityKind> {
        let base_name = match expr.lookup_mut("base") {
            Some(Value::Dict(d)) => {
                let d = std::mem::take(d);
                self.make_implicit_object_type(name, info, ifcond, "base", d)?
            }
            Some(Value::Str(s)) => Some(std::mem::take(s)),
            _ => return Err(internal(info, "base")),
        };
        let data = take_dict(expr, "data", info)?;
        let variants = self.make_variants(data, info, name)?;
        let tag_name = take_str(expr, "discriminator", info)?;
        Ok(EntityKind::Object(ObjectType {
            base_name,
            base: None,
            local_members: vec![],
            members: vec![],
            branches: Some(Branches {
                info: info.clone(),
                tag_name,
                tag_member: None,
                variants,
            }),
        }))
    }

    /// A command's or event's `data`: a type name or inline members.
    fn args_ref(
        &mut self,
        data: Option<&mut Value>,
        info: &SourceInfo,
        ifcond: &IfCond,
        name: &str,
    ) -> Result<Option<String>> {
        match data {
            None => Ok(None),
            Some(Value::Dict(d)) => {
                let d = std::mem::take(d);
                self.make_implicit_object_type(name, info, ifcond, "arg", d)
            }
            Some(Value::Str(s)) => Ok(Some(std::mem::take(s))),
            Some(_) => Err(internal(info, "data")),
        }
    }

    fn command_kind(
        &mut self,
        expr: &mut Dict,
        info: &SourceInfo,
        ifcond: &IfCond,
        name: &str,
    ) -> Result<EntityKind> {
        let arg_type_name = self.args_ref(expr.lookup_mut("data"), info, ifcond, name)?;
        let ret_type_name = match expr.lookup_mut("returns") {
            None => None,
            Some(r) => Some(self.type_ref(r, info)?),
        };
        Ok(EntityKind::Command(Command {
            arg_type_name,
            arg_type: None,
            ret_type_name,
            ret_type: None,
            generate: get_bool(expr, "gen", true),
            success_response: get_bool(expr, "success-response", true),
            boxed: get_bool(expr, "boxed", false),
            allow_oob: get_bool(expr, "allow-oob", false),
            allow_preconfig: get_bool(expr, "allow-preconfig", false),
            coroutine: get_bool(expr, "coroutine", false),
        }))
    }
}

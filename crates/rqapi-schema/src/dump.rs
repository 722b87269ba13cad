//! The schema dump of QEMU's test suite (`tests/qapi-schema/*.out`, as
//! printed by `test-qapi.py`): every module's entities, then the docs.

use std::fmt::Write;

use crate::doc::SectionKind;
use crate::schema::{
    AlternateType, ArrayType, Command, Cond, Entity, EnumType, Event, Feature, IfCond, Module,
    ObjectType, Schema, SchemaVisitor, Variant,
};
use crate::source::SourceInfo;

/// Renders `schema` exactly as QEMU's test driver prints it.
pub fn dump(schema: &Schema) -> String {
    let mut d = Dumper {
        schema,
        out: String::new(),
    };
    schema.visit(&mut d);
    d.docs();
    d.out
}

struct Dumper<'a> {
    schema: &'a Schema,
    out: String,
}

fn python_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn kind_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Plain => "Plain",
        SectionKind::Member => "Member",
        SectionKind::Feature => "Feature",
        SectionKind::Returns => "Returns",
        SectionKind::Errors => "Errors",
        SectionKind::Since => "Since",
        SectionKind::Todo => "Todo",
    }
}

impl<'a> Dumper<'a> {
    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        // Writing to a String cannot fail.
        let _ = self.out.write_fmt(text);
        self.out.push('\n');
    }

    fn print_if(&mut self, ifcond: &IfCond, indent: usize) {
        if ifcond.is_present() {
            // Python's `%s`: a bare string prints unquoted, a dict as repr.
            let repr = match ifcond.cond() {
                Some(Cond::Str(s)) => s.clone(),
                _ => ifcond.python_repr(),
            };
            self.line(format_args!("{:indent$}if {repr}", ""));
        }
    }

    fn print_features(&mut self, features: &[Feature], indent: usize) {
        for f in features {
            self.line(format_args!("{:indent$}feature {}", "", f.name));
            self.print_if(&f.ifcond, indent + 4);
        }
    }

    fn print_variants(&mut self, tag: &str, variants: &[Variant]) {
        self.line(format_args!("    tag {tag}"));
        for v in variants {
            let ty = &self.schema[v.ty].name;
            self.line(format_args!("    case {}: {ty}", v.name));
            self.print_if(&v.ifcond, 8);
        }
    }

    fn print_tail(&mut self, entity: &Entity) {
        self.print_if(&entity.ifcond, 4);
        self.print_features(&entity.features, 4);
    }

    fn type_name(&self, id: Option<crate::schema::EntityId>) -> &'a str {
        let schema = self.schema;
        id.map_or("None", |id| &schema[id].name)
    }

    fn docs(&mut self) {
        let schema = self.schema;
        for doc in schema.docs() {
            match &doc.symbol {
                Some(sym) => self.line(format_args!("doc symbol={sym}")),
                None => self.line(format_args!("doc freeform")),
            }
            self.line(format_args!("    body=\n{}", doc.body()));
            for (name, section) in doc.args() {
                self.line(format_args!("    arg={name}\n{}", section.text));
            }
            for (name, section) in doc.features() {
                self.line(format_args!("    feature={name}\n{}", section.text));
            }
            for section in doc.sections() {
                let kind = kind_name(section.kind);
                self.line(format_args!("    section={kind}\n{}", section.text));
            }
        }
    }
}

impl SchemaVisitor for Dumper<'_> {
    fn visit_module(&mut self, module: &Module) {
        self.line(format_args!("module {}", module.name));
    }

    fn visit_include(&mut self, name: &str, _info: &SourceInfo) {
        self.line(format_args!("include {name}"));
    }

    fn visit_enum_type(&mut self, entity: &Entity, en: &EnumType) {
        self.line(format_args!("enum {}", entity.name));
        if let Some(prefix) = &en.prefix {
            self.line(format_args!("    prefix {prefix}"));
        }
        for m in &en.members {
            self.line(format_args!("    member {}", m.name));
            self.print_if(&m.ifcond, 8);
            self.print_features(&m.features, 8);
        }
        self.print_tail(entity);
    }

    fn visit_array_type(&mut self, entity: &Entity, array: &ArrayType) {
        if entity.info.is_none() {
            return; // built-in arrays are not printed
        }
        let elem = &self.schema[array.element_type].name;
        self.line(format_args!("array {} {elem}", entity.name));
        self.print_if(&entity.ifcond, 4);
    }

    fn visit_object_type(&mut self, entity: &Entity, obj: &ObjectType) {
        self.line(format_args!("object {}", entity.name));
        if let Some(base) = obj.base {
            let base = &self.schema[base].name;
            self.line(format_args!("    base {base}"));
        }
        for m in &obj.local_members {
            let ty = &self.schema[m.ty].name;
            let opt = python_bool(m.optional);
            self.line(format_args!("    member {}: {ty} optional={opt}", m.name));
            self.print_if(&m.ifcond, 8);
            self.print_features(&m.features, 8);
        }
        if let Some(br) = &obj.branches {
            let tag = br
                .tag_member
                .as_ref()
                .map_or(br.tag_name.as_str(), |t| &t.name);
            self.print_variants(tag, &br.variants);
        }
        self.print_tail(entity);
    }

    fn visit_alternate_type(&mut self, entity: &Entity, alt: &AlternateType) {
        self.line(format_args!("alternate {}", entity.name));
        self.print_variants(&alt.tag_member.name, &alt.variants);
        self.print_tail(entity);
    }

    fn visit_command(&mut self, entity: &Entity, c: &Command) {
        let (arg, ret) = (self.type_name(c.arg_type), self.type_name(c.ret_type));
        self.line(format_args!("command {} {arg} -> {ret}", entity.name));
        let coroutine = if c.coroutine { " coroutine=True" } else { "" };
        self.line(format_args!(
            "    gen={} success_response={} boxed={} oob={} preconfig={}{coroutine}",
            python_bool(c.generate),
            python_bool(c.success_response),
            python_bool(c.boxed),
            python_bool(c.allow_oob),
            python_bool(c.allow_preconfig),
        ));
        self.print_tail(entity);
    }

    fn visit_event(&mut self, entity: &Entity, ev: &Event) {
        let arg = self.type_name(ev.arg_type);
        self.line(format_args!("event {} {arg}", entity.name));
        self.line(format_args!("    boxed={}", python_bool(ev.boxed)));
        self.print_tail(entity);
    }
}

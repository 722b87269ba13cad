//! The `query-qmp-schema` value, embedded: the annotated introspection
//! list as one JSON string, parsed once, with every condition decided by
//! a generated `holds()` (`cfg!(...)` or a constant).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use rqapi_schema::Schema;
use rqapi_schema::introspect::{IntrospectOptions, introspect};
use rqapi_schema::schema::{EntityKind, Feature, IfCond};

use super::common::predicate;
use crate::Error;
use crate::cond::{Conditions, Verdict};

/// Every distinct condition of the schema, by its C form.
fn conditions(schema: &Schema) -> BTreeMap<String, IfCond> {
    let mut out = BTreeMap::new();
    let mut add = |c: &IfCond| {
        if c.is_present() {
            out.entry(c.cgen()).or_insert_with(|| c.clone());
        }
    };
    let features = |fs: &[Feature], add: &mut dyn FnMut(&IfCond)| {
        fs.iter().for_each(|f| add(&f.ifcond));
    };
    for entity in schema.entities() {
        add(&entity.ifcond);
        features(&entity.features, &mut add);
        match &entity.kind {
            EntityKind::Enum(e) => e.members.iter().for_each(|m| {
                add(&m.ifcond);
                features(&m.features, &mut add);
            }),
            EntityKind::Object(o) => {
                o.members.iter().for_each(|m| {
                    add(&m.ifcond);
                    features(&m.features, &mut add);
                });
                o.branches
                    .iter()
                    .flat_map(|b| &b.variants)
                    .for_each(|v| add(&v.ifcond));
            }
            EntityKind::Alternate(a) => a.variants.iter().for_each(|v| add(&v.ifcond)),
            _ => {}
        }
    }
    out
}

pub fn module(schema: &Schema, conds: &Conditions) -> Result<TokenStream, Error> {
    let list = introspect(
        schema,
        &IntrospectOptions {
            unmask: false,
            annotated: true,
        },
    );
    let json = serde_json::to_string(&list).map_err(|e| Error::Unsupported(e.to_string()))?;
    let mut arms = Vec::new();
    for (text, cond) in conditions(schema) {
        let holds = match conds.judge(&cond)? {
            Verdict::Drop => quote!(false),
            Verdict::Keep(None) => quote!(true),
            Verdict::Keep(Some(pred)) => {
                let pred = predicate(&pred);
                quote!(cfg!(#pred))
            }
        };
        arms.push(quote!(#text => #holds,));
    }
    Ok(quote! {
        /// The introspection list with conditions, as generated.
        pub const ANNOTATED_JSON: &str = #json;

        /// Whether a condition (C preprocessor form) holds in this build.
        pub fn holds(condition: &str) -> bool {
            match condition { #(#arms)* _ => false }
        }

        static SCHEMA: ::std::sync::LazyLock<rt::Value> = ::std::sync::LazyLock::new(|| {
            let annotated: rt::Value = rt::serde_json::from_str(ANNOTATED_JSON).unwrap_or_default();
            rt::filter_introspection(&annotated, &holds).unwrap_or_default()
        });

        /// What `query-qmp-schema` returns (type names masked, as QEMU's).
        pub fn schema() -> &'static rt::Value {
            &SCHEMA
        }
    })
}

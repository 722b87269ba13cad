//! The impls every generated struct, union and enum has in the same shape
//! (`Visit`, `Serialize`, `Deserialize`, and `Display` for enums).
//!
//! They make up a good part of the file, and parsing and formatting them
//! over and over is most of the generator's time. Their formatting only
//! depends on the length of the type's name, so each shape is formatted
//! once per name length, with a placeholder name, and reused as text.

use std::collections::HashMap;
use std::sync::Mutex;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::common::{Cx, id};
use crate::Error;

/// Which set of impls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Boiler {
    /// Structs and unions: through `VisitMembers`/`SerializeMembers`.
    Object,
    /// Enums: through `QapiEnum`.
    Enum,
}

/// The impls as tokens, each under `item_cfg`.
pub fn tokens(cx: &Cx, kind: Boiler, name: &Ident, item_cfg: &TokenStream) -> TokenStream {
    let (visit, serialize) = match kind {
        Boiler::Object => (
            quote!(rt::visit_struct(v, name, value)),
            quote!(rt::serialize_struct(self, serializer)),
        ),
        Boiler::Enum => (
            quote!(v.enum_value(name, value)),
            quote!(serializer.serialize_str(rt::QapiEnum::as_wire(self))),
        ),
    };
    // Objects move their members out of a value given up.
    let visit_owned = match kind {
        Boiler::Object => quote! {
            fn visit_owned(v: &mut rt::Input, name: rt::Name, value: rt::Value) -> rt::VisitResult<Self> {
                rt::visit_struct_owned(v, name, value)
            }
        },
        Boiler::Enum => TokenStream::new(),
    };
    let display = match kind {
        Boiler::Object => TokenStream::new(),
        Boiler::Enum => quote! {
            #item_cfg
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(rt::QapiEnum::as_wire(self))
                }
            }
        },
    };
    let serde = cx.serde_impls(name, item_cfg, serialize);
    quote! {
        #item_cfg
        impl rt::Visit for #name {
            fn visit(v: &mut rt::Input, name: rt::Name, value: &rt::Value) -> rt::VisitResult<Self> {
                #visit
            }
            #visit_owned
        }
        #display
        #serde
    }
}

/// How often the type's name occurs in each shape.
fn name_count(kind: Boiler) -> usize {
    match kind {
        Boiler::Object => 3,
        Boiler::Enum => 4,
    }
}

/// Formatted shapes by kind and name length, with the placeholder name.
#[derive(Debug, Default)]
pub struct Templates {
    cache: Mutex<HashMap<(Boiler, usize), String>>,
}

impl Templates {
    /// The formatted impls for the type `name` (not conditional);
    /// `format` formats items as a module body.
    pub fn text(
        &self,
        cx: &Cx,
        kind: Boiler,
        name: &str,
        format: impl Fn(TokenStream) -> Result<String, Error>,
    ) -> Result<String, Error> {
        // `Xxx...`: no other word of the shapes contains an `X`.
        let placeholder = format!("X{}", "x".repeat(name.len().saturating_sub(1)));
        let key = (kind, name.len());
        let cached = self.lock().get(&key).cloned();
        let template = match cached {
            Some(template) => template,
            None => {
                let template = format(tokens(cx, kind, &id(&placeholder), &TokenStream::new()))?;
                if template.matches(&placeholder).count() != name_count(kind) {
                    // Cannot substitute safely; format this one directly.
                    return format(tokens(cx, kind, &id(name), &TokenStream::new()));
                }
                self.lock().insert(key, template.clone());
                template
            }
        };
        Ok(template.replace(&placeholder, name))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Boiler, usize), String>> {
        // A poisoned cache still holds complete entries.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

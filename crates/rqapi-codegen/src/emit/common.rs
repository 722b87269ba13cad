//! Token helpers shared by the emitters: type expressions, attributes,
//! runtime and standard library paths.
//!
//! Every generated module starts with `use ::rqapi_runtime::qapi as rt;`
//! and names runtime items through `rt::`. Standard prelude names
//! (`Option`, `String`, ...) are written bare unless the file defines an
//! item of that name, in which case they are fully qualified.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use rqapi_schema::schema::Builtin;

use crate::model::{Meta, TypeRef};
use crate::names::ident;

/// The `use` line every generated module starts with.
pub const RT_USE: &str = "use ::rqapi_runtime::qapi as rt;";

/// What all emitters need to know: the side and which prelude names the
/// generated file shadows. Plain data, so emission can run on threads.
#[derive(Debug)]
pub struct Cx {
    pub strict: bool,
    shadowed: HashSet<String>,
}

/// Writes the bare prelude name when not shadowed, the full path when it is.
macro_rules! prelude_paths {
    ($($method:ident: $short:ident => $($full:ident)::+;)*) => {
        impl Cx {
            $(
                pub fn $method(&self) -> TokenStream {
                    if self.shadowed.contains(stringify!($short)) {
                        quote!($(::$full)+)
                    } else {
                        quote!($short)
                    }
                }
            )*
        }
    };
}

prelude_paths! {
    option: Option => std::option::Option;
    some: Some => std::option::Option::Some;
    none: None => std::option::Option::None;
    result: Result => std::result::Result;
    ok: Ok => std::result::Result::Ok;
    err: Err => std::result::Result::Err;
    string: String => std::string::String;
    vec: Vec => std::vec::Vec;
    boxed: Box => std::boxed::Box;
    send: Send => std::marker::Send;
    sync: Sync => std::marker::Sync;
    future: Future => std::future::Future;
}

impl Cx {
    /// `defined`: every item name the generated file declares.
    pub fn new<'a>(strict: bool, defined: impl IntoIterator<Item = &'a str>) -> Self {
        const PRELUDE: &[&str] = &[
            "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Send",
            "Sync", "Future",
        ];
        let shadowed = defined
            .into_iter()
            .filter(|name| PRELUDE.contains(name))
            .map(str::to_owned)
            .collect();
        Cx { strict, shadowed }
    }

    /// A Rust type expression.
    pub fn ty(&self, t: &TypeRef, scope: Scope) -> TokenStream {
        match t {
            TypeRef::Builtin(b) => self.builtin(*b),
            TypeRef::Named(name) => {
                let name = id(name);
                match scope {
                    Scope::Types => quote!(#name),
                    Scope::Sibling => quote!(super::types::#name),
                }
            }
            TypeRef::List(inner) => {
                let inner = self.ty(inner, scope);
                let vec = self.vec();
                quote!(#vec<#inner>)
            }
            TypeRef::Boxed(inner) => {
                let inner = self.ty(inner, scope);
                let boxed = self.boxed();
                quote!(#boxed<#inner>)
            }
        }
    }

    fn builtin(&self, b: Builtin) -> TokenStream {
        match b {
            Builtin::Str => self.string(),
            Builtin::Number => quote!(f64),
            Builtin::Int | Builtin::Int64 => quote!(i64),
            Builtin::Int8 => quote!(i8),
            Builtin::Int16 => quote!(i16),
            Builtin::Int32 => quote!(i32),
            Builtin::Uint8 => quote!(u8),
            Builtin::Uint16 => quote!(u16),
            Builtin::Uint32 => quote!(u32),
            Builtin::Uint64 | Builtin::Size => quote!(u64),
            Builtin::Bool => quote!(bool),
            Builtin::Any => quote!(rt::Value),
            Builtin::Null => quote!(rt::Null),
        }
    }

    /// `Serialize` and `Deserialize` impls delegating to the runtime.
    pub fn serde_impls(
        &self,
        name: &Ident,
        item_cfg: &TokenStream,
        serialize_body: TokenStream,
    ) -> TokenStream {
        let result = self.result();
        let strict = self.strict;
        quote! {
            #item_cfg
            impl rt::serde::Serialize for #name {
                fn serialize<S: rt::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                    #serialize_body
                }
            }
            #item_cfg
            impl<'de> rt::serde::Deserialize<'de> for #name {
                fn deserialize<D: rt::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    rt::deserialize(deserializer, #strict)
                }
            }
        }
    }
}

pub fn id(name: &str) -> Ident {
    ident(name)
}

/// How emitted code names generated types: directly inside the `types`
/// module, through `super::types::` elsewhere.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Types,
    Sibling,
}

/// `#[doc]` lines.
pub fn doc(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// The predicate tokens of a `cfg` (checked to lex when lowered).
pub fn predicate(pred: &str) -> TokenStream {
    pred.parse().unwrap_or_default()
}

/// `#[cfg(...)]` if conditional.
pub fn cfg(meta_cfg: &Option<String>) -> TokenStream {
    match meta_cfg {
        Some(pred) => {
            let pred = predicate(pred);
            quote!(#[cfg(#pred)])
        }
        None => TokenStream::new(),
    }
}

/// Docs, `cfg` and `#[deprecated]` of an item.
pub fn attrs(meta: &Meta) -> TokenStream {
    let doc = doc(&meta.doc);
    let cfg = cfg(&meta.cfg);
    let deprecated = if meta.deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    };
    quote!(#doc #cfg #deprecated)
}

/// Whether an item is marked `deprecated` or `unstable`.
pub fn marked(meta: &Meta) -> bool {
    meta.deprecated || meta.unstable
}

/// The runtime `Features` constant for an item.
pub fn features(meta: &Meta) -> TokenStream {
    match (meta.deprecated, meta.unstable) {
        (false, false) => quote!(rt::Features::NONE),
        (true, false) => quote!(rt::Features::DEPRECATED),
        (false, true) => quote!(rt::Features::UNSTABLE),
        (true, true) => quote!(rt::Features::BOTH),
    }
}

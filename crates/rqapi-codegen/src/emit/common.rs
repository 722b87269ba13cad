//! Token helpers shared by the emitters: type expressions, attributes,
//! runtime paths.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use rqapi_schema::schema::Builtin;

use crate::model::{Meta, TypeRef};
use crate::names::ident;

/// The runtime support module.
pub fn rt() -> TokenStream {
    quote!(::rqapi_runtime::qapi)
}

/// `serde_json::Value`, through the runtime's re-export.
pub fn value() -> TokenStream {
    quote!(::rqapi_runtime::qapi::serde_json::Value)
}

/// `serde_json::Map<String, Value>`.
pub fn map() -> TokenStream {
    quote!(::rqapi_runtime::qapi::serde_json::Map<::std::string::String, ::rqapi_runtime::qapi::serde_json::Value>)
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

pub fn ty(t: &TypeRef, scope: Scope) -> TokenStream {
    match t {
        TypeRef::Builtin(b) => builtin(*b),
        TypeRef::Named(name) => {
            let name = id(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Sibling => quote!(super::types::#name),
            }
        }
        TypeRef::List(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

fn builtin(b: Builtin) -> TokenStream {
    match b {
        Builtin::Str => quote!(::std::string::String),
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
        Builtin::Any => value(),
        Builtin::Null => quote!(::rqapi_runtime::qapi::Null),
    }
}

/// `#[doc]` lines.
pub fn doc(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// `#[cfg(...)]` if conditional.
pub fn cfg(meta_cfg: &Option<TokenStream>) -> TokenStream {
    match meta_cfg {
        Some(pred) => quote!(#[cfg(#pred)]),
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

/// The runtime `Features` constant for an item.
pub fn features(meta: &Meta) -> TokenStream {
    let rt = rt();
    match (meta.deprecated, meta.unstable) {
        (false, false) => quote!(#rt::Features::NONE),
        (true, false) => quote!(#rt::Features::DEPRECATED),
        (false, true) => quote!(#rt::Features::UNSTABLE),
        (true, true) => quote!(#rt::Features::BOTH),
    }
}

/// `Serialize` and `Deserialize` impls delegating to the runtime.
pub fn serde_impls(name: &Ident, serialize_body: TokenStream, strict: bool) -> TokenStream {
    let rt = rt();
    quote! {
        impl #rt::serde::Serialize for #name {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize_body
            }
        }
        impl<'de> #rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::deserialize(deserializer, #strict)
            }
        }
    }
}

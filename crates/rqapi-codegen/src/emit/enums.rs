//! Enums and alternates.

use proc_macro2::TokenStream;
use quote::quote;
use rqapi_schema::schema::JsonType;

use super::common::{Scope, attrs, cfg, features, id, rt, serde_impls, ty, value};
use crate::model::{AlternateDef, EnumDef};

pub fn enum_def(e: &EnumDef, strict: bool) -> TokenStream {
    let rt = rt();
    let name = id(&e.ident);
    let item_attrs = attrs(&e.meta);
    let wire_name = &e.wire;
    let variants = e.values.iter().map(|v| {
        let attrs = attrs(&v.meta);
        let ident = id(&v.ident);
        quote!(#attrs #ident,)
    });
    let from_arms = e.values.iter().map(|v| {
        let cfg = cfg(&v.meta.cfg);
        let ident = id(&v.ident);
        let wire = &v.wire;
        quote!(#cfg #wire => ::std::option::Option::Some(Self::#ident),)
    });
    let as_arms = e.values.iter().map(|v| {
        let cfg = cfg(&v.meta.cfg);
        let ident = id(&v.ident);
        let wire = &v.wire;
        quote!(#cfg Self::#ident => #wire,)
    });
    let featured: Vec<_> = e
        .values
        .iter()
        .filter(|v| v.meta.deprecated || v.meta.unstable)
        .collect();
    let feature_arms = featured.iter().map(|v| {
        let cfg = cfg(&v.meta.cfg);
        let ident = id(&v.ident);
        let features = features(&v.meta);
        quote!(#cfg Self::#ident => #features,)
    });
    let (derives, unknown_variant, unknown_from, unknown_as, scrutinee) = match &e.unknown {
        Some(unknown) => {
            let unknown = id(unknown);
            (
                quote!(#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]),
                quote!(#[doc = " A value this schema does not know."] #unknown(::std::string::String),),
                quote!(other => ::std::option::Option::Some(Self::#unknown(::std::borrow::ToOwned::to_owned(other))),),
                quote!(Self::#unknown(other) => other,),
                quote!(self),
            )
        }
        None => (
            quote!(#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]),
            TokenStream::new(),
            quote!(_ => ::std::option::Option::None,),
            TokenStream::new(),
            quote!(*self),
        ),
    };
    let features_fn = if featured.is_empty() {
        TokenStream::new()
    } else {
        let rest = if featured.len() < e.values.len() || e.unknown.is_some() {
            quote!(_ => #rt::Features::NONE,)
        } else {
            TokenStream::new()
        };
        quote! {
            fn features(&self) -> #rt::Features {
                match #scrutinee { #(#feature_arms)* #rest }
            }
        }
    };
    let value = value();
    let serde = serde_impls(
        &name,
        quote!(serializer.serialize_str(#rt::QapiEnum::as_wire(self))),
        strict,
    );
    quote! {
        #item_attrs
        #derives
        pub enum #name { #(#variants)* #unknown_variant }
        impl #rt::QapiEnum for #name {
            const NAME: &'static str = #wire_name;
            fn from_wire(name: &str) -> ::std::option::Option<Self> {
                match name { #(#from_arms)* #unknown_from }
            }
            fn as_wire(&self) -> &str {
                match #scrutinee { #(#as_arms)* #unknown_as }
            }
            #features_fn
        }
        impl #rt::Visit for #name {
            fn visit(v: &mut #rt::Input, name: ::std::option::Option<&'static str>, value: &#value) -> #rt::VisitResult<Self> {
                v.enum_value(name, value)
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#rt::QapiEnum::as_wire(self))
            }
        }
        #serde
    }
}

fn json_pattern(json: JsonType) -> TokenStream {
    let value = value();
    match json {
        JsonType::String => quote!(#value::String(_)),
        JsonType::Number | JsonType::Int => quote!(#value::Number(_)),
        JsonType::Boolean => quote!(#value::Bool(_)),
        JsonType::Null => quote!(#value::Null),
        JsonType::Array => quote!(#value::Array(_)),
        JsonType::Object | JsonType::Value => quote!(#value::Object(_)),
    }
}

pub fn alternate_def(a: &AlternateDef, strict: bool) -> TokenStream {
    let rt = rt();
    let name = id(&a.ident);
    let attrs = attrs(&a.meta);
    let wire = &a.wire;
    let variants = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        let t = ty(&alt.ty, Scope::Types);
        quote!(#cfg #ident(#t),)
    });
    let read_arms = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        let t = ty(&alt.ty, Scope::Types);
        let pattern = json_pattern(alt.json);
        quote!(#cfg #pattern => ::std::result::Result::Ok(Self::#ident(<#t as #rt::Visit>::visit(v, name, value)?)),)
    });
    let write_arms = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        quote!(#cfg Self::#ident(x) => #rt::serde::Serialize::serialize(x, serializer),)
    });
    let value = value();
    let serde = serde_impls(&name, quote!(match self { #(#write_arms)* }), strict);
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name { #(#variants)* }
        impl #rt::Visit for #name {
            fn visit(v: &mut #rt::Input, name: ::std::option::Option<&'static str>, value: &#value) -> #rt::VisitResult<Self> {
                match value {
                    #(#read_arms)*
                    #[allow(unreachable_patterns)]
                    _ => ::std::result::Result::Err(#rt::Input::alternate_mismatch(name, #wire)),
                }
            }
        }
        #serde
    }
}

//! Enums (the type and `QapiEnum`; the other impls are in
//! [`super::boiler`]) and alternates.

use proc_macro2::TokenStream;
use quote::quote;
use rqapi_schema::schema::JsonType;

use super::common::{Cx, Scope, attrs, cfg, features, id, marked};
use crate::model::{AlternateDef, EnumDef};

/// The enum's `QapiEnum` impl, with its declaration unless `decl` is
/// false (written as text, see [`super::text`]).
pub fn enum_def(cx: &Cx, e: &EnumDef, decl: bool) -> TokenStream {
    let name = id(&e.ident);
    let item_cfg = cfg(&e.meta.cfg);
    let (some, none) = (cx.some(), cx.none());
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
        quote!(#cfg #wire => #some(Self::#ident),)
    });
    let as_arms = e.values.iter().map(|v| {
        let cfg = cfg(&v.meta.cfg);
        let ident = id(&v.ident);
        let wire = &v.wire;
        quote!(#cfg Self::#ident => #wire,)
    });
    let featured: Vec<_> = e.values.iter().filter(|v| marked(&v.meta)).collect();
    let feature_arms = featured.iter().map(|v| {
        let cfg = cfg(&v.meta.cfg);
        let ident = id(&v.ident);
        let features = features(&v.meta);
        quote!(#cfg Self::#ident => #features,)
    });
    let (derives, unknown_variant, unknown_from, unknown_as, scrutinee) = match &e.unknown {
        Some(unknown) => {
            let unknown = id(unknown);
            let string = cx.string();
            (
                quote!(#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]),
                quote!(#[doc = " A value this schema does not know."] #unknown(#string),),
                quote!(other => #some(Self::#unknown(::std::borrow::ToOwned::to_owned(other))),),
                quote!(Self::#unknown(other) => other,),
                quote!(self),
            )
        }
        None => (
            quote!(#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]),
            TokenStream::new(),
            quote!(_ => #none,),
            TokenStream::new(),
            quote!(*self),
        ),
    };
    let features_fn = if featured.is_empty() {
        TokenStream::new()
    } else {
        let rest = if featured.len() < e.values.len() || e.unknown.is_some() {
            quote!(_ => rt::Features::NONE,)
        } else {
            TokenStream::new()
        };
        quote! {
            fn features(&self) -> rt::Features {
                match #scrutinee { #(#feature_arms)* #rest }
            }
        }
    };
    let option = cx.option();
    let decl = decl
        .then(|| quote!(#item_attrs #derives pub enum #name { #(#variants)* #unknown_variant }));
    quote! {
        #decl
        #item_cfg
        impl rt::QapiEnum for #name {
            const NAME: &'static str = #wire_name;
            fn from_wire(name: &str) -> #option<Self> {
                match name { #(#from_arms)* #unknown_from }
            }
            fn as_wire(&self) -> &str {
                match #scrutinee { #(#as_arms)* #unknown_as }
            }
            #features_fn
        }
    }
}

fn json_pattern(json: JsonType) -> TokenStream {
    match json {
        JsonType::String => quote!(rt::Value::String(_)),
        JsonType::Number | JsonType::Int => quote!(rt::Value::Number(_)),
        JsonType::Boolean => quote!(rt::Value::Bool(_)),
        JsonType::Null => quote!(rt::Value::Null),
        JsonType::Array => quote!(rt::Value::Array(_)),
        JsonType::Object | JsonType::Value => quote!(rt::Value::Object(_)),
    }
}

pub fn alternate_def(cx: &Cx, a: &AlternateDef) -> TokenStream {
    let name = id(&a.ident);
    let attrs = attrs(&a.meta);
    let item_cfg = cfg(&a.meta.cfg);
    let wire = &a.wire;
    let (ok, err) = (cx.ok(), cx.err());
    let variants = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        let t = cx.ty(&alt.ty, Scope::Types);
        quote!(#cfg #ident(#t),)
    });
    let read_arms = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        let pattern = json_pattern(alt.json);
        quote!(#cfg #pattern => #ok(Self::#ident(rt::Visit::visit(v, name, value)?)),)
    });
    let write_arms = a.alternatives.iter().map(|alt| {
        let cfg = cfg(&alt.cfg);
        let ident = id(&alt.ident);
        quote!(#cfg Self::#ident(x) => rt::serde::Serialize::serialize(x, serializer),)
    });
    let serde = cx.serde_impls(&name, &item_cfg, quote!(match self { #(#write_arms)* }));
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name { #(#variants)* }
        #item_cfg
        impl rt::Visit for #name {
            fn visit(v: &mut rt::Input, name: rt::Name, value: &rt::Value) -> rt::VisitResult<Self> {
                match value {
                    #(#read_arms)*
                    #[allow(unreachable_patterns)]
                    _ => #err(rt::Input::alternate_mismatch(name, #wire)),
                }
            }
        }
        #serde
    }
}

//! Events: one enum with a variant per event, its payload type as data.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{Cx, Scope, attrs, cfg, id};
use crate::model::EventDef;

pub fn events(cx: &Cx, events: &[EventDef]) -> TokenStream {
    let (option, some, none) = (cx.option(), cx.some(), cx.none());
    let (result, ok) = (cx.result(), cx.ok());
    let variants = events.iter().map(|e| {
        let attrs = attrs(&e.meta);
        let name = id(&e.ident);
        match &e.data {
            Some(t) => {
                let t = cx.ty(t, Scope::Sibling);
                quote!(#attrs #name(#t),)
            }
            None => quote!(#attrs #name,),
        }
    });
    let name_arms = events.iter().map(|e| {
        let cfg = cfg(&e.meta.cfg);
        let name = id(&e.ident);
        let wire = &e.wire;
        let pattern = if e.data.is_some() {
            quote!(Self::#name(_))
        } else {
            quote!(Self::#name)
        };
        quote!(#cfg #pattern => #wire,)
    });
    // `match *self` with `ref` bindings works for an enum whose variants
    // are all compiled out too (a reference to an empty enum is not empty).
    let data_arms = events.iter().map(|e| {
        let cfg = cfg(&e.meta.cfg);
        let name = id(&e.ident);
        if e.data.is_some() {
            quote!(#cfg Self::#name(ref data) => rt::to_value(data, policy).map(#some),)
        } else {
            quote!(#cfg Self::#name => #ok(#none),)
        }
    });
    let parse_arms = events.iter().map(|e| {
        let cfg = cfg(&e.meta.cfg);
        let name = id(&e.ident);
        let wire = &e.wire;
        if e.data.is_some() {
            quote!(#cfg #wire => rt::event::data_from_parts(data).map(|data| #some(Self::#name(data))),)
        } else {
            quote!(#cfg #wire => #ok(#some(Self::#name)),)
        }
    });
    quote! {
        /// Every event of the schema, with its data.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Event { #(#variants)* }

        impl rt::event::QapiEvent for Event {
            fn name(&self) -> &'static str {
                match *self { #(#name_arms)* }
            }
            fn data(&self, policy: rt::CompatPolicy) -> #result<#option<rt::Value>, rt::QmpError> {
                let _ = policy;
                match *self { #(#data_arms)* }
            }
            fn from_parts(name: &str, data: #option<&rt::Value>) -> #result<#option<Self>, rt::QmpError> {
                let _ = data;
                match name {
                    #(#parse_arms)*
                    _ => #ok(#none),
                }
            }
        }
    }
}

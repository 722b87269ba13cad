//! Events: one enum with a variant per event, its payload type as data.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{Scope, attrs, cfg, id, rt, ty, value};
use crate::model::EventDef;

pub fn events(events: &[EventDef]) -> TokenStream {
    let rt = rt();
    let value = value();
    let variants = events.iter().map(|e| {
        let attrs = attrs(&e.meta);
        let name = id(&e.ident);
        match &e.data {
            Some(t) => {
                let t = ty(t, Scope::Sibling);
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
    let data_arms = events.iter().map(|e| {
        let cfg = cfg(&e.meta.cfg);
        let name = id(&e.ident);
        if e.data.is_some() {
            quote!(#cfg Self::#name(data) => #rt::to_value(data, policy).map(::std::option::Option::Some),)
        } else {
            quote!(#cfg Self::#name => ::std::result::Result::Ok(::std::option::Option::None),)
        }
    });
    let parse_arms = events.iter().map(|e| {
        let cfg = cfg(&e.meta.cfg);
        let name = id(&e.ident);
        let wire = &e.wire;
        if e.data.is_some() {
            quote! {
                #cfg #wire => Self::#name(#rt::from_value(data.unwrap_or(&empty), false, ::std::default::Default::default())?),
            }
        } else {
            quote!(#cfg #wire => Self::#name,)
        }
    });
    let parse = if events.is_empty() {
        quote! {
            let _ = (name, data);
            ::std::result::Result::Ok(::std::option::Option::None)
        }
    } else {
        quote! {
            let empty = #value::Object(::std::default::Default::default());
            ::std::result::Result::Ok(::std::option::Option::Some(match name {
                #(#parse_arms)*
                _ => return ::std::result::Result::Ok(::std::option::Option::None),
            }))
        }
    };
    let scrutinee = if events.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };
    quote! {
        /// Every event of the schema, with its data.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Event { #(#variants)* }

        impl #rt::event::QapiEvent for Event {
            fn name(&self) -> &'static str {
                match #scrutinee { #(#name_arms)* }
            }
            fn data(&self, policy: #rt::CompatPolicy) -> ::std::result::Result<::std::option::Option<#value>, ::rqapi_runtime::qmp::QmpError> {
                let _ = policy;
                match #scrutinee { #(#data_arms)* }
            }
            fn from_parts(name: &str, data: ::std::option::Option<&#value>) -> ::std::result::Result<::std::option::Option<Self>, ::rqapi_runtime::qmp::QmpError> {
                #parse
            }
        }
    }
}

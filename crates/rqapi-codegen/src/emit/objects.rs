//! Structs and unions: the type, `VisitMembers` (input) and
//! `SerializeMembers` (output, QEMU's member order); the other impls are
//! in [`super::boiler`].

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::common::{Cx, Scope, attrs, cfg, features, id, marked};
use crate::model::{Field, StructDef, TypeRef, UnionDef};

/// The struct's impls, with its declaration unless `decl` is false
/// (written as text, see [`super::text`]).
pub fn struct_def(cx: &Cx, s: &StructDef, decl: bool) -> TokenStream {
    let name = id(&s.ident);
    let attrs = attrs(&s.meta);
    let decls = s.fields.iter().map(|f| field_decl(cx, f));
    // Fields are read in schema order: struct expressions evaluate their
    // fields in the order written.
    let inits = s.fields.iter().map(|f| {
        let cfg = cfg(&f.meta.cfg);
        let name = id(&f.ident);
        let read = field_read(f);
        quote!(#cfg #name: #read,)
    });
    let writes = s.fields.iter().map(field_write);
    let ok = cx.ok();
    let body = object_impls(
        cx,
        &name,
        &cfg(&s.meta.cfg),
        quote!(#ok(Self { #(#inits)* })),
        quote!(#(#writes)*),
        s.fields.is_empty(),
    );
    if !decl {
        return body;
    }
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #(#decls)* }
        #body
    }
}

fn field_decl(cx: &Cx, f: &Field) -> TokenStream {
    let attrs = attrs(&f.meta);
    let name = id(&f.ident);
    let t = cx.ty(&f.ty, Scope::Types);
    let t = if f.optional {
        let option = cx.option();
        quote!(#option<#t>)
    } else {
        t
    };
    quote!(#attrs pub #name: #t,)
}

/// `v.member(members, "name")?`, the type inferred from the field it
/// initialises; the policy check only for marked members.
fn field_read(f: &Field) -> TokenStream {
    let wire = &f.wire;
    match (f.optional, marked(&f.meta)) {
        (false, false) => quote!(v.member(members, #wire)?),
        (true, false) => quote!(v.optional(members, #wire)?),
        (optional, true) => {
            let features = features(&f.meta);
            let call = if optional {
                quote!(optional_marked)
            } else {
                quote!(member_marked)
            };
            quote!(v.#call(members, #wire, #features)?)
        }
    }
}

fn field_write(f: &Field) -> TokenStream {
    let name = id(&f.ident);
    write_entry(f, quote!(&self.#name))
}

/// Writes one member; `value` is a reference to the field.
fn write_entry(f: &Field, value: TokenStream) -> TokenStream {
    let cfg = cfg(&f.meta.cfg);
    let wire = &f.wire;
    let write = if f.optional {
        quote!(rt::optional_entry(map, #wire, #value)?;)
    } else {
        quote!(map.serialize_entry(#wire, #value)?;)
    };
    if marked(&f.meta) {
        let features = features(&f.meta);
        quote!(#cfg if !rt::compat::output_hidden(#features) { #write })
    } else {
        quote!(#cfg #write)
    }
}

fn object_impls(
    cx: &Cx,
    name: &Ident,
    item_cfg: &TokenStream,
    read: TokenStream,
    write: TokenStream,
    empty: bool,
) -> TokenStream {
    // Parameter names; unused ones get an underscore.
    let (v, members, map_param) = if empty {
        (quote!(_v), quote!(_members), quote!(_map))
    } else {
        (quote!(v), quote!(members), quote!(map))
    };
    let (result, ok) = (cx.result(), cx.ok());
    quote! {
        #item_cfg
        impl rt::VisitMembers for #name {
            fn visit_members(#v: &mut rt::Input, #members: &mut rt::Members) -> rt::VisitResult<Self> {
                #read
            }
        }
        #item_cfg
        impl rt::SerializeMembers for #name {
            fn serialize_members<M: rt::serde::ser::SerializeMap>(&self, #map_param: &mut M) -> #result<(), M::Error> {
                #write
                #ok(())
            }
        }
    }
}

pub fn union_def(cx: &Cx, u: &UnionDef) -> TokenStream {
    let name = id(&u.ident);
    let attrs = attrs(&u.meta);
    let item_cfg = cfg(&u.meta.cfg);
    let decls = u.fields.iter().map(|f| field_decl(cx, f));
    let branch = id(&u.branch_ident);
    let tag_enum = id(&u.tag_enum);
    let tag_field = &u.fields[u.tag_index];
    let tag_name = id(&tag_field.ident);
    let tag_wire = &tag_field.wire;
    let (ok, err, some, boxed) = (cx.ok(), cx.err(), cx.some(), cx.boxed());

    // Base members into numbered locals (no member name can shadow a
    // parameter), then the branch.
    let mut reads = Vec::new();
    let mut inits = Vec::new();
    let mut writes = Vec::new();
    for (i, f) in u.fields.iter().enumerate() {
        if i == u.tag_index {
            let read = if marked(&f.meta) {
                let features = features(&f.meta);
                quote!(v.member_marked::<#tag_enum>(members, #tag_wire, #features)?)
            } else {
                quote!(v.member::<#tag_enum>(members, #tag_wire)?)
            };
            reads.push(quote!(let tag_ = #read;));
            writes.push(write_entry(f, quote!(&self.#tag_name.tag())));
        } else {
            let local = quote::format_ident!("m{i}");
            let cfg = cfg(&f.meta.cfg);
            let field = id(&f.ident);
            let read = field_read(f);
            reads.push(quote!(#cfg let #local = #read;));
            inits.push(quote!(#cfg #field: #local,));
            writes.push(field_write(f));
        }
    }
    let mut variants = Vec::new();
    let mut read_arms = Vec::new();
    let mut write_arms = Vec::new();
    let mut tag_arms = Vec::new();
    for b in &u.branches {
        let cfg = cfg(&b.cfg);
        let v_name = id(&b.ident);
        let doc = format!(" Branch for `{}`.", b.wire);
        tag_arms.push(match &b.ty {
            Some(_) => quote!(#cfg Self::#v_name(_) => #tag_enum::#v_name,),
            None => quote!(#cfg Self::#v_name => #tag_enum::#v_name,),
        });
        match &b.ty {
            Some(t) => {
                let t_tokens = cx.ty(t, Scope::Types);
                variants.push(quote!(#[doc = #doc] #cfg #v_name(#t_tokens),));
                let (plain, is_boxed) = match t {
                    TypeRef::Boxed(inner) => (cx.ty(inner, Scope::Types), true),
                    _ => (t_tokens.clone(), false),
                };
                let read = quote!(<#plain as rt::VisitMembers>::visit_members(v, members)?);
                let read = if is_boxed {
                    quote!(#boxed::new(#read))
                } else {
                    read
                };
                read_arms.push(quote!(#cfg #tag_enum::#v_name => #branch::#v_name(#read),));
                let x = if is_boxed { quote!(&**x) } else { quote!(x) };
                write_arms.push(quote!(#cfg #branch::#v_name(x) => rt::SerializeMembers::serialize_members(#x, map)?,));
            }
            None => {
                variants.push(quote!(#[doc = #doc] #cfg #v_name,));
                read_arms.push(quote!(#cfg #tag_enum::#v_name => #branch::#v_name,));
                write_arms.push(quote!(#cfg #branch::#v_name => {}));
            }
        }
    }
    if let Some(unknown) = &u.unknown {
        let unknown = id(unknown);
        let string = cx.string();
        variants.push(quote!(#[doc = " A tag value this schema does not know; its members are dropped."] #unknown(#string),));
        read_arms.push(quote!(#tag_enum::#unknown(s) => #branch::#unknown(s),));
        write_arms.push(quote!(#branch::#unknown(_) => {}));
        tag_arms.push(quote!(Self::#unknown(s) => #tag_enum::#unknown(s.clone()),));
    }
    let reject = quote! {
        #[allow(unreachable_patterns)]
        other => return #err(rt::Input::out_of_range(#some(#tag_wire), &::std::format!("one of the compiled-in values, not '{}'", rt::QapiEnum::as_wire(&other)))),
    };
    let branch_doc = format!(
        " The branches of [`{}`], selected by member `{tag_wire}`.",
        u.ident
    );
    let read = quote! {
        #(#reads)*
        let branch_ = match tag_ { #(#read_arms)* #reject };
        #ok(Self { #(#inits)* #tag_name: branch_ })
    };
    let write = quote! {
        #(#writes)*
        match &self.#tag_name { #(#write_arms)* }
    };
    let body = object_impls(cx, &name, &item_cfg, read, write, false);
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #(#decls)* }
        #body
        #[doc = #branch_doc]
        #item_cfg
        #[derive(Clone, Debug, PartialEq)]
        pub enum #branch { #(#variants)* }
        #item_cfg
        impl #branch {
            /// The tag value of this branch.
            pub fn tag(&self) -> #tag_enum {
                match self { #(#tag_arms)* }
            }
        }
    }
}

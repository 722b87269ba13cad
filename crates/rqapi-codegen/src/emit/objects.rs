//! Structs and unions: the type, `Visit`/`VisitMembers` (input),
//! `SerializeMembers`/`Serialize` (output, QEMU's member order) and
//! `Deserialize`.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{Scope, attrs, cfg, features, id, map, rt, serde_impls, ty};
use crate::model::{Field, StructDef, TypeRef, UnionDef};

pub fn struct_def(s: &StructDef, strict: bool) -> TokenStream {
    let name = id(&s.ident);
    let attrs = attrs(&s.meta);
    let decls = s.fields.iter().map(field_decl);
    let (reads, inits): (Vec<_>, Vec<_>) = s
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_read(i, f))
        .unzip();
    let writes = s.fields.iter().map(field_write);
    let body = object_impls(
        &name,
        quote!(#(#reads)* ::std::result::Result::Ok(Self { #(#inits)* })),
        quote!(#(#writes)*),
        strict,
        s.fields.is_empty(),
    );
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #(#decls)* }
        #body
    }
}

fn field_decl(f: &Field) -> TokenStream {
    let attrs = attrs(&f.meta);
    let name = id(&f.ident);
    let t = ty(&f.ty, Scope::Types);
    let t = if f.optional {
        quote!(::std::option::Option<#t>)
    } else {
        t
    };
    quote!(#attrs pub #name: #t,)
}

/// `let mN = v.member::<T>(...)?;` and the matching initialiser (locals
/// are numbered so no member name can shadow a parameter).
fn field_read(index: usize, f: &Field) -> (TokenStream, TokenStream) {
    let local = quote::format_ident!("m{index}");
    let cfg = cfg(&f.meta.cfg);
    let name = id(&f.ident);
    let t = ty(&f.ty, Scope::Types);
    let wire = &f.wire;
    let features = features(&f.meta);
    let call = if f.optional {
        quote!(optional)
    } else {
        quote!(member)
    };
    (
        quote!(#cfg let #local = v.#call::<#t>(members, #wire, #features)?;),
        quote!(#cfg #name: #local,),
    )
}

fn field_write(f: &Field) -> TokenStream {
    let name = id(&f.ident);
    write_entry(f, quote!(&self.#name))
}

/// Writes one member; `value` is a reference to the field.
fn write_entry(f: &Field, value: TokenStream) -> TokenStream {
    let rt = rt();
    let cfg = cfg(&f.meta.cfg);
    let wire = &f.wire;
    let write = if f.optional {
        quote!(if let ::std::option::Option::Some(x) = #value { map.serialize_entry(#wire, x)?; })
    } else {
        quote!(map.serialize_entry(#wire, #value)?;)
    };
    if f.meta.deprecated || f.meta.unstable {
        let features = features(&f.meta);
        quote!(#cfg if !#rt::compat::output_hidden(#features) { #write })
    } else if f.meta.cfg.is_some() {
        quote!(#cfg { #write })
    } else {
        write
    }
}

fn object_impls(
    name: &proc_macro2::Ident,
    read: TokenStream,
    write: TokenStream,
    strict: bool,
    empty: bool,
) -> TokenStream {
    let rt = rt();
    // Parameter names; unused ones get an underscore.
    let (v, members, map_param) = if empty {
        (quote!(_v), quote!(_members), quote!(_map))
    } else {
        (quote!(v), quote!(members), quote!(map))
    };
    let map = map();
    let value = super::common::value();
    let serde = serde_impls(
        name,
        quote!(#rt::serialize_struct(self, serializer)),
        strict,
    );
    quote! {
        impl #rt::Visit for #name {
            fn visit(v: &mut #rt::Input, name: ::std::option::Option<&'static str>, value: &#value) -> #rt::VisitResult<Self> {
                #rt::visit_struct(v, name, value)
            }
        }
        impl #rt::VisitMembers for #name {
            fn visit_members(#v: &mut #rt::Input, #members: &#map) -> #rt::VisitResult<Self> {
                #read
            }
        }
        impl #rt::SerializeMembers for #name {
            fn serialize_members<M: #rt::serde::ser::SerializeMap>(&self, #map_param: &mut M) -> ::std::result::Result<(), M::Error> {
                #write
                ::std::result::Result::Ok(())
            }
        }
        #serde
    }
}

pub fn union_def(u: &UnionDef, strict: bool) -> TokenStream {
    let rt = rt();
    let name = id(&u.ident);
    let attrs = attrs(&u.meta);
    let decls = u.fields.iter().map(field_decl);
    let branch = id(&u.branch_ident);
    let tag_enum = id(&u.tag_enum);
    let tag_field = &u.fields[u.tag_index];
    let tag_name = id(&tag_field.ident);
    let tag_wire = &tag_field.wire;

    let mut reads = Vec::new();
    let mut inits = Vec::new();
    let mut writes = Vec::new();
    for (i, f) in u.fields.iter().enumerate() {
        if i == u.tag_index {
            let features = features(&f.meta);
            reads.push(quote!(let tag_ = v.member::<#tag_enum>(members, #tag_wire, #features)?;));
            writes.push(write_entry(f, quote!(&self.#tag_name.tag())));
        } else {
            let (read, init) = field_read(i, f);
            reads.push(read);
            inits.push(init);
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
                let t_tokens = ty(t, Scope::Types);
                variants.push(quote!(#[doc = #doc] #cfg #v_name(#t_tokens),));
                let (plain, boxed) = match t {
                    TypeRef::Boxed(inner) => (ty(inner, Scope::Types), true),
                    _ => (t_tokens.clone(), false),
                };
                let read = quote!(<#plain as #rt::VisitMembers>::visit_members(v, members)?);
                let read = if boxed {
                    quote!(::std::boxed::Box::new(#read))
                } else {
                    read
                };
                read_arms.push(quote!(#cfg #tag_enum::#v_name => #branch::#v_name(#read),));
                let x = if boxed { quote!(&**x) } else { quote!(x) };
                write_arms.push(quote!(#cfg #branch::#v_name(x) => #rt::SerializeMembers::serialize_members(#x, map)?,));
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
        variants.push(quote!(#[doc = " A tag value this schema does not know; its members are dropped."] #unknown(::std::string::String),));
        read_arms.push(quote!(#tag_enum::#unknown(s) => #branch::#unknown(s),));
        write_arms.push(quote!(#branch::#unknown(_) => {}));
        tag_arms.push(quote!(Self::#unknown(s) => #tag_enum::#unknown(s.clone()),));
    }
    let reject = quote! {
        #[allow(unreachable_patterns)]
        other => return ::std::result::Result::Err(#rt::Input::out_of_range(::std::option::Option::Some(#tag_wire), &::std::format!("one of the compiled-in values, not '{}'", #rt::QapiEnum::as_wire(&other)))),
    };
    let branch_doc = format!(
        " The branches of [`{}`], selected by member `{tag_wire}`.",
        u.ident
    );
    let read = quote! {
        #(#reads)*
        let branch_ = match tag_ { #(#read_arms)* #reject };
        ::std::result::Result::Ok(Self { #(#inits)* #tag_name: branch_ })
    };
    let write = quote! {
        #(#writes)*
        match &self.#tag_name { #(#write_arms)* }
    };
    let body = object_impls(&name, read, write, strict, false);
    quote! {
        #attrs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #(#decls)* }
        #body
        #[doc = #branch_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #branch { #(#variants)* }
        impl #branch {
            /// The tag value of this branch.
            pub fn tag(&self) -> #tag_enum {
                match self { #(#tag_arms)* }
            }
        }
    }
}

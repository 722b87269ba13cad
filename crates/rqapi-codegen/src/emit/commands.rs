//! Commands: metadata table, client marker types, and (server side) the
//! handler trait and the dispatcher.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{Scope, attrs, cfg, features, id, map, rt, ty, value};
use crate::model::{CommandDef, TypeRef};

fn ret_type(c: &CommandDef) -> TokenStream {
    c.ret
        .as_ref()
        .map_or_else(|| quote!(()), |t| ty(t, Scope::Sibling))
}

fn args_type(c: &CommandDef) -> TokenStream {
    match &c.args {
        Some((name, _)) => ty(&TypeRef::Named(name.clone()), Scope::Sibling),
        None => quote!(()),
    }
}

pub fn table(commands: &[CommandDef]) -> TokenStream {
    let rt = rt();
    let rows = commands.iter().map(|c| {
        let cfg = cfg(&c.meta.cfg);
        let name = &c.wire;
        let features = features(&c.meta);
        let f = c.flags;
        let (generated, success, oob, preconfig, coroutine) = (
            f.generated,
            f.success_response,
            f.allow_oob,
            f.allow_preconfig,
            f.coroutine,
        );
        quote! {
            #cfg #rt::dispatch::CommandInfo {
                name: #name, features: #features, generated: #generated,
                success_response: #success, allow_oob: #oob,
                allow_preconfig: #preconfig, coroutine: #coroutine,
            },
        }
    });
    quote! {
        /// Every command of the schema with its static options.
        pub static COMMANDS: &[#rt::dispatch::CommandInfo] = &[#(#rows)*];
    }
}

pub fn markers(commands: &[CommandDef]) -> TokenStream {
    let rt = rt();
    let visits = commands.iter().map(|c| {
        let cfg = cfg(&c.meta.cfg);
        let name = id(&c.marker);
        quote!(#cfg visitor.visit::<#name>();)
    });
    let items = commands.iter().map(|c| {
        let attrs = attrs(&c.meta);
        let cfg = cfg(&c.meta.cfg);
        let name = id(&c.marker);
        let wire = &c.wire;
        let args = args_type(c);
        let ret = c
            .ret
            .as_ref()
            .map_or_else(|| quote!(#rt::dispatch::Empty), |t| ty(t, Scope::Sibling));
        quote! {
            #attrs
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct #name;
            #cfg
            impl #rt::dispatch::Command for #name {
                const NAME: &'static str = #wire;
                type Arguments = #args;
                type Returns = #ret;
            }
        }
    });
    quote! {
        #(#items)*
        /// Calls `visitor` with the marker type of every command.
        pub fn visit_commands<V: #rt::dispatch::CommandVisitor>(visitor: &mut V) {
            let _ = &visitor;
            #(#visits)*
        }
    }
}

/// The handler method's parameters and how the dispatcher passes them.
fn params(c: &CommandDef) -> (Vec<TokenStream>, Vec<TokenStream>) {
    match &c.args {
        None => (Vec::new(), Vec::new()),
        Some(_) if c.boxed => {
            let t = args_type(c);
            (vec![quote!(arguments: #t)], vec![quote!(args)])
        }
        Some((_, fields)) => fields
            .iter()
            .map(|f| {
                let name = id(&f.ident);
                let t = ty(&f.ty, Scope::Sibling);
                let t = if f.optional {
                    quote!(::std::option::Option<#t>)
                } else {
                    t
                };
                (quote!(#name: #t), quote!(args.#name))
            })
            .unzip(),
    }
}

pub fn server(commands: &[CommandDef]) -> TokenStream {
    let rt = rt();
    let value = value();
    let map = map();
    let methods = commands.iter().map(|c| {
        let attrs = attrs(&c.meta);
        let method = id(&c.method);
        if !c.flags.generated {
            return quote! {
                #attrs
                /// Not generated (`'gen': false`): gets the raw arguments.
                fn #method(&self, arguments: &#map) -> impl ::std::future::Future<Output = ::std::result::Result<#value, ::rqapi_runtime::qmp::QmpError>> + ::std::marker::Send;
            };
        }
        let (params, _) = params(c);
        let ret = ret_type(c);
        quote! {
            #attrs
            fn #method(&self, #(#params),*) -> impl ::std::future::Future<Output = ::std::result::Result<#ret, ::rqapi_runtime::qmp::QmpError>> + ::std::marker::Send;
        }
    });
    let arms = commands.iter().map(|c| {
        let cfg = cfg(&c.meta.cfg);
        let wire = &c.wire;
        let method = id(&c.method);
        if !c.flags.generated {
            return quote!(#cfg #wire => handler.#method(arguments).await?,);
        }
        let (_, pass) = params(c);
        let args = args_type(c);
        let call = quote!(handler.#method(#(#pass),*).await?);
        let ret = if c.ret.is_some() {
            quote!(#rt::to_value(&#call, state.policy)?)
        } else {
            quote!({ #call; #value::Object(::std::default::Default::default()) })
        };
        let bind = if pass.is_empty() {
            quote!(_args)
        } else {
            quote!(args)
        };
        quote! {
            #cfg #wire => {
                let #bind: #args = #rt::dispatch::visit_arguments(&mut v, arguments)?;
                #ret
            }
        }
    });
    quote! {
        /// One method per command; generated commands get typed arguments
        /// (unpacked unless `boxed`) and return typed values.
        pub trait Commands: ::std::marker::Sync {
            #(#methods)*
        }

        /// Runs `command` with `arguments` (already checked to be an
        /// object by the request layer) as QEMU's `qmp_dispatch()` does:
        /// look-up, policy, enabled and out-of-band checks, argument
        /// visiting with QEMU's error texts, the handler, the return value.
        /// `Ok(None)` for commands that send no success response.
        pub async fn dispatch<H: Commands + ?Sized>(
            handler: &H,
            state: &#rt::dispatch::DispatchState,
            command: &str,
            arguments: &#map,
            oob: bool,
        ) -> ::std::result::Result<::std::option::Option<#value>, ::rqapi_runtime::qmp::QmpError> {
            let info = #rt::dispatch::find_command(COMMANDS, command)?;
            state.check(info, oob)?;
            let mut v = state.input(true);
            let ret = match command {
                #(#arms)*
                _ => return ::std::result::Result::Err(::rqapi_runtime::qmp::QmpError::command_not_found(command)),
            };
            let _ = &mut v;
            ::std::result::Result::Ok(if info.success_response { ::std::option::Option::Some(ret) } else { ::std::option::Option::None })
        }
    }
}

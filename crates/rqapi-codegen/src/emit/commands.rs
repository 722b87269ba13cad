//! Commands: metadata table, client marker types, and (server side) the
//! handler trait and the dispatcher.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{Cx, Scope, attrs, cfg, features, id, marked};
use rqapi_schema::schema::Builtin;

use crate::model::{CommandDef, Field, TypeDef, TypeRef};

fn ret_type(cx: &Cx, c: &CommandDef) -> TokenStream {
    c.ret
        .as_ref()
        .map_or_else(|| quote!(()), |t| cx.ty(t, Scope::Sibling))
}

fn args_type(cx: &Cx, c: &CommandDef) -> TokenStream {
    match &c.args {
        Some((name, _)) => cx.ty(&TypeRef::Named(name.clone()), Scope::Sibling),
        None => quote!(()),
    }
}

/// One `CommandInfo` per command: `new(name)` has the usual options, a
/// builder call for each unusual one.
pub fn table(commands: &[CommandDef]) -> TokenStream {
    let rows = commands.iter().map(|c| {
        let cfg = cfg(&c.meta.cfg);
        let name = &c.wire;
        let f = c.flags;
        let mut row = quote!(rt::dispatch::CommandInfo::new(#name));
        if marked(&c.meta) {
            let features = features(&c.meta);
            row.extend(quote!(.features(#features)));
        }
        for (on, call) in [
            (!f.generated, quote!(not_generated)),
            (!f.success_response, quote!(no_success_response)),
            (f.allow_oob, quote!(allow_oob)),
            (f.allow_preconfig, quote!(allow_preconfig)),
            (f.coroutine, quote!(coroutine)),
        ] {
            if on {
                row.extend(quote!(.#call()));
            }
        }
        quote!(#cfg #row,)
    });
    quote! {
        /// Every command of the schema with its static options.
        pub static COMMANDS: &[rt::dispatch::CommandInfo] = &[#(#rows)*];
    }
}

pub fn markers(cx: &Cx, commands: &[CommandDef]) -> TokenStream {
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
        let args = args_type(cx, c);
        let ret = c
            .ret
            .as_ref()
            .map_or_else(|| quote!(rt::dispatch::Empty), |t| cx.ty(t, Scope::Sibling));
        quote! {
            #attrs
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct #name;
            #cfg
            impl rt::dispatch::Command for #name {
                const NAME: &'static str = #wire;
                type Arguments = #args;
                type Returns = #ret;
            }
        }
    });
    quote! {
        #(#items)*
        /// Calls `visitor` with the marker type of every command.
        pub fn visit_commands<V: rt::dispatch::CommandVisitor>(visitor: &mut V) {
            let _ = &visitor;
            #(#visits)*
        }
    }
}

/// The handler method's parameters and how the dispatcher passes them.
fn params(cx: &Cx, c: &CommandDef) -> (Vec<TokenStream>, Vec<TokenStream>) {
    match &c.args {
        None => (Vec::new(), Vec::new()),
        Some(_) if c.boxed => {
            let t = args_type(cx, c);
            (vec![quote!(arguments: #t)], vec![quote!(args)])
        }
        Some((_, fields)) => fields
            .iter()
            .map(|f| {
                let name = id(&f.ident);
                let t = cx.ty(&f.ty, Scope::Sibling);
                let t = if f.optional {
                    let option = cx.option();
                    quote!(#option<#t>)
                } else {
                    t
                };
                (quote!(#name: #t), quote!(args.#name))
            })
            .unzip(),
    }
}

/// The plain string fields of a struct return type (no `cfg`, no special
/// features), with whether each is optional: the dispatcher moves them into
/// the JSON value instead of letting serde copy them.
fn movable_strings<'t>(types: &'t [TypeDef], ret: &TypeRef) -> Vec<&'t Field> {
    let TypeRef::Named(name) = ret else {
        return Vec::new();
    };
    let Some(TypeDef::Struct(s)) = types
        .iter()
        .find(|t| matches!(t, TypeDef::Struct(s) if &s.ident == name))
    else {
        return Vec::new();
    };
    s.fields
        .iter()
        .filter(|f| {
            f.ty == TypeRef::Builtin(Builtin::Str) && f.meta.cfg.is_none() && !marked(&f.meta)
        })
        .collect()
}

/// The `return` value from the handler's result: serialised with the
/// output policy, large strings moved rather than copied.
fn return_value(cx: &Cx, types: &[TypeDef], ret: &TypeRef, call: TokenStream) -> TokenStream {
    let fields = movable_strings(types, ret);
    if fields.is_empty() {
        return quote!(rt::to_value(&#call, state.policy)?);
    }
    let some = cx.some();
    let moved = fields.iter().map(|f| {
        let wire = &f.wire;
        let name = id(&f.ident);
        if f.optional {
            quote!((#wire, ret_.#name.as_mut().map(::std::mem::take)))
        } else {
            quote!((#wire, #some(::std::mem::take(&mut ret_.#name))))
        }
    });
    quote! {{
        let mut ret_ = #call;
        let moved_ = [#(#moved),*];
        rt::to_value_moving(&ret_, moved_, state.policy)?
    }}
}

pub fn server(cx: &Cx, commands: &[CommandDef], types: &[TypeDef]) -> TokenStream {
    let (option, some, none) = (cx.option(), cx.some(), cx.none());
    let (result, ok) = (cx.result(), cx.ok());
    let (future, send, sync) = (cx.future(), cx.send(), cx.sync());
    let methods = commands.iter().map(|c| {
        let attrs = attrs(&c.meta);
        let method = id(&c.method);
        if !c.flags.generated {
            return quote! {
                #attrs
                /// Not generated (`'gen': false`): gets the raw arguments.
                fn #method(&self, arguments: &rt::Members) -> impl #future<Output = #result<rt::Value, rt::QmpError>> + #send;
            };
        }
        let (params, _) = params(cx, c);
        let ret = ret_type(cx, c);
        quote! {
            #attrs
            fn #method(&self, #(#params),*) -> impl #future<Output = #result<#ret, rt::QmpError>> + #send;
        }
    });
    let arms = commands.iter().map(|c| {
        let cfg = cfg(&c.meta.cfg);
        let wire = &c.wire;
        let method = id(&c.method);
        if !c.flags.generated {
            return quote!(#cfg #wire => handler.#method(&arguments).await?,);
        }
        let (_, pass) = params(cx, c);
        let args = args_type(cx, c);
        let call = quote!(handler.#method(#(#pass),*).await?);
        let ret = if let Some(ret) = &c.ret {
            return_value(cx, types, ret, call)
        } else {
            quote!({ #call; rt::Value::Object(::std::default::Default::default()) })
        };
        let bind = if pass.is_empty() {
            quote!(_args)
        } else {
            quote!(args)
        };
        quote! {
            #cfg #wire => {
                let #bind: #args = rt::dispatch::visit_arguments(&mut v, arguments)?;
                #ret
            }
        }
    });
    quote! {
        /// One method per command; generated commands get typed arguments
        /// (unpacked unless `boxed`) and return typed values.
        pub trait Commands: #sync {
            #(#methods)*
        }

        /// Runs `command` with `arguments` (already checked to be an
        /// object by the request layer; given up, so that strings move
        /// into the handler's arguments) as QEMU's `qmp_dispatch()` does:
        /// look-up, policy, enabled and out-of-band checks, argument
        /// visiting with QEMU's error texts, the handler, the return value.
        /// `Ok(None)` for commands that send no success response.
        pub async fn dispatch<H: Commands + ?Sized>(
            handler: &H,
            state: &rt::dispatch::DispatchState,
            command: &str,
            arguments: rt::Members,
            oob: bool,
        ) -> #result<#option<rt::Value>, rt::QmpError> {
            let info = rt::dispatch::find_command(COMMANDS, command)?;
            state.check(info, oob)?;
            let mut v = state.input(true);
            // Used by no arm when every command is compiled out.
            let _ = (&mut v, handler, &arguments);
            let ret = match command {
                #(#arms)*
                _ => rt::dispatch::unknown_command(command)?,
            };
            #ok(if info.success_response { #some(ret) } else { #none })
        }
    }
}

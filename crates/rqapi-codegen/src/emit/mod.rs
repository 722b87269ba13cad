//! Emission: the lowered model to one formatted Rust file with modules
//! `types`, `commands`, `events` and `introspect`.
//!
//! The file is cut into jobs (a few dozen types each, the command table,
//! the dispatcher, ...). Each job builds its tokens, parses and formats
//! them on its own, on as many threads as there are cores; the formatted
//! pieces are then joined in order. Items are formatted inside a module
//! wrapper, so the result is exactly what formatting the whole file would
//! give.

mod boiler;
mod commands;
mod common;
mod enums;
mod events;
mod introspect;
mod objects;
mod text;

use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;
use quote::quote;
use rqapi_schema::Schema;

use crate::model::{RustSchema, TypeDef};
use crate::{Error, Options, Side};
use boiler::{Boiler, Templates};
use common::{Cx, RT_USE, cfg, id};

/// Types per job: small enough to spread the work, big enough that the
/// per-job overhead does not matter.
const TYPES_PER_JOB: usize = 48;

/// A piece of the file, emitted and formatted independently.
#[derive(Clone, Copy)]
enum Job<'m> {
    Types(&'m [TypeDef]),
    Table,
    Markers,
    Server,
    Events,
    Introspect,
}

struct Emitter<'a> {
    schema: &'a Schema,
    model: &'a RustSchema,
    options: &'a Options,
    cx: Cx,
    templates: Templates,
    /// Write plain items as text (off only to check that text against
    /// the token route).
    text: bool,
}

impl Emitter<'_> {
    fn tokens(&self, job: Job<'_>) -> Result<TokenStream, Error> {
        let cx = &self.cx;
        let commands = &self.model.commands;
        Ok(match job {
            Job::Types(_) => TokenStream::new(),
            Job::Table => commands::table(commands),
            Job::Markers => commands::markers(cx, commands),
            Job::Server => commands::server(cx, commands, &self.model.types),
            Job::Events => events::events(cx, &self.model.events),
            Job::Introspect => introspect::module(self.schema, &self.options.conditions)?,
        })
    }

    /// The job's items, formatted as the body of a module (indented).
    fn run(&self, job: Job<'_>) -> Result<String, Error> {
        match job {
            Job::Types(types) => {
                let mut out = String::new();
                for t in types {
                    out.push_str(&self.type_def(t)?);
                }
                Ok(out)
            }
            _ => format_body(self.tokens(job)?),
        }
    }

    /// A type with all its impls; the common impls from templates unless
    /// the type is conditional.
    fn type_def(&self, t: &TypeDef) -> Result<String, Error> {
        let cx = &self.cx;
        let mut decl = None;
        let (mut tokens, boiler) = match t {
            TypeDef::Struct(s) => {
                decl = self.text.then(|| text::struct_decl(cx, s)).flatten();
                let impls = decl.as_ref().and_then(|_| text::struct_impls(cx, s));
                let tokens = match (&mut decl, impls) {
                    (Some(decl), Some(impls)) => {
                        decl.push_str(&impls);
                        TokenStream::new()
                    }
                    (decl, _) => objects::struct_def(cx, s, decl.is_none()),
                };
                (tokens, Some((Boiler::Object, &s.ident, &s.meta.cfg)))
            }
            TypeDef::Union(u) => (
                objects::union_def(cx, u),
                Some((Boiler::Object, &u.ident, &u.meta.cfg)),
            ),
            TypeDef::Enum(e) => {
                decl = self.text.then(|| text::enum_decl(cx, e)).flatten();
                let imp = decl.as_ref().and_then(|_| text::enum_impl(cx, e));
                let tokens = match (&mut decl, imp) {
                    (Some(decl), Some(imp)) => {
                        decl.push_str(&imp);
                        TokenStream::new()
                    }
                    (decl, _) => enums::enum_def(cx, e, decl.is_none()),
                };
                (tokens, Some((Boiler::Enum, &e.ident, &e.meta.cfg)))
            }
            TypeDef::Alternate(a) => (enums::alternate_def(cx, a), None),
        };
        let mut out = decl.unwrap_or_default();
        match boiler {
            Some((kind, name, Some(pred))) => {
                let item_cfg = cfg(&Some(pred.clone()));
                tokens.extend(boiler::tokens(cx, kind, &id(name), &item_cfg));
                out.push_str(&format_body(tokens)?);
            }
            Some((kind, name, None)) if self.text => {
                out.push_str(&format_body(tokens)?);
                out.push_str(&self.templates.text(cx, kind, name, format_body)?);
            }
            Some((kind, name, None)) => {
                tokens.extend(boiler::tokens(cx, kind, &id(name), &TokenStream::new()));
                out.push_str(&format_body(tokens)?);
            }
            None => out.push_str(&format_body(tokens)?),
        }
        Ok(out)
    }
}

/// Items formatted as the body of a module (indented one level).
fn format_body(tokens: TokenStream) -> Result<String, Error> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    let file: syn::File =
        syn::parse2(quote!(mod m { #tokens })).map_err(|e| Error::Internal(e.to_string()))?;
    let printed = prettyplease::unparse(&file);
    printed
        .strip_prefix("mod m {\n")
        .and_then(|rest| rest.strip_suffix("}\n"))
        .map(str::to_owned)
        .ok_or_else(|| Error::Internal("unexpected module layout from prettyplease".into()))
}

/// Runs every job, on up to `threads` threads, results in job order.
fn run_all(emitter: &Emitter<'_>, jobs: &[Job<'_>], threads: usize) -> Vec<Result<String, Error>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return done;
            };
            done.push((i, emitter.run(*job)));
        }
    };
    let mut results: Vec<(usize, Result<String, Error>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            // A panicking job is a generator bug; report it as one.
            all.extend(helper.join().unwrap_or_default());
        }
        all
    });
    if results.len() != jobs.len() {
        return vec![Err(Error::Internal("an emission thread panicked".into()))];
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Every item name the file declares (to know which prelude names are
/// shadowed).
fn defined_names(model: &RustSchema) -> Vec<&str> {
    let mut names = vec![
        "COMMANDS",
        "Commands",
        "dispatch",
        "visit_commands",
        "Event",
        "ANNOTATED_JSON",
        "holds",
        "SCHEMA",
        "schema",
    ];
    for t in &model.types {
        match t {
            TypeDef::Struct(s) => names.push(&s.ident),
            TypeDef::Union(u) => names.extend([u.ident.as_str(), &u.branch_ident]),
            TypeDef::Enum(e) => names.push(&e.ident),
            TypeDef::Alternate(a) => names.push(&a.ident),
        }
    }
    names.extend(model.commands.iter().map(|c| c.marker.as_str()));
    names
}

fn module(out: &mut String, doc: &str, allow: &str, name: &str, bodies: &[String]) {
    out.push_str(&format!(
        "/// {doc}\n#[allow({allow})]\npub mod {name} {{\n    {RT_USE}\n"
    ));
    bodies.iter().for_each(|b| out.push_str(b));
    out.push_str("}\n");
}

/// `text`: write plain items as text rather than through tokens (the
/// same result, much faster; off only to test exactly that).
pub fn emit(
    schema: &Schema,
    model: &RustSchema,
    options: &Options,
    text: bool,
) -> Result<String, Error> {
    let emitter = Emitter {
        schema,
        model,
        options,
        cx: Cx::new(options.side.strict(), defined_names(model)),
        templates: Templates::default(),
        text,
    };
    // The big single jobs first, so the type chunks even out the load.
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut add = |job: Job<'static>, wanted: bool| -> Option<usize> {
        wanted.then(|| {
            jobs.push(job);
            jobs.len() - 1
        })
    };
    let server = add(Job::Server, options.side == Side::Server);
    let introspect = add(Job::Introspect, options.introspection);
    let markers = add(Job::Markers, true);
    let table = add(Job::Table, true);
    let events = add(Job::Events, true);
    let first_type_job = jobs.len();
    jobs.extend(model.types.chunks(TYPES_PER_JOB).map(Job::Types));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut bodies = run_all(&emitter, &jobs, threads.min(jobs.len()))
        .into_iter()
        .collect::<Result<Vec<String>, Error>>()?;
    let types = bodies.split_off(first_type_job);
    let body = |index: Option<usize>| index.map(|i| bodies[i].clone()).unwrap_or_default();

    let mut out = format!(
        "// @generated by rqapi-codegen from {}. Do not edit.\n\n",
        options.source_name
    );
    let allow = "deprecated, clippy::all";
    if types.iter().all(String::is_empty) {
        out.push_str(&format!(
            "/// The schema's types.\n#[allow({allow})]\npub mod types {{}}\n"
        ));
    } else {
        module(&mut out, "The schema's types.", allow, "types", &types);
    }
    let commands = [body(table), body(markers), body(server)];
    module(
        &mut out,
        "The schema's commands.",
        allow,
        "commands",
        &commands,
    );
    module(
        &mut out,
        "The schema's events.",
        allow,
        "events",
        &[body(events)],
    );
    if introspect.is_some() {
        let introspect = [body(introspect)];
        let doc = "Introspection (`query-qmp-schema`).";
        module(&mut out, doc, "clippy::all", "introspect", &introspect);
    }
    Ok(out)
}

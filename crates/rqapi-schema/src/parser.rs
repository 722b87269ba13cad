//! Lexing and parsing of schema files, with `include` and `pragma`
//! directives and doc comment blocks (QEMU's `parser.py`).
//!
//! CONTRACT (shared with expr.rs and schema.rs; do not change signatures
//! without updating both): see `parse_schema`.

mod doc_comment;
mod doc_lines;
mod files;
mod lexer;
mod values;

use std::collections::HashSet;
use std::sync::Arc;

use crate::doc::Doc;
use crate::error::{Error, Result};
use crate::source::SourceInfo;
use crate::value::{Dict, DictExt, Value};
use files::{abspath, dirname, join, read_source};
use lexer::Lexer;

pub use files::MAX_SCHEMA_BYTES;
pub(crate) use files::current_dir;
pub use values::MAX_NESTING;

/// Deepest chain of `include`s followed; each level is a nested parse.
pub const MAX_INCLUDE_DEPTH: usize = 200;

/// Schema-wide pragma settings. In QEMU all files of a schema share one
/// pragma object, so the final state applies to every check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pragma {
    pub doc_required: bool,
    pub command_name_exceptions: Vec<String>,
    pub command_returns_exceptions: Vec<String>,
    pub documentation_exceptions: Vec<String>,
    pub member_name_exceptions: Vec<String>,
}

/// How strictly doc comments are held to QEMU's current style rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocStyle {
    /// Everything QEMU's current front end enforces (the default).
    #[default]
    Strict,
    /// Skips the style-only rules QEMU added over time (70 columns, two
    /// spaces between sentences, the retired `Note:`/`Example:` section
    /// tags), which schemas of older releases predate. Their structure,
    /// names and types are still checked in full.
    Lenient,
}

/// Parser settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    pub doc_style: DocStyle,
}

/// Index into [`ParsedSchema::docs`].
pub type DocId = usize;

/// One top-level expression, in source order across all included files.
/// `include` directives appear as `{"include": PATH}` where PATH is the
/// included file joined to the including file's directory.
#[derive(Clone, Debug)]
pub struct ParsedExpr {
    pub expr: Dict,
    pub info: SourceInfo,
    pub doc: Option<DocId>,
}

/// Everything the parser produces for a schema and its includes.
#[derive(Clone, Debug, Default)]
pub struct ParsedSchema {
    pub exprs: Vec<ParsedExpr>,
    /// All doc comment blocks in source order (definition and free-form).
    pub docs: Vec<Doc>,
    pub pragma: Pragma,
}

/// Parses `fname` (as given: relative paths stay relative in messages) and
/// everything it includes.
///
/// A root file that cannot be read gives the bare error
/// `can't read schema file 'FNAME': STRERROR`.
pub fn parse_schema(fname: &str) -> Result<ParsedSchema> {
    parse_schema_with(fname, &ParseOptions::default())
}

/// [`parse_schema`] with explicit settings.
pub fn parse_schema_with(fname: &str, options: &ParseOptions) -> Result<ParsedSchema> {
    let mut state = SchemaState {
        options: *options,
        cwd: current_dir(),
        ..SchemaState::default()
    };
    // QEMU's schema has over 1100 of each (1225 doc blocks): growing by
    // doubling copied these large vectors over and over. Unused room is
    // not free: mimalloc backs the heap with transparent huge pages, which
    // the kernel zeroes 2 MiB at a time, so every spare megabyte pushes
    // later allocations further and costs system time.
    state.out.exprs.reserve(1280);
    state.out.docs.reserve(1280);
    let text = read_source(fname, &mut state.bytes_read)
        .map_err(|e| Error::bare(format!("can't read schema file '{fname}': {}", e.0)))?;
    state.included.insert(abspath(&state.cwd, fname));
    state.parse_file(fname, text, None, 0)?;
    Ok(state.out)
}

/// What all files of one schema share while parsing.
#[derive(Debug, Default)]
struct SchemaState {
    /// Absolute names of every file parsed so far.
    included: HashSet<String>,
    options: ParseOptions,
    /// The working directory, for absolute file names.
    cwd: String,
    /// Schema text read so far, bounded by [`MAX_SCHEMA_BYTES`].
    bytes_read: usize,
    out: ParsedSchema,
}

impl SchemaState {
    /// QEMU's `QAPISchemaParser._parse` for one file.
    fn parse_file(
        &mut self,
        fname: &str,
        mut text: String,
        parent: Option<Arc<SourceInfo>>,
        depth: usize,
    ) -> Result<()> {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        // Roughly one expression and one doc block per 600 bytes of QEMU's
        // schemas: reserving avoids re-copying the growing vectors.
        self.out.exprs.reserve(text.len() / 600);
        self.out.docs.reserve(text.len() / 600);
        let mut lx = Lexer::new(&text, SourceInfo::new(fname, parent));
        lx.doc_style = self.options.doc_style;
        let mut cur_doc: Option<DocId> = None;
        lx.accept(true)?;
        while lx.tok.is_some() {
            let info = lx.info.clone();
            if lx.tok == Some('#') {
                self.reject_expr_doc(cur_doc)?;
                let doc = lx.read_doc()?;
                self.out.docs.push(doc);
                cur_doc = Some(self.out.docs.len() - 1);
                continue;
            }
            let Value::Dict(expr) = lx.value()? else {
                return Err(Error::sem(&info, "top-level expression must be an object"));
            };
            if expr.lookup("include").is_some() {
                self.reject_expr_doc(cur_doc)?;
                self.include(fname, expr, info, depth)?;
            } else if expr.lookup("pragma").is_some() {
                self.reject_expr_doc(cur_doc)?;
                self.pragmas(&expr, &info)?;
            } else {
                if let Some(id) = cur_doc {
                    let doc = &self.out.docs[id];
                    if doc.symbol.is_none() {
                        return Err(Error::sem(&doc.info, "definition documentation required"));
                    }
                }
                self.out.exprs.push(ParsedExpr {
                    expr,
                    info,
                    doc: cur_doc,
                });
            }
            cur_doc = None;
        }
        self.reject_expr_doc(cur_doc)
    }

    fn reject_expr_doc(&self, doc: Option<DocId>) -> Result<()> {
        match doc.map(|id| &self.out.docs[id]) {
            Some(Doc {
                info,
                symbol: Some(symbol),
                ..
            }) => Err(Error::sem(
                info,
                format!("documentation for '{symbol}' is not followed by the definition"),
            )),
            _ => Ok(()),
        }
    }

    fn include(&mut self, fname: &str, expr: Dict, info: SourceInfo, depth: usize) -> Result<()> {
        if expr.len() != 1 {
            return Err(Error::sem(&info, "invalid 'include' directive"));
        }
        let Some(Value::Str(include)) = expr.lookup("include") else {
            return Err(Error::sem(&info, "value of 'include' must be a string"));
        };
        let incl_fname = join(dirname(fname), include);
        let mut directive = Dict::default();
        directive.insert("include".to_owned(), Value::Str(incl_fname.clone()));
        self.out.exprs.push(ParsedExpr {
            expr: directive,
            info: info.clone(),
            doc: None,
        });

        let incl_abs = abspath(&self.cwd, &incl_fname);
        let mut inf = Some(&info);
        while let Some(i) = inf {
            if abspath(&self.cwd, &i.fname) == incl_abs {
                return Err(Error::sem(&info, format!("inclusion loop for {include}")));
            }
            inf = i.parent.as_deref();
        }
        if self.included.contains(&incl_abs) {
            return Ok(());
        }
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(Error::sem(
                &info,
                format!("includes nested deeper than {MAX_INCLUDE_DEPTH} levels"),
            ));
        }
        self.included.insert(incl_abs);
        let text = read_source(&incl_fname, &mut self.bytes_read).map_err(|e| {
            Error::sem(
                &info,
                format!("can't read include file '{incl_fname}': {}", e.0),
            )
        })?;
        self.parse_file(&incl_fname, text, Some(Arc::new(info)), depth + 1)
    }

    fn pragmas(&mut self, expr: &Dict, info: &SourceInfo) -> Result<()> {
        if expr.len() != 1 {
            return Err(Error::sem(info, "invalid 'pragma' directive"));
        }
        let Some(Value::Dict(pragma)) = expr.lookup("pragma") else {
            return Err(Error::sem(info, "value of 'pragma' must be an object"));
        };
        for (name, value) in pragma {
            self.pragma(name, value, info)?;
        }
        Ok(())
    }

    fn pragma(&mut self, name: &str, value: &Value, info: &SourceInfo) -> Result<()> {
        let list_of_strings = || -> Result<Vec<String>> {
            value
                .as_list()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| Error::sem(info, format!("pragma {name} must be a list of strings")))
        };
        let pragma = &mut self.out.pragma;
        match name {
            "doc-required" => {
                pragma.doc_required = value
                    .as_bool()
                    .ok_or_else(|| Error::sem(info, "pragma 'doc-required' must be boolean"))?;
            }
            "command-name-exceptions" => pragma.command_name_exceptions = list_of_strings()?,
            "command-returns-exceptions" => pragma.command_returns_exceptions = list_of_strings()?,
            "documentation-exceptions" => pragma.documentation_exceptions = list_of_strings()?,
            "member-name-exceptions" => pragma.member_name_exceptions = list_of_strings()?,
            _ => return Err(Error::sem(info, format!("unknown pragma '{name}'"))),
        }
        Ok(())
    }
}

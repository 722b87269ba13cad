//! The front door for `build.rs` and the CLI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::{Conditions, Error, Options, Side};

/// Generates Rust for a schema file into a directory.
///
/// ```no_run
/// // build.rs
/// rqapi_codegen::Builder::new("schema/qga.json")
///     .side(rqapi_codegen::Side::Server)
///     .cfg("CONFIG_LINUX", r#"target_os = "linux""#)
///     .cfg_default("any()")
///     .emit_rerun_if_changed(true)
///     .generate()
///     .unwrap();
/// // lib.rs: include!(concat!(env!("OUT_DIR"), "/qapi.rs"));
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    schema: PathBuf,
    out_dir: Option<PathBuf>,
    file_name: String,
    options: Options,
    rerun_if_changed: bool,
}

impl Builder {
    pub fn new(schema: impl Into<PathBuf>) -> Self {
        let schema = schema.into();
        let source_name = schema.file_name().map_or_else(
            || "a QAPI schema".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        Builder {
            schema,
            out_dir: None,
            file_name: "qapi.rs".to_owned(),
            options: Options {
                source_name,
                ..Options::default()
            },
            rerun_if_changed: false,
        }
    }

    /// Output directory; defaults to `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Name of the generated file (default `qapi.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    pub fn side(mut self, side: Side) -> Self {
        self.options.side = side;
        self
    }

    /// Maps a condition symbol to a cfg predicate (switches to cfg mode).
    pub fn cfg(mut self, symbol: impl Into<String>, predicate: impl Into<String>) -> Self {
        self.cfg_mode().0.insert(symbol.into(), predicate.into());
        self
    }

    /// The cfg predicate for symbols without mapping (`any()` is false,
    /// `all()` true); without it such symbols are an error.
    pub fn cfg_default(mut self, predicate: impl Into<String>) -> Self {
        *self.cfg_mode().1 = Some(predicate.into());
        self
    }

    fn cfg_mode(&mut self) -> (&mut BTreeMap<String, String>, &mut Option<String>) {
        if !matches!(self.options.conditions, Conditions::Cfg { .. }) {
            self.options.conditions = Conditions::default();
        }
        match &mut self.options.conditions {
            Conditions::Cfg { map, default } => (map, default),
            Conditions::Evaluate(_) => unreachable!("just switched to cfg mode"),
        }
    }

    /// Decides conditions now: symbols in `defined` are true, all others false.
    pub fn evaluate_conditions<S: Into<String>>(
        mut self,
        defined: impl IntoIterator<Item = S>,
    ) -> Self {
        let set: BTreeSet<String> = defined.into_iter().map(Into::into).collect();
        self.options.conditions = Conditions::Evaluate(set);
        self
    }

    pub fn introspection(mut self, on: bool) -> Self {
        self.options.introspection = on;
        self
    }

    /// Print `cargo:rerun-if-changed` for the schema and all its includes.
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = on;
        self
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Loads the schema and returns the generated code and the files read.
    pub fn generate_string(&self) -> Result<(String, Vec<PathBuf>), Error> {
        let path = self.schema.to_string_lossy().into_owned();
        let schema = rqapi_schema::load(&path)?;
        let base = self.schema.parent().unwrap_or(Path::new(""));
        let files = schema
            .modules()
            .iter()
            .filter(|m| m.is_user())
            .map(|m| base.join(&m.name))
            .collect();
        Ok((crate::generate(&schema, &self.options)?, files))
    }

    /// Generates into the output directory, rewriting the file only when
    /// its content changes. Returns the file's path.
    pub fn generate(&self) -> Result<PathBuf, Error> {
        let (code, files) = self.generate_string()?;
        if self.rerun_if_changed {
            for file in &files {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Io(PathBuf::from("$OUT_DIR"), std::io::Error::other("not set"))
                })?,
        };
        let path = dir.join(&self.file_name);
        write_if_changed(&path, &code)?;
        Ok(path)
    }
}

/// Writes `content` unless the file already holds exactly that.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool, Error> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_owned(), e))?;
    }
    std::fs::write(path, content).map_err(|e| Error::Io(path.to_owned(), e))?;
    Ok(true)
}

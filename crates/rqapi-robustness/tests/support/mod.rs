//! Seeds (real schemas, copied to a temp dir at test time so mutants can
//! sit next to the files they include) and the check run on every mutant.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rqapi_schema::{Error, Schema, expr, parser};

pub mod backends;

/// One seed schema: its text, the directory mutants are written to, and
/// the schema as loaded unchanged.
pub struct Seed {
    pub dir: PathBuf,
    pub text: String,
    pub original: Schema,
}

/// Seed files as (name, directory, root file, files it includes).
fn seed_files() -> Vec<(&'static str, PathBuf, &'static str, &'static [&'static str])> {
    let ours = rqapi_testdata::workspace_root().join("crates/rqga/schema");
    let mut out = vec![("rqga", ours, "qga.json", &[][..])];
    if let Some(qemu) = rqapi_testdata::qemu_qapi() {
        let tests = qemu.join("tests/qapi-schema");
        out.push(("qemu-qga", qemu.join("qga"), "qapi-schema.json", &[]));
        out.push((
            "qapi-schema-test",
            tests.clone(),
            "qapi-schema-test.json",
            &["include/sub-module.json", "sub-sub-module.json"],
        ));
        out.push(("doc-good", tests, "doc-good.json", &[]));
    }
    out
}

/// Copies every seed into its own temp directory and loads it.
pub fn seeds() -> Vec<Seed> {
    let root = std::env::temp_dir().join(format!("rqapi-robust-{}", std::process::id()));
    seed_files()
        .into_iter()
        .map(|(name, src, file, includes)| {
            let dir = root.join(name);
            for f in includes.iter().chain([&file]) {
                let to = dir.join(f);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(src.join(f), &to).unwrap();
            }
            let path = dir.join(file).display().to_string();
            let original = rqapi_schema::load(&path).unwrap_or_else(|e| panic!("{e}"));
            let text = std::fs::read_to_string(&path).unwrap();
            Seed {
                dir,
                text,
                original,
            }
        })
        .collect()
}

/// How far a mutant got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    ParseError,
    ExprError,
    ModelError,
    Loaded,
}

/// Outcome counts, for the run's summary line.
#[derive(Default)]
pub struct Stats([AtomicUsize; 4]);

impl Stats {
    pub fn count(&self, o: Outcome) {
        self.0[o as usize].fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(&self, o: Outcome) -> usize {
        self.0[o as usize].load(Ordering::Relaxed)
    }
    pub fn total(&self) -> usize {
        self.0.iter().map(|n| n.load(Ordering::Relaxed)).sum()
    }
    pub fn summary(&self) -> String {
        use Outcome::*;
        [ParseError, ExprError, ModelError, Loaded]
            .map(|o| format!("{o:?} {}", self.get(o)))
            .join(", ")
    }
}

/// Loads `text` as a file next to the seed's and, when it loads, runs
/// every backend; panics (the test failure) are the only bad outcome.
pub fn check(seed: &Seed, text: &str) -> Outcome {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = seed.dir.join(format!("mutant-{n}.json"));
    std::fs::write(&path, text).unwrap();
    let fname = path.display().to_string();
    let loaded = rqapi_schema::load(&fname);
    let outcome = match loaded {
        Err(e) => {
            assert_renders(&e, &fname);
            if std::env::var_os("RQAPI_FUZZ_SHOW").is_some() {
                eprintln!("ERR {}", e.msg.lines().last().unwrap_or(""));
            }
            stage_of_error(&fname)
        }
        Ok(schema) => {
            backends::run_backends(&seed.original, &schema);
            Outcome::Loaded
        }
    };
    let _ = std::fs::remove_file(&path);
    outcome
}

/// Every error renders; a located one names its file, in an include
/// chain that starts at the mutant.
fn assert_renders(e: &Error, fname: &str) {
    let text = e.to_string();
    if let Some(info) = &e.info {
        assert!(text.contains(&*info.fname), "{text}");
        let mut root = info;
        while let Some(parent) = root.parent.as_deref() {
            root = parent;
        }
        assert_eq!(&*root.fname, fname, "{text}");
    }
}

/// Which stage rejected the file (the stages `load` runs, replayed).
fn stage_of_error(fname: &str) -> Outcome {
    let Ok(mut parsed) = parser::parse_schema(fname) else {
        return Outcome::ParseError;
    };
    if expr::check_exprs(&mut parsed).is_err() {
        return Outcome::ExprError;
    }
    assert!(
        Schema::from_parsed(fname, parsed).is_err(),
        "load failed, stages passed"
    );
    Outcome::ModelError
}

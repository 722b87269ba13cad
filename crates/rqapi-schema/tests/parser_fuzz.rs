//! The parser never panics: arbitrary bytes and mutated schema text
//! either parse or give an error.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use rqapi_schema::parser::parse_schema;

fn parse_bytes(bytes: &[u8]) -> Result<(), String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf = std::env::temp_dir().join(format!("rqapi-fuzz-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f.json");
    std::fs::write(&path, bytes).unwrap();
    let result = parse_schema(&path.display().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        // Every error renders, and a located one names the file.
        Err(e) => {
            let text = e.to_string();
            assert!(e.info.is_none() || text.contains("f.json"), "{text}");
            Err(text)
        }
        Ok(schema) => {
            for e in &schema.exprs {
                assert!(e.doc.is_none_or(|d| d < schema.docs.len()));
            }
            Ok(())
        }
    }
}

/// A schema exercising most of the grammar and doc syntax.
const SEED: &str = "\
# comment
{ 'pragma': { 'doc-required': true, 'member-name-exceptions': [ 'X' ] } }
##
# = Section
##

##
# @Cmd:
#
# Does things.  Really.
#
# @arg: the \\\\ argument
#     more
#
# Returns: nothing
#
# Features:
# @deprecated: gone
#
# Since: 1.0
#
# .. qmp-example::
#
#    -> { \"execute\": \"x\" }
##
{ 'command': 'Cmd', 'data': { 'arg': [ 'str' ], '*b': { 'type': 'int', 'if': 'A' } },
  'returns': 'int', 'features': [ 'deprecated' ], 'gen': false, 'boxed': true }
\t{ 'include': 'missing.json' }
";

const PIECES: &[&str] = &[
    "'",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "#",
    "##",
    "\n",
    "\t",
    "\r",
    " ",
    "\\",
    "@",
    "true",
    "false",
    "é",
    "\u{2028}",
    "\u{1c}",
    "# @x:",
    "Returns:",
    "Features:",
    "::",
    ". A",
];

fn mutate(seed: &str, edits: &[(usize, usize, u8)]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(at, piece, op) in edits {
        let at = at % (chars.len() + 1);
        match op % 3 {
            0 => {
                let p = PIECES[piece % PIECES.len()];
                chars.splice(at..at, p.chars());
            }
            1 => {
                let end = (at + piece % 5).min(chars.len());
                chars.drain(at..end);
            }
            _ => {
                let end = (at + piece % 40).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                let to = piece % (chars.len() + 1);
                chars.splice(to..to, copy);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn seed_schema_is_rejected_only_for_its_missing_include() {
    let err = parse_bytes(SEED.as_bytes()).unwrap_err();
    assert!(err.contains("can't read include file"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_bytes(&bytes);
    }

    #[test]
    fn grammar_soup_never_panics(parts in proptest::collection::vec(0..PIECES.len(), 0..200)) {
        let text: String = parts.iter().map(|&i| PIECES[i]).collect();
        let _ = parse_bytes(text.as_bytes());
    }

    #[test]
    fn mutated_schema_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..8)
    ) {
        let _ = parse_bytes(mutate(SEED, &edits).as_bytes());
    }
}

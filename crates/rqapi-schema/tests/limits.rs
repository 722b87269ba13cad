//! The front end's resource bounds (QEMU has none): schema text size,
//! endless files. Big inputs are generated in a temp dir at test time.
//! (Value nesting and include depth: parser_units.rs; `if` nesting:
//! src/expr/tests/robustness.rs.)

use std::path::{Path, PathBuf};

use rqapi_schema::parser::{MAX_SCHEMA_BYTES, parse_schema};

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rqapi-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A file of exactly `len` bytes of plain comment lines (cheap to lex).
fn write_comments(path: &Path, len: usize) {
    let line = format!("#{}\n", "x".repeat(1022));
    let mut text = line.repeat(len / line.len());
    let rest = len - text.len();
    if rest > 0 {
        text.push('#');
        text.push_str(&"y".repeat(rest - 1));
    }
    assert_eq!(text.len(), len);
    std::fs::write(path, text).unwrap();
}

fn parse(path: &Path) -> Result<usize, String> {
    parse_schema(&path.display().to_string())
        .map(|s| s.exprs.len())
        .map_err(|e| e.to_string())
}

const TOO_LARGE: &str = "File too large: a schema and its includes may total at most 16 MiB";

#[test]
fn root_file_over_the_limit_is_refused_before_parsing() {
    let dir = scratch_dir("root");
    let path = dir.join("big.json");
    write_comments(&path, MAX_SCHEMA_BYTES + 1);
    let err = parse(&path).unwrap_err();
    assert_eq!(
        err,
        format!("can't read schema file '{}': {TOO_LARGE}", path.display())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_limit_counts_all_included_files_together() {
    let dir = scratch_dir("total");
    let root = dir.join("root.json");
    let head = "{ 'include': 'a.json' }\n{ 'include': 'b.json' }\n";
    std::fs::write(&root, head).unwrap();
    let half = (MAX_SCHEMA_BYTES - head.len()) / 2;
    write_comments(&dir.join("a.json"), half);
    // Exactly at the limit: fine.
    write_comments(&dir.join("b.json"), MAX_SCHEMA_BYTES - head.len() - half);
    assert_eq!(parse(&root), Ok(2));
    // One byte more, and the second include is refused where it is named.
    write_comments(
        &dir.join("b.json"),
        MAX_SCHEMA_BYTES - head.len() - half + 1,
    );
    let err = parse(&root).unwrap_err();
    let b = dir.join("b.json");
    assert_eq!(
        err,
        format!(
            "{}:2: can't read include file '{}': {TOO_LARGE}",
            root.display(),
            b.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg(unix)]
fn endless_include_stops_at_the_limit() {
    let dir = scratch_dir("zero");
    let root = dir.join("root.json");
    std::fs::write(&root, "{ 'include': '/dev/zero' }\n").unwrap();
    let err = parse(&root).unwrap_err();
    assert!(err.ends_with(&format!("'/dev/zero': {TOO_LARGE}")), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

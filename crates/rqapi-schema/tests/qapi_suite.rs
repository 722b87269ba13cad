//! Conformance with QEMU's tests/qapi-schema suite (all cases listed in
//! ACTIVE-TESTS.txt) and acceptance of QEMU's real schemas. The data is
//! read from `$RQAPI_QEMU_QAPI` or `<workspace>/../shared/qemu-qapi`; the
//! tests skip when it is absent.
//!
//! Cases are loaded by full path and the suite directory prefix is removed
//! from error text, as QEMU's test driver does, so the working directory
//! does not matter.

use std::fs;
use std::path::{Path, PathBuf};

use rqapi_schema::{dump::dump, load};

fn active_cases(corpus: &Path) -> Vec<String> {
    let list = fs::read_to_string(corpus.join("ACTIVE-TESTS.txt")).expect("read ACTIVE-TESTS.txt");
    list.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// What our front end produces for one case: (stdout dump, error text).
fn run_case(dir: &str, name: &str) -> (String, String) {
    match load(&format!("{dir}/{name}.json")) {
        Ok(schema) => (dump(&schema), String::new()),
        Err(e) => (
            String::new(),
            format!("{e}\n").replace(&format!("{dir}/"), ""),
        ),
    }
}

#[test]
fn qemu_qapi_schema_suite() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let tests = corpus.join("tests/qapi-schema");
    let dir = tests.to_str().expect("UTF-8 corpus path");
    let cases = active_cases(&corpus);
    let mut failed = 0;
    for name in &cases {
        let want_out = fs::read_to_string(tests.join(format!("{name}.out"))).unwrap_or_default();
        let want_err = fs::read_to_string(tests.join(format!("{name}.err"))).unwrap_or_default();
        let (out, err) = run_case(dir, name);
        if out != want_out || err != want_err {
            failed += 1;
            let first_diff = if err != want_err {
                format!("error {err:?}, want {want_err:?}")
            } else {
                let line = out
                    .lines()
                    .zip(want_out.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| out.lines().count().min(want_out.lines().count()));
                format!(
                    "dump differs at line {}: {:?}, want {:?}",
                    line + 1,
                    out.lines().nth(line),
                    want_out.lines().nth(line)
                )
            };
            println!("FAIL {name}: {first_diff}");
        }
    }
    println!("{} passed, {failed} failed", cases.len() - failed);
    assert_eq!(failed, 0, "{failed} of {} suite cases failed", cases.len());
}

/// Messages of the doc comment style rules QEMU's current parser enforces
/// and older releases predate.
const DOC_STYLE_MESSAGES: &[&str] = &[
    "documentation line longer than 70 characters",
    "Use two spaces between sentences",
    "The 'Note' section is no longer supported",
];

/// The current schemas and the newest release load; older releases fail
/// as they do with QEMU's current front end: only on doc style rules.
#[test]
fn loads_qemu_schemas() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let mut must_load = vec![
        corpus.join("qapi/qapi-schema.json"),
        corpus.join("qga/qapi-schema.json"),
        corpus.join("storage-daemon/qapi/qapi-schema.json"),
    ];
    let mut releases: Vec<PathBuf> = fs::read_dir(corpus.join("releases"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    releases.sort_by_key(|p| release_version(p));
    let newest = releases.pop();
    must_load.extend(newest.iter().flat_map(|r| release_roots(r)));
    let mut failures = Vec::new();
    for root in must_load.iter().filter(|r| r.is_file()) {
        let path = root.to_str().expect("UTF-8 path");
        match load(path) {
            Ok(schema) => assert!(schema.commands().count() > 10, "{path}: too few commands"),
            Err(e) => failures.push(format!("{path}: {e}")),
        }
    }
    for root in releases.iter().flat_map(|r| release_roots(r)) {
        let path = root.to_str().expect("UTF-8 path");
        if let Err(e) = load(path) {
            if !DOC_STYLE_MESSAGES.iter().any(|m| e.msg.starts_with(m)) {
                failures.push(format!("{path}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn release_roots(release: &Path) -> [PathBuf; 2] {
    [
        release.join("qapi/qapi-schema.json"),
        release.join("qga/qapi-schema.json"),
    ]
}

/// `vX.Y.Z` as numbers, so v10 sorts after v9.
fn release_version(path: &Path) -> Vec<u32> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.trim_start_matches('v')
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect()
}

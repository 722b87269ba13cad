//! Writing two small schemas and comparing them.

use std::sync::atomic::{AtomicUsize, Ordering};

use rqapi_compat::{Change, ChangeKind, Config, Direction, Report, Severity, compare, load};

/// Compares schema text `old` with `new` (conditions as written).
pub fn diff(old: &str, new: &str) -> Report {
    diff_with(old, new, &Config::default())
}

pub fn diff_with(old: &str, new: &str, config: &Config) -> Report {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rqapi-compat-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let load_text = |name: &str, text: &str| {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        let path = d.join("schema.json");
        std::fs::write(&path, text).unwrap();
        load(&path.display().to_string()).unwrap_or_else(|e| panic!("{name} schema: {e}"))
    };
    let (o, n) = (load_text("old", old), load_text("new", new));
    let report = compare(&o, &n, config);
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// The one change of `kind` in `direction`; fails listing the report.
pub fn only(report: &Report, kind: ChangeKind, direction: Direction) -> &Change {
    let found: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.kind == kind && c.direction == direction)
        .collect();
    match found[..] {
        [one] => one,
        _ => panic!(
            "want one {kind:?} {direction:?}, got:\n{}",
            report.to_text()
        ),
    }
}

/// Asserts the report holds exactly these (kind, direction, severity).
pub fn assert_changes(report: &Report, want: &[(ChangeKind, Direction, Severity)]) {
    let mut got: Vec<_> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.direction, c.severity))
        .collect();
    let mut want = want.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "report:\n{}", report.to_text());
}

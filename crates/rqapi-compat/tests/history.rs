//! `rqapi compat` on QEMU's real schema history: every consecutive pair
//! of releases in `shared/qemu-qapi/releases` (QMP and guest agent), and
//! the guest agent from v7.2.0 to v10.2.0. Each report is printed and
//! written to `target/compat-reports/`; the summary table must match the
//! one in docs/compat.md. Assertions are on changes verified by reading
//! the schemas.

use std::path::PathBuf;

use rqapi_compat::{ChangeKind, Config, Direction, Report, Severity, compare, load};

const RELEASES: [&str; 10] = [
    "v7.2.0", "v8.0.0", "v8.1.0", "v8.2.0", "v9.0.0", "v9.1.0", "v9.2.0", "v10.0.0", "v10.1.0",
    "v10.2.0",
];

fn workspace_root() -> PathBuf {
    rqapi_testdata::workspace_root()
}

fn releases_dir() -> Option<PathBuf> {
    rqapi_testdata::qemu_qapi().map(|dir| dir.join("releases"))
}

fn reports_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let dir = target.join("compat-reports");
    std::fs::create_dir_all(&dir).expect("create target/compat-reports");
    dir
}

/// `schema` is `qapi` or `qga`.
fn compat(old: &str, new: &str, schema: &str) -> Option<Report> {
    let dir = releases_dir()?;
    let path = |v: &str| format!("{}/{v}/{schema}/qapi-schema.json", dir.display());
    let load_ok = |v: &str| load(&path(v)).unwrap_or_else(|e| panic!("{v} {schema}: {e}"));
    let report = compare(&load_ok(old), &load_ok(new), &Config::default());
    let text = format!(
        "rqapi compat {old} {new} ({schema})\n\n{}",
        report.to_text()
    );
    println!("{text}");
    let file = reports_dir().join(format!("{schema}-{old}-{new}.txt"));
    std::fs::write(&file, &text).expect("write report");
    Some(report)
}

/// The change at `path` with `message` fragment; fails listing the report.
fn find<'r>(report: &'r Report, path: &str, kind: ChangeKind) -> &'r rqapi_compat::Change {
    report
        .changes
        .iter()
        .find(|c| c.path == path && c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} at {path} in:\n{}", report.to_text()))
}

macro_rules! pair {
    ($name:ident, $old:literal, $new:literal, $schema:literal, |$r:ident| $check:block) => {
        #[test]
        fn $name() {
            let Some($r) = compat($old, $new, $schema) else {
                return;
            };
            $check
        }
    };
}

pair!(qapi_7_2_to_8_0, "v7.2.0", "v8.0.0", "qapi", |r| {
    // SGXInfo's 'section-size' carried feature 'deprecated' in 7.2.
    let c = find(
        &r,
        "query-sgx(returns).section-size",
        ChangeKind::MemberRemoved,
    );
    assert_eq!(c.severity, Severity::BreakingDeprecatedRemoval);
    assert_eq!(c.old_loc.as_deref(), Some("misc-target.json:342"));
});
pair!(qapi_8_0_to_8_1, "v8.0.0", "v8.1.0", "qapi", |r| {
    assert_eq!(r.counts().breaking, 0);
});
pair!(qapi_8_1_to_8_2, "v8.1.0", "v8.2.0", "qapi", |r| {
    assert_eq!(r.counts().breaking, 0);
});
pair!(qapi_8_2_to_9_0, "v8.2.0", "v9.0.0", "qapi", |r| {
    let c = find(
        &r,
        "query-status(returns).singlestep",
        ChangeKind::MemberRemoved,
    );
    assert_eq!(
        (c.direction, c.severity),
        (Direction::Output, Severity::BreakingDeprecatedRemoval)
    );
    let c = find(
        &r,
        "chardev-add(args).backend[type=serial]",
        ChangeKind::ConditionChanged,
    );
    assert_eq!(c.severity, Severity::Conditional);
});
pair!(qapi_9_0_to_9_1, "v9.0.0", "v9.1.0", "qapi", |r| {
    let c = find(&r, "MEM_UNPLUG_ERROR", ChangeKind::EventRemoved);
    assert_eq!(c.severity, Severity::BreakingDeprecatedRemoval);
    for arg in ["migrate(args).blk", "migrate(args).inc"] {
        let c = find(&r, arg, ChangeKind::MemberRemoved);
        assert_eq!(c.severity, Severity::BreakingDeprecatedRemoval);
    }
    // pvrdma was deprecated in QEMU's documentation only; its event had
    // no 'deprecated' feature, so this is plain breaking.
    let c = find(&r, "RDMA_GID_STATUS_CHANGED", ChangeKind::EventRemoved);
    assert_eq!(c.severity, Severity::Breaking);
    // SevInfo became a union on the new 'sev-type': the old shape
    // continues as branch 'sev', 'sev-snp' is new.
    let c = find(
        &r,
        "query-sev(returns)[sev-type=sev-snp]",
        ChangeKind::BranchAdded,
    );
    assert_eq!(c.severity, Severity::Compatible);
    // memsave's 'val' went from 'int' to 'uint64': QEMU's input visitor
    // still takes negative numbers there, so it only widened.
    let c = find(&r, "memsave(args).val", ChangeKind::TypeWidened);
    assert_eq!(c.severity, Severity::Compatible);
});
pair!(qapi_9_1_to_9_2, "v9.1.0", "v9.2.0", "qapi", |r| {
    assert_eq!(r.counts().breaking, 0);
});
pair!(qapi_9_2_to_10_0, "v9.2.0", "v10.0.0", "qapi", |r| {
    let c = find(&r, "blockdev-set-active", ChangeKind::CommandAdded);
    assert_eq!(c.new_loc.as_deref(), Some("block-core.json:4976"));
    // NbdServerOptions gained a base (NbdServerOptionsBase): only the
    // one new member shows, not the moved ones.
    let moved: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.path.starts_with("nbd-server-start"))
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(
        r.counts().breaking + r.counts().breaking_deprecated_removal,
        0
    );
});
pair!(qapi_10_0_to_10_1, "v10.0.0", "v10.1.0", "qapi", |r| {
    // Made optional (and unconditional) for the single binary: on s390x,
    // receivers lose a guarantee.
    let path = "query-cpu-model-expansion(returns).deprecated-props";
    let c = find(&r, path, ChangeKind::MemberBecameOptional);
    assert_eq!(
        (c.direction, c.severity),
        (Direction::Output, Severity::Breaking)
    );
});
pair!(qapi_10_1_to_10_2, "v10.1.0", "v10.2.0", "qapi", |r| {
    let path = "chardev-add(args).backend[type=socket].data.reconnect";
    let c = find(&r, path, ChangeKind::MemberRemoved);
    assert_eq!(c.severity, Severity::BreakingDeprecatedRemoval);
    let c = find(&r, "query-accelerators", ChangeKind::CommandAdded);
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(r.counts().breaking, 0);
});

pair!(qga_7_2_to_8_0, "v7.2.0", "v8.0.0", "qga", |r| {
    assert!(r.changes.is_empty());
});
pair!(qga_8_0_to_8_1, "v8.0.0", "v8.1.0", "qga", |r| {
    assert!(!r.is_breaking(false));
});
pair!(qga_8_1_to_8_2, "v8.1.0", "v8.2.0", "qga", |r| {
    assert!(r.changes.is_empty());
});
pair!(qga_8_2_to_9_0, "v8.2.0", "v9.0.0", "qga", |r| {
    assert!(r.changes.is_empty());
});
pair!(qga_9_0_to_9_1, "v9.0.0", "v9.1.0", "qga", |r| {
    // 9.1 stopped building unsupported commands instead of failing them.
    let c = find(&r, "guest-fsfreeze-status", ChangeKind::ConditionChanged);
    assert_eq!(c.severity, Severity::Conditional);
    assert!(!r.is_breaking(false));
});
pair!(qga_9_1_to_9_2, "v9.1.0", "v9.2.0", "qga", |r| {
    assert!(r.changes.is_empty());
});
pair!(qga_9_2_to_10_0, "v9.2.0", "v10.0.0", "qga", |r| {
    let c = find(&r, "guest-get-load", ChangeKind::CommandAdded);
    assert_eq!(c.new_loc.as_deref(), Some("qapi-schema.json:1895"));
});
pair!(qga_10_0_to_10_1, "v10.0.0", "v10.1.0", "qga", |r| {
    // 'CONFIG_GETLOADAVG' widened to 'CONFIG_WIN32 or CONFIG_GETLOADAVG'.
    let c = find(&r, "guest-get-load", ChangeKind::ConditionChanged);
    assert_eq!(c.severity, Severity::Compatible);
});
pair!(qga_10_1_to_10_2, "v10.1.0", "v10.2.0", "qga", |r| {
    assert!(r.changes.is_empty());
});
pair!(qga_7_2_to_10_2, "v7.2.0", "v10.2.0", "qga", |r| {
    // guest-exec's 'capture-output' widened from bool to an alternate.
    let c = find(
        &r,
        "guest-exec(args).capture-output",
        ChangeKind::AlternativeAdded,
    );
    assert_eq!(c.severity, Severity::Compatible);
    find(&r, "guest-get-load", ChangeKind::CommandAdded);
    assert!(!r.is_breaking(false));
});

/// The summary table of docs/compat.md, regenerated from the releases.
#[test]
fn summary_table_matches_docs() {
    let Some(_) = releases_dir() else {
        return;
    };
    let mut pairs: Vec<(&str, &str, &str)> = Vec::new();
    for schema in ["qapi", "qga"] {
        for w in RELEASES.windows(2) {
            pairs.push((schema, w[0], w[1]));
        }
    }
    pairs.push(("qga", RELEASES[0], RELEASES[RELEASES.len() - 1]));
    let mut table = String::from(
        "| schema | old | new | compatible | breaking | deprecated removals | unstable | conditional |\n\
         |---|---|---|---:|---:|---:|---:|---:|\n",
    );
    for (schema, old, new) in pairs {
        let dir = releases_dir().expect("checked above");
        let path = |v: &str| format!("{}/{v}/{schema}/qapi-schema.json", dir.display());
        let (o, n) = (load(&path(old)).unwrap(), load(&path(new)).unwrap());
        let c = compare(&o, &n, &Config::default()).counts();
        table.push_str(&format!(
            "| {schema} | {old} | {new} | {} | {} | {} | {} | {} |\n",
            c.compatible, c.breaking, c.breaking_deprecated_removal, c.unstable, c.conditional
        ));
    }
    println!("{table}");
    std::fs::write(reports_dir().join("summary.md"), &table).expect("write summary");
    let docs = std::fs::read_to_string(workspace_root().join("docs/compat.md")).unwrap_or_default();
    assert!(
        docs.contains(&table),
        "docs/compat.md lacks the current summary table:\n{table}"
    );
}

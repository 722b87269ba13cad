//! Time to load QEMU's v10.1.0 and v10.2.0 QMP schemas and compare them
//! (`cargo bench -p rqapi-compat`). A plain timing loop: the number to
//! watch is "well under a second", not nanoseconds.

use std::time::{Duration, Instant};

use rqapi_compat::{Config, compare, load};

fn main() {
    let Some(base) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let path = |v: &str| format!("{}/releases/{v}/qapi/qapi-schema.json", base.display());
    let (old_path, new_path) = (path("v10.1.0"), path("v10.2.0"));
    if !std::path::Path::new(&old_path).exists() {
        println!("skipped: {old_path} not found");
        return;
    }
    const RUNS: u32 = 10;
    let (mut load_time, mut compare_time) = (Duration::ZERO, Duration::ZERO);
    let mut changes = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let old = load(&old_path).expect("old schema");
        let new = load(&new_path).expect("new schema");
        let loaded = Instant::now();
        let report = compare(&old, &new, &Config::default());
        compare_time += loaded.elapsed();
        load_time += loaded - start;
        changes = report.changes.len();
    }
    println!(
        "v10.1.0 vs v10.2.0 (qapi), mean of {RUNS}: load both {:.1} ms, compare {:.2} ms, total {:.1} ms ({changes} changes)",
        load_time.as_secs_f64() * 1e3 / f64::from(RUNS),
        compare_time.as_secs_f64() * 1e3 / f64::from(RUNS),
        (load_time + compare_time).as_secs_f64() * 1e3 / f64::from(RUNS),
    );
}

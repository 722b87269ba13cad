//! How long `load()` (parse, expression checks, model and semantic
//! checks) takes for QEMU's full schema from the shared corpus. Without
//! the corpus the benchmark prints a "skipped" line and measures nothing.
//!
//!     cargo bench -p rqapi-schema --bench load
//!
//! The whole `rqapi check` process beside QEMU's Python front end, in one
//! run: `QEMU_SRC=/path/to/qemu cargo bench -p rqapi --bench check_process`.
//! By hand, from the workspace root:
//!
//!     cargo build --release --bin rqapi
//!     uptime
//!     hyperfine -N --warmup 20 --runs 300 \
//!         'target/release/rqapi check ../shared/qemu-qapi/qapi/qapi-schema.json'
//!
//! On a shared, noisy machine the instruction count is the steadier number:
//!
//!     valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!         target/release/rqapi check ../shared/qemu-qapi/qapi/qapi-schema.json
//!
//! and the resident size tells the system time: mimalloc asks for
//! transparent huge pages, so the kernel zeroes 2 MiB for every huge page
//! the check touches (`/usr/bin/time -f '%M KB' target/release/rqapi check ...`).
//!
//! CPU time per run is steadier than wall time on a shared machine:
//!
//!     perf stat -e page-faults,task-clock -r 100 target/release/rqapi check ...
//!
//! Last measured (2 cores, release profile with fat LTO, mimalloc v2):
//! 42.8M instructions, 16.5-16.9 MB resident, ~134 page faults;
//! hyperfine mean 8.9 ms, min 7.7 ms (user ~6.3 ms, sys ~2.2 ms) at load
//! 2.3, where the previous 49.3M build ran a mean 9.9 ms, min 8.6 ms in
//! the same run (at load 3.4: 8.5 against 9.4 ms).
//! That 49.3M build alone: 16.9 MB, 139 page faults, task-clock 9.4 ms;
//! hyperfine min 8.1 ms, mean 9.9 ms at load 1.5 (12-14 ms at load 2-4).
//! Before (default release profile, mimalloc v3): 55.2M instructions,
//! 26.8 MB, 159 page faults, task-clock 13.2 ms; user ~8.2 ms, sys
//! ~4.1 ms, min 10.4 ms, mean 12.5 ms at load 1.5.

use criterion::{Criterion, criterion_group, criterion_main};

fn load_qemu_schema(c: &mut Criterion) {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let path = corpus.join("qapi/qapi-schema.json");
    let path = path.to_str().expect("corpus path is UTF-8");
    rqapi_schema::load(path).expect("QEMU's schema loads");
    c.bench_function("load qemu qapi-schema.json", |b| {
        b.iter(|| rqapi_schema::load(std::hint::black_box(path)))
    });
}

criterion_group!(benches, load_qemu_schema);
criterion_main!(benches);

//! Generating all Rust for QEMU's full QMP schema (target: at most 200 ms;
//! QEMU's qapi-gen takes about 2 s for its C). Skipped without shared/.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use rqapi_codegen::{Options, generate};

fn qemu_schema() -> Option<PathBuf> {
    let dir = std::env::var_os("RQAPI_QEMU_QAPI").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qemu-qapi"),
        PathBuf::from,
    );
    let path = dir.join("qapi/qapi-schema.json");
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: QEMU QAPI corpus not found at {}", dir.display());
        None
    }
}

fn bench(c: &mut Criterion) {
    let Some(path) = qemu_schema() else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let options = Options {
        conditions: rqapi_codegen::Conditions::Cfg {
            map: Default::default(),
            default: Some("all()".to_owned()),
        },
        ..Options::default()
    };
    let schema = rqapi_schema::load(&path).unwrap();
    let mut group = c.benchmark_group("qemu-qapi-schema");
    group.sample_size(10);
    group.bench_function("generate", |b| {
        b.iter(|| generate(black_box(&schema), &options).unwrap())
    });
    group.bench_function("load+generate", |b| {
        b.iter(|| generate(&rqapi_schema::load(black_box(&path)).unwrap(), &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

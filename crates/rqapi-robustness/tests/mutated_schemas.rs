//! Never a panic, whatever the schema: mutated real schemas go through
//! the whole front end (`load`: parse, expression checks, model checks),
//! and whatever still loads through every backend: dump, introspection
//! (all options), the code generator (server and client) and the compat
//! checker against the original.
//!
//! Cases: `RQAPI_FUZZ_CASES` (default 1000: ~20 s in debug on 2 cores, for CI);
//! `PROPTEST_RNG_SEED` replays a run; `RQAPI_FUZZ_SHOW=1` prints each
//! rejection, to see which checks the mutants reach.

mod support;

use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rqapi_robustness::mutate::{Edit, WEIGHTED_OPS, mutate};
use support::{Outcome, Stats, check, seeds};

const DEFAULT_CASES: u32 = 1000;

fn cases() -> u32 {
    std::env::var("RQAPI_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let op = prop::sample::select(WEIGHTED_OPS);
    let edit = (op, any::<usize>(), any::<usize>()).prop_map(|(op, a, b)| Edit { op, a, b });
    proptest::collection::vec(edit, 1..4)
}

#[test]
fn mutated_real_schemas_never_panic() {
    let seeds = seeds();
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let stats = Stats::default();
    let started = Instant::now();
    // Doc comments stripped 3 times in 4: renamed definitions would
    // mostly stop at the doc checks.
    let strategy = (0..seeds.len(), edits(), prop::bool::weighted(0.75));
    let result = runner.run(&strategy, |(seed, edits, strip_docs)| {
        let seed = &seeds[seed];
        let text = mutate(&seed.text, &edits, strip_docs);
        stats.count(check(seed, &text));
        Ok(())
    });
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "{} cases in {elapsed:.1} s ({:.1}/s): {}",
        stats.total(),
        stats.total() as f64 / elapsed,
        stats.summary()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // The mutations must reach past the parser, or this tests little.
    assert!(stats.total() < 50 || stats.get(Outcome::ParseError) < stats.total() * 9 / 10);
}

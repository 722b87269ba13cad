//! `rqapi check` of QEMU's full schema as a whole process, side by side
//! with QEMU's own Python front end in the same run, printed as a table:
//!
//!     cargo bench -p rqapi --bench check_process
//!
//! The Python row needs a QEMU source tree (`QEMU_SRC`, its
//! `scripts/qapi` is imported; left out when unset or missing). Settings:
//! `CHECK_RUNS` (rqapi runs, default 300, after 20 warm-up runs),
//! `PY_RUNS` (default 5). Wall time per run and the child's CPU time
//! (user + system, from `wait4`'s rusage) are both shown: CPU time is the
//! steadier figure on a shared machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One process run: wall time, user and system CPU time.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    user: Duration,
    sys: Duration,
}

/// Starts `command` with its output discarded and waits for it with
/// `wait4`, which reports the CPU time of that child alone.
#[expect(clippy::zombie_processes, reason = "reaped by wait4, not Child::wait")]
fn run_once(command: &mut Command) -> Run {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the checker");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; `pid` is our own
    // child, not yet reaped (std's Child is dropped without waiting).
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let got = libc::wait4(pid, &mut status, 0, &mut usage);
        assert_eq!(got, pid, "wait4: {}", std::io::Error::last_os_error());
        usage
    };
    let wall = start.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the checker failed (status {status:#x})"
    );
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        wall,
        user: time(usage.ru_utime),
        sys: time(usage.ru_stime),
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn mean(runs: &[Run], pick: fn(&Run) -> Duration) -> Duration {
    runs.iter().map(pick).sum::<Duration>() / runs.len() as u32
}

fn row(label: &str, runs: &[Run]) -> [String; 6] {
    let min = runs.iter().map(|r| r.wall).min().unwrap_or_default();
    [
        label.to_owned(),
        runs.len().to_string(),
        ms(mean(runs, |r| r.wall)),
        ms(min),
        ms(mean(runs, |r| r.user)),
        ms(mean(runs, |r| r.sys)),
    ]
}

fn measure(mut command: Command, warmup: usize, runs: usize) -> Vec<Run> {
    for _ in 0..warmup {
        run_once(&mut command);
    }
    (0..runs).map(|_| run_once(&mut command)).collect()
}

fn python_checker(qemu_src: &Path, schema: &Path) -> Option<Command> {
    let scripts = qemu_src.join("scripts");
    if !scripts.join("qapi/schema.py").is_file() {
        return None;
    }
    let mut command = Command::new("python3");
    command
        .env("PYTHONPATH", scripts)
        .arg("-c")
        .arg("import sys; from qapi.schema import QAPISchema; QAPISchema(sys.argv[1])")
        .arg(schema);
    Some(command)
}

fn main() {
    let Some(corpus) = rqapi_testdata::qemu_qapi() else {
        return;
    };
    let schema = corpus.join("qapi/qapi-schema.json");
    let schema = schema.canonicalize().unwrap_or(schema);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut rows = Vec::new();

    let mut rqapi = Command::new(env!("CARGO_BIN_EXE_rqapi"));
    rqapi.arg("check").arg(&schema);
    let runs = measure(rqapi, 20, env_count("CHECK_RUNS", 300));
    let rqapi_mean = mean(&runs, |r| r.wall);
    rows.push(row("rqapi check", &runs));

    let qemu_src = std::env::var_os("QEMU_SRC").map(PathBuf::from);
    let python = qemu_src
        .as_deref()
        .and_then(|src| python_checker(src, &schema));
    let mut python_mean = None;
    match python {
        Some(command) => {
            let runs = measure(command, 1, env_count("PY_RUNS", 5));
            python_mean = Some(mean(&runs, |r| r.wall));
            rows.push(row("QEMU scripts/qapi (python3)", &runs));
        }
        None => println!("QEMU's Python front end left out: set QEMU_SRC to a QEMU source tree"),
    }

    println!(
        "\nQEMU's full schema ({}), one process per run",
        schema.display()
    );
    println!("load average before the runs: {}", load.trim());
    println!(
        "{:<30} {:>5} {:>10} {:>9} {:>9} {:>9}",
        "checker", "runs", "mean ms", "min ms", "user ms", "sys ms"
    );
    for [label, n, mean, min, user, sys] in rows {
        println!("{label:<30} {n:>5} {mean:>10} {min:>9} {user:>9} {sys:>9}");
    }
    if let Some(python_mean) = python_mean {
        println!(
            "rqapi is {:.0}x faster (mean wall time)",
            python_mean.as_secs_f64() / rqapi_mean.as_secs_f64()
        );
    }
    println!("target: mean <= 10 ms for rqapi check");
}

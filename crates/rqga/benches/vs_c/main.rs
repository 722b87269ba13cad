//! rqga against Debian's C qemu-ga (7.2), same client, same run:
//!
//!     cargo bench -p rqga --bench vs_c
//!
//! Both agents run as `-m unix-listen -p SOCK -t STATEDIR` (rqga is the
//! release build cargo makes for benches). Every round starts fresh agents
//! for each scenario, alternating which agent goes first; the table shows
//! medians over rounds. Settings: `VS_C_ROUNDS` (default 3), `QEMU_GA`
//! (default /usr/sbin/qemu-ga), `RQGA` (default: this package's binary),
//! `VS_C_ONLY` (comma list of startup, pings, read, write, exec).
//!
//! A third column, the floor, is this bench itself as a minimal blocking
//! agent (see `floor.rs`): what any agent can reach on this machine with
//! the same client. It answers pings only, so it runs in the ping and
//! start-up scenarios; its exec figure is this bench starting /bin/true
//! (output on pipes) and reaping it, without an agent. Two rows come near the reference's pace (README section
//! 3, about 145 µs per ping), where an agent sleeps before every request:
//! our client pausing 100 µs after each answer, and a Python client like
//! the reference's (`python3`, or `$PYTHON`; left out when missing).
//!
//! The scenarios follow the reference measurements of the C agent (see
//! `$RQAPI_REFERENCE/README.md`, section 3).

mod agent;
mod client;
mod floor;
mod scenarios;

use std::path::PathBuf;

use agent::Binary;
use scenarios::median;

/// One row: label, how to compare, target, and each agent's samples.
struct Row {
    label: &'static str,
    /// True when bigger is better.
    higher_better: bool,
    target: &'static str,
    fmt: fn(f64) -> String,
    /// C, rqga, floor.
    samples: [Vec<f64>; 3],
}

fn int(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 && c != '-' {
            out.push(',');
        }
        out.push(c);
    }
    out
}
fn one(v: f64) -> String {
    format!("{v:.1}")
}
fn two(v: f64) -> String {
    format!("{v:.2}")
}
fn mb(v: f64) -> String {
    format!("{:.1} MB", v * 1024.0 / 1e6)
}

fn rows() -> Vec<Row> {
    let row = |label, higher_better, target, fmt| Row {
        label,
        higher_better,
        target,
        fmt,
        samples: [Vec::new(), Vec::new(), Vec::new()],
    };
    vec![
        row(
            "agent CPU per sequential guest-ping (µs)",
            false,
            "10x less",
            two as fn(f64) -> String,
        ),
        row("sequential guest-ping (req/s)", true, "", int),
        row("  p50 latency (µs)", false, "", one),
        row("  p99 latency (µs)", false, "", one),
        row("pipelined guest-ping (req/s)", true, "", int),
        row(
            "agent CPU per pipelined guest-ping (µs)",
            false,
            "10x less",
            two,
        ),
        row(
            "agent CPU per guest-ping, 100 µs pause after each answer (µs)",
            false,
            "",
            two,
        ),
        row("  rate (req/s; the reference's was 4,693)", true, "", int),
        row(
            "agent CPU per guest-ping, Python client like the reference's (µs)",
            false,
            "",
            two,
        ),
        row("  Python client's rate (req/s)", true, "", int),
        row(
            "guest-file-read 64 MiB / 48 MiB chunks (MB/s, wire)",
            true,
            "10x",
            one,
        ),
        row("  agent peak RSS (VmHWM)", false, "<= 80 MB", mb),
        row("  agent CPU (s)", false, "", two),
        row(
            "guest-file-write 64 MiB / 48 MiB-4 KiB chunks (MB/s)",
            true,
            "10x",
            one,
        ),
        row("  agent peak RSS (VmHWM)", false, "<= 120 MB", mb),
        row("  agent CPU (s)", false, "", two),
        row("idle RSS after start (VmRSS)", false, "<= C", mb),
        row(
            "start-up, exec to first reply (ms, median of 20)",
            false,
            "<= C",
            two,
        ),
        row("  agent CPU until then (µs)", false, "", int),
        row(
            "guest-exec /bin/true + status polls (execs/s)",
            true,
            "2x",
            one,
        ),
        row("  status polls per exec", false, "", one),
        row("  agent CPU per exec (µs)", false, "", int),
    ]
}

fn wanted(what: &str) -> bool {
    match std::env::var("VS_C_ONLY") {
        Ok(list) => list.split(',').any(|w| w.trim() == what),
        Err(_) => true,
    }
}

/// Row indexes, in `rows()` order.
mod at {
    pub const CPU_SEQ: usize = 0;
    pub const SEQ: usize = 1;
    pub const P50: usize = 2;
    pub const P99: usize = 3;
    pub const PIPELINED: usize = 4;
    pub const CPU_PIPELINED: usize = 5;
    pub const CPU_SLOW: usize = 6;
    pub const CPU_PACED: usize = 8;
    pub const READ: usize = 10;
    pub const WRITE: usize = 13;
    pub const IDLE_RSS: usize = 16;
    pub const STARTUP: usize = 17;
    pub const EXEC: usize = 19;
}

fn run_one(binary: &Binary, slot: usize, rows: &mut [Row], data: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let floor = slot == 2;
    let mut put = |i: usize, v: f64| rows[i].samples[slot].push(v);
    if wanted("pings") {
        let p = scenarios::pings(binary);
        put(at::CPU_SEQ, p.cpu_per_ping_us);
        put(at::SEQ, p.seq_per_s);
        put(at::P50, p.p50_us);
        put(at::P99, p.p99_us);
        put(at::PIPELINED, p.pipelined_per_s);
        put(at::CPU_PIPELINED, p.cpu_per_pipelined_ping_us);
        put(at::CPU_SLOW, p.slow.cpu_per_ping_us);
        put(at::CPU_SLOW + 1, p.slow.per_s);
        if let Some(paced) = p.paced {
            put(at::CPU_PACED, paced.cpu_per_ping_us);
            put(at::CPU_PACED + 1, paced.per_s);
        }
        put(at::IDLE_RSS, p.idle_rss_kb);
    }
    if wanted("read") && !floor {
        let r = scenarios::file_read(binary, data, dir.path());
        put(at::READ, r.mb_per_s);
        put(at::READ + 1, r.peak_rss_kb);
        put(at::READ + 2, r.cpu_s);
    }
    if wanted("write") && !floor {
        let w = scenarios::file_write(binary, data, dir.path());
        put(at::WRITE, w.mb_per_s);
        put(at::WRITE + 1, w.peak_rss_kb);
        put(at::WRITE + 2, w.cpu_s);
    }
    if wanted("startup") {
        let (wall, cpu_us) = scenarios::startup(binary);
        put(at::STARTUP, wall * 1e3);
        put(at::STARTUP + 1, cpu_us);
    }
    if wanted("exec") && floor {
        put(at::EXEC, scenarios::exec_floor());
    } else if wanted("exec") {
        let (rate, polls, cpu_us) = scenarios::exec(binary);
        put(at::EXEC, rate);
        put(at::EXEC + 1, polls);
        put(at::EXEC + 2, cpu_us);
    }
}

fn print_table(rows: &mut [Row], labels: [&str; 3]) {
    println!(
        "| metric | {} | {} | ratio | {} | rqga / floor | target |\n|---|---:|---:|---:|---:|---:|---|",
        labels[0], labels[1], labels[2]
    );
    for row in rows.iter_mut() {
        if row.samples.iter().all(Vec::is_empty) {
            continue;
        }
        let spread = |s: &mut Vec<f64>, fmt: fn(f64) -> String| {
            if s.is_empty() {
                return ("-".to_owned(), f64::NAN);
            }
            let m = median(s);
            let (lo, hi) = (s[0], s[s.len() - 1]);
            let text = if s.len() > 1 {
                format!("{} [{}..{}]", fmt(m), fmt(lo), fmt(hi))
            } else {
                fmt(m)
            };
            (text, m)
        };
        let (c_text, c) = spread(&mut row.samples[0], row.fmt);
        let (r_text, r) = spread(&mut row.samples[1], row.fmt);
        let (f_text, f) = spread(&mut row.samples[2], row.fmt);
        // How many times better `y` is than `x`.
        let times = |x: f64, y: f64| {
            let ratio = if row.higher_better { y / x } else { x / y };
            if ratio.is_finite() {
                format!("{ratio:.2}x")
            } else {
                "-".to_owned()
            }
        };
        // ratio: how many times better rqga is than C; rqga / floor: how
        // many times the floor's cost rqga has (1.00x is the floor).
        let (ratio, to_floor) = (times(c, r), times(r, f));
        println!(
            "| {} | {c_text} | {r_text} | {ratio} | {f_text} | {to_floor} | {} |",
            row.label, row.target
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if std::env::var_os(floor::ENV).is_some() {
        floor::serve(&args);
    }
    let rounds: usize = std::env::var("VS_C_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let c = Binary {
        label: "qemu-ga 7.2 (C)",
        path: std::env::var_os("QEMU_GA").map_or_else(|| "/usr/sbin/qemu-ga".into(), PathBuf::from),
        env: None,
    };
    let rust = Binary {
        label: "rqga",
        path: std::env::var_os("RQGA")
            .map_or_else(|| env!("CARGO_BIN_EXE_rqga").into(), PathBuf::from),
        env: None,
    };
    let floor = Binary {
        label: "floor",
        path: std::env::current_exe().expect("the bench's own path"),
        env: Some((floor::ENV, "1")),
    };
    let have_c = c.path.exists();
    if !have_c {
        println!(
            "skipped qemu-ga: {} not found (apt-get install qemu-guest-agent)",
            c.path.display()
        );
    }
    let data = scenarios::data();
    let mut rows = rows();
    for round in 0..rounds {
        let order: [usize; 3] = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
        for slot in order {
            let binary = [&c, &rust, &floor][slot];
            if slot == 0 && !have_c {
                continue;
            }
            eprintln!("round {}/{rounds}: {}", round + 1, binary.label);
            run_one(binary, slot, &mut rows, &data);
        }
    }
    println!("medians of {rounds} rounds [min..max]; ratio: how many times better rqga is");
    print_table(&mut rows, [c.label, rust.label, floor.label]);
}

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
//! The scenarios follow the reference measurements of the C agent (see
//! `$RQAPI_REFERENCE/README.md`, section 3).

mod agent;
mod client;
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
    samples: [Vec<f64>; 2],
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
        samples: [Vec::new(), Vec::new()],
    };
    vec![
        row(
            "agent CPU per guest-ping (µs)",
            false,
            "10x less",
            two as fn(f64) -> String,
        ),
        row("sequential guest-ping (req/s)", true, "", int),
        row("  p50 latency (µs)", false, "", one),
        row("  p99 latency (µs)", false, "", one),
        row("pipelined guest-ping (req/s)", true, "", int),
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
        row(
            "guest-exec /bin/true + status polls (execs/s)",
            true,
            "2x",
            one,
        ),
    ]
}

fn wanted(what: &str) -> bool {
    match std::env::var("VS_C_ONLY") {
        Ok(list) => list.split(',').any(|w| w.trim() == what),
        Err(_) => true,
    }
}

fn run_one(binary: &Binary, slot: usize, rows: &mut [Row], data: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut put = |i: usize, v: f64| rows[i].samples[slot].push(v);
    if wanted("pings") {
        let p = scenarios::pings(binary);
        put(0, p.cpu_per_ping_us);
        put(1, p.seq_per_s);
        put(2, p.p50_us);
        put(3, p.p99_us);
        put(4, p.pipelined_per_s);
        put(11, p.idle_rss_kb);
    }
    if wanted("read") {
        let r = scenarios::file_read(binary, data, dir.path());
        put(5, r.mb_per_s);
        put(6, r.peak_rss_kb);
        put(7, r.cpu_s);
    }
    if wanted("write") {
        let w = scenarios::file_write(binary, data, dir.path());
        put(8, w.mb_per_s);
        put(9, w.peak_rss_kb);
        put(10, w.cpu_s);
    }
    if wanted("startup") {
        put(12, scenarios::startup(binary) * 1e3);
    }
    if wanted("exec") {
        put(13, scenarios::exec(binary).0);
    }
}

fn print_table(rows: &mut [Row], labels: [&str; 2]) {
    println!(
        "| metric | {} | {} | ratio | target |\n|---|---:|---:|---:|---|",
        labels[0], labels[1]
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
        let ratio = if row.higher_better { r / c } else { c / r };
        let ratio = if ratio.is_finite() {
            format!("{ratio:.2}x")
        } else {
            "-".to_owned()
        };
        println!(
            "| {} | {c_text} | {r_text} | {ratio} | {} |",
            row.label, row.target
        );
    }
}

fn main() {
    let rounds: usize = std::env::var("VS_C_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let c = Binary {
        label: "qemu-ga 7.2 (C)",
        path: std::env::var_os("QEMU_GA").map_or_else(|| "/usr/sbin/qemu-ga".into(), PathBuf::from),
    };
    let rust = Binary {
        label: "rqga",
        path: std::env::var_os("RQGA")
            .map_or_else(|| env!("CARGO_BIN_EXE_rqga").into(), PathBuf::from),
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
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for slot in order {
            let binary = if slot == 0 { &c } else { &rust };
            if slot == 0 && !have_c {
                continue;
            }
            eprintln!("round {}/{rounds}: {}", round + 1, binary.label);
            run_one(binary, slot, &mut rows, &data);
        }
    }
    println!("medians of {rounds} rounds [min..max]; ratio: how many times better rqga is");
    print_table(&mut rows, [c.label, rust.label]);
}

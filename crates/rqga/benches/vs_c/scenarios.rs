//! The measured scenarios; each returns its figures for one agent.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::agent::{Agent, Binary};
use crate::client::{Client, PING, int_member};

pub const PINGS: usize = 20_000;
pub const FILE_SIZE: usize = 64 << 20;
pub const READ_CHUNK: usize = 48 << 20;
/// qemu-ga's lexer refuses a token of 64 MiB, which a 48 MiB chunk's
/// base64 text (plus quotes) exceeds: one page less fits.
pub const WRITE_CHUNK: usize = (48 << 20) - 4096;
pub const EXECS: usize = 300;
pub const STARTS: usize = 20;
const WINDOW: usize = 1000;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Start-up: exec to the first guest-ping answer, median of `STARTS`.
pub fn startup(binary: &Binary) -> f64 {
    let mut times: Vec<f64> = (0..STARTS).map(|_| secs(Agent::start(binary).2)).collect();
    median(&mut times)
}

#[derive(Debug, Default, Clone)]
pub struct Pings {
    pub cpu_per_ping_us: f64,
    pub seq_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub pipelined_per_s: f64,
    pub idle_rss_kb: f64,
}

/// Idle RSS, then sequential and pipelined pings on one fresh agent.
pub fn pings(binary: &Binary) -> Pings {
    let (agent, mut client, _) = Agent::start(binary);
    std::thread::sleep(Duration::from_millis(100));
    let idle_rss_kb = agent.status_kb("VmRSS") as f64;
    let cpu0 = agent.cpu();
    let mut lat = Vec::with_capacity(PINGS);
    let t0 = Instant::now();
    for _ in 0..PINGS {
        let t = Instant::now();
        client.ping();
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let seq = secs(t0.elapsed());
    let cpu = secs(agent.cpu() - cpu0);
    lat.sort_by(f64::total_cmp);
    let t0 = Instant::now();
    let (mut sent, mut received) = (0, 0);
    let batch: Vec<u8> = PING.repeat(100);
    while received < PINGS {
        while sent < PINGS && sent - received + 100 <= WINDOW {
            client.send(&batch);
            sent += 100;
        }
        received += client.read_lines();
    }
    let pipelined = secs(t0.elapsed());
    Pings {
        cpu_per_ping_us: cpu / PINGS as f64 * 1e6,
        seq_per_s: PINGS as f64 / seq,
        p50_us: lat[PINGS / 2],
        p99_us: lat[PINGS * 99 / 100],
        pipelined_per_s: PINGS as f64 / pipelined,
        idle_rss_kb,
    }
}

#[derive(Debug, Default, Clone)]
pub struct FileRun {
    pub mb_per_s: f64,
    pub peak_rss_kb: f64,
    pub cpu_s: f64,
}

fn open(client: &mut Client, path: &Path, mode: &str) -> i64 {
    let req = format!(
        r#"{{"execute":"guest-file-open","arguments":{{"path":"{}","mode":"{mode}"}}}}"#,
        path.display()
    );
    client.send(req.as_bytes());
    let line = client.line();
    int_member(&line, "return")
        .unwrap_or_else(|| panic!("open: {}", String::from_utf8_lossy(&line)))
}

fn close(client: &mut Client, handle: i64) {
    let req = format!(r#"{{"execute":"guest-file-close","arguments":{{"handle":{handle}}}}}"#);
    client.send(req.as_bytes());
    client.expect_return();
}

fn test_data() -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..FILE_SIZE)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// guest-file-read of a 64 MiB file in `READ_CHUNK` pieces; the time is
/// on the wire (request sent to response line received, no decoding).
pub fn file_read(binary: &Binary, data: &[u8], dir: &Path) -> FileRun {
    let path = dir.join("read.bin");
    std::fs::write(&path, data).expect("test file");
    let (agent, mut client, _) = Agent::start(binary);
    let handle = open(&mut client, &path, "r");
    let req = format!(
        r#"{{"execute":"guest-file-read","arguments":{{"handle":{handle},"count":{READ_CHUNK}}}}}"#
    );
    client.reserve(READ_CHUNK / 3 * 4 + (1 << 16));
    let cpu0 = agent.cpu();
    let (mut wire, mut got, mut lines) = (Duration::ZERO, 0usize, Vec::new());
    loop {
        let t = Instant::now();
        client.send(req.as_bytes());
        // The clock stops when the line is in, before it is copied out
        // (64 MB of fresh memory, as slow here as the transfer itself).
        client.wait_for_line();
        wire += t.elapsed();
        let line = client.line();
        let count = int_member(&line, "count").expect("a count") as usize;
        got += count;
        lines.push(line);
        if count == 0 || got >= data.len() {
            break;
        }
    }
    let cpu = secs(agent.cpu() - cpu0);
    let peak = agent.status_kb("VmHWM") as f64;
    close(&mut client, handle);
    drop(agent);
    check_read(&lines, data);
    FileRun {
        mb_per_s: data.len() as f64 / 1e6 / secs(wire),
        peak_rss_kb: peak,
        cpu_s: cpu,
    }
}

fn check_read(lines: &[Vec<u8>], data: &[u8]) {
    let mut all = Vec::with_capacity(data.len());
    for line in lines {
        let key = b"\"buf-b64\": \"";
        let at = crate::client::find(line, key).expect("buf-b64") + key.len();
        let len = line[at..].iter().position(|&b| b == b'"').expect("end");
        all.extend(STANDARD.decode(&line[at..at + len]).expect("base64"));
    }
    assert!(all == data, "guest-file-read returned other bytes");
}

/// guest-file-write of 64 MiB in `WRITE_CHUNK` pieces (requests built
/// before the clock starts).
pub fn file_write(binary: &Binary, data: &[u8], dir: &Path) -> FileRun {
    let path = dir.join("write.bin");
    let (agent, mut client, _) = Agent::start(binary);
    let handle = open(&mut client, &path, "w");
    let requests: Vec<Vec<u8>> = data
        .chunks(WRITE_CHUNK)
        .map(|chunk| {
            let mut r = format!(
                r#"{{"execute":"guest-file-write","arguments":{{"handle":{handle},"buf-b64":""#
            )
            .into_bytes();
            r.extend(STANDARD.encode(chunk).into_bytes());
            r.extend_from_slice(b"\"}}");
            r
        })
        .collect();
    let cpu0 = agent.cpu();
    let t = Instant::now();
    for r in &requests {
        client.send(r);
        let line = client.line();
        assert!(
            int_member(&line, "count").is_some(),
            "write: {}",
            String::from_utf8_lossy(&line)
        );
    }
    let wire = t.elapsed();
    let cpu = secs(agent.cpu() - cpu0);
    let peak = agent.status_kb("VmHWM") as f64;
    close(&mut client, handle);
    drop(agent);
    let written = std::fs::read(&path).expect("written file");
    assert!(written == data, "guest-file-write wrote other bytes");
    let _ = std::fs::remove_file(&path);
    FileRun {
        mb_per_s: data.len() as f64 / 1e6 / secs(wire),
        peak_rss_kb: peak,
        cpu_s: cpu,
    }
}

/// guest-exec of /bin/true with output capture, polling guest-exec-status
/// without pauses until it exited.
pub fn exec(binary: &Binary) -> (f64, f64) {
    let (_agent, mut client, _) = Agent::start(binary);
    let req = br#"{"execute":"guest-exec","arguments":{"path":"/bin/true","capture-output":true}}"#;
    let (mut polls, t) = (0usize, Instant::now());
    for _ in 0..EXECS {
        client.send(req);
        let line = client.line();
        let pid = int_member(&line, "pid").expect("a pid");
        let status = format!(r#"{{"execute":"guest-exec-status","arguments":{{"pid":{pid}}}}}"#);
        loop {
            client.send(status.as_bytes());
            polls += 1;
            let line = client.line();
            if crate::client::find(&line, b"\"exited\": true").is_some() {
                break;
            }
        }
    }
    (
        EXECS as f64 / secs(t.elapsed()),
        polls as f64 / EXECS as f64,
    )
}

pub fn data() -> Vec<u8> {
    test_data()
}

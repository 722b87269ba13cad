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
pub const PACED_PINGS: usize = 5_000;
pub const SLOW_PINGS: usize = 2_000;
const SLOW_GAP: Duration = Duration::from_micros(100);
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

/// Start-up: exec to the first guest-ping answer, and the agent's CPU
/// time until then (µs), medians of `STARTS`.
pub fn startup(binary: &Binary) -> (f64, f64) {
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..STARTS {
        let (agent, _client, wall) = Agent::start(binary);
        cpu.push(secs(agent.cpu_ns()) * 1e6);
        times.push(secs(wall));
    }
    (median(&mut times), median(&mut cpu))
}

#[derive(Debug, Default, Clone)]
pub struct Pings {
    pub cpu_per_ping_us: f64,
    pub seq_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub pipelined_per_s: f64,
    pub cpu_per_pipelined_ping_us: f64,
    pub idle_rss_kb: f64,
    /// At the reference's pace: our client pausing between pings.
    pub slow: Paced,
    /// With a client like the reference's (Python); `None` without python3.
    pub paced: Option<Paced>,
}

#[derive(Debug, Default, Clone)]
pub struct Paced {
    pub per_s: f64,
    pub cpu_per_ping_us: f64,
}

fn micros_per(d: Duration, n: usize) -> f64 {
    secs(d) / n as f64 * 1e6
}

/// Idle RSS, then sequential and pipelined pings on one fresh agent, then
/// pings from a Python client (a second connection).
pub fn pings(binary: &Binary) -> Pings {
    let (agent, mut client, _) = Agent::start(binary);
    std::thread::sleep(Duration::from_millis(100));
    let idle_rss_kb = agent.status_kb("VmRSS") as f64;
    let cpu0 = agent.cpu_ns();
    let mut lat = Vec::with_capacity(PINGS);
    let t0 = Instant::now();
    for _ in 0..PINGS {
        let t = Instant::now();
        client.ping();
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let seq = secs(t0.elapsed());
    let cpu = agent.cpu_ns() - cpu0;
    lat.sort_by(f64::total_cmp);
    let cpu0 = agent.cpu_ns();
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
    let cpu_pipelined = agent.cpu_ns() - cpu0;
    let slow = slow_pings(&agent, &mut client);
    drop(client);
    let paced = python_pings(&agent);
    Pings {
        cpu_per_ping_us: micros_per(cpu, PINGS),
        seq_per_s: PINGS as f64 / seq,
        p50_us: lat[PINGS / 2],
        p99_us: lat[PINGS * 99 / 100],
        pipelined_per_s: PINGS as f64 / pipelined,
        cpu_per_pipelined_ping_us: micros_per(cpu_pipelined, PINGS),
        idle_rss_kb,
        slow,
        paced,
    }
}

/// Pings one at a time with a pause of `SLOW_GAP` after each answer, so
/// that the agent goes idle before every request, as at the reference's
/// pace (about 145 µs from request to request).
fn slow_pings(agent: &Agent, client: &mut Client) -> Paced {
    let cpu0 = agent.cpu_ns();
    let t = Instant::now();
    for _ in 0..SLOW_PINGS {
        client.ping();
        std::thread::sleep(SLOW_GAP);
    }
    let elapsed = t.elapsed();
    Paced {
        per_s: SLOW_PINGS as f64 / secs(elapsed),
        cpu_per_ping_us: micros_per(agent.cpu_ns() - cpu0, SLOW_PINGS),
    }
}

/// A client like the reference's (README section 3): Python, one ping at
/// a time, each request made with `json.dumps` and each response line
/// parsed with `json.loads`. It prints its own time.
const PYTHON_CLIENT: &str = r#"
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
n = int(sys.argv[2])
t = time.perf_counter()
for _ in range(n):
    s.sendall(json.dumps({"execute": "guest-ping"}).encode())
    buf = b''
    while not buf.endswith(b'\n'):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit('closed')
        buf += chunk
    assert 'return' in json.loads(buf)
print(time.perf_counter() - t)
"#;

fn python_pings(agent: &Agent) -> Option<Paced> {
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let cpu0 = agent.cpu_ns();
    let out = std::process::Command::new(python)
        .args(["-c", PYTHON_CLIENT])
        .arg(agent.socket())
        .arg(PACED_PINGS.to_string())
        .output()
        .ok()?;
    let cpu = agent.cpu_ns() - cpu0;
    let elapsed: f64 = std::str::from_utf8(&out.stdout).ok()?.trim().parse().ok()?;
    Some(Paced {
        per_s: PACED_PINGS as f64 / elapsed,
        cpu_per_ping_us: micros_per(cpu, PACED_PINGS),
    })
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
/// without pauses until it exited: execs per second, polls per exec and
/// agent CPU per exec (µs).
pub fn exec(binary: &Binary) -> (f64, f64, f64) {
    let (agent, mut client, _) = Agent::start(binary);
    let req = br#"{"execute":"guest-exec","arguments":{"path":"/bin/true","capture-output":true}}"#;
    let cpu0 = agent.cpu_ns();
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
    let elapsed = t.elapsed();
    let cpu = agent.cpu_ns() - cpu0;
    (
        EXECS as f64 / secs(elapsed),
        polls as f64 / EXECS as f64,
        micros_per(cpu, EXECS),
    )
}

/// The floor for `exec`: this process starting /bin/true with its output
/// on pipes, reading them to the end and reaping it, `EXECS` times.
pub fn exec_floor() -> f64 {
    use std::process::{Command, Stdio};
    let t = Instant::now();
    for _ in 0..EXECS {
        let out = Command::new("/bin/true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("/bin/true");
        assert!(out.status.success());
    }
    EXECS as f64 / secs(t.elapsed())
}

pub fn data() -> Vec<u8> {
    test_data()
}

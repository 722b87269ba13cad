//! QMP client benchmark, printed as a table (`cargo bench -p rqapi-runtime
//! --bench qmp_client`; RQAPI_BENCH_COUNT sets the round trips, default
//! 5000).
//!
//! Against a real QEMU 7.2 (prefix of `.ci/fetch-qemu`; skipped without),
//! sequential `query-version` round trips: our client, Python's qemu.qmp
//! (subprocess, when importable) and a raw blocking socket client (the
//! floor); `query-qmp-schema` fetch+parse against the raw fetch (QEMU's
//! own production and transfer time) and against parsing alone. Then against our QMP server (this
//! binary re-run as a server process) and against a minimal echo process
//! (the machine's wake-up floor between two processes) and an echo server
//! on our tokio transport (the floor of any async server here: one more
//! system call, `epoll_wait`, per round trip).
//!
//! The server rows run twice: unpinned (the scheduler may run client and
//! server on one CPU, a cheap same-CPU wake-up) and pinned, client on CPU 0
//! and server on CPU 1 (every round trip wakes a process on the other CPU,
//! the condition the machine limit is stated for).
//! `RQAPI_BENCH_CPU=N` pins a single role (server, client...) to CPU N.

#[path = "support/cpu.rs"]
mod cpu;
#[path = "../tests/server_support/demo.rs"]
mod demo;
#[path = "../tests/server_support/qemu.rs"]
mod qemu;

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rqapi_runtime::client::{QmpClient, QmpClientOptions};
use rqapi_runtime::server::{CancellationToken, QmpConfig, QmpServer};
use rqapi_runtime::transport::{Address, Incoming, ListenOptions};
use serde_json::Value;

const ROLE: &str = "RQAPI_BENCH_ROLE";
const PIN: &str = "RQAPI_BENCH_CPU";
/// Pinned rows: the client (this process) here, servers on `SERVER_CPU`.
const CLIENT_CPU: usize = 0;
const SERVER_CPU: usize = 1;

/// One benchmark case and its measured rounds (wall, client CPU).
struct Case<'a> {
    target: &'static str,
    client: &'static str,
    count: usize,
    /// Client on `CLIENT_CPU`, its server on `SERVER_CPU`.
    pinned: bool,
    run: Box<dyn Fn() -> Option<(Duration, Duration)> + 'a>,
    rounds: Vec<(Duration, Duration)>,
}

impl<'a> Case<'a> {
    fn new(
        target: &'static str,
        client: &'static str,
        count: usize,
        run: impl Fn() -> Option<(Duration, Duration)> + 'a,
    ) -> Self {
        Case {
            target,
            client,
            count,
            pinned: false,
            run: Box::new(run),
            rounds: Vec::new(),
        }
    }

    fn pinned(mut self) -> Self {
        self.pinned = true;
        self
    }

    /// Median wall and median CPU over the rounds.
    fn medians(&self) -> Option<(Duration, Duration)> {
        let median = |mut v: Vec<Duration>| {
            v.sort();
            v[v.len() / 2]
        };
        if self.rounds.is_empty() {
            return None;
        }
        Some((
            median(self.rounds.iter().map(|r| r.0).collect()),
            median(self.rounds.iter().map(|r| r.1).collect()),
        ))
    }
}

use cpu::cpu_now;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn rqapi_client(socket: &Path, oob: bool, count: usize, command: &str) -> (Duration, Duration) {
    runtime().block_on(async {
        let options = QmpClientOptions {
            enable_oob: oob,
            ..Default::default()
        };
        let client = QmpClient::connect_with(&Address::Unix(socket.to_owned()), options)
            .await
            .expect("connect");
        for _ in 0..count.min(100) {
            client.execute(command, Value::Null).await.expect("warm-up");
        }
        let (wall, cpu) = (Instant::now(), cpu_now());
        for _ in 0..count {
            client.execute(command, Value::Null).await.expect("command");
        }
        (wall.elapsed(), cpu_now() - cpu)
    })
}

/// Blocking socket, hand-written request, reads up to the line end;
/// with `epoll`, waits in `epoll_wait` before each read, as an event loop
/// does (this separates the cost of that way of waiting from ours).
struct RawClient {
    stream: UnixStream,
    buf: Vec<u8>,
    epoll: Option<std::os::fd::OwnedFd>,
}

impl RawClient {
    fn connect(socket: &Path, qmp: bool, oob: bool) -> RawClient {
        Self::connect_with(socket, qmp, oob, false)
    }

    fn connect_with(socket: &Path, qmp: bool, oob: bool, use_epoll: bool) -> RawClient {
        use rustix::event::epoll;
        let stream = UnixStream::connect(socket).expect("connect");
        let epoll = use_epoll.then(|| {
            let fd = epoll::create(epoll::CreateFlags::CLOEXEC).expect("epoll");
            epoll::add(
                &fd,
                &stream,
                epoll::EventData::new_u64(0),
                epoll::EventFlags::IN,
            )
            .expect("epoll add");
            fd
        });
        let mut raw = RawClient {
            stream,
            buf: vec![0; 1 << 20],
            epoll,
        };
        if qmp {
            raw.read_line();
            let negotiate: &[u8] = match oob {
                true => {
                    b"{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}\n"
                }
                false => b"{\"execute\":\"qmp_capabilities\"}\n",
            };
            raw.round_trip(negotiate);
        }
        raw
    }

    fn read_line(&mut self) -> usize {
        let mut len = 0;
        loop {
            if len == self.buf.len() {
                self.buf.resize(len * 2, 0);
            }
            if let Some(epoll) = &self.epoll {
                let mut events = [std::mem::MaybeUninit::uninit(); 4];
                rustix::event::epoll::wait(epoll, &mut events[..], None).expect("epoll_wait");
            }
            let n = self.stream.read(&mut self.buf[len..]).expect("read");
            assert!(n > 0, "server closed");
            len += n;
            if self.buf[len - 1] == b'\n' {
                return len;
            }
        }
    }

    fn round_trip(&mut self, request: &[u8]) -> usize {
        self.stream.write_all(request).expect("write");
        self.read_line()
    }
}

/// `qmp`: read the greeting and negotiate (with `oob` or not) first.
fn raw_client(
    socket: &Path,
    qmp: Option<bool>,
    count: usize,
    command: &str,
) -> (Duration, Duration) {
    raw_client_with(socket, qmp, count, command, false)
}

fn raw_client_with(
    socket: &Path,
    qmp: Option<bool>,
    count: usize,
    command: &str,
    epoll: bool,
) -> (Duration, Duration) {
    let mut raw = RawClient::connect_with(socket, qmp.is_some(), qmp == Some(true), epoll);
    let request = format!("{{\"execute\":\"{command}\",\"id\":1}}\n");
    for _ in 0..count.min(100) {
        raw.round_trip(request.as_bytes());
    }
    let (wall, cpu) = (Instant::now(), cpu_now());
    for _ in 0..count {
        raw.round_trip(request.as_bytes());
    }
    (wall.elapsed(), cpu_now() - cpu)
}

/// Fetches the answer to `command` once, then times parsing it `count`
/// times with the exact JSON reader (the client's slow path; a whole
/// answer in one read takes its serde_json path instead).
fn parse_only(socket: &Path, count: usize, command: &str) -> (Duration, Duration) {
    let mut raw = RawClient::connect(socket, true, false);
    let request = format!("{{\"execute\":\"{command}\",\"id\":1}}\n");
    let len = raw.round_trip(request.as_bytes());
    let answer = &raw.buf[..len];
    let (wall, cpu) = (Instant::now(), cpu_now());
    for _ in 0..count {
        let mut reader = rqapi_runtime::json::Reader::new();
        let parsed: Vec<_> = reader.feed(answer).collect();
        assert!(matches!(parsed.as_slice(), [Ok(Value::Object(_))]));
    }
    (wall.elapsed(), cpu_now() - cpu)
}

fn python_client(socket: &Path, count: usize, command: &str) -> Option<(Duration, Duration)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/bench_qemu_qmp.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(socket)
        .arg(count.to_string())
        .arg(command)
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!(
            "python qemu.qmp skipped: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    let result: Value = serde_json::from_slice(&output.stdout).ok()?;
    let secs = |k: &str| Duration::from_secs_f64(result[k].as_f64().unwrap_or(0.0));
    Some((secs("wall"), secs("cpu")))
}

/// Re-runs this binary in a server role, pinned to `cpu` if given;
/// returns it and its socket.
fn spawn_role(role: &str, dir: &Path, cpu: Option<usize>) -> (Child, PathBuf) {
    let socket = dir.join(format!("{role}-{cpu:?}.sock"));
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    if let Some(cpu) = cpu {
        command.env(PIN, cpu.to_string());
    }
    let child = command
        .env(ROLE, role)
        .arg(&socket)
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn server role");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "{role} did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    (child, socket)
}

fn serve_demo(socket: &Path) {
    runtime().block_on(async {
        let incoming = Incoming::open(&Address::Unix(socket.to_owned()), &ListenOptions::default())
            .await
            .expect("listen");
        let server = QmpServer::new(Arc::new(demo::Demo), QmpConfig::default());
        server
            .serve(incoming, CancellationToken::new())
            .await
            .expect("serve");
    });
}

/// Echoes bytes back, one client at a time: the two-process floor.
fn serve_echo(socket: &Path) {
    let listener = UnixListener::bind(socket).expect("bind");
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 || stream.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    }
}

/// Echoes bytes back through our tokio transport on a current_thread
/// runtime: the floor of any async server on this machine.
fn serve_tokio_echo(socket: &Path) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    runtime().block_on(async {
        let incoming = Incoming::open(&Address::Unix(socket.to_owned()), &ListenOptions::default())
            .await
            .expect("listen");
        let Incoming::Listener(listener) = incoming else {
            return;
        };
        while let Ok(mut connection) = listener.accept().await {
            let mut buf = vec![0u8; 65536];
            while let Ok(n) = connection.read(&mut buf).await {
                if n == 0 || connection.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    });
}

fn print_table(cases: &[Case], pinned: bool) {
    println!();
    match pinned {
        false => println!("Unpinned (the scheduler places both processes):"),
        true => println!("Pinned: client on CPU {CLIENT_CPU}, server on CPU {SERVER_CPU}:"),
    }
    println!(
        "{:<13} {:<20} {:>6} {:>9} {:>9} {:>13}",
        "server", "client", "count", "req/s", "µs/req", "client CPU µs"
    );
    for case in cases.iter().filter(|c| c.pinned == pinned) {
        let Some((wall, cpu)) = case.medians() else {
            continue;
        };
        let n = case.count as f64;
        println!(
            "{:<13} {:<20} {:>6} {:>9.0} {:>9.1} {:>13.2}",
            case.target,
            case.client,
            case.count,
            n / wall.as_secs_f64(),
            wall.as_secs_f64() * 1e6 / n,
            cpu.as_secs_f64() * 1e6 / n,
        );
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(cpu) = std::env::var(PIN).ok().and_then(|c| c.parse().ok()) {
        assert!(cpu::pin(&[cpu]), "cannot pin to CPU {cpu}");
    }
    match std::env::var(ROLE).as_deref() {
        Ok("server") => return serve_demo(Path::new(&args[1])),
        Ok("echo") => return serve_echo(Path::new(&args[1])),
        Ok("tokio-echo") => return serve_tokio_echo(Path::new(&args[1])),
        Ok("client") => {
            // For profiling one client alone:
            // RQAPI_BENCH_ROLE=client BENCH SOCKET [COMMAND]
            let count = env_number("RQAPI_BENCH_COUNT", 5000);
            let command = args.get(2).map_or("query-version", String::as_str);
            let (wall, cpu) = rqapi_client(Path::new(&args[1]), true, count, command);
            println!("{count} round trips: wall {wall:?}, client CPU {cpu:?}");
            return;
        }
        Ok("raw-client") => {
            // The floor client alone, e.g. to profile a server:
            // RQAPI_BENCH_ROLE=raw-client BENCH SOCKET [echo|qmp [COMMAND]]
            // (RQAPI_BENCH_EPOLL=1: wait in epoll_wait before each read)
            let count = env_number("RQAPI_BENCH_COUNT", 5000);
            let qmp = (args.get(2).map(String::as_str) != Some("echo")).then_some(true);
            let command = args.get(3).map_or("query-version", String::as_str);
            let epoll = std::env::var_os("RQAPI_BENCH_EPOLL").is_some();
            let (wall, cpu) = raw_client_with(Path::new(&args[1]), qmp, count, command, epoll);
            println!("{count} round trips: wall {wall:?}, client CPU {cpu:?}");
            return;
        }
        _ => {}
    }
    let count = env_number("RQAPI_BENCH_COUNT", 5000);
    let rounds = env_number("RQAPI_BENCH_ROUNDS", 5);
    let qemu = qemu::Qemu::start("qmp_client bench");
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut echo, echo_socket) = spawn_role("echo", dir.path(), None);
    let (mut tokio_echo, tokio_echo_socket) = spawn_role("tokio-echo", dir.path(), None);
    let (mut server, server_socket) = spawn_role("server", dir.path(), None);
    let on = Some(SERVER_CPU);
    let (mut echo_pinned, echo_pinned_socket) = spawn_role("echo", dir.path(), on);
    let (mut tokio_pinned, tokio_pinned_socket) = spawn_role("tokio-echo", dir.path(), on);
    let (mut server_pinned, server_pinned_socket) = spawn_role("server", dir.path(), on);
    let python = count / 5;
    let mut cases = Vec::new();
    if let Some(qemu) = &qemu {
        let q = qemu.socket.as_path();
        let v = "query-version";
        let schema = "query-qmp-schema";
        cases.extend([
            Case::new("QEMU 7.2", "raw socket (floor)", count, move || {
                Some(raw_client(q, Some(false), count, v))
            }),
            Case::new("QEMU 7.2", "rqapi QmpClient", count, move || {
                Some(rqapi_client(q, false, count, v))
            }),
            Case::new("QEMU 7.2", "raw + epoll_wait", count, move || {
                Some(raw_client_with(q, Some(false), count, v, true))
            }),
            Case::new("QEMU 7.2 oob", "raw socket (floor)", count, move || {
                Some(raw_client(q, Some(true), count, v))
            }),
            Case::new("QEMU 7.2 oob", "rqapi QmpClient", count, move || {
                Some(rqapi_client(q, true, count, v))
            }),
            Case::new("QEMU 7.2 oob", "python qemu.qmp", python, move || {
                python_client(q, python, v)
            }),
            Case::new("QEMU 7.2", "schema raw fetch", 10, move || {
                Some(raw_client(q, Some(false), 10, schema))
            }),
            Case::new("QEMU 7.2", "schema rqapi+parse", 10, move || {
                Some(rqapi_client(q, false, 10, schema))
            }),
            Case::new("(in memory)", "schema exact parse", 10, move || {
                Some(parse_only(q, 10, schema))
            }),
            Case::new("QEMU 7.2 oob", "schema qemu.qmp", 10, move || {
                python_client(q, 10, schema)
            }),
        ]);
    }
    let (e, s) = (echo_socket.as_path(), server_socket.as_path());
    let t = tokio_echo_socket.as_path();
    let v = "query-version";
    cases.extend([
        Case::new("echo process", "raw socket (floor)", count, move || {
            Some(raw_client(e, None, count, v))
        }),
        Case::new("tokio echo", "raw socket", count, move || {
            Some(raw_client(t, None, count, v))
        }),
        Case::new("rqapi server", "raw socket", count, move || {
            Some(raw_client(s, Some(true), count, v))
        }),
        Case::new("rqapi server", "rqapi QmpClient", count, move || {
            Some(rqapi_client(s, true, count, v))
        }),
        Case::new("rqapi server", "python qemu.qmp", python, move || {
            python_client(s, python, v)
        }),
    ]);
    let (e, s) = (echo_pinned_socket.as_path(), server_pinned_socket.as_path());
    let t = tokio_pinned_socket.as_path();
    cases.extend([
        Case::new("echo process", "raw socket (floor)", count, move || {
            Some(raw_client(e, None, count, v))
        })
        .pinned(),
        Case::new("tokio echo", "raw socket", count, move || {
            Some(raw_client(t, None, count, v))
        })
        .pinned(),
        Case::new("rqapi server", "raw socket", count, move || {
            Some(raw_client(s, Some(true), count, v))
        })
        .pinned(),
        Case::new("rqapi server", "rqapi QmpClient", count, move || {
            Some(rqapi_client(s, true, count, v))
        })
        .pinned(),
        Case::new("rqapi server", "python qemu.qmp", python, move || {
            python_client(s, python, v)
        })
        .pinned(),
    ]);
    // Interleaved rounds, medians: the machine is shared and noisy.
    for _ in 0..rounds {
        for case in &mut cases {
            // Empty: any CPU again (the python client inherits this too).
            let cpus: &[usize] = if case.pinned { &[CLIENT_CPU] } else { &[] };
            if !cpu::pin(cpus) && case.pinned {
                continue;
            }
            if let Some(result) = (case.run)() {
                case.rounds.push(result);
            }
        }
    }
    let children = [&mut echo, &mut tokio_echo, &mut server];
    let pinned = [&mut echo_pinned, &mut tokio_pinned, &mut server_pinned];
    for child in children.into_iter().chain(pinned) {
        let _ = child.kill();
        let _ = child.wait();
    }
    print_table(&cases, false);
    print_table(&cases, true);
}

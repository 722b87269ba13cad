//! One agent process under test: started on a fresh unix socket and state
//! directory, observed through /proc, killed when dropped.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::client::Client;

/// Which agent binary, and how to call it in the table.
#[derive(Debug, Clone)]
pub struct Binary {
    pub label: &'static str,
    pub path: PathBuf,
    /// An environment variable set for it (the floor is this bench with
    /// `VS_C_FLOOR=1`).
    pub env: Option<(&'static str, &'static str)>,
}

#[derive(Debug)]
pub struct Agent {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Agent {
    /// Starts the agent and returns it with a connected client once it
    /// answered a first guest-ping, and the time from exec to that answer.
    pub fn start(binary: &Binary) -> (Agent, Client, Duration) {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("qga.sock");
        let state = dir.path().join("state");
        std::fs::create_dir(&state).expect("state dir");
        let started = Instant::now();
        let mut command = Command::new(&binary.path);
        if let Some((key, value)) = binary.env {
            command.env(key, value);
        }
        let child = command
            .args(["-m", "unix-listen", "-p"])
            .arg(&socket)
            .arg("-t")
            .arg(&state)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.path.display()));
        let stream = connect(&socket, started);
        let mut client = Client::new(stream);
        client.ping();
        let startup = started.elapsed();
        let agent = Agent { child, _dir: dir };
        (agent, client, startup)
    }

    pub fn socket(&self) -> PathBuf {
        self._dir.path().join("qga.sock")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// utime + stime of the whole process (all threads, living or not).
    pub fn cpu(&self) -> Duration {
        let text =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name, which may contain spaces.
        let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15; `rest` starts at field 3.
        let total = ticks(11) + ticks(12);
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_nanos(total * 1_000_000_000 / hz)
    }

    /// On-CPU time of the living threads in nanoseconds (schedstat), far
    /// finer than `cpu`'s clock ticks; threads that ended are not counted,
    /// so use it where the agent starts none (pings).
    pub fn cpu_ns(&self) -> Duration {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.pid()));
        let total = tasks
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
            .filter_map(|text| text.split_whitespace().next()?.parse::<u64>().ok())
            .sum();
        Duration::from_nanos(total)
    }

    /// A /proc/PID/status field in kB (VmRSS, VmHWM).
    pub fn status_kb(&self, field: &str) -> u64 {
        let text =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(socket: &Path, started: Instant) -> UnixStream {
    loop {
        match UnixStream::connect(socket) {
            Ok(stream) => return stream,
            Err(e) if started.elapsed() > Duration::from_secs(10) => {
                panic!("agent did not listen on {}: {e}", socket.display())
            }
            Err(_) => std::thread::sleep(Duration::from_micros(50)),
        }
    }
}

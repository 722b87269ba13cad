//! An agent process (the installed C qemu-ga or our binary) serving a
//! unix socket in its own temporary state directory, and a line client
//! for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rqapi_runtime::qapi::serde_json::{self, Value, json};

pub const C_AGENT: &str = "/usr/sbin/qemu-ga";
pub const OURS: &str = env!("CARGO_BIN_EXE_rqga");

/// A running agent; killed when dropped.
#[derive(Debug)]
pub struct AgentProcess {
    child: Child,
    dir: tempfile::TempDir,
    sock: PathBuf,
    conn: BufReader<UnixStream>,
}

/// The C agent (same type; its own name reads better in tests).
pub type CAgent = AgentProcess;

fn connect(sock: &Path, child: &mut Child) -> UnixStream {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match UnixStream::connect(sock) {
            Ok(s) => {
                s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                return s;
            }
            Err(e) => {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("agent exited before serving: {status}");
                }
                assert!(Instant::now() < deadline, "agent did not start: {e}");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

impl AgentProcess {
    /// Starts the C agent, or says why the test is skipped and returns
    /// `None`.
    pub fn start() -> Option<AgentProcess> {
        if !Path::new(C_AGENT).exists() {
            eprintln!("skipped: {C_AGENT} not found (apt-get install qemu-guest-agent)");
            return None;
        }
        Some(AgentProcess::spawn(C_AGENT, &[]))
    }

    /// Starts our binary.
    pub fn ours(extra: &[&str]) -> AgentProcess {
        AgentProcess::spawn(OURS, extra)
    }

    /// Starts `binary -m unix-listen -p DIR/qga.sock -t DIR EXTRA...` and
    /// connects to it.
    pub fn spawn(binary: &str, extra: &[&str]) -> AgentProcess {
        AgentProcess::spawn_as(binary, extra, None, &[])
    }

    /// [`spawn`](Self::spawn), as `user` when given (its state directory
    /// is then the user's) and with `envs` added to the environment.
    pub fn spawn_as(
        binary: &str,
        extra: &[&str],
        user: Option<RunAs>,
        envs: &[(&str, &std::ffi::OsStr)],
    ) -> AgentProcess {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("qga.sock");
        let mut cmd = Command::new(binary);
        cmd.args(["-m", "unix-listen", "-p"])
            .arg(&sock)
            .arg("-t")
            .arg(dir.path())
            .args(extra)
            .env("QGA_CONF", "/nonexistent/rqga-test.conf")
            .env_remove("LISTEN_PID")
            .env_remove("LISTEN_FDS")
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(user) = user {
            std::os::unix::fs::chown(dir.path(), Some(user.uid), Some(user.gid)).unwrap();
            user.apply(&mut cmd);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("start {binary}: {e}"));
        let stream = connect(&sock, &mut child);
        AgentProcess {
            child,
            dir,
            sock,
            conn: BufReader::new(stream),
        }
    }

    /// The agent's state directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Drops the connection and opens a new one (the agent serves one
    /// client at a time: the next one is accepted once the old is gone).
    pub fn reconnect(&mut self) {
        let _ = self.conn.get_ref().shutdown(std::net::Shutdown::Both);
        let stream = connect(&self.sock, &mut self.child);
        self.conn = BufReader::new(stream);
    }

    /// The socket the agent serves.
    pub fn socket(&self) -> &Path {
        &self.sock
    }

    /// Closes the connection (the agent then accepts the next client).
    pub fn close(&mut self) {
        let _ = self.conn.get_ref().shutdown(std::net::Shutdown::Both);
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.conn.get_mut().write_all(bytes).unwrap();
    }

    /// Reads one response line, as bytes (a `0xFF` delimiter included).
    pub fn read_line(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.conn.read_until(b'\n', &mut line).unwrap();
        line
    }

    /// Reads whatever arrives within `wait` (for requests without a
    /// response).
    pub fn read_for(&mut self, wait: Duration) -> Vec<u8> {
        let stream = self.conn.get_ref();
        stream.set_read_timeout(Some(wait)).unwrap();
        let mut out = self.conn.buffer().to_vec();
        self.conn.consume(out.len());
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.conn.get_mut().read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let stream = self.conn.get_ref();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        out
    }

    /// Sends one request and parses its one-line response.
    pub fn request(&mut self, req: &Value) -> Value {
        let mut text = serde_json::to_vec(req).unwrap();
        text.push(b'\n');
        self.send(&text);
        let line = self.read_line();
        serde_json::from_slice(&line)
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&line)))
    }

    /// The response to `command` (arguments omitted when null).
    pub fn call(&mut self, command: &str, args: Value) -> Value {
        let req = if args.is_null() {
            json!({ "execute": command })
        } else {
            json!({ "execute": command, "arguments": args })
        };
        self.request(&req)
    }

    /// The `return` value or the error's text.
    pub fn call_result(&mut self, command: &str, args: Value) -> Result<Value, String> {
        let v = self.call(command, args);
        match v.get("return") {
            Some(r) => Ok(r.clone()),
            None => Err(v["error"]["desc"].as_str().unwrap_or_default().to_owned()),
        }
    }

    /// The response to `command` without arguments.
    pub fn execute(&mut self, command: &str) -> Value {
        self.call(command, Value::Null)
    }

    /// The `return` member of a command that must succeed.
    pub fn returns(&mut self, command: &str) -> Value {
        let reply = self.execute(command);
        reply
            .get("return")
            .cloned()
            .unwrap_or_else(|| panic!("{command} failed: {reply}"))
    }

    /// The C agent's major version (`QEMU Guest Agent 7.2.22` → 7).
    pub fn major_version() -> u32 {
        let out = Command::new(C_AGENT).arg("-V").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim_start_matches("QEMU Guest Agent ")
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0)
    }

    /// Sends `signal` and waits (up to 10 s) for the exit.
    pub fn stop_with(&mut self, signal: libc::c_int) -> ExitStatus {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "agent did not stop");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// An unprivileged account to run an agent as (the tests run as root).
#[derive(Debug, Clone, Copy)]
pub struct RunAs {
    pub uid: u32,
    pub gid: u32,
}

impl RunAs {
    /// `nobody`, when the tests run as root; otherwise says why the test
    /// is skipped and returns `None`.
    pub fn nobody() -> Option<RunAs> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: not root, cannot switch to an unprivileged user");
            return None;
        }
        // SAFETY: a NUL-terminated name; the entry is copied out at once
        // (no other thread of this test looks users up meanwhile).
        let pw = unsafe { libc::getpwnam(c"nobody".as_ptr()) };
        if pw.is_null() {
            eprintln!("skipped: no user 'nobody'");
            return None;
        }
        // SAFETY: getpwnam returned a valid entry.
        let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
        (uid != 0).then_some(RunAs { uid, gid })
    }

    /// Makes `cmd`'s child drop to this user (groups, gid, then uid, so
    /// that it keeps no capability).
    fn apply(self, cmd: &mut Command) {
        use std::os::unix::process::CommandExt;
        let RunAs { uid, gid } = self;
        // SAFETY: setgroups, setgid and setuid are async-signal-safe and
        // only touch the child's own credentials.
        unsafe {
            cmd.pre_exec(move || {
                let groups = [gid];
                if libc::setgroups(1, groups.as_ptr()) != 0
                    || libc::setgid(gid) != 0
                    || libc::setuid(uid) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

impl AgentProcess {
    /// Whether the agent process runs without root's user id and without
    /// any capability, read from `/proc`: checked before every request
    /// that would change the machine if the kernel allowed it.
    pub fn is_unprivileged(&self) -> bool {
        let path = format!("/proc/{}/status", self.child.id());
        let Ok(status) = std::fs::read_to_string(path) else {
            return false;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::split_whitespace)
                .map(|w| w.map(str::to_owned).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let uids = field("Uid:");
        let no_caps = |name| {
            let v = field(name);
            v.len() == 1 && v[0].bytes().all(|b| b == b'0')
        };
        uids.len() == 4
            && uids.iter().all(|u| u != "0")
            && no_caps("CapEff:")
            && no_caps("CapPrm:")
            && no_caps("CapAmb:")
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

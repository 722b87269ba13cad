//! Messages to the system log, as qemu-ga's `syslog()` calls send them.
//!
//! qemu-ga never calls `openlog`, so glibc sends each message to
//! `/dev/log` as `<PRI>Mmm dd hh:mm:ss IDENT: TEXT` (local time, user
//! facility, IDENT the program's short name, no pid). glibc however
//! opens, connects and closes a socket for every message while
//! `/dev/log` is missing or refuses: three wasted syscalls per logged
//! request. Here the socket is connected once and kept; after a failure
//! connecting, no new attempt is made for [`RETRY_AFTER`].
//!
//! Unlike glibc we never block: a message the log daemon has no room
//! for is dropped rather than stalling the agent's request loop.

use std::io;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// glibc's `_PATH_LOG`.
pub const DEV_LOG: &str = "/dev/log";

/// How long to wait before trying to connect again after a failure.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// `LOG_USER`, the facility glibc uses when `openlog` was never called.
const FACILITY_USER: i32 = 1 << 3;

#[derive(Debug)]
enum Socket {
    Datagram(UnixDatagram),
    /// When `/dev/log` is a stream socket (glibc falls back on
    /// `EPROTOTYPE` too, and then ends each message with a NUL).
    Stream(UnixStream),
}

impl Socket {
    fn connect(path: &Path) -> io::Result<Socket> {
        let datagram = UnixDatagram::unbound()?;
        match datagram.connect(path) {
            Ok(()) => {
                datagram.set_nonblocking(true)?;
                Ok(Socket::Datagram(datagram))
            }
            Err(e) if e.raw_os_error() == Some(libc::EPROTOTYPE) => {
                let stream = UnixStream::connect(path)?;
                stream.set_nonblocking(true)?;
                Ok(Socket::Stream(stream))
            }
            Err(e) => Err(e),
        }
    }

    fn send(&mut self, message: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Socket::Datagram(socket) => socket.send(message).map(drop),
            Socket::Stream(stream) => {
                use std::io::Write;
                message.push(0);
                stream.write_all(message)
            }
        }
    }
}

/// A connection to the system log; see the module documentation.
#[derive(Debug)]
pub struct Syslog {
    path: PathBuf,
    ident: String,
    socket: Option<Socket>,
    /// No connection attempt before this time.
    retry_at: Option<Instant>,
}

impl Syslog {
    /// Logs to `path` (normally [`DEV_LOG`]) as `ident`.
    pub fn new(path: impl Into<PathBuf>, ident: impl Into<String>) -> Self {
        Syslog {
            path: path.into(),
            ident: ident.into(),
            socket: None,
            retry_at: None,
        }
    }

    /// Sends `text` with severity `level` (`LOG_INFO`...), dropping it
    /// when the log is unreachable.
    pub fn send(&mut self, level: i32, text: &str) {
        self.send_lazily(level, format_args!("{text}"));
    }

    /// Like [`Syslog::send`], formatting `text` only when it can be sent
    /// (not while waiting to retry a log that is missing, as it is on
    /// machines without a log daemon).
    pub fn send_lazily(&mut self, level: i32, text: std::fmt::Arguments<'_>) {
        let now = Instant::now();
        if self.socket.is_none() && self.retry_at.is_some_and(|at| now < at) {
            return;
        }
        let text = text.to_string();
        let mut message = format_message(SystemTime::now(), level, &self.ident, &text);
        self.send_at(now, &mut message);
    }

    fn send_at(&mut self, now: Instant, message: &mut Vec<u8>) {
        // A kept socket may have gone stale (log daemon restarted): one
        // fresh connection is tried at once, as glibc does.
        if let Some(socket) = &mut self.socket {
            match socket.send(message) {
                Ok(()) => return,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.socket = None;
                    self.retry_at = None;
                }
            }
        }
        if self.retry_at.is_some_and(|at| now < at) {
            return;
        }
        match Socket::connect(&self.path) {
            Ok(mut socket) => {
                let _ = socket.send(message);
                self.socket = Some(socket);
                self.retry_at = None;
            }
            Err(_) => self.retry_at = Some(now + RETRY_AFTER),
        }
    }
}

/// The datagram glibc's `syslog(level, "%s", text)` sends.
pub fn format_message(now: SystemTime, level: i32, ident: &str, text: &str) -> Vec<u8> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() as libc::time_t;
    // SAFETY: `tm` is plain data that localtime_r fills in; both pointers
    // are valid for the duration of the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    };
    let month = MONTHS[tm.tm_mon.clamp(0, 11) as usize];
    // `%s` of a C string: the text ends at a NUL.
    let text = text.split('\0').next().unwrap_or_default();
    let line = format!(
        "<{}>{month} {:2} {:02}:{:02}:{:02} {ident}: {text}",
        FACILITY_USER | level,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    );
    line.into_bytes()
}

/// glibc's default ident: the program's short name.
fn program_short_name() -> String {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

static SYSTEM_LOG: Mutex<Option<Syslog>> = Mutex::new(None);

/// Sends `text` to `/dev/log` through the process-wide connection.
pub fn system_log(level: i32, text: std::fmt::Arguments<'_>) {
    let mut guard = SYSTEM_LOG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    guard
        .get_or_insert_with(|| Syslog::new(DEV_LOG, program_short_name()))
        .send_lazily(level, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(socket: &UnixDatagram) -> Option<String> {
        let mut buf = [0; 512];
        let n = socket.recv(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).into_owned())
    }

    #[test]
    fn format_is_glibcs() {
        let line = format_message(SystemTime::now(), libc::LOG_INFO, "qemu-ga", "info: x");
        let line = String::from_utf8(line).unwrap();
        // `<14>Nov  6 14:31:41 qemu-ga: info: x`
        assert!(line.starts_with("<14>"), "{line}");
        assert_eq!(line.len(), "<14>Nov  6 14:31:41 qemu-ga: info: x".len());
        assert_eq!(&line[19..], " qemu-ga: info: x", "{line}");
        assert_eq!(line.as_bytes()[10], b' ');
    }

    #[test]
    fn connects_once_and_backs_off_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let mut log = Syslog::new(&path, "t");
        let t0 = Instant::now();
        // Absent: one failed attempt, then none until RETRY_AFTER.
        log.send_at(t0, &mut b"lost".to_vec());
        let server = UnixDatagram::bind(&path).unwrap();
        server.set_nonblocking(true).unwrap();
        log.send_at(t0 + RETRY_AFTER / 2, &mut b"too soon".to_vec());
        assert_eq!(receive(&server), None);
        log.send_at(t0 + RETRY_AFTER, &mut b"one".to_vec());
        log.send_at(t0 + RETRY_AFTER, &mut b"two".to_vec());
        assert_eq!(receive(&server).as_deref(), Some("one"));
        assert_eq!(receive(&server).as_deref(), Some("two"));
    }

    #[test]
    fn reconnects_after_the_daemon_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let server = UnixDatagram::bind(&path).unwrap();
        let mut log = Syslog::new(&path, "t");
        log.send(libc::LOG_INFO, "first");
        assert!(receive(&server).unwrap().ends_with(" t: first"));
        drop(server);
        std::fs::remove_file(&path).unwrap();
        let server = UnixDatagram::bind(&path).unwrap();
        log.send(libc::LOG_INFO, "second");
        assert!(receive(&server).unwrap().ends_with(" t: second"));
    }
}

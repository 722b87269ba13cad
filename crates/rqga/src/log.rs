//! qemu-ga's logging.
//!
//! Until the agent is initialised, messages go through GLib's default
//! handler; afterwards through qemu-ga's own handler (`ga_log`):
//!
//! - before: `\n** (process:<pid>): CRITICAL **: HH:MM:SS.mmm: <msg>` on
//!   stderr (local time; GLib converts the text to the C locale's ASCII,
//!   one `?` per non-ASCII character, because qemu-ga never calls
//!   `setlocale`); info and debug are dropped.
//! - after: `<unixsecs>.<usec>: <level>: <msg>` (UTC) on stderr or the log
//!   file, flushed per line; only error and critical unless verbose.
//!   Logging is switched off while filesystems are frozen; a few
//!   messages of ours that must not be lost (start-up recovery of a
//!   stale freeze) are held meanwhile and written when it is back on.
//!
//! We do not use `tracing` here: its five levels have no `critical` or
//! `message`, and the on/off switch for frozen filesystems and the
//! switch-over from GLib's format are process-wide state anyway.

use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// GLib's log levels, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Critical,
    Warning,
    Message,
    Info,
    Debug,
}

impl Level {
    /// The word qemu-ga writes (`ga_log_level_str`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Critical => "critical",
            Level::Warning => "warning",
            Level::Message => "message",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }

    fn glib_prefix(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
            Level::Warning => "WARNING",
            Level::Message => "Message",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// Where qemu-ga's handler writes.
#[derive(Debug)]
pub enum Sink {
    Stderr,
    File(File),
}

#[derive(Debug)]
struct AgentLogger {
    verbose: bool,
    enabled: bool,
    sink: Sink,
    /// Messages held while logging is off ([`log_or_hold`]).
    held: Vec<(SystemTime, Level, String)>,
}

/// At most this many messages are held while logging is off.
const MAX_HELD: usize = 16;

impl AgentLogger {
    fn write(&mut self, now: SystemTime, level: Level, msg: &str) {
        if !self.enabled || (!self.verbose && level > Level::Critical) {
            return;
        }
        let line = agent_line(now, level, msg);
        let _ = match &mut self.sink {
            Sink::Stderr => std::io::stderr().write_all(line.as_bytes()),
            Sink::File(f) => f.write_all(line.as_bytes()).and_then(|()| f.flush()),
        };
    }
}

static LOGGER: Mutex<Option<AgentLogger>> = Mutex::new(None);

fn with_logger<R>(f: impl FnOnce(&mut Option<AgentLogger>) -> R) -> R {
    let mut guard = LOGGER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut guard)
}

/// Switches from GLib's default format to qemu-ga's (`g_log_set_default_handler`).
pub fn install_agent_logger(verbose: bool) {
    with_logger(|l| {
        *l = Some(AgentLogger {
            verbose,
            enabled: true,
            sink: Sink::Stderr,
            held: Vec::new(),
        })
    });
}

/// Directs qemu-ga's handler to a log file (or back to stderr).
pub fn set_sink(sink: Sink) {
    with_logger(|l| {
        if let Some(l) = l {
            l.sink = sink;
        }
    });
}

/// `ga_enable_logging` / `ga_disable_logging`.  Enabling first writes
/// the held messages, with the time they were logged.
pub fn set_enabled(enabled: bool) {
    with_logger(|l| {
        if let Some(l) = l {
            l.enabled = enabled;
            if enabled {
                for (when, level, msg) in std::mem::take(&mut l.held) {
                    l.write(when, level, &msg);
                }
            }
        }
    });
}

/// Logs `msg` now, or, while logging is off (filesystems frozen), holds
/// it until logging is back on: for what the agent does by itself at
/// start-up, which would otherwise never be seen.
pub fn log_or_hold(level: Level, msg: &str) {
    let now = SystemTime::now();
    let held = with_logger(|l| match l {
        Some(l) if !l.enabled => {
            if l.held.len() < MAX_HELD {
                l.held.push((now, level, msg.to_owned()));
            }
            true
        }
        _ => false,
    });
    if !held {
        log(level, msg);
    }
}

/// `ga_logging_enabled`.
pub fn enabled() -> bool {
    with_logger(|l| l.as_ref().is_none_or(|l| l.enabled))
}

/// The `<unixsecs>.<usec>` stamp of qemu-ga's log lines.
pub fn agent_timestamp(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("{}.{:06}", since.as_secs(), since.subsec_micros())
}

/// One line in qemu-ga's own format.
pub fn agent_line(now: SystemTime, level: Level, msg: &str) -> String {
    format!("{}: {}: {}\n", agent_timestamp(now), level.name(), msg)
}

fn local_hms_millis(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as libc::time_t;
    // SAFETY: `tm` is plain data that localtime_r fills in; both pointers
    // are valid for the duration of the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    };
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        since.subsec_millis()
    )
}

/// One message in the format of GLib's default handler, as qemu-ga prints
/// it before its own handler is installed.
pub fn glib_line(now: SystemTime, level: Level, msg: &str) -> String {
    let ascii: String = msg
        .chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect();
    let alert = if level <= Level::Warning { "\n" } else { "" };
    format!(
        "{alert}** ({}): {} **: {}: {ascii}\n",
        format_args!("process:{}", std::process::id()),
        level.glib_prefix(),
        local_hms_millis(now)
    )
}

/// Logs `msg` at `level` the way qemu-ga's `g_log` calls do at this point
/// of the agent's life.
pub fn log(level: Level, msg: &str) {
    let now = SystemTime::now();
    with_logger(|l| match l {
        None => {
            if level <= Level::Message {
                let _ = std::io::stderr().write_all(glib_line(now, level, msg).as_bytes());
            }
        }
        Some(l) => l.write(now, level, msg),
    });
}

/// qemu-ga's `slog()`: an info message to syslog as `info: <msg>`,
/// whatever the verbosity, unless logging is switched off.
pub fn syslog_info(msg: &str) {
    if !enabled() {
        return;
    }
    crate::syslog::system_log(libc::LOG_INFO, format_args!("info: {msg}"));
}

/// `g_critical`.
pub fn critical(msg: &str) {
    log(Level::Critical, msg);
}

/// `g_warning`.
pub fn warning(msg: &str) {
    log(Level::Warning, msg);
}

/// `g_info`.
pub fn info(msg: &str) {
    log(Level::Info, msg);
}

/// `g_debug`.
pub fn debug(msg: &str) {
    log(Level::Debug, msg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn agent_format() {
        let t = UNIX_EPOCH + Duration::from_micros(1_795_697_830_000_042);
        assert_eq!(
            agent_line(t, Level::Critical, "x"),
            "1795697830.000042: critical: x\n"
        );
    }

    /// The only unit test that installs the process-wide logger.
    #[test]
    fn held_messages_are_written_when_logging_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        install_agent_logger(true);
        set_sink(Sink::File(File::create(&path).unwrap()));
        set_enabled(false);
        log_or_hold(Level::Warning, "held");
        warning("dropped while frozen");
        for i in 0..MAX_HELD {
            log_or_hold(Level::Debug, &format!("more {i}"));
        }
        set_enabled(true);
        log_or_hold(Level::Warning, "now");
        with_logger(|l| *l = None);
        let text = std::fs::read_to_string(&path).unwrap();
        let messages: Vec<_> = text
            .lines()
            .map(|l| l.split_once(": ").unwrap().1)
            // Other tests running meanwhile may log too.
            .filter(|m| {
                ["held", "dropped", "more ", "now"]
                    .iter()
                    .any(|w| m.contains(w))
            })
            .collect();
        let mut expected = vec!["warning: held".to_string()];
        expected.extend((0..MAX_HELD - 1).map(|i| format!("debug: more {i}")));
        expected.push("warning: now".into());
        assert_eq!(messages, expected);
    }

    #[test]
    fn glib_format() {
        let line = glib_line(SystemTime::now(), Level::Critical, "a \u{201c}b\u{201d}");
        let pid = std::process::id();
        assert!(
            line.starts_with(&format!("\n** (process:{pid}): CRITICAL **: ")),
            "{line}"
        );
        assert!(line.ends_with(": a ?b?\n"), "{line}");
        assert_eq!(
            line.len(),
            format!("\n** (process:{pid}): CRITICAL **: 12:00:00.000: a ?b?\n").len()
        );
    }
}

//! qemu-ga's configuration: defaults, the `[general]` group of the
//! configuration file, and `--dump-conf`.
//!
//! Precedence is qemu-ga's: the file is read first, then the command line
//! overrides single values, while `-b`/`-a` lists are *appended* to the
//! file's `block-rpcs`/`allow-rpcs`.  Defaults for the pid file, state
//! directory, method and path are filled in only after both (see
//! [`Config::apply_defaults`]), so a dump shows them.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

use crate::keyfile::{KeyFile, KeyFileError, KeyFileWriter};
use crate::sys::io_error_text;

/// Default configuration file, unless `QGA_CONF` says otherwise.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/qemu/qemu-ga.conf";
/// Default state directory (`<localstatedir>/run`).
pub const DEFAULT_STATE_DIR: &str = "/var/run";
/// Default pid file.
pub const DEFAULT_PIDFILE: &str = "/var/run/qemu-ga.pid";
/// fsfreeze hook used by a bare `-F`.
pub const DEFAULT_FSFREEZE_HOOK: &str = "/etc/qemu/fsfreeze-hook";
/// Default path for `virtio-serial`.
pub const VIRTIO_PATH_DEFAULT: &str = "/dev/virtio-ports/org.qemu.guest_agent.0";
/// Default path for `isa-serial`.
pub const SERIAL_PATH_DEFAULT: &str = "/dev/ttyS0";

/// Transport methods qemu-ga knows on Linux.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    VirtioSerial,
    IsaSerial,
    UnixListen,
    VsockListen,
}

impl Method {
    /// The method named on the command line or in the file, if known.
    pub fn from_name(name: &OsStr) -> Option<Method> {
        match name.as_bytes() {
            b"virtio-serial" => Some(Method::VirtioSerial),
            b"isa-serial" => Some(Method::IsaSerial),
            b"unix-listen" => Some(Method::UnixListen),
            b"vsock-listen" => Some(Method::VsockListen),
            _ => None,
        }
    }
}

/// Everything qemu-ga's `GAConfig` holds.  Strings are `OsString` because
/// command-line values need not be UTF-8 and are dumped byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub method: Option<OsString>,
    pub channel_path: Option<OsString>,
    pub log_filepath: Option<OsString>,
    pub pid_filepath: Option<OsString>,
    pub fsfreeze_hook: Option<OsString>,
    pub state_dir: Option<OsString>,
    /// In qemu-ga's list order (each comma list is stored reversed).
    pub blocked_rpcs: Vec<OsString>,
    /// In qemu-ga's list order (each comma list is stored reversed).
    pub allowed_rpcs: Vec<OsString>,
    pub daemonize: bool,
    pub verbose: bool,
    pub dump_conf: bool,
    pub retry_path: bool,
    /// Set when systemd passed us the listening socket (fd 3).
    pub socket_activation: bool,
    /// rqga extension, `fsfreeze-timeout=SECONDS` in the file: thaw by
    /// ourselves when the host has not thawed this long after a freeze.
    /// Unset or 0: wait forever, as qemu-ga does.
    pub fsfreeze_timeout: Option<i64>,
}

/// `split_list` in qemu-ga: `g_strsplit(s, ",")` (nothing for an empty
/// string), prepended one by one, hence reversed.
pub fn split_reversed(list: &OsStr) -> Vec<OsString> {
    if list.is_empty() {
        return Vec::new();
    }
    let mut parts: Vec<OsString> = list
        .as_bytes()
        .split(|&c| c == b',')
        .map(|p| OsStr::from_bytes(p).to_os_string())
        .collect();
    parts.reverse();
    parts
}

fn bytes_of(value: &Option<OsString>) -> Option<&[u8]> {
    value.as_deref().map(OsStr::as_bytes)
}

fn join(list: &[OsString]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.as_bytes());
    }
    out
}

/// Reads a key file as `g_key_file_load_from_file`; `Ok(None)` when it
/// does not exist.
fn read_keyfile(path: &OsStr) -> Result<Option<KeyFile>, KeyFileError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(KeyFileError(io_error_text(&e))),
    };
    let meta = file
        .metadata()
        .map_err(|e| KeyFileError(io_error_text(&e)))?;
    if !meta.is_file() {
        return Err(KeyFileError("Not a regular file".into()));
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| KeyFileError(io_error_text(&e)))?;
    KeyFile::parse(&data).map(Some)
}

const GROUP: &str = "general";

impl Config {
    /// `config_load`: applies the `[general]` group of the file at `path`.
    /// A missing file is fine unless `required` (given with `-c`).  On
    /// error returns qemu-ga's critical message; the agent then exits 1.
    pub fn load_file(&mut self, path: &OsStr, required: bool) -> Result<(), String> {
        let fail = |e: KeyFileError| {
            format!(
                "error loading configuration from path: {}, {e}",
                path.to_string_lossy()
            )
        };
        match read_keyfile(path) {
            Ok(Some(kf)) => self.apply_keyfile(&kf).map_err(fail),
            Ok(None) if !required => Ok(()),
            Ok(None) => Err(fail(KeyFileError(crate::sys::strerror(libc::ENOENT)))),
            Err(e) => Err(fail(e)),
        }
    }

    /// Reads the keys qemu-ga knows.  qemu-ga keeps going after a bad
    /// value and reports the first error at the end; values read before
    /// and after it are applied, which does not matter as it then exits.
    fn apply_keyfile(&mut self, kf: &KeyFile) -> Result<(), KeyFileError> {
        let mut first_error: Option<KeyFileError> = None;
        let mut note = |r: Result<(), KeyFileError>| {
            if let Err(e) = r {
                first_error.get_or_insert(e);
            }
        };
        let string = |key: &str| -> Option<Result<OsString, KeyFileError>> {
            kf.has_key(GROUP, key)
                .then(|| kf.get_string(GROUP, key).map(OsString::from))
        };
        if kf.has_key(GROUP, "daemon") {
            note(kf.get_boolean(GROUP, "daemon").map(|b| self.daemonize = b));
        }
        let string_keys: [(&str, &mut Option<OsString>); 6] = [
            ("method", &mut self.method),
            ("path", &mut self.channel_path),
            ("logfile", &mut self.log_filepath),
            ("pidfile", &mut self.pid_filepath),
            ("fsfreeze-hook", &mut self.fsfreeze_hook),
            ("statedir", &mut self.state_dir),
        ];
        for (key, slot) in string_keys {
            if let Some(r) = string(key) {
                note(r.map(|v| *slot = Some(v)));
            }
        }
        if kf.has_key(GROUP, "verbose") {
            // Only ever switches verbosity on, like qemu-ga.
            note(kf.get_boolean(GROUP, "verbose").map(|b| self.verbose |= b));
        }
        if kf.has_key(GROUP, "fsfreeze-timeout") {
            note(
                kf.get_integer(GROUP, "fsfreeze-timeout")
                    .map(|n| self.fsfreeze_timeout = Some(n)),
            );
        }
        if kf.has_key(GROUP, "retry-path") {
            note(
                kf.get_boolean(GROUP, "retry-path")
                    .map(|b| self.retry_path = b),
            );
        }
        if let Some(r) = string("block-rpcs") {
            note(r.map(|v| self.blocked_rpcs.extend(split_reversed(&v))));
        }
        if let Some(r) = string("allow-rpcs") {
            note(r.map(|v| self.allowed_rpcs.extend(split_reversed(&v))));
        }
        first_error.map_or(Ok(()), Err)
    }

    /// What `main` does between parsing and `--dump-conf`: default pid
    /// file, state directory and method; with socket activation the method
    /// comes from the socket and there is no path; otherwise the default
    /// path of the serial methods.  The error is qemu-ga's critical text.
    pub fn apply_defaults(&mut self, activated: Option<Method>) -> Result<(), &'static str> {
        self.pid_filepath
            .get_or_insert_with(|| DEFAULT_PIDFILE.into());
        self.state_dir
            .get_or_insert_with(|| DEFAULT_STATE_DIR.into());
        self.method.get_or_insert_with(|| "virtio-serial".into());
        if let Some(method) = activated {
            self.socket_activation = true;
            self.channel_path = None;
            self.method = Some(
                match method {
                    Method::VsockListen => "vsock-listen",
                    _ => "unix-listen",
                }
                .into(),
            );
            return Ok(());
        }
        if self.channel_path.is_none() {
            let method = self.method.as_deref().and_then(Method::from_name);
            self.channel_path = Some(
                match method {
                    Some(Method::VirtioSerial) => VIRTIO_PATH_DEFAULT,
                    Some(Method::IsaSerial) => SERIAL_PATH_DEFAULT,
                    _ => return Err("must specify a path for this channel"),
                }
                .into(),
            );
        }
        Ok(())
    }

    /// The transport method, when it is one qemu-ga knows.
    pub fn channel_method(&self) -> Option<Method> {
        self.method.as_deref().and_then(Method::from_name)
    }

    /// `config_dump`: the configuration as a key file, byte-identical to
    /// qemu-ga 10.2 (7.2 had no `allow-rpcs` line).
    pub fn dump(&self) -> Vec<u8> {
        let mut w = KeyFileWriter::new(GROUP);
        w.set_boolean("daemon", self.daemonize);
        w.set_string("method", bytes_of(&self.method).unwrap_or_default());
        if let Some(path) = bytes_of(&self.channel_path) {
            w.set_string("path", path);
        }
        if let Some(log) = bytes_of(&self.log_filepath) {
            w.set_string("logfile", log);
        }
        w.set_string("pidfile", bytes_of(&self.pid_filepath).unwrap_or_default());
        if let Some(hook) = bytes_of(&self.fsfreeze_hook) {
            w.set_string("fsfreeze-hook", hook);
        }
        w.set_string("statedir", bytes_of(&self.state_dir).unwrap_or_default());
        // Ours only: written when set, so a default dump stays qemu-ga's.
        if let Some(secs) = self.fsfreeze_timeout {
            w.set_int64("fsfreeze-timeout", secs);
        }
        w.set_boolean("verbose", self.verbose);
        w.set_boolean("retry-path", self.retry_path);
        w.set_string("block-rpcs", &join(&self.blocked_rpcs));
        w.set_string("allow-rpcs", &join(&self.allowed_rpcs));
        w.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn lists_are_reversed_per_split() {
        assert_eq!(split_reversed(OsStr::new("a,,b,")), os(&["", "b", "", "a"]));
        assert!(split_reversed(OsStr::new("")).is_empty());
    }

    #[test]
    fn file_values_and_first_error() {
        let kf = KeyFile::parse(
            b"[general]\ndaemon=1\nmethod=unix-listen\nverbose=false\nblock-rpcs=a,b\n",
        )
        .unwrap();
        let mut c = Config::default();
        c.apply_keyfile(&kf).unwrap();
        assert!(c.daemonize && !c.verbose);
        assert_eq!(c.method.as_deref(), Some(OsStr::new("unix-listen")));
        assert_eq!(c.blocked_rpcs, os(&["b", "a"]));

        let kf = KeyFile::parse(b"[general]\ndaemon=x\nverbose=y\n").unwrap();
        let err = Config::default().apply_keyfile(&kf).unwrap_err();
        assert!(err.0.contains("\u{201c}daemon\u{201d}"), "{err}");
    }

    #[test]
    fn defaults_and_dump() {
        let mut c = Config::default();
        c.apply_defaults(None).unwrap();
        let expected = "[general]\ndaemon=false\nmethod=virtio-serial\n\
            path=/dev/virtio-ports/org.qemu.guest_agent.0\npidfile=/var/run/qemu-ga.pid\n\
            statedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\nallow-rpcs=\n";
        assert_eq!(String::from_utf8(c.dump()).unwrap(), expected);

        let mut c = Config {
            method: Some("unix-listen".into()),
            ..Config::default()
        };
        assert_eq!(
            c.apply_defaults(None),
            Err("must specify a path for this channel")
        );
        let mut c = Config {
            channel_path: Some("/x".into()),
            ..Config::default()
        };
        c.apply_defaults(Some(Method::VsockListen)).unwrap();
        assert_eq!(
            (c.method.as_deref(), c.channel_path),
            (Some(OsStr::new("vsock-listen")), None)
        );
    }
}

#[cfg(test)]
mod fsfreeze_timeout_tests {
    use super::*;

    #[test]
    fn read_and_dumped_only_when_set() {
        let kf = KeyFile::parse(b"[general]\nfsfreeze-timeout=600\n").unwrap();
        let mut c = Config::default();
        c.apply_keyfile(&kf).unwrap();
        assert_eq!(c.fsfreeze_timeout, Some(600));
        assert!(
            String::from_utf8(c.dump())
                .unwrap()
                .contains("\nfsfreeze-timeout=600\n")
        );
        assert!(
            !String::from_utf8(Config::default().dump())
                .unwrap()
                .contains("fsfreeze")
        );
        let kf = KeyFile::parse(b"[general]\nfsfreeze-timeout=soon\n").unwrap();
        assert!(Config::default().apply_keyfile(&kf).is_err());
    }
}

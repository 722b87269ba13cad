//! Transport addresses as written on command lines.
//!
//! Syntax: `unix:PATH`, `tcp:HOST:PORT` (IPv6 hosts in brackets),
//! `vsock:CID:PORT`, `serial:PATH` (isa-serial tty), `virtio-serial:PATH`,
//! `stdio` (or `-`), and a bare path meaning `unix:PATH`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where a transport listens or connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A unix stream socket path.
    Unix(PathBuf),
    /// A TCP host (name or IP, no brackets) and port; an empty host means
    /// all interfaces when listening and localhost when connecting.
    Tcp { host: String, port: u16 },
    /// An AF_VSOCK context id and port.
    Vsock { cid: u32, port: u32 },
    /// A serial tty (qemu-ga's `isa-serial`), switched to raw mode.
    Serial(PathBuf),
    /// A virtio-serial port device (qemu-ga's `virtio-serial`).
    VirtioSerial(PathBuf),
    /// Standard input and output.
    Stdio,
}

/// Why an address string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address '{input}': {reason}")]
pub struct AddressError {
    /// The text that was parsed.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl AddressError {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        AddressError {
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

impl Address {
    /// Parses an address (see the module documentation for the syntax).
    pub fn parse(input: &str) -> Result<Address, AddressError> {
        if input.is_empty() {
            return Err(AddressError::new(input, "empty address"));
        }
        if input == "stdio" || input == "-" {
            return Ok(Address::Stdio);
        }
        let Some((scheme, rest)) = split_scheme(input) else {
            return Ok(Address::Unix(PathBuf::from(input)));
        };
        match scheme {
            "unix" => Ok(Address::Unix(non_empty_path(input, rest)?)),
            "serial" | "isa-serial" => Ok(Address::Serial(non_empty_path(input, rest)?)),
            "virtio-serial" => Ok(Address::VirtioSerial(non_empty_path(input, rest)?)),
            "tcp" => parse_tcp(input, rest),
            "vsock" => parse_vsock(input, rest),
            other => Err(AddressError::new(
                input,
                format!(
                    "unknown transport '{other}' (expected unix, tcp, vsock, serial, \
                     virtio-serial or stdio; write unix:PATH for a path containing ':')"
                ),
            )),
        }
    }

    /// Builds an address from qemu-ga's `--method` and `--path` options.
    ///
    /// For `vsock-listen` the path is `CID:PORT`, as qemu-ga takes it.
    pub fn from_qga_method(method: &str, path: &str) -> Result<Address, AddressError> {
        let whole = format!("{method}:{path}");
        match method {
            "unix-listen" => Ok(Address::Unix(non_empty_path(&whole, path)?)),
            "virtio-serial" => Ok(Address::VirtioSerial(non_empty_path(&whole, path)?)),
            "isa-serial" => Ok(Address::Serial(non_empty_path(&whole, path)?)),
            "vsock-listen" => parse_vsock(&whole, path),
            other => Err(AddressError::new(
                &whole,
                format!("unsupported channel method/type: {other}"),
            )),
        }
    }
}

/// Splits `scheme:rest` when the text before the first ':' looks like a
/// scheme name; anything else (e.g. `/run/a:b`, `./x`) is a bare path.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = input.split_once(':')?;
    let looks_like_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    looks_like_scheme.then_some((scheme, rest))
}

fn non_empty_path(input: &str, path: &str) -> Result<PathBuf, AddressError> {
    if path.is_empty() {
        return Err(AddressError::new(input, "missing path"));
    }
    Ok(PathBuf::from(path))
}

fn parse_tcp(input: &str, rest: &str) -> Result<Address, AddressError> {
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| AddressError::new(input, "missing ']' after IPv6 host"))?;
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| AddressError::new(input, "expected ':PORT' after ']'"))?;
        (host, port)
    } else {
        rest.rsplit_once(':')
            .ok_or_else(|| AddressError::new(input, "expected tcp:HOST:PORT"))?
    };
    if host.contains(':') && !rest.starts_with('[') {
        return Err(AddressError::new(
            input,
            "IPv6 hosts must be written in brackets, e.g. tcp:[::1]:4444",
        ));
    }
    let port = port
        .parse::<u16>()
        .map_err(|_| AddressError::new(input, format!("invalid port '{port}'")))?;
    Ok(Address::Tcp {
        host: host.to_owned(),
        port,
    })
}

fn parse_vsock(input: &str, rest: &str) -> Result<Address, AddressError> {
    let (cid, port) = rest
        .split_once(':')
        .ok_or_else(|| AddressError::new(input, "expected vsock:CID:PORT"))?;
    let number = |text: &str, what: &str| {
        // QEMU accepts plain unsigned decimal numbers only.
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AddressError::new(
                input,
                format!("Failed to parse {what} '{text}'"),
            ));
        }
        text.parse::<u32>()
            .map_err(|_| AddressError::new(input, format!("Failed to parse {what} '{text}'")))
    };
    Ok(Address::Vsock {
        cid: number(cid, "cid")?,
        port: number(port, "port")?,
    })
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Address::parse(s)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Unix(path) => write!(f, "unix:{}", path.display()),
            Address::Tcp { host, port } if host.contains(':') => write!(f, "tcp:[{host}]:{port}"),
            Address::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            Address::Vsock { cid, port } => write!(f, "vsock:{cid}:{port}"),
            Address::Serial(path) => write!(f, "serial:{}", path.display()),
            Address::VirtioSerial(path) => write!(f, "virtio-serial:{}", path.display()),
            Address::Stdio => f.write_str("stdio"),
        }
    }
}

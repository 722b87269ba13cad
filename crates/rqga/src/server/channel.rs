//! Opening the channel in two steps: the device or socket is opened
//! before daemonizing, without a tokio runtime (so errors reach the
//! terminal and `fork` happens in a process with one thread and no
//! reactor), and handed to the runtime's transports once it runs.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use rqapi_runtime::transport::{
    Address, Incoming, Listener, VirtioSerialOptions, VirtioSerialPort, open_serial,
};

use crate::activation::FIRST_SOCKET_ACTIVATION_FD;
use crate::config::Config;
use crate::sys::io_error_text;

/// A channel opened before the runtime started.
#[derive(Debug)]
pub enum OpenedChannel {
    /// A listening socket (unix, vsock, or the activated one).
    Listener(OwnedFd),
    /// A virtio-serial port device, open non-blocking.
    VirtioSerial { fd: OwnedFd, path: PathBuf },
    /// A serial tty.  The runtime opens it again to configure it; this
    /// descriptor keeps the line open in between (no hang-up).
    Serial { fd: OwnedFd, path: PathBuf },
}

/// qemu-ga's `ga_channel_open` for `config` (method, path, socket
/// activation); the error is qemu-ga's critical message.
pub fn open(config: &Config) -> Result<OpenedChannel, String> {
    if config.socket_activation {
        // SAFETY: start-up checked (activation::detect) that fd 3 is the
        // one socket passed to us, and nothing else has wrapped it.
        let fd = unsafe { OwnedFd::from_raw_fd(FIRST_SOCKET_ACTIVATION_FD) };
        return Ok(OpenedChannel::Listener(fd));
    }
    let method = config.method.as_deref().unwrap_or_default();
    let path = config.channel_path.as_deref().unwrap_or_default();
    let address = Address::from_qga_method(&method.to_string_lossy(), &path.to_string_lossy())
        .map_err(|e| e.reason)?;
    match address {
        // Paths keep their bytes (not the lossy text above).
        Address::Unix(_) => unix_listen(Path::new(path)).map(OpenedChannel::Listener),
        Address::Vsock { cid, port } => vsock_listen(cid, port).map(OpenedChannel::Listener),
        Address::VirtioSerial(_) => open_device(path, libc::O_RDWR | libc::O_NONBLOCK).map(|fd| {
            OpenedChannel::VirtioSerial {
                fd,
                path: PathBuf::from(path),
            }
        }),
        Address::Serial(_) => open_device(path, libc::O_RDWR | libc::O_NOCTTY | libc::O_NONBLOCK)
            .map(|fd| OpenedChannel::Serial {
                fd,
                path: PathBuf::from(path),
            }),
        other => Err(format!("unsupported channel address: {other}")),
    }
}

impl OpenedChannel {
    /// The connection source for the server.  Must run inside the runtime.
    pub fn into_incoming(self) -> io::Result<Incoming> {
        match self {
            OpenedChannel::Listener(fd) => Ok(Incoming::Listener(Listener::from_listening_fd(fd)?)),
            OpenedChannel::VirtioSerial { fd, path } => Ok(Incoming::VirtioSerial(
                VirtioSerialPort::from_fd(fd, &path, VirtioSerialOptions::default())?,
            )),
            OpenedChannel::Serial { fd, path } => {
                let connection = open_serial(&path);
                drop(fd);
                Ok(Incoming::Once(Some(connection?)))
            }
        }
    }
}

fn c_path(path: &OsStr) -> Result<std::ffi::CString, String> {
    std::ffi::CString::new(path.as_bytes())
        .map_err(|_| format!("invalid path '{}'", path.to_string_lossy()))
}

fn open_device(path: &OsStr, flags: libc::c_int) -> Result<OwnedFd, String> {
    let shown = path.to_string_lossy();
    let c = c_path(path)?;
    // SAFETY: `c` is a NUL-terminated path that outlives the call.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        let e = io::Error::last_os_error();
        return Err(format!(
            "error opening channel '{shown}': {}",
            io_error_text(&e)
        ));
    }
    // SAFETY: open returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// QEMU's `unix_listen`: replaces an old socket file, binds, listens.
/// Unlike QEMU, a path that exists and is not a socket is never deleted
/// (binding then fails with "Address already in use").
fn unix_listen(path: &Path) -> Result<OwnedFd, String> {
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.file_type().is_socket()
        && let Err(e) = std::fs::remove_file(path)
    {
        let text = io_error_text(&e);
        return Err(format!("Failed to unlink socket {shown}: {text}"));
    }
    let listener = std::os::unix::net::UnixListener::bind(path)
        .map_err(|e| format!("Failed to bind socket to {shown}: {}", io_error_text(&e)))?;
    Ok(OwnedFd::from(listener))
}

/// QEMU's `vsock_listen_saddr` (backlog 1, as qemu-ga asks).
fn vsock_listen(cid: u32, port: u32) -> Result<OwnedFd, String> {
    let os_err = |what: &str| format!("{what}: {}", io_error_text(&io::Error::last_os_error()));
    // SAFETY: plain socket(2) call; the result is checked.
    let raw = unsafe { libc::socket(libc::AF_VSOCK, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(os_err("Failed to create socket"));
    }
    // SAFETY: socket returned a fresh descriptor that nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: sockaddr_vm is plain data; all-zero is a valid value.
    let mut addr: libc::sockaddr_vm = unsafe { std::mem::zeroed() };
    addr.svm_family = libc::AF_VSOCK as libc::sa_family_t;
    addr.svm_cid = cid;
    addr.svm_port = port;
    let len = std::mem::size_of::<libc::sockaddr_vm>() as libc::socklen_t;
    // SAFETY: `addr` is a valid sockaddr_vm of `len` bytes for the call.
    if unsafe { libc::bind(raw, (&raw const addr).cast(), len) } != 0 {
        return Err(os_err("Failed to bind socket"));
    }
    // SAFETY: listen on the socket we own.
    if unsafe { libc::listen(raw, 1) } != 0 {
        return Err(os_err("Failed to listen on socket"));
    }
    Ok(fd)
}

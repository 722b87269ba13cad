//! systemd socket activation, as qemu-ga checks it at start-up.
//!
//! `LISTEN_PID` must be our pid and `LISTEN_FDS` the number of sockets
//! from fd 3 on.  The variables are then removed (so children do not see
//! them) and the fds made close-on-exec.  qemu-ga accepts exactly one
//! socket, and picks `unix-listen` or `vsock-listen` from its family.

use std::os::fd::RawFd;

use crate::config::Method;

/// The first fd systemd passes.
pub const FIRST_SOCKET_ACTIVATION_FD: RawFd = 3;

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    value.trim_start().parse().ok()
}

/// QEMU's `check_socket_activation`: the number of passed sockets, or 0.
/// Must run before any thread is started (it edits the environment).
pub fn check_socket_activation() -> u64 {
    if env_number("LISTEN_PID") != Some(u64::from(std::process::id())) {
        return 0;
    }
    let Some(count) = env_number("LISTEN_FDS") else {
        return 0;
    };
    for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
        // SAFETY: called during single-threaded start-up, before any other
        // thread could read the environment.
        unsafe { std::env::remove_var(name) };
    }
    for i in 0..count {
        let Ok(offset) = RawFd::try_from(i) else {
            return 0;
        };
        let fd = FIRST_SOCKET_ACTIVATION_FD.saturating_add(offset);
        // SAFETY: fcntl on an arbitrary fd number is harmless; errors are
        // reported through the return value.
        let ok = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            flags != -1 && libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) != -1
        };
        if !ok {
            return 0;
        }
    }
    count
}

/// The method matching the address family of the listening socket `fd`.
pub fn listen_method(fd: RawFd) -> Option<Method> {
    // SAFETY: sockaddr_storage is plain data large enough for any address;
    // getsockname writes at most `len` bytes into it.
    let family = unsafe {
        let mut addr: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, (&raw mut addr).cast(), &mut len) != 0 {
            return None;
        }
        libc::c_int::from(addr.ss_family)
    };
    match family {
        libc::AF_UNIX => Some(Method::UnixListen),
        libc::AF_VSOCK => Some(Method::VsockListen),
        _ => None,
    }
}

/// Start-up check: `Ok(None)` without socket activation, the method with
/// it, or qemu-ga's critical message.
pub fn detect() -> Result<Option<Method>, &'static str> {
    match check_socket_activation() {
        0 => Ok(None),
        1 => listen_method(FIRST_SOCKET_ACTIVATION_FD)
            .map(Some)
            .ok_or("unsupported listen fd type"),
        _ => Err("qemu-ga only supports listening on one socket"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn method_from_socket_family() {
        let dir = tempfile::tempdir().expect("tempdir");
        let unix = std::os::unix::net::UnixListener::bind(dir.path().join("s")).expect("bind");
        assert_eq!(listen_method(unix.as_raw_fd()), Some(Method::UnixListen));
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        assert_eq!(listen_method(tcp.as_raw_fd()), None);
        let file = std::fs::File::open("/dev/null").expect("open");
        assert_eq!(listen_method(file.as_raw_fd()), None);
    }

    #[test]
    fn no_activation_without_our_pid() {
        // LISTEN_PID is unset or names another process in the test runner.
        if std::env::var("LISTEN_PID").ok() != Some(std::process::id().to_string()) {
            assert_eq!(check_socket_activation(), 0);
        }
    }
}

//! systemd socket activation (`LISTEN_PID`/`LISTEN_FDS`, descriptors from 3).

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

use super::listener::Listener;

/// First descriptor passed by socket activation.
const FIRST_ACTIVATION_FD: RawFd = 3;

/// Set once the activation descriptors have been adopted, so that no second
/// caller can wrap (and later close) the same descriptors again.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Takes ownership of the descriptors passed by socket activation.
///
/// Returns an empty list when the environment does not activate this
/// process (`LISTEN_PID` missing or naming another process, `LISTEN_FDS`
/// missing, zero or malformed), like systemd's `sd_listen_fds`. The
/// descriptors are marked close-on-exec so that commands we spawn do not
/// inherit them. Only the first call in a process can return descriptors.
pub fn take_activation_fds() -> io::Result<Vec<OwnedFd>> {
    let Some(count) = activation_count() else {
        return Ok(Vec::new());
    };
    if TAKEN.swap(true, Ordering::AcqRel) {
        return Err(io::Error::other(
            "socket activation descriptors were already taken",
        ));
    }
    let mut fds = Vec::with_capacity(count);
    for raw in FIRST_ACTIVATION_FD..FIRST_ACTIVATION_FD + count as RawFd {
        // SAFETY: under the socket activation protocol the service manager
        // hands these descriptors to this process (LISTEN_PID matched) and
        // nothing else in it owns them; TAKEN ensures we wrap them once.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC)?;
        fds.push(fd);
    }
    Ok(fds)
}

/// The listener passed by socket activation, if any.
///
/// Like qemu-ga, exactly one socket is supported; unix, TCP and vsock
/// stream sockets are recognised.
pub fn activated_listener() -> io::Result<Option<Listener>> {
    let mut fds = take_activation_fds()?;
    match fds.len() {
        0 => Ok(None),
        1 => Listener::from_listening_fd(fds.remove(0)).map(Some),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "only one socket activation socket is supported",
        )),
    }
}

fn activation_count() -> Option<usize> {
    let pid: u32 = std::env::var("LISTEN_PID").ok()?.trim().parse().ok()?;
    if pid != std::process::id() {
        return None;
    }
    let count: usize = std::env::var("LISTEN_FDS").ok()?.trim().parse().ok()?;
    // Bound the count so a bogus value cannot make us adopt random fds.
    (1..=64).contains(&count).then_some(count)
}

//! SIGTERM and SIGINT are held (blocked) from start-up until the server's
//! handlers exist. A signal that arrives in between (after the pid file and
//! socket appear, as a service manager may send it) then stays pending and
//! still ends the agent cleanly, instead of killing it with the pid file
//! left behind. Child processes start with an empty mask (std resets it).

fn set_mask(how: libc::c_int) {
    // SAFETY: plain libc calls on a local, initialised signal set; no
    // pointers escape, and changing this thread's mask is always sound.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(how, &set, std::ptr::null_mut());
    }
}

/// Blocks SIGTERM and SIGINT on this thread (and threads and forks made
/// from it).
pub fn hold_termination() {
    set_mask(libc::SIG_BLOCK);
}

/// Unblocks them: call once handlers are installed.
pub fn release_termination() {
    set_mask(libc::SIG_UNBLOCK);
}

//! Small wrappers over libc that several modules need.

use std::ffi::CStr;

/// The C library's text for `errno` (`strerror`), as qemu-ga prints it.
pub fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: buf is writable for its full length, which is passed along;
    // the XSI strerror_r always NUL-terminates on success.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// `strerror` of an `io::Error`, or its own text when it has no errno.
pub fn io_error_text(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        Some(errno) => strerror(errno),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strerror_matches_libc() {
        assert_eq!(super::strerror(libc::ENOENT), "No such file or directory");
    }
}

//! How qemu-ga sees a JSON string argument.
//!
//! QEMU's JSON parser stores U+0000 as the two bytes C0 80 ("modified
//! UTF-8") so that its C strings never end early.  A `\u0000` in a path
//! or an exec argument therefore reaches the system as those two bytes,
//! and fails every character check (base64, open modes).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// The bytes qemu-ga passes to the system for `s`.
pub fn os_string(s: &str) -> OsString {
    let mut bytes = Vec::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b == 0 {
            bytes.extend_from_slice(&[0xC0, 0x80]);
        } else {
            bytes.push(b);
        }
    }
    OsString::from_vec(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn nul_becomes_c0_80() {
        assert_eq!(os_string("a\0b").as_bytes(), b"a\xC0\x80b");
        assert_eq!(os_string("/tmp/x").as_bytes(), b"/tmp/x");
    }
}

//! guest-get-osinfo: `uname` plus `/etc/os-release` read the way
//! qemu-ga reads it (a GLib key file under an invented `[os-release]`
//! group, then its own unquoting).

use std::ffi::CStr;
use std::path::Path;

use crate::keyfile::KeyFile;
use crate::log::syslog_info;
use crate::qapi::types::GuestOSInfo;

use super::root::FsRoot;

/// qemu-ga's `ga_osrelease_replace_special`, quirks included:
///
/// - a value not starting with `"` is cut at the first space, then at
///   the first `;` (single quotes are not treated as quotes);
/// - a `"`-quoted value is unescaped (`\$ \' \" \\ \``) up to the closing
///   quote; other backslashes stay;
/// - without a closing quote the unescaped text is written over the
///   original in place and the rest of the original remains after it.
pub fn replace_special(value: &[u8]) -> Vec<u8> {
    if value.first() != Some(&b'"') {
        let cut = |v: &[u8], c: u8| v.iter().position(|&b| b == c).unwrap_or(v.len());
        let v = &value[..cut(value, b' ')];
        return v[..cut(v, b';')].to_vec();
    }
    let mut buf = value.to_vec();
    let (mut w, mut r) = (0, 1);
    while r < buf.len() {
        if buf[r] == b'\\' {
            let next = buf.get(r + 1).copied();
            if matches!(next, Some(b'$' | b'\'' | b'"' | b'\\' | b'`')) {
                r += 1;
            }
        } else if buf[r] == b'"' {
            buf.truncate(w);
            return buf;
        }
        buf[w] = buf[r];
        w += 1;
        r += 1;
    }
    buf
}

fn parse_os_release(path: &Path, shown: &str) -> Option<KeyFile> {
    let content = match std::fs::read(path) {
        Ok(c) => c,
        Err(e) => {
            syslog_info(&format!(
                "failed to read '{shown}', error: Failed to open file \u{201c}{shown}\u{201d}: {}",
                crate::sys::io_error_text(&e)
            ));
            return None;
        }
    };
    if std::str::from_utf8(&content).is_err() {
        syslog_info(&format!("file is not utf-8 encoded: {shown}"));
        return None;
    }
    let mut data = b"[os-release]\n".to_vec();
    data.extend_from_slice(&content);
    match KeyFile::parse(&data) {
        Ok(kf) => Some(kf),
        Err(e) => {
            syslog_info(&format!("failed to parse file '{shown}', error: {e}"));
            None
        }
    }
}

fn uname() -> Option<(String, String, String)> {
    // SAFETY: all-zero is a valid utsname; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: u is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return None;
    }
    let text = |field: &[libc::c_char]| {
        // SAFETY: uname NUL-terminates every field within its array.
        unsafe { CStr::from_ptr(field.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    Some((text(&u.version), text(&u.release), text(&u.machine)))
}

/// `qmp_guest_get_osinfo`.  `env_path` is `$QGA_OS_RELEASE`, used as is;
/// otherwise `/etc/os-release`, then `/usr/lib/os-release`, under `root`.
pub fn osinfo(root: &FsRoot, env_path: Option<&Path>) -> GuestOSInfo {
    let mut info = GuestOSInfo {
        kernel_release: None,
        kernel_version: None,
        machine: None,
        id: None,
        name: None,
        pretty_name: None,
        version: None,
        version_id: None,
        variant: None,
        variant_id: None,
    };
    // qemu-ga sets an error when uname fails but still returns the rest;
    // uname cannot fail on Linux with a valid buffer.
    if let Some((version, release, machine)) = uname() {
        info.kernel_version = Some(version);
        info.kernel_release = Some(release);
        info.machine = Some(machine);
    }
    let keys = match env_path {
        Some(p) => parse_os_release(p, &p.display().to_string()),
        None => parse_os_release(&root.path("/etc/os-release"), "/etc/os-release")
            .or_else(|| parse_os_release(&root.path("/usr/lib/os-release"), "/usr/lib/os-release")),
    };
    let Some(keys) = keys else {
        return info;
    };
    let get = |key: &str| {
        keys.raw_value("os-release", key)
            .map(|v| String::from_utf8_lossy(&replace_special(v)).into_owned())
    };
    info.id = get("ID");
    info.name = get("NAME");
    info.pretty_name = get("PRETTY_NAME");
    info.version = get("VERSION");
    info.version_id = get("VERSION_ID");
    info.variant = get("VARIANT");
    info.variant_id = get("VARIANT_ID");
    info
}

#[cfg(test)]
mod tests {
    use super::replace_special as r;

    #[test]
    fn unquoting_as_qemu_ga() {
        assert_eq!(r(b"debian"), b"debian");
        assert_eq!(r(b"a b;c"), b"a");
        assert_eq!(r(b"ab;c d"), b"ab");
        assert_eq!(r(b"'a b'"), b"'a");
        assert_eq!(r(b"\"Debian GNU/Linux\""), b"Debian GNU/Linux");
        assert_eq!(r(b"\"a\\\"b\\$c\\\\d\\ne\" tail"), b"a\"b$c\\d\\ne");
        assert_eq!(r(b"\"abc"), b"abcc");
        assert_eq!(r(b"\"a\\\"b"), b"a\"b\"b");
        assert_eq!(r(b"\"\""), b"");
        assert_eq!(r(b""), b"");
        assert_eq!(r(b"\"trailing\\"), b"trailing\\\\");
    }
}

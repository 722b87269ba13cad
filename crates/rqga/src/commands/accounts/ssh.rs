//! guest-ssh-{get,add,remove}-authorized-keys on `~user/.ssh/authorized_keys`,
//! with qemu-ga's ownership and permission handling and error texts.

use std::ffi::{CStr, CString, OsString};
use std::fmt::Debug;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use rqapi_runtime::qmp::QmpError;

use super::password::c_str;
use crate::sys::{io_error_text, strerror};

/// The parts of a passwd entry the commands use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    pub dir: PathBuf,
    pub uid: u32,
    pub gid: u32,
}

/// Looks users up; the error is the reason text (GLib's message).
pub trait PasswdLookup: Send + Sync + Debug {
    fn lookup(&self, username: &str) -> Result<PasswdEntry, String>;
}

/// `getpwnam_r`, as GLib's `g_unix_get_passwd_entry`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemPasswd;

impl PasswdLookup for SystemPasswd {
    fn lookup(&self, username: &str) -> Result<PasswdEntry, String> {
        let name = CString::new(username).map_err(|_| strerror(libc::EINVAL))?;
        let mut size = 1024usize;
        loop {
            let mut buf = vec![0 as libc::c_char; size];
            // SAFETY: passwd is plain data; all-zero is a valid value.
            let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            // SAFETY: every pointer refers to live memory of the stated
            // size; on success `result` points at `pwd`, whose strings
            // live in `buf`, both still alive when read below.
            let rc = unsafe {
                libc::getpwnam_r(name.as_ptr(), &mut pwd, buf.as_mut_ptr(), size, &mut result)
            };
            if rc == libc::ERANGE && size < 1 << 20 {
                size *= 2;
                continue;
            }
            if result.is_null() {
                // Not found is rc 0: GLib then reports "Success".
                return Err(strerror(rc));
            }
            // SAFETY: pw_dir is a NUL-terminated string inside buf.
            let dir = unsafe { CStr::from_ptr(pwd.pw_dir) }.to_bytes().to_vec();
            return Ok(PasswdEntry {
                dir: PathBuf::from(OsString::from_vec(dir)),
                uid: pwd.pw_uid,
                gid: pwd.pw_gid,
            });
        }
    }
}

fn err(msg: String) -> QmpError {
    QmpError::generic(msg)
}

fn passwd_entry(passwd: &dyn PasswdLookup, username: &str) -> Result<PasswdEntry, QmpError> {
    passwd
        .lookup(username)
        .map_err(|why| err(format!("failed to lookup user '{username}': {why}")))
}

/// `g_build_filename(dir, name)`: one separator between the parts.
fn build_filename(dir: &Path, name: &str) -> PathBuf {
    let bytes = dir.as_os_str().as_bytes();
    if bytes.is_empty() {
        return PathBuf::from(name);
    }
    let mut end = bytes.len();
    while end > 0 && bytes[end - 1] == b'/' {
        end -= 1;
    }
    let mut out = bytes[..end].to_vec();
    out.push(b'/');
    out.extend_from_slice(name.as_bytes());
    PathBuf::from(OsString::from_vec(out))
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `read_authkeys`: the file split at newlines (a trailing newline gives
/// a last empty line, as `g_strsplit`).
fn read_authkeys(path: &Path) -> Result<Vec<Vec<u8>>, QmpError> {
    use std::io::Read;
    let shown = display(path);
    let fail = |inner: String| err(format!("failed to read '{shown}': {inner}"));
    let mut file = std::fs::File::open(path).map_err(|e| {
        fail(format!(
            "Failed to open file \u{201c}{shown}\u{201d}: {}",
            io_error_text(&e)
        ))
    })?;
    let mut data = Vec::new();
    file.read_to_end(&mut data).map_err(|e| {
        fail(format!(
            "Failed to read from file \u{201c}{shown}\u{201d}: {}",
            io_error_text(&e)
        ))
    })?;
    // Used as a C string.
    if let Some(nul) = data.iter().position(|&c| c == 0) {
        data.truncate(nul);
    }
    Ok(data.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect())
}

fn chown(path: &Path, p: &PasswdEntry) -> std::io::Result<()> {
    std::os::unix::fs::chown(path, Some(p.uid), Some(p.gid))
}

fn chmod(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

fn mkdir_for_user(path: &Path, p: &PasswdEntry, mode: u32) -> Result<(), QmpError> {
    let shown = display(path);
    let with = |what: String, e: std::io::Error| err(format!("{what}: {}", io_error_text(&e)));
    std::fs::DirBuilder::new()
        .mode(mode)
        .create(path)
        .map_err(|e| with(format!("failed to create directory '{shown}'"), e))?;
    chown(path, p)
        .map_err(|e| with(format!("failed to set ownership of directory '{shown}'"), e))?;
    chmod(path, mode).map_err(|e| {
        with(
            format!("failed to set permissions of directory '{shown}'"),
            e,
        )
    })
}

/// `write_authkeys`: lines joined with newlines (no final one), owned by
/// the user, mode 0600.
fn write_authkeys(path: &Path, keys: &[Vec<u8>], p: &PasswdEntry) -> Result<(), QmpError> {
    let shown = display(path);
    let contents = keys.join(&b'\n');
    crate::state::set_contents(path, &contents)
        .map_err(|e| err(format!("failed to write to '{shown}': {e}")))?;
    let with = |what: String, e: std::io::Error| err(format!("{what}: {}", io_error_text(&e)));
    // "directory" in the ownership message is qemu-ga's text.
    chown(path, p)
        .map_err(|e| with(format!("failed to set ownership of directory '{shown}'"), e))?;
    chmod(path, 0o600).map_err(|e| with(format!("failed to set permissions of '{shown}'"), e))
}

/// `check_openssh_pub_keys`: no comment lines, no embedded newlines.
fn check_keys(keys: &[String]) -> Result<Vec<Vec<u8>>, QmpError> {
    keys.iter()
        .map(|k| {
            let k = c_str(k);
            if k.starts_with('#') || k.contains('\n') {
                Err(err(format!("invalid OpenSSH public key: '{k}'")))
            } else {
                Ok(k.as_bytes().to_vec())
            }
        })
        .collect()
}

fn authkeys_path(p: &PasswdEntry) -> (PathBuf, PathBuf) {
    let ssh = build_filename(&p.dir, ".ssh");
    let keys = build_filename(&ssh, "authorized_keys");
    (ssh, keys)
}

/// guest-ssh-get-authorized-keys: stripped, non-empty, non-comment
/// lines, last one first (qemu-ga prepends each).
pub fn get_keys(passwd: &dyn PasswdLookup, username: &str) -> Result<Vec<String>, QmpError> {
    let p = passwd_entry(passwd, c_str(username))?;
    let (_, path) = authkeys_path(&p);
    let is_space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let mut keys: Vec<String> = read_authkeys(&path)?
        .iter()
        .filter_map(|line| {
            let start = line.iter().position(|c| !is_space(c))?;
            let end = line.iter().rposition(|c| !is_space(c))? + 1;
            let key = &line[start..end];
            (key[0] != b'#').then(|| String::from_utf8_lossy(key).into_owned())
        })
        .collect();
    keys.reverse();
    Ok(keys)
}

/// guest-ssh-add-authorized-keys.
pub fn add_keys(
    passwd: &dyn PasswdLookup,
    username: &str,
    keys: &[String],
    reset: bool,
) -> Result<(), QmpError> {
    let new_keys = check_keys(keys)?;
    let p = passwd_entry(passwd, c_str(username))?;
    let (ssh_dir, path) = authkeys_path(&p);
    let existing = if reset {
        None
    } else {
        read_authkeys(&path).ok()
    };
    if existing.is_none() && !ssh_dir.is_dir() {
        mkdir_for_user(&ssh_dir, &p, 0o700)?;
    }
    let mut all = existing.unwrap_or_default();
    for key in new_keys {
        if !all.contains(&key) {
            all.push(key);
        }
    }
    write_authkeys(&path, &all, &p)
}

/// guest-ssh-remove-authorized-keys: nothing to do without the file.
pub fn remove_keys(
    passwd: &dyn PasswdLookup,
    username: &str,
    keys: &[String],
) -> Result<(), QmpError> {
    let gone = check_keys(keys)?;
    let p = passwd_entry(passwd, c_str(username))?;
    let (_, path) = authkeys_path(&p);
    if !path.exists() {
        return Ok(());
    }
    let kept: Vec<Vec<u8>> = read_authkeys(&path)?
        .into_iter()
        .filter(|line| !gone.contains(line))
        .collect();
    write_authkeys(&path, &kept, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_like_glib() {
        let b = |d: &str| build_filename(Path::new(d), ".ssh");
        assert_eq!(b("/home/u"), Path::new("/home/u/.ssh"));
        assert_eq!(b("/home/u//"), Path::new("/home/u/.ssh"));
        assert_eq!(b("/"), Path::new("/.ssh"));
        assert_eq!(b(""), Path::new(".ssh"));
    }
}

//! `guest-file-open`'s modes and its create-then-chmod opening, as
//! qemu-ga's `safe_open_or_create`.

use std::fs::{File, OpenOptions, Permissions};
use std::io::ErrorKind;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use rqapi_runtime::qmp::QmpError;

use crate::sys::io_error_text;

/// What an fopen() mode string asks of open(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenMode {
    read: bool,
    write: bool,
    append: bool,
    create: bool,
    truncate: bool,
}

/// Files qemu-ga creates get rw-rw-rw-, whatever the umask.
const NEW_FILE_MODE: u32 = 0o666;

impl OpenMode {
    /// qemu-ga's mode table (fopen's modes; `b` is accepted and ignored,
    /// before or after `+`).
    pub fn parse(mode: &str) -> Result<OpenMode, QmpError> {
        let (read, write, append, create, truncate) = match mode {
            "r" | "rb" => (true, false, false, false, false),
            "w" | "wb" => (false, true, false, true, true),
            "a" | "ab" => (false, true, true, true, false),
            "r+" | "rb+" | "r+b" => (true, true, false, false, false),
            "w+" | "wb+" | "w+b" => (true, true, false, true, true),
            "a+" | "ab+" | "a+b" => (true, true, true, true, false),
            _ => {
                return Err(QmpError::generic(format!(
                    "invalid file open mode '{mode}'"
                )));
            }
        };
        Ok(OpenMode {
            read,
            write,
            append,
            create,
            truncate,
        })
    }

    fn options(self, exclusive: bool) -> OpenOptions {
        let mut o = OpenOptions::new();
        o.read(self.read)
            .write(self.write)
            .append(self.append)
            .truncate(self.truncate && !exclusive)
            .create_new(exclusive)
            // Non-blocking so that a FIFO or device cannot hang the agent;
            // std adds O_CLOEXEC.
            .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
            .mode(0o000);
        o
    }
}

/// Opens `path` as qemu-ga does: modes that create first try to create
/// the file exclusively and then set its permissions to 0666 (so the
/// umask does not apply); an existing file is opened as it is.
pub fn open(path: &str, mode_text: &str) -> Result<File, QmpError> {
    let mode = OpenMode::parse(mode_text)?;
    let failed = |e: std::io::Error, what: String| {
        QmpError::generic(format!(
            "{what} '{path}' (mode: '{mode_text}'): {}",
            io_error_text(&e)
        ))
    };
    let os_path = super::qstring::os_string(path);
    let mut created = mode.create;
    let opened = match mode.options(created).open(&os_path) {
        Err(e) if created && e.kind() == ErrorKind::AlreadyExists => {
            created = false;
            mode.options(false).open(&os_path)
        }
        other => other,
    };
    let file = opened.map_err(|e| failed(e, "failed to open file".into()))?;
    if created {
        if let Err(e) = file.set_permissions(Permissions::from_mode(NEW_FILE_MODE)) {
            drop(file);
            let _ = std::fs::remove_file(&os_path);
            return Err(failed(
                e,
                format!("failed to set permission 0{NEW_FILE_MODE:03o} on new file"),
            ));
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn modes() {
        for m in [
            "r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "r+b", "w+", "wb+", "w+b", "a+", "ab+",
            "a+b",
        ] {
            OpenMode::parse(m).unwrap();
        }
        for m in ["", "zz", "R", "rw", "r+x", "br", "+r", "r ", "x"] {
            assert_eq!(
                OpenMode::parse(m).unwrap_err().desc,
                format!("invalid file open mode '{m}'")
            );
        }
    }

    #[test]
    fn creates_with_0666_and_keeps_existing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new");
        let ps = p.to_str().unwrap();
        let mut f = open(ps, "w").unwrap();
        f.write_all(b"abc").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o666);
        std::fs::set_permissions(&p, Permissions::from_mode(0o600)).unwrap();
        // Appending keeps the contents and the permissions.
        let mut f = open(ps, "a+").unwrap();
        f.write_all(b"def").unwrap();
        let mut s = String::new();
        open(ps, "r").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "abcdef");
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        // "w" truncates an existing file.
        drop(open(ps, "wb").unwrap());
        assert_eq!(std::fs::metadata(&p).unwrap().len(), 0);
    }

    #[test]
    fn open_errors() {
        let err = open("/nonexistent/x", "r").unwrap_err();
        assert_eq!(
            err.desc,
            "failed to open file '/nonexistent/x' (mode: 'r'): No such file or directory"
        );
        let err = open("/nonexistent/x", "w+").unwrap_err();
        assert_eq!(
            err.desc,
            "failed to open file '/nonexistent/x' (mode: 'w+'): No such file or directory"
        );
    }
}

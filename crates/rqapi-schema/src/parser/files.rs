//! Reading schema files and Python-compatible path arithmetic
//! (`os.path.dirname`, `os.path.join`, `os.path.abspath` on POSIX).

use std::io::Read;

/// Why a file could not be read, worded for QEMU's messages.
#[derive(Debug)]
pub(crate) struct ReadError(pub(crate) String);

/// Most schema text read for one schema, root and includes together.
///
/// QEMU has no bound. This one is over 20 times QEMU's whole QMP schema
/// (about 0.75 MB); it keeps memory bounded (the checked model of
/// pathological text, e.g. one enum of millions of values, takes up to
/// ~80 times the text's size) and stops reading endless files such as
/// `/dev/zero`.
pub const MAX_SCHEMA_BYTES: usize = 16 << 20;

/// Reads `fname` as Python's `open(fname, 'r', encoding='utf-8').read()`
/// does: UTF-8, universal newlines (`\r\n` and `\r` become `\n`).
/// `total` counts the bytes read so far for the schema; the file may not
/// take it past [`MAX_SCHEMA_BYTES`].
pub(crate) fn read_source(fname: &str, total: &mut usize) -> Result<String, ReadError> {
    let budget = MAX_SCHEMA_BYTES.saturating_sub(*total);
    let mut bytes = Vec::new();
    std::fs::File::open(fname)
        .and_then(|file| {
            // Sized from the file's length, so a file takes two reads.
            let len = file.metadata().map_or(0, |m| m.len() as usize);
            bytes.reserve_exact(len.min(budget) + 1);
            file.take(budget as u64 + 1).read_to_end(&mut bytes)
        })
        .map_err(|err| ReadError(strerror(&err)))?;
    if bytes.len() > budget {
        return Err(ReadError(format!(
            "File too large: a schema and its includes may total at most {} MiB",
            MAX_SCHEMA_BYTES >> 20
        )));
    }
    *total += bytes.len();
    let text = String::from_utf8(bytes).map_err(|err| {
        let e = err.utf8_error();
        ReadError(format!("invalid UTF-8 at byte offset {}", e.valid_up_to()))
    })?;
    // Vectorised: the whole schema is scanned.
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return Ok(text);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The C library's `strerror` text, as Python's `OSError.strerror`.
fn strerror(err: &std::io::Error) -> String {
    let full = err.to_string();
    match err.raw_os_error() {
        // std renders OS errors as "TEXT (os error N)".
        Some(code) => full
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&full)
            .to_owned(),
        None => full,
    }
}

/// `os.path.dirname`.
pub(crate) fn dirname(path: &str) -> &str {
    let head = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    if !head.is_empty() && head.bytes().any(|b| b != b'/') {
        head.trim_end_matches('/')
    } else {
        head
    }
}

/// `os.path.join(dir, name)` for two components.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if name.starts_with('/') || dir.is_empty() {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The working directory, read once per schema: Python's `abspath` asks
/// the kernel on every call, which costs hundreds of `getcwd` calls.
pub(crate) fn current_dir() -> String {
    std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".to_owned())
}

/// `os.path.abspath`: joined to the working directory `cwd` and normalised
/// lexically (no symlink resolution), which is how QEMU identifies files.
pub(crate) fn abspath(cwd: &str, path: &str) -> String {
    let joined;
    let path = if path.starts_with('/') {
        path
    } else {
        joined = join(cwd, path);
        &joined
    };
    normpath(path)
}

/// `posixpath.normpath` for an absolute path.
fn normpath(path: &str) -> String {
    // POSIX keeps exactly two leading slashes; three or more become one.
    let root = if path.starts_with("//") && !path.starts_with("///") {
        "//"
    } else {
        "/"
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("{root}{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirname_like_python() {
        assert_eq!(dirname("a.json"), "");
        assert_eq!(dirname("dir/a.json"), "dir");
        assert_eq!(dirname("dir//a.json"), "dir");
        assert_eq!(dirname("/a.json"), "/");
        assert_eq!(dirname("//a.json"), "//");
        assert_eq!(dirname("../../qapi/x.json"), "../../qapi");
    }

    #[test]
    fn join_like_python() {
        assert_eq!(join("", "b.json"), "b.json");
        assert_eq!(join("dir", "b.json"), "dir/b.json");
        assert_eq!(join("dir/", "b.json"), "dir/b.json");
        assert_eq!(join("dir", "/abs.json"), "/abs.json");
        assert_eq!(join("a", "../b.json"), "a/../b.json");
    }

    #[test]
    fn normpath_like_python() {
        assert_eq!(normpath("/a/./b/../c.json"), "/a/c.json");
        assert_eq!(normpath("/../x"), "/x");
        assert_eq!(normpath("//a//b/"), "//a/b");
        assert_eq!(normpath("///a"), "/a");
        assert_eq!(abspath("/cwd", "/x/y/../z"), "/x/z");
        assert_eq!(abspath("/cwd", "a/../b"), "/cwd/b");
    }

    #[test]
    fn missing_file_uses_strerror() {
        let err = read_source("/nonexistent/rqapi-test.json", &mut 0).unwrap_err();
        assert_eq!(err.0, "No such file or directory");
    }
}

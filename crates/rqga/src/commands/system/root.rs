//! Where the guest's `/proc`, `/sys`, `/etc` and `/var` are read from.
//!
//! The handlers name paths exactly as qemu-ga does (errors quote them);
//! tests put a temporary tree in front of them.  The default, an empty
//! prefix, is the real root.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// A prefix for absolute paths; empty for the real root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FsRoot(PathBuf);

impl FsRoot {
    /// Everything below `dir` (a test tree).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FsRoot(dir.into())
    }

    /// The real root.
    pub fn real() -> Self {
        FsRoot::default()
    }

    /// `abs` (an absolute path as qemu-ga spells it, trailing slashes
    /// kept) under this root.
    pub fn path(&self, abs: &str) -> PathBuf {
        let mut bytes = self.0.as_os_str().to_owned().into_vec();
        while bytes.len() > 1 && bytes.ends_with(b"/") {
            bytes.pop();
        }
        if bytes == b"/" {
            bytes.clear();
        }
        bytes.extend_from_slice(abs.as_bytes());
        PathBuf::from(OsString::from_vec(bytes))
    }

    /// The prefix itself.
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_string_concatenation() {
        assert_eq!(FsRoot::real().path("/sys/x/"), Path::new("/sys/x/"));
        assert_eq!(FsRoot::new("/").path("/sys"), Path::new("/sys"));
        assert_eq!(
            FsRoot::new("/tmp/t/").path("/proc/stat"),
            Path::new("/tmp/t/proc/stat")
        );
    }
}

//! The system calls behind fsfreeze and fstrim, behind a trait so the
//! logic can be tested without freezing anything: [`SystemFsOps`] does the
//! real ioctls, [`FakeFsOps`] simulates filesystems in memory.
//!
//! Never point tests at [`SystemFsOps`] for freezing: a frozen root
//! filesystem hangs the machine.  Real freezing is for the VM harness.

use std::collections::HashMap;
use std::fmt::Debug;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::mounts::DevLookup;
use crate::commands::lock;

/// Why an operation on a mount point failed: opening it, or the ioctl.
#[derive(Debug)]
pub enum OpError {
    Open(io::Error),
    Ioctl(io::Error),
}

/// What FITRIM reports back: bytes trimmed and the minimum it applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    pub len: u64,
    pub minlen: u64,
}

/// Mount tables and the freeze/thaw/trim ioctls.
pub trait FsOps: Send + Sync + Debug {
    /// Contents of `/proc/self/mountinfo`.
    fn mountinfo(&self) -> io::Result<Vec<u8>>;
    /// Contents of `/proc/self/mounts` (fallback when mountinfo fails).
    fn mtab(&self) -> io::Result<Vec<u8>>;
    /// `stat` of a mount source.
    fn lookup_device(&self, path: &Path) -> DevLookup;
    /// Opens the mount point and issues FIFREEZE once.
    fn freeze(&self, mountpoint: &Path) -> Result<(), OpError>;
    /// Opens the mount point and issues FITHAW until it fails (nested
    /// freezes need one thaw each); true when at least one succeeded.
    /// `Err` only when the mount point cannot be opened.
    fn thaw(&self, mountpoint: &Path) -> io::Result<bool>;
    /// Opens the mount point and issues FITRIM over the whole range.
    fn trim(&self, mountpoint: &Path, minlen: u64) -> Result<Trimmed, OpError>;
}

// _IOWR('X', nr, size) from <linux/fs.h>.
const fn iowr_x(nr: u64, size: u64) -> u64 {
    (3 << 30) | (size << 16) | ((b'X' as u64) << 8) | nr
}
const FIFREEZE: u64 = iowr_x(119, 4);
const FITHAW: u64 = iowr_x(120, 4);
const FITRIM: u64 = iowr_x(121, std::mem::size_of::<FstrimRange>() as u64);

#[repr(C)]
struct FstrimRange {
    start: u64,
    len: u64,
    minlen: u64,
}

/// The real system calls.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemFsOps;

fn ioctl_noarg(file: &File, request: u64) -> io::Result<()> {
    // SAFETY: FIFREEZE/FITHAW take no argument (the kernel ignores it);
    // the descriptor is open for the duration of the call.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), request as _, 0) };
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

impl FsOps for SystemFsOps {
    fn mountinfo(&self) -> io::Result<Vec<u8>> {
        std::fs::read("/proc/self/mountinfo")
    }

    fn mtab(&self) -> io::Result<Vec<u8>> {
        std::fs::read("/proc/self/mounts")
    }

    fn lookup_device(&self, path: &Path) -> DevLookup {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => DevLookup::Directory,
            Ok(m) if m.file_type().is_block_device() => {
                let rdev = m.rdev();
                DevLookup::Block(libc::major(rdev), libc::minor(rdev))
            }
            Ok(_) => DevLookup::Other,
            Err(e) => {
                crate::log::syslog_info(&format!(
                    "failed to stat device file '{}': {}",
                    path.display(),
                    crate::sys::io_error_text(&e)
                ));
                DevLookup::Other
            }
        }
    }

    fn freeze(&self, mountpoint: &Path) -> Result<(), OpError> {
        let file = File::open(mountpoint).map_err(OpError::Open)?;
        ioctl_noarg(&file, FIFREEZE).map_err(OpError::Ioctl)
    }

    fn thaw(&self, mountpoint: &Path) -> io::Result<bool> {
        let file = File::open(mountpoint)?;
        let mut thawed = false;
        while ioctl_noarg(&file, FITHAW).is_ok() {
            thawed = true;
        }
        Ok(thawed)
    }

    fn trim(&self, mountpoint: &Path, minlen: u64) -> Result<Trimmed, OpError> {
        let file = File::open(mountpoint).map_err(OpError::Open)?;
        let mut range = FstrimRange {
            start: 0,
            len: u64::MAX,
            minlen,
        };
        // SAFETY: FITRIM reads and updates one fstrim_range, which lives
        // on our stack for the duration of the call.
        let rc = unsafe { libc::ioctl(file.as_raw_fd(), FITRIM as _, &mut range) };
        if rc == -1 {
            return Err(OpError::Ioctl(io::Error::last_os_error()));
        }
        Ok(Trimmed {
            len: range.len,
            minlen: range.minlen,
        })
    }
}

/// How a simulated filesystem answers.
#[derive(Debug, Clone, Default)]
pub struct FakeFs {
    /// Times frozen and not yet thawed.
    pub freeze_depth: u32,
    /// errno of FIFREEZE (e.g. EOPNOTSUPP), if it fails.
    pub freeze_errno: Option<i32>,
    /// errno of opening the mount point, if it fails.
    pub open_errno: Option<i32>,
    /// FITRIM's answer: Ok(bytes trimmed) or Err(errno).
    pub trim: Option<Result<u64, i32>>,
}

/// In-memory mount table and filesystems for tests.  Records the order
/// of freeze and thaw calls.
#[derive(Debug, Default)]
pub struct FakeFsOps {
    /// The text returned as mountinfo; `None` makes reading it fail.
    pub mountinfo: Mutex<Option<String>>,
    /// Per mount point behaviour; unknown mount points freeze fine.
    pub filesystems: Mutex<HashMap<PathBuf, FakeFs>>,
    /// `("freeze"|"thaw"|"trim", mount point)` in call order.
    pub log: Mutex<Vec<(&'static str, PathBuf)>>,
}

impl FakeFsOps {
    /// A fake with this mountinfo text.
    pub fn with_mountinfo(text: &str) -> Self {
        FakeFsOps {
            mountinfo: Mutex::new(Some(text.to_owned())),
            ..FakeFsOps::default()
        }
    }

    /// Changes how `mountpoint` behaves.
    pub fn set(&self, mountpoint: &str, fs: FakeFs) {
        lock(&self.filesystems).insert(PathBuf::from(mountpoint), fs);
    }

    /// How many times `mountpoint` is frozen now.
    pub fn depth(&self, mountpoint: &str) -> u32 {
        lock(&self.filesystems)
            .get(Path::new(mountpoint))
            .map_or(0, |f| f.freeze_depth)
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<(&'static str, PathBuf)> {
        lock(&self.log).clone()
    }

    fn record(&self, op: &'static str, path: &Path) {
        lock(&self.log).push((op, path.to_path_buf()));
    }
}

impl FsOps for FakeFsOps {
    fn mountinfo(&self) -> io::Result<Vec<u8>> {
        lock(&self.mountinfo)
            .clone()
            .map(String::into_bytes)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOENT))
    }

    fn mtab(&self) -> io::Result<Vec<u8>> {
        Err(io::Error::from_raw_os_error(libc::ENOENT))
    }

    fn lookup_device(&self, _path: &Path) -> DevLookup {
        DevLookup::Other
    }

    fn freeze(&self, mountpoint: &Path) -> Result<(), OpError> {
        self.record("freeze", mountpoint);
        let mut all = lock(&self.filesystems);
        let fs = all.entry(mountpoint.to_path_buf()).or_default();
        if let Some(errno) = fs.open_errno {
            return Err(OpError::Open(io::Error::from_raw_os_error(errno)));
        }
        if let Some(errno) = fs.freeze_errno {
            return Err(OpError::Ioctl(io::Error::from_raw_os_error(errno)));
        }
        if fs.freeze_depth > 0 {
            // A second freeze of the same superblock (bind mount).
            return Err(OpError::Ioctl(io::Error::from_raw_os_error(libc::EBUSY)));
        }
        fs.freeze_depth += 1;
        Ok(())
    }

    fn thaw(&self, mountpoint: &Path) -> io::Result<bool> {
        self.record("thaw", mountpoint);
        let mut all = lock(&self.filesystems);
        let fs = all.entry(mountpoint.to_path_buf()).or_default();
        if let Some(errno) = fs.open_errno {
            return Err(io::Error::from_raw_os_error(errno));
        }
        let thawed = fs.freeze_depth > 0;
        fs.freeze_depth = 0;
        Ok(thawed)
    }

    fn trim(&self, mountpoint: &Path, minlen: u64) -> Result<Trimmed, OpError> {
        self.record("trim", mountpoint);
        let all = lock(&self.filesystems);
        let fs = all.get(mountpoint).cloned().unwrap_or_default();
        if let Some(errno) = fs.open_errno {
            return Err(OpError::Open(io::Error::from_raw_os_error(errno)));
        }
        match fs.trim.unwrap_or(Ok(0)) {
            Ok(len) => Ok(Trimmed { len, minlen }),
            Err(errno) => Err(OpError::Ioctl(io::Error::from_raw_os_error(errno))),
        }
    }
}

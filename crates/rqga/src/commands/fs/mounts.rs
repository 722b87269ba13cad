//! qemu-ga's list of local filesystems (`build_fs_mount_list`): from
//! `/proc/self/mountinfo`, or `/proc/self/mounts` when that cannot be
//! opened.
//!
//! Filtering is qemu-ga's: mountinfo entries with device major 0
//! (proc, sysfs, tmpfs, cgroup... every virtual filesystem) are skipped,
//! except btrfs whose source is a block device; an entry whose device
//! number was already seen (bind mounts, the same filesystem mounted
//! twice) is skipped, so the first mount of each device wins.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// One local filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsMount {
    pub dirname: PathBuf,
    pub devtype: String,
    pub devmajor: u32,
    pub devminor: u32,
}

/// What `stat` says about a mount source (qemu-ga's `dev_major_minor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevLookup {
    /// A block device with this major and minor.
    Block(u32, u32),
    /// A directory: the source of a bind mount.
    Directory,
    /// Anything else, or stat failed.
    Other,
}

/// Undoes the kernel's octal escapes (`\040` for a space...) and `\\`.
pub fn decode_mntname(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        let at = |k: usize| raw.get(i + k).copied().unwrap_or(0);
        if c != b'\\' {
            out.push(c);
        } else if at(1) == b'\\' {
            out.push(b'\\');
            i += 1;
        } else if (b'0'..=b'3').contains(&at(1))
            && (b'0'..=b'7').contains(&at(2))
            && (b'0'..=b'7').contains(&at(3))
        {
            out.push((at(1) - b'0') * 64 + (at(2) - b'0') * 8 + (at(3) - b'0'));
            i += 3;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Splits off one whitespace-delimited word after skipping whitespace, as
/// scanf's `%s`: (word, rest).
fn word(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = s.iter().position(|&c| !is_space(c))?;
    let s = &s[start..];
    let end = s.iter().position(|&c| is_space(c)).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// scanf's `%u` on a whole word (digits, an optional sign).
fn unsigned(s: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(s).ok()?;
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Some(neg) = digits.strip_prefix('-') {
        return neg.parse::<u32>().ok().map(u32::wrapping_neg);
    }
    digits.parse().ok()
}

fn to_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(OsString::from_vec(bytes))
}

fn push_unique(mounts: &mut Vec<FsMount>, mount: FsMount) {
    let seen = mounts
        .iter()
        .any(|m| m.devmajor == mount.devmajor && m.devminor == mount.devminor);
    if !seen {
        mounts.push(mount);
    }
}

/// The fields of a mountinfo line qemu-ga uses, still escaped.
struct MountinfoFields<'a> {
    major: u32,
    minor: u32,
    dir: &'a [u8],
    devtype: &'a [u8],
    source: &'a [u8],
}

fn mountinfo_fields(line: &[u8]) -> Option<MountinfoFields<'_>> {
    let (_, rest) = word(line)?;
    let (_, rest) = word(rest)?;
    let (devno, rest) = word(rest)?;
    let colon = devno.iter().position(|&c| c == b':')?;
    let major = unsigned(&devno[..colon])?;
    let minor = unsigned(&devno[colon + 1..])?;
    let (_, rest) = word(rest)?;
    let (dir, rest) = word(rest)?;
    // scanf wanted one more character after the mount point.
    if rest.is_empty() {
        return None;
    }
    let dash = rest.windows(3).position(|w| w == b" - ")?;
    let (devtype, rest) = word(&rest[dash + 3..])?;
    let (source, rest) = word(rest)?;
    if rest.is_empty() {
        return None;
    }
    Some(MountinfoFields {
        major,
        minor,
        dir,
        devtype,
        source,
    })
}

/// Parses `/proc/self/mountinfo`; `stat` looks at a btrfs source.
pub fn parse_mountinfo(text: &[u8], stat: &dyn Fn(&Path) -> DevLookup) -> Vec<FsMount> {
    let mut mounts = Vec::new();
    for line in text.split_inclusive(|&c| c == b'\n') {
        let Some(fields) = mountinfo_fields(line) else {
            continue;
        };
        let (mut major, mut minor, dir, source) =
            (fields.major, fields.minor, fields.dir, fields.source);
        let devtype = String::from_utf8_lossy(fields.devtype).into_owned();
        if major == 0 {
            // btrfs reports major 0: use its source device's number.
            if devtype != "btrfs" {
                continue;
            }
            match stat(&to_path(decode_mntname(source))) {
                DevLookup::Block(ma, mi) => (major, minor) = (ma, mi),
                _ => continue,
            }
        }
        push_unique(
            &mut mounts,
            FsMount {
                dirname: to_path(decode_mntname(dir)),
                devtype,
                devmajor: major,
                devminor: minor,
            },
        );
    }
    mounts
}

/// Parses `/proc/self/mounts` (the fallback): sources not starting with
/// `/` (virtual and network filesystems), smbfs/cifs and bind mounts of
/// directories are skipped.  A source that cannot be stat'ed counts as
/// device 0:0, as in qemu-ga.
pub fn parse_mtab(text: &[u8], stat: &dyn Fn(&Path) -> DevLookup) -> Vec<FsMount> {
    let mut mounts = Vec::new();
    for line in text.split(|&c| c == b'\n') {
        let Some((fsname, rest)) = word(line) else {
            continue;
        };
        let Some((dir, rest)) = word(rest) else {
            continue;
        };
        let Some((devtype, _)) = word(rest) else {
            continue;
        };
        if fsname.first() != Some(&b'/') || devtype == b"smbfs" || devtype == b"cifs" {
            continue;
        }
        let (major, minor) = match stat(&to_path(decode_mntname(fsname))) {
            DevLookup::Directory => continue,
            DevLookup::Block(ma, mi) => (ma, mi),
            DevLookup::Other => (0, 0),
        };
        push_unique(
            &mut mounts,
            FsMount {
                dirname: to_path(decode_mntname(dir)),
                devtype: String::from_utf8_lossy(devtype).into_owned(),
                devmajor: major,
                devminor: minor,
            },
        );
    }
    mounts
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
28 27 8:1 / /mnt/my\\040disk rw - xfs /dev/sda1 rw
29 27 8:1 /sub /srv/bind rw - xfs /dev/sda1 rw
30 27 0:45 / /data rw shared:5 - btrfs /dev/sdb rw
31 27 0:46 / /nodev rw - btrfs /dev/missing rw
32 27 7:0 / /short - ext4
";

    fn stat(p: &Path) -> DevLookup {
        match p.to_str() {
            Some("/dev/sdb") => DevLookup::Block(8, 16),
            _ => DevLookup::Other,
        }
    }

    #[test]
    fn mountinfo_filtering_and_dedup() {
        let m = parse_mountinfo(SAMPLE.as_bytes(), &stat);
        let got: Vec<_> = m
            .iter()
            .map(|m| {
                (
                    m.dirname.to_str().unwrap(),
                    m.devtype.as_str(),
                    m.devmajor,
                    m.devminor,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("/", "ext4", 254, 0),
                ("/mnt/my disk", "xfs", 8, 1),
                ("/data", "btrfs", 8, 16),
            ]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(decode_mntname(b"a\\040b\\\\c\\9x\\"), b"a b\\c\\9x\\");
    }

    #[test]
    fn mtab_fallback() {
        let text = b"proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\n//srv/share /mnt cifs rw 0 0\n/home /bind none rw,bind 0 0\n/dev/x /x ext4 rw 0 0\n";
        let stat = |p: &Path| match p.to_str() {
            Some("/dev/vda") => DevLookup::Block(254, 0),
            Some("/home") => DevLookup::Directory,
            _ => DevLookup::Other,
        };
        let m = parse_mtab(text, &stat);
        assert_eq!(m.len(), 2);
        assert_eq!((m[1].dirname.to_str(), m[1].devmajor), (Some("/x"), 0));
    }
}

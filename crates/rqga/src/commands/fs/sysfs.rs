//! What qemu-ga asks libudev, answered natively: a device's node
//! (`DEVNAME` from its `uevent`) and its properties (the `uevent` file
//! plus the udev database, `E:` lines of `/run/udev/data/b<maj>:<min>`),
//! and a small `sscanf` for the sysfs paths qemu-ga picks apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where sysfs and the udev database are (tests use a temporary tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysRoots {
    /// `/sys`.
    pub sys: PathBuf,
    /// `/run/udev/data`.
    pub udev_data: PathBuf,
}

impl Default for SysRoots {
    fn default() -> Self {
        SysRoots {
            sys: PathBuf::from("/sys"),
            udev_data: PathBuf::from("/run/udev/data"),
        }
    }
}

/// A device as `udev_device_new_from_syspath` finds it.
#[derive(Debug, Clone, Default)]
pub struct UdevDevice {
    pub syspath: PathBuf,
    properties: HashMap<String, String>,
}

fn parse_key_values(text: &str, prefix: &str, into: &mut HashMap<String, String>) {
    for line in text.lines() {
        if let Some((k, v)) = line.strip_prefix(prefix).and_then(|l| l.split_once('=')) {
            into.insert(k.to_owned(), v.to_owned());
        }
    }
}

impl UdevDevice {
    /// `None` when the path does not resolve to a device directory (one
    /// with a `uevent` file) under the sysfs root.
    pub fn from_syspath(roots: &SysRoots, path: &Path) -> Option<UdevDevice> {
        let syspath = std::fs::canonicalize(path).ok()?;
        if !syspath.starts_with(&roots.sys) {
            return None;
        }
        let uevent = std::fs::read(syspath.join("uevent")).ok()?;
        let mut properties = HashMap::new();
        parse_key_values(&String::from_utf8_lossy(&uevent), "", &mut properties);
        let subsystem = std::fs::read_link(syspath.join("subsystem")).ok();
        let kind = match subsystem.as_deref().and_then(Path::file_name) {
            Some(s) if s == "block" => 'b',
            _ => 'c',
        };
        if let (Some(major), Some(minor)) = (properties.get("MAJOR"), properties.get("MINOR")) {
            let db = roots.udev_data.join(format!("{kind}{major}:{minor}"));
            if let Ok(data) = std::fs::read(db) {
                parse_key_values(&String::from_utf8_lossy(&data), "E:", &mut properties);
            }
        }
        Some(UdevDevice {
            syspath,
            properties,
        })
    }

    /// `udev_device_get_devnode`: `/dev/<DEVNAME>`.
    pub fn devnode(&self) -> Option<String> {
        let name = self.properties.get("DEVNAME")?;
        Some(if name.starts_with('/') {
            name.clone()
        } else {
            format!("/dev/{name}")
        })
    }

    /// `udev_device_get_property_value`.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties.get(key).map(String::as_str)
    }
}

fn skip_space(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        i += 1;
    }
    i
}

/// One `%x`/`%u`/`%d` conversion at `i`: (value, index after it).
fn convert(s: &[u8], i: usize, hex: bool) -> Option<(u32, usize)> {
    let mut i = skip_space(s, i);
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let radix = if hex { 16 } else { 10 };
    if hex
        && s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2;
    }
    let start = i;
    let mut value: u32 = 0;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        value = value.wrapping_mul(radix).wrapping_add(d);
        i += 1;
    }
    if i == start {
        return None;
    }
    Some((
        if negative {
            value.wrapping_neg()
        } else {
            value
        },
        i,
    ))
}

/// A small `sscanf`: in `pattern`, `x`, `u` and `d` are conversions
/// (`*` before one discards it), anything else is a literal.  Returns the
/// values stored before the first mismatch and how far the input was
/// consumed when the whole pattern matched (`%n` at the end).
pub fn scan(input: &str, pattern: &str) -> (Vec<u32>, Option<usize>) {
    let s = input.as_bytes();
    let mut values = Vec::new();
    let mut i = 0;
    let mut suppress = false;
    for p in pattern.bytes() {
        match p {
            b'*' => suppress = true,
            b'x' | b'u' | b'd' => {
                let Some((v, next)) = convert(s, i, p == b'x') else {
                    return (values, None);
                };
                if !suppress {
                    values.push(v);
                }
                suppress = false;
                i = next;
            }
            lit => {
                if s.get(i) != Some(&lit) {
                    return (values, None);
                }
                i += 1;
            }
        }
    }
    (values, Some(i))
}

/// The text after the first occurrence of `needle` in `haystack`, with
/// the needle (`strstr`).
pub fn find<'a>(haystack: &'a str, needle: &str) -> Option<&'a str> {
    haystack.find(needle).map(|at| &haystack[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_like_sscanf() {
        let (v, n) = scan("0000:00/0000:00:1f.2/ata1/host0", "*x:*x/x:x:x.x");
        assert_eq!(v, [0, 0, 0x1f, 2]);
        assert_eq!(n, Some(20));
        let (v, n) = scan("0:0:0/0:0:3:1/block", "*u:*u:*u/*u:u:u:u");
        assert_eq!((v, n.is_some()), (vec![0, 3, 1], true));
        let (v, n) = scan("/virtio1/block", "/x:x:x.x");
        assert_eq!((v.len(), n), (0, None));
    }
}

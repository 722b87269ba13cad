//! guest-get-vcpus / guest-set-vcpus: `/sys/devices/system/cpu/cpuN/online`
//! (qemu-ga's `transfer_vcpu`).  A CPU without an `online` file (usually
//! cpu0) is online and cannot be offlined.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileExt, OpenOptionsExt};

use crate::commands::system::root::FsRoot;
use crate::commands::system::scan::strtol;
use crate::qapi::types::GuestLogicalProcessor;
use crate::sys::io_error_text;

const CPU_DIR: &str = "/sys/devices/system/cpu";

fn errno(e: &std::io::Error) -> Option<i32> {
    e.raw_os_error()
}

/// `sscanf(name, "cpu%ld", &id)` matched.
fn cpu_id(name: &[u8]) -> Option<i64> {
    let rest = name.strip_prefix(b"cpu")?;
    let digits_at = rest
        .iter()
        .position(|&b| !crate::commands::system::scan::is_c_space(b))?;
    let signed = matches!(rest[digits_at], b'+' | b'-');
    rest.get(digits_at + usize::from(signed))?
        .is_ascii_digit()
        .then(|| strtol(rest, 10))
}

fn open_dir(root: &FsRoot, shown: &str) -> Result<File, String> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(root.path(shown))
        .map_err(|e| format!("Could not open '{shown}': {}", io_error_text(&e)))
}

/// Reads (`apply` is `None`) or applies one CPU's state: (online,
/// can_offline).
fn transfer(root: &FsRoot, id: i64, apply: Option<bool>) -> Result<(bool, bool), String> {
    let dir = format!("{CPU_DIR}/cpu{id}/");
    let _dirfd = open_dir(root, &dir)?;
    let file = format!("{dir}/online");
    let opened = OpenOptions::new()
        .read(true)
        .write(apply.is_some())
        .open(root.path(&file));
    let f = match opened {
        Err(e) if errno(&e) != Some(libc::ENOENT) => {
            return Err(format!("could not open {file}: {}", io_error_text(&e)));
        }
        Err(_) => {
            return match apply {
                Some(false) => Err(format!("logical processor #{id} can't be offlined")),
                // Re-onlining an always-online CPU "succeeds".
                _ => Ok((true, false)),
            };
        }
        Ok(f) => f,
    };
    let mut status = [0u8; 1];
    match f.read_at(&mut status, 0) {
        Err(e) => return Err(format!("pread(\"{file}\"): {}", io_error_text(&e))),
        Ok(0) => return Err(format!("pread(\"{file}\"): unexpected EOF")),
        Ok(_) => {}
    }
    let online = status[0] != b'0';
    if let Some(want) = apply {
        if want != online {
            let byte = if want { b'1' } else { b'0' };
            f.write_at(&[byte], 0)
                .map_err(|e| format!("pwrite(\"{file}\"): {}", io_error_text(&e)))?;
        }
    }
    Ok((online, true))
}

/// `qmp_guest_get_vcpus`, in directory order.
pub fn get_vcpus(root: &FsRoot) -> Result<Vec<GuestLogicalProcessor>, String> {
    let entries = std::fs::read_dir(root.path(CPU_DIR))
        .map_err(|e| format!("failed to list entries: {CPU_DIR}: {}", io_error_text(&e)))?;
    let mut vcpus = Vec::new();
    // g_dir_read_name stops at the first read error.
    for entry in entries.map_while(Result::ok) {
        use std::os::unix::ffi::OsStrExt;
        let Some(id) = cpu_id(entry.file_name().as_bytes()) else {
            continue;
        };
        let (online, can_offline) = transfer(root, id, None)?;
        vcpus.push(GuestLogicalProcessor {
            logical_id: id,
            online,
            can_offline: Some(can_offline),
        });
    }
    Ok(vcpus)
}

/// `qmp_guest_set_vcpus`: stops at the first failure; the failure is the
/// answer only when nothing was processed, else the count is.
pub fn set_vcpus(root: &FsRoot, vcpus: &[GuestLogicalProcessor]) -> Result<i64, String> {
    let mut processed = 0;
    for vcpu in vcpus {
        if let Err(e) = transfer(root, vcpu.logical_id, Some(vcpu.online)) {
            return if processed == 0 {
                Err(e)
            } else {
                Ok(processed)
            };
        }
        processed += 1;
    }
    Ok(processed)
}

#[cfg(test)]
mod tests {
    use super::cpu_id;

    #[test]
    fn cpu_names_as_sscanf() {
        assert_eq!(cpu_id(b"cpu12"), Some(12));
        assert_eq!(cpu_id(b"cpufreq"), None);
        assert_eq!(cpu_id(b"cpu"), None);
        assert_eq!(cpu_id(b"cpu3x"), Some(3));
        assert_eq!(cpu_id(b"online"), None);
    }
}

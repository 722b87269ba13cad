//! guest-get-fsinfo and the sysfs walk that finds where a block device
//! sits in the hardware (qemu-ga's `build_guest_fsinfo_for_device`).

use std::path::{Path, PathBuf};

use rqapi_runtime::qmp::QmpError;

use super::mounts::FsMount;
use super::sysfs::{SysRoots, UdevDevice, find, scan};
use crate::qapi::types::{
    GuestCCWAddress, GuestDiskAddress, GuestDiskBusType, GuestFilesystemInfo, GuestPCIAddress,
};
use crate::sys::io_error_text;

fn errno_error(what: &str, path: &Path, e: &std::io::Error) -> QmpError {
    QmpError::generic(format!(
        "{what}(\"{}\"): {}",
        path.display(),
        io_error_text(e)
    ))
}

fn basename(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.to_string_lossy().into_owned())
}

/// What the walk collects: the device name (first one found) and disks
/// (each prepended, as qemu-ga does).
#[derive(Debug, Default)]
pub struct DeviceWalk {
    pub name: Option<String>,
    pub disks: Vec<GuestDiskAddress>,
}

/// `is_disk_virtual`.
pub fn is_disk_virtual(path: &Path) -> Result<bool, QmpError> {
    let syspath = std::fs::canonicalize(path).map_err(|e| errno_error("realpath", path, &e))?;
    Ok(syspath
        .to_string_lossy()
        .contains("/devices/virtual/block/"))
}

/// `build_guest_fsinfo_for_device`.
pub fn walk_device(
    roots: &SysRoots,
    devpath: &Path,
    walk: &mut DeviceWalk,
) -> Result<(), QmpError> {
    let syspath = match std::fs::canonicalize(devpath) {
        Ok(p) => p,
        // A missing device (e.g. inside a container): just its name.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            walk.name.get_or_insert_with(|| basename(devpath));
            return Ok(());
        }
        Err(e) => return Err(errno_error("realpath", devpath, &e)),
    };
    walk.name.get_or_insert_with(|| basename(&syspath));
    if is_disk_virtual(&syspath)? {
        walk_virtual(roots, &syspath, walk)
    } else {
        walk_real(roots, &syspath, walk);
        Ok(())
    }
}

/// A virtual device (device-mapper, md...): walk what it is built on.
fn walk_virtual(roots: &SysRoots, syspath: &Path, walk: &mut DeviceWalk) -> Result<(), QmpError> {
    let dir = syspath.join("slaves");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(errno_error("opendir", &dir, &e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| errno_error("readdir", &dir, &e))?;
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            walk_device(roots, &dir.join(entry.file_name()), walk)?;
        }
    }
    Ok(())
}

fn unknown_address() -> GuestDiskAddress {
    GuestDiskAddress {
        pci_controller: GuestPCIAddress {
            domain: -1,
            bus: -1,
            slot: -1,
            function: -1,
        },
        bus_type: GuestDiskBusType::Unknown,
        bus: 0,
        target: 0,
        unit: 0,
        serial: None,
        dev: None,
        ccw_address: None,
    }
}

/// `build_guest_fsinfo_for_real_device`.
fn walk_real(roots: &SysRoots, syspath: &Path, walk: &mut DeviceWalk) {
    let mut disk = unknown_address();
    if let Some(dev) = UdevDevice::from_syspath(roots, syspath) {
        disk.dev = dev.devnode();
        disk.serial = dev
            .property("ID_SERIAL")
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    }
    let path = syspath.to_string_lossy();
    let has_hwinfo = if path.contains("/devices/pci") {
        pci_address(&path, &mut disk)
    } else if path.contains("/devices/css") {
        ccw_address(&path, &mut disk)
    } else if path.contains("/virtio") {
        nonpci_virtio_address(&path, &mut disk)
    } else {
        false
    };
    if has_hwinfo || disk.dev.is_some() || disk.serial.is_some() {
        walk.disks.insert(0, disk);
    }
}

fn pci_driver(syspath: &str) -> Option<String> {
    let link = std::fs::read_link(format!("{syspath}/driver")).ok()?;
    Some(basename(&link))
}

/// Sorted numbers N of the `ataN` (or `hostN`) entries of `dir`, at most
/// eight, as qemu-ga's `build_hosts`.
fn host_numbers(dir: &str, ata: bool) -> Result<Vec<u32>, QmpError> {
    let entries = std::fs::read_dir(dir).map_err(|e| errno_error("opendir", Path::new(dir), &e))?;
    let prefix = if ata { "ata" } else { "host" };
    let mut hosts: Vec<u32> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            scan(name.strip_prefix(prefix)?, "d").0.first().copied()
        })
        .take(8)
        .collect();
    hosts.sort_unstable();
    Ok(hosts)
}

const SUPPORTED_DRIVERS: &[&str] = &[
    "ata_piix",
    "sym53c8xx",
    "virtio-pci",
    "ahci",
    "nvme",
    "xhci_hcd",
    "ehci-pci",
];

/// `build_guest_fsinfo_for_pci_dev`.
fn pci_address(syspath: &str, disk: &mut GuestDiskAddress) -> bool {
    let Some(tail) = find(syspath, "/devices/pci") else {
        return false;
    };
    let (pci, used) = scan(&tail[12..], "*x:*x/x:x:x.x");
    let Some(used) = used else {
        return false;
    };
    let mut pci = pci;
    // Walk down through bridges until a controller with a known driver.
    let mut at = syspath.len() - tail.len() + 12 + used;
    let driver = loop {
        if let Some(d) =
            pci_driver(&syspath[..at]).filter(|d| SUPPORTED_DRIVERS.contains(&d.as_str()))
        {
            break d;
        }
        match scan(&syspath[at..], "/x:x:x.x") {
            (v, Some(n)) => {
                pci = v;
                at += n;
            }
            _ => return false,
        }
    };
    let tgt = find(syspath, "/target")
        .map(|p| scan(&p[7..], "*u:*u:*u/*u:u:u:u").0)
        .filter(|t| t.len() == 3);
    let (host_at, ata) = match find(syspath, "/ata") {
        Some(p) => (Some((p, 4)), true),
        None => (find(syspath, "/host").map(|p| (p, 5)), false),
    };
    let mut host = None;
    let mut hosts = Vec::new();
    if let Some((p, offset)) = host_at
        && let Some(&h) = scan(&p[offset..], "u").0.first()
    {
        host = Some(h);
        match host_numbers(&syspath[..syspath.len() - p.len()], ata) {
            Ok(list) => hosts = list,
            Err(_) => return false,
        }
    }
    disk.pci_controller = GuestPCIAddress {
        domain: i64::from(pci[0]),
        bus: i64::from(pci[1]),
        slot: i64::from(pci[2]),
        function: i64::from(pci[3]),
    };
    let host_index = || host.and_then(|h| hosts.iter().position(|&x| x == h));
    match driver.as_str() {
        "ata_piix" => {
            // One host per IDE bus; target*:0:<unit>:0.
            let (Some(t), Some(i)) = (&tgt, host_index()) else {
                return false;
            };
            disk.bus_type = GuestDiskBusType::Ide;
            disk.bus = i as i64;
            disk.unit = i64::from(t[1]);
        }
        "sym53c8xx" => {
            let Some(t) = &tgt else { return false };
            disk.bus_type = GuestDiskBusType::Scsi;
            disk.unit = i64::from(t[1]);
        }
        "virtio-pci" => match &tgt {
            // virtio-scsi: target*:0:0:<unit>; virtio-blk: one disk.
            Some(t) => {
                disk.bus_type = GuestDiskBusType::Scsi;
                disk.unit = i64::from(t[2]);
            }
            None => disk.bus_type = GuestDiskBusType::Virtio,
        },
        "ahci" => {
            // One host per unit.
            let (Some(_), Some(i)) = (&tgt, host_index()) else {
                return false;
            };
            disk.unit = i as i64;
            disk.bus_type = GuestDiskBusType::Sata;
        }
        "nvme" => disk.bus_type = GuestDiskBusType::Nvme,
        _ => disk.bus_type = GuestDiskBusType::Usb,
    }
    true
}

/// `build_guest_fsinfo_for_nonpci_virtio`.
fn nonpci_virtio_address(syspath: &str, disk: &mut GuestDiskAddress) -> bool {
    if !syspath.contains("/virtio") || !syspath.contains("/block") {
        return false;
    }
    match find(syspath, "/target").map(|p| scan(&p[7..], "*u:*u:*u/*u:u:u:u").0) {
        Some(t) if t.len() == 3 => {
            disk.bus_type = GuestDiskBusType::Scsi;
            disk.bus = i64::from(t[0]);
            disk.target = i64::from(t[1]);
            disk.unit = i64::from(t[2]);
        }
        _ => disk.bus_type = GuestDiskBusType::Virtio,
    }
    true
}

/// `build_guest_fsinfo_for_ccw_dev` (s390x channel I/O).
fn ccw_address(syspath: &str, disk: &mut GuestDiskAddress) -> bool {
    let Some(p) = find(syspath, "/devices/css") else {
        return false;
    };
    let (v, _) = scan(&p[12..], "*x/x.x.x/*x.*x.x/");
    if v.len() < 4 {
        return false;
    }
    disk.ccw_address = Some(GuestCCWAddress {
        cssid: i64::from(v[0]),
        ssid: i64::from(v[1]),
        subchno: i64::from(v[2]),
        devno: i64::from(v[3]),
    });
    if p.contains("/virtio") {
        nonpci_virtio_address(syspath, disk);
    }
    true
}

/// Used and total bytes as qemu-ga computes them from statvfs: total for
/// ordinary users is used + available, the privileged total is all
/// blocks.  (used, total, total privileged)
fn usage(mountpoint: &Path) -> Option<(u64, u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(mountpoint.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs is plain integers, for which all-zero is valid.
    let mut buf: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: path is NUL-terminated and buf is a writable statvfs.
    if unsafe { libc::statvfs(path.as_ptr(), &mut buf) } != 0 {
        return None;
    }
    let frsize = buf.f_frsize as u64;
    let used = (buf.f_blocks as u64).wrapping_sub(buf.f_bfree as u64);
    let nonroot_total = used.wrapping_add(buf.f_bavail as u64);
    Some((
        used.wrapping_mul(frsize),
        nonroot_total.wrapping_mul(frsize),
        (buf.f_blocks as u64).wrapping_mul(frsize),
    ))
}

/// `build_guest_fsinfo`.
fn fsinfo_for_mount(roots: &SysRoots, mount: &FsMount) -> Result<GuestFilesystemInfo, QmpError> {
    let devpath: PathBuf = roots
        .sys
        .join(format!("dev/block/{}:{}", mount.devmajor, mount.devminor));
    let mut walk = DeviceWalk::default();
    walk_device(roots, &devpath, &mut walk)?;
    let usage = usage(&mount.dirname);
    Ok(GuestFilesystemInfo {
        name: walk.name.unwrap_or_default(),
        mountpoint: mount.dirname.to_string_lossy().into_owned(),
        r#type: mount.devtype.clone(),
        used_bytes: usage.map(|u| u.0),
        total_bytes: usage.map(|u| u.1),
        total_bytes_privileged: usage.map(|u| u.2),
        disk: walk.disks,
    })
}

/// `guest-get-fsinfo`: newest mount first (qemu-ga prepends each).
pub fn get_fsinfo(
    roots: &SysRoots,
    mounts: &[FsMount],
) -> Result<Vec<GuestFilesystemInfo>, QmpError> {
    let mut out = mounts
        .iter()
        .map(|m| fsinfo_for_mount(roots, m))
        .collect::<Result<Vec<_>, _>>()?;
    out.reverse();
    Ok(out)
}

//! guest-get-disks: the block devices under `/sys/block`, their
//! partitions and dependencies, and NVMe health data.

use std::path::Path;

use rqapi_runtime::qmp::QmpError;

use super::fsinfo::{DeviceWalk, is_disk_virtual, walk_device};
use super::sysfs::{SysRoots, UdevDevice};
use crate::qapi::types::{
    GuestDiskAddress, GuestDiskBusType, GuestDiskInfo, GuestDiskSmart, GuestDiskSmartBranch,
};

fn devnode(roots: &SysRoots, syspath: &Path) -> Option<String> {
    UdevDevice::from_syspath(roots, syspath)?.devnode()
}

/// The device-mapper name, when there is one.
fn alias(roots: &SysRoots, syspath: &Path) -> Option<String> {
    let dev = UdevDevice::from_syspath(roots, syspath)?;
    dev.property("DM_NAME")
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
}

/// `get_disk_address`: the first disk of the walk.
fn disk_address(roots: &SysRoots, syspath: &Path) -> Option<GuestDiskAddress> {
    let mut walk = DeviceWalk::default();
    if let Err(e) = walk_device(roots, syspath, &mut walk) {
        crate::log::debug(&format!(
            "  failed to get device info, ignoring error: {}",
            e.desc
        ));
    }
    walk.disks.into_iter().next()
}

/// `get_disk_deps`: `None` when there is no `slaves` directory.
fn dependencies(roots: &SysRoots, disk_dir: &Path) -> Option<Vec<String>> {
    let dir = disk_dir.join("slaves");
    let entries = std::fs::read_dir(&dir).ok()?;
    let mut deps: Vec<String> = entries
        .flatten()
        .filter_map(|e| devnode(roots, &dir.join(e.file_name())))
        .collect();
    deps.reverse();
    Some(deps)
}

/// Whether `entry` names a partition of `disk`: `<disk><digit>...` or
/// `<disk>p<digit>...`.
fn is_partition_name(disk: &str, entry: &str) -> bool {
    let Some(rest) = entry.strip_prefix(disk).map(str::as_bytes) else {
        return false;
    };
    match rest {
        [b'p', d, ..] if d.is_ascii_digit() => true,
        [d, ..] => d.is_ascii_digit(),
        [] => false,
    }
}

/// `guest-get-disks`, in qemu-ga's order (every entry prepended).
pub fn get_disks(roots: &SysRoots) -> Result<Vec<GuestDiskInfo>, QmpError> {
    let block = roots.sys.join("block");
    let entries = std::fs::read_dir(&block).map_err(|e| {
        QmpError::generic(format!(
            "Can't open directory \"/sys/block\": {}",
            crate::sys::io_error_text(&e)
        ))
    })?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_symlink()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let disk_dir = block.join(&name);
        match std::fs::read(disk_dir.join("size")) {
            Ok(size) if size != b"0\n" => {}
            _ => continue,
        }
        let Some(dev_name) = devnode(roots, &disk_dir) else {
            continue;
        };
        let virtual_disk = is_disk_virtual(&disk_dir).unwrap_or(true);
        let address = if virtual_disk {
            None
        } else {
            disk_address(roots, &disk_dir)
        };
        let mut disk = GuestDiskInfo {
            name: dev_name.clone(),
            partition: false,
            dependencies: dependencies(roots, &disk_dir),
            alias: alias(roots, &disk_dir),
            address,
            smart: None,
        };
        if disk
            .address
            .as_ref()
            .is_some_and(|a| a.bus_type == GuestDiskBusType::Nvme)
        {
            disk.smart = super::nvme::smart(&disk.name).map(|s| GuestDiskSmart {
                r#type: GuestDiskSmartBranch::Nvme(s),
            });
        }
        out.push(disk);
        push_partitions(roots, &mut out, &name, &disk_dir, &dev_name);
    }
    out.reverse();
    Ok(out)
}

/// `get_disk_partitions`.
fn push_partitions(
    roots: &SysRoots,
    out: &mut Vec<GuestDiskInfo>,
    disk_name: &str,
    disk_dir: &Path,
    disk_dev: &str,
) {
    let Ok(entries) = std::fs::read_dir(disk_dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_partition_name(disk_name, &name) {
            continue;
        }
        let Some(dev_name) = devnode(roots, &disk_dir.join(&name)) else {
            continue;
        };
        out.push(GuestDiskInfo {
            name: dev_name,
            partition: true,
            dependencies: Some(vec![disk_dev.to_owned()]),
            address: None,
            alias: None,
            smart: None,
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn partition_names() {
        use super::is_partition_name as p;
        assert!(p("sda", "sda1") && p("nvme0n1", "nvme0n1p2") && !p("sda", "sdab"));
        assert!(!p("sda", "sda") && !p("vda", "vdap") && !p("sda", "queue"));
    }
}

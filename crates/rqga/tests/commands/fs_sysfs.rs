//! The sysfs walk of guest-get-fsinfo and guest-get-disks on a sysfs
//! tree of our own (SATA behind AHCI, virtio-scsi, a device-mapper volume
//! on a partition), with udev database entries for serial and alias.

use std::os::unix::fs::symlink;
use std::path::Path;

use rqga::commands::fs::disks::get_disks;
use rqga::commands::fs::fsinfo::get_fsinfo;
use rqga::commands::fs::mounts::FsMount;
use rqga::commands::fs::sysfs::SysRoots;
use rqga::qapi::types::GuestDiskBusType;

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn device(sys: &Path, rel: &str, name: &str, devno: (u32, u32), size: &str) {
    let dir = sys.join(rel);
    write(
        &dir.join("uevent"),
        &format!(
            "MAJOR={}\nMINOR={}\nDEVNAME={name}\nDEVTYPE=disk\n",
            devno.0, devno.1
        ),
    );
    write(&dir.join("size"), size);
    symlink(sys.join("class/block"), dir.join("subsystem")).unwrap();
    let link = sys.join(format!("dev/block/{}:{}", devno.0, devno.1));
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    symlink(&dir, link).unwrap();
}

fn driver(sys: &Path, pci: &str, name: &str) {
    let drv = sys.join("bus/pci/drivers").join(name);
    std::fs::create_dir_all(&drv).unwrap();
    symlink(drv, sys.join(pci).join("driver")).unwrap();
}

/// A machine: sda (AHCI, second port), sdb (virtio-scsi lun 3) with
/// partition sdb1, dm-0 on sdb1.
fn machine(root: &Path) -> SysRoots {
    let sys = root.join("sys");
    std::fs::create_dir_all(sys.join("class/block")).unwrap();
    let ahci = "devices/pci0000:00/0000:00:1f.2";
    std::fs::create_dir_all(sys.join(ahci).join("ata1")).unwrap();
    let sda = format!("{ahci}/ata2/host1/target1:0:0/1:0:0:0/block/sda");
    device(&sys, &sda, "sda", (8, 0), "100\n");
    driver(&sys, ahci, "ahci");
    // virtio-scsi behind a bridge: the walk must go down to 02:01.0.
    let bridge = "devices/pci0000:00/0000:00:1e.0";
    let vscsi = format!("{bridge}/0000:02:01.0");
    let sdb = format!("{vscsi}/virtio2/host2/target2:0:0/2:0:0:3/block/sdb");
    device(&sys, &sdb, "sdb", (8, 16), "200\n");
    device(&sys, &format!("{sdb}/sdb1"), "sdb1", (8, 17), "100\n");
    std::fs::create_dir_all(sys.join(bridge)).unwrap();
    driver(&sys, &vscsi, "virtio-pci");
    let dm = "devices/virtual/block/dm-0";
    device(&sys, dm, "dm-0", (253, 0), "50\n");
    std::fs::create_dir_all(sys.join(dm).join("slaves")).unwrap();
    symlink(
        sys.join(&sdb).join("sdb1"),
        sys.join(dm).join("slaves/sdb1"),
    )
    .unwrap();
    // An empty loop device is skipped.
    device(&sys, "devices/virtual/block/loop0", "loop0", (7, 0), "0\n");
    std::fs::create_dir_all(sys.join("block")).unwrap();
    for (name, rel) in [
        ("sda", sda.as_str()),
        ("sdb", sdb.as_str()),
        ("dm-0", dm),
        ("loop0", "devices/virtual/block/loop0"),
    ] {
        symlink(sys.join(rel), sys.join("block").join(name)).unwrap();
    }
    let udev = root.join("udev");
    write(
        &udev.join("b8:0"),
        "S:disk/by-id/ata-QEMU\nE:ID_SERIAL=QEMU_HARDDISK_QM00005\n",
    );
    write(&udev.join("b253:0"), "E:DM_NAME=vg-root\n");
    SysRoots {
        sys: std::fs::canonicalize(&sys).unwrap(),
        udev_data: udev,
    }
}

fn mount(dir: &str, devno: (u32, u32)) -> FsMount {
    FsMount {
        dirname: dir.into(),
        devtype: "ext4".into(),
        devmajor: devno.0,
        devminor: devno.1,
    }
}

#[test]
fn fsinfo_walks_pci_and_virtual_devices() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = machine(tmp.path());
    let mounts = [
        mount("/", (8, 0)),
        mount("/home", (253, 0)),
        mount("/gone", (9, 9)),
    ];
    let fs = get_fsinfo(&roots, &mounts).unwrap();
    // Newest mount first.
    assert_eq!(
        fs.iter().map(|f| f.mountpoint.as_str()).collect::<Vec<_>>(),
        ["/gone", "/home", "/"]
    );
    assert_eq!((fs[0].name.as_str(), fs[0].disk.len()), ("9:9", 0));

    let sda = &fs[2];
    assert_eq!(sda.name, "sda");
    assert!(sda.total_bytes.is_some(), "statvfs of /");
    let d = &sda.disk[0];
    assert_eq!(d.bus_type, GuestDiskBusType::Sata);
    assert_eq!((d.pci_controller.domain, d.pci_controller.bus), (0, 0));
    assert_eq!(
        (d.pci_controller.slot, d.pci_controller.function),
        (0x1f, 2)
    );
    assert_eq!(d.unit, 1, "second of the ata ports");
    assert_eq!(d.dev.as_deref(), Some("/dev/sda"));
    assert_eq!(d.serial.as_deref(), Some("QEMU_HARDDISK_QM00005"));

    let dm = &fs[1];
    assert_eq!(dm.name, "dm-0");
    let d = &dm.disk[0];
    assert_eq!(d.bus_type, GuestDiskBusType::Scsi);
    assert_eq!(
        (d.pci_controller.bus, d.pci_controller.slot, d.unit),
        (2, 1, 3)
    );
    assert_eq!(d.dev.as_deref(), Some("/dev/sdb1"));
    assert_eq!(d.serial, None);
}

#[test]
fn disks_with_partitions_and_dependencies() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = machine(tmp.path());
    let disks = get_disks(&roots).unwrap();
    let find = |n: &str| {
        disks
            .iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("{n}: {disks:?}"))
    };
    assert_eq!(disks.len(), 4, "{disks:?}");
    assert!(disks.iter().all(|d| d.name != "/dev/loop0"));
    let dm = find("/dev/dm-0");
    assert_eq!(dm.alias.as_deref(), Some("vg-root"));
    assert_eq!(
        dm.dependencies.as_deref(),
        Some(&["/dev/sdb1".to_string()][..])
    );
    assert!(dm.address.is_none(), "virtual");
    let part = find("/dev/sdb1");
    assert!(part.partition);
    assert_eq!(
        part.dependencies.as_deref(),
        Some(&["/dev/sdb".to_string()][..])
    );
    let sdb = find("/dev/sdb");
    assert_eq!(
        sdb.address.as_ref().unwrap().bus_type,
        GuestDiskBusType::Scsi
    );
    assert_eq!(sdb.dependencies, None, "no slaves directory");
    // A partition comes right before its disk (qemu-ga prepends both).
    let pos = |n: &str| disks.iter().position(|d| d.name == n).unwrap();
    assert_eq!(pos("/dev/sdb1") + 1, pos("/dev/sdb"));
    assert!(find("/dev/sda").smart.is_none());
}

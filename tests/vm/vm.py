"""Boot the test VM: QEMU from the private prefix, TCG, the agent's
virtio-serial port and a QMP monitor on unix sockets, an ext4 test disk,
the serial console in a log file."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT_NAME = "org.qemu.guest_agent.0"


def make_disk(path: Path, size_mib: int = 32):
    """A small ext4 image with known content, made without root (mkfs.ext4 -d)."""
    mkfs = shutil.which("mkfs.ext4") or "/usr/sbin/mkfs.ext4"
    with tempfile.TemporaryDirectory() as content:
        Path(content, "hello.txt").write_text("hello from the rqapi test disk\n")
        subprocess.run([mkfs, "-q", "-F", "-L", "rqapi-test", "-d", content,
                        str(path), f"{size_mib}M"], check=True, stdout=subprocess.DEVNULL)


def qemu_command(env, run_dir: Path, initrd, disk, machine="q35", accel="tcg",
                 memory_mib=512, append="console=ttyS0 quiet"):
    data_dirs = [d for d in env["QEMU_DATA_DIRS"].split(":") if d]
    cmd = [env["QEMU"]]
    for d in data_dirs:
        cmd += ["-L", d]
    cmd += [
        # -nodefaults: no NIC/VGA/default serial, so no option ROMs to load;
        # -display none + -serial file replaces -nographic's stdio console.
        "-nodefaults", "-no-user-config", "-display", "none",
        "-machine", machine, "-accel", accel, "-m", str(memory_mib), "-smp", "1",
        "-kernel", env["KERNEL"], "-initrd", str(initrd),
        # panic=-1 with -no-reboot: a broken guest ends QEMU instead of hanging.
        "-append", f"{append} panic=-1", "-no-reboot",
        "-serial", f"file:{run_dir / 'console.log'}",
        "-device", "virtio-serial",
        "-chardev", f"socket,path={run_dir / 'qga.sock'},server=on,wait=off,id=qga0",
        "-device", f"virtserialport,chardev=qga0,name={PORT_NAME}",
        "-qmp", f"unix:{run_dir / 'qmp.sock'},server=on,wait=off",
        "-drive", f"file={disk},if=none,id=testdisk,format=raw",
        "-device", "virtio-blk-pci,drive=testdisk",
    ]
    return cmd


def qemu_environ(env):
    environ = dict(os.environ)
    extra = env["QEMU_LD_LIBRARY_PATH"]
    old = environ.get("LD_LIBRARY_PATH")
    environ["LD_LIBRARY_PATH"] = f"{extra}:{old}" if old else extra
    # Debian builds TCG and devices as modules; point QEMU at the private copy.
    environ["QEMU_MODULE_DIR"] = env["QEMU_MODULE_DIR"]
    return environ


def qemu_extra_environ(env):
    """What qemu_environ adds to the caller's environment."""
    environ = qemu_environ(env)
    return {key: environ[key] for key in ("LD_LIBRARY_PATH", "QEMU_MODULE_DIR")}


def qmp_only_command(env, run_dir: Path):
    """QEMU with no guest at all (-machine none): a real QMP server in a
    fraction of a second, for testing a QMP client."""
    cmd = [env["QEMU"]]
    for d in env["QEMU_DATA_DIRS"].split(":"):
        cmd += ["-L", d]
    return cmd + ["-nodefaults", "-no-user-config", "-display", "none", "-machine", "none",
                  "-accel", "tcg", "-qmp", f"unix:{run_dir / 'qmp.sock'},server=on,wait=off"]


def prepare(env, run_dir: Path, initrd, disk=None, qmp_only=False, **options):
    """Make the run directory (and a fresh test disk unless one is given);
    return the QEMU command line, also written to qemu-command.txt."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for sock in ("qga.sock", "qmp.sock"):
        (run_dir / sock).unlink(missing_ok=True)
    if qmp_only:
        cmd = qmp_only_command(env, run_dir)
    else:
        if disk is None:
            disk = run_dir / "disk.img"
            make_disk(disk)
        cmd = qemu_command(env, run_dir, initrd, disk, **options)
    (run_dir / "qemu-command.txt").write_text(" ".join(cmd) + "\n")
    return cmd


def start(env, run_dir: Path, initrd, disk=None, qmp_only=False, **options):
    """Start QEMU in the background; returns the Popen (stdout/stderr in run_dir)."""
    cmd = prepare(env, run_dir, initrd, disk, qmp_only, **options)
    log = open(run_dir / "qemu.log", "wb")
    return subprocess.Popen(cmd, env=qemu_environ(env), stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT)

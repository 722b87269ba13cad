"""Build the test VM's initramfs: busybox, kernel modules, /init, the agent
(plus its shared libraries when it is dynamic, e.g. Debian's qemu-ga)."""

import re
import subprocess
from pathlib import Path

from cpio import CpioWriter
from kmod import ModuleTree

HERE = Path(__file__).resolve().parent
PORT_PATH = "/dev/virtio-ports/org.qemu.guest_agent.0"
DEFAULT_AGENT_ARGS = f"-m virtio-serial -p {PORT_PATH}"
# What the guest needs for the agent's port and the ext4 test disk.
# crc32c is an ext4 soft dependency the kernel would request through modprobe.
DEFAULT_MODULES = ["virtio_pci", "virtio_console", "virtio_blk", "crc32c_generic", "ext4"]
OS_RELEASE = """\
PRETTY_NAME="rqapi test VM"
NAME="rqapi test VM"
ID=rqapi-vm
VERSION_ID="1"
VERSION="1 (test)"
"""


def shared_libraries(binary: Path):
    """Absolute paths ldd resolves for binary; empty for static binaries."""
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    if result.returncode != 0:  # "not a dynamic executable"
        return []
    libs = []
    for line in result.stdout.splitlines():
        if "not found" in line:
            raise RuntimeError(f"{binary}: missing library: {line.strip()}")
        match = re.search(r"(/\S+) \(0x", line)
        if match:
            libs.append(match.group(1))
    return libs


def build(env, agent, output, extra_files=(), agent_args=DEFAULT_AGENT_ARGS,
          modules=DEFAULT_MODULES):
    """Write the initramfs to output; return the in-guest agent path."""
    agent = Path(agent).resolve()
    guest_agent = f"/usr/sbin/{agent.name}"
    tree = ModuleTree(Path(env["MODULES_DIR"]))
    out = CpioWriter(output)
    out.chardev("/dev/console", 5, 1)
    for d in ("/proc", "/sys", "/run", "/tmp", "/var/lib", "/mnt/test", "/root"):
        out.mkdir(d)
    out.symlink("/var/run", "../run")
    out.file("/bin/busybox", Path(env["BUSYBOX"]).read_bytes(), 0o755)
    out.file("/init", (HERE / "init.sh").read_bytes(), 0o755)
    shim = (HERE / "vm-shutdown.sh").read_bytes()
    out.file("/sbin/shutdown", shim, 0o755)
    for name in ("poweroff", "halt", "reboot"):
        out.symlink(f"/sbin/{name}", "shutdown")
    # The agent runs /sbin/hwclock after guest-set-time (Debian has it there).
    out.symlink("/sbin/hwclock", "../bin/busybox")
    out.file("/etc/os-release", OS_RELEASE.encode())
    out.file("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    out.file("/etc/group", b"root:x:0:\n")

    order = tree.resolve(modules)
    for name, data in order:
        out.file(f"/lib/modules/{name}.ko", data)
    out.file("/etc/vm-modules", "".join(f"{name}\n" for name, _ in order).encode())

    out.file(guest_agent, agent.read_bytes(), 0o755)
    for lib in shared_libraries(agent):
        out.file(lib, Path(lib).read_bytes(), 0o755)
    conf = f"AGENT='{guest_agent}'\nAGENT_ARGS='{agent_args}'\n"
    out.file("/etc/vm-agent.conf", conf.encode())

    for spec in extra_files:
        src, _, dest = spec.partition("=")
        src = Path(src)
        out.file(dest or f"/extra/{src.name}", src.read_bytes(), src.stat().st_mode & 0o777)
    out.close()
    return guest_agent

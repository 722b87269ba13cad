"""Pick kernel modules and their dependencies from a Debian kernel tree
without depmod/kmod: dependencies come from each module's .modinfo section.
Compressed modules (.ko.xz / .ko.zst / .ko.gz) are decompressed on the host
so that busybox insmod can load them on any kernel configuration."""

import gzip
import lzma
import struct
import subprocess
from pathlib import Path

MODULE_SUFFIXES = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")


def module_name(path: Path) -> str:
    name = path.name
    for suffix in MODULE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("-", "_")


def read_module(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".xz"):
        return lzma.decompress(data)
    if path.name.endswith(".gz"):
        return gzip.decompress(data)
    if path.name.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
    return data


def modinfo(elf: bytes) -> dict:
    """Key -> list of values from the ELF64 .modinfo section."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("not an ELF64 module")
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def section(i):
        base = shoff + i * shentsize
        name, _type, _flags, _addr, offset, size = struct.unpack_from("<IIQQQQ", elf, base)
        return name, offset, size

    _, str_off, _ = section(shstrndx)
    info = {}
    for i in range(shnum):
        name_off, offset, size = section(i)
        end = elf.index(b"\0", str_off + name_off)
        if elf[str_off + name_off : end] != b".modinfo":
            continue
        for item in elf[offset : offset + size].split(b"\0"):
            if b"=" in item:
                key, value = item.decode(errors="replace").split("=", 1)
                info.setdefault(key, []).append(value)
    return info


class ModuleTree:
    def __init__(self, modules_dir: Path):
        self.dir = Path(modules_dir)
        self.paths = {}
        for path in (self.dir / "kernel").rglob("*.ko*"):
            if path.name.endswith(MODULE_SUFFIXES):
                self.paths[module_name(path)] = path
        builtin = self.dir / "modules.builtin"
        self.builtin = set()
        if builtin.exists():
            for line in builtin.read_text().splitlines():
                self.builtin.add(module_name(Path(line)))

    def resolve(self, wanted):
        """Modules to load, dependencies first, as (name, uncompressed bytes)."""
        order, done = [], set()

        def visit(name, chain):
            name = name.replace("-", "_")
            if name in done or name in self.builtin:
                return
            if name in chain:
                raise ValueError(f"module dependency cycle: {' -> '.join(chain + [name])}")
            if name not in self.paths:
                raise ValueError(f"module {name} not found under {self.dir}")
            data = read_module(self.paths[name])
            for deps in modinfo(data).get("depends", []):
                for dep in filter(None, deps.split(",")):
                    visit(dep, chain + [name])
            done.add(name)
            order.append((name, data))

        for name in wanted:
            visit(name, [])
        return order

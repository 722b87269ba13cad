"""Write a gzip-compressed cpio "newc" archive, the format Linux unpacks
as an initramfs. Pure stdlib so the harness does not need the cpio package;
entries are owned by root with mtime 0 so builds are reproducible."""

import gzip
import stat


class CpioWriter:
    def __init__(self, path):
        self._file = open(path, "wb")
        self._out = gzip.GzipFile(fileobj=self._file, mode="wb", compresslevel=6, mtime=0)
        self._ino = 1
        self._dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_bytes = name.lstrip("/").encode() + b"\0"
        fields = [
            self._ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0,
            len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0,
        ]
        self._ino += 1
        header = b"070701" + b"".join(b"%08X" % f for f in fields)
        self._out.write(header + name_bytes)
        self._out.write(b"\0" * (-(len(header) + len(name_bytes)) % 4))
        self._out.write(data)
        self._out.write(b"\0" * (-len(data) % 4))

    def mkdir(self, path):
        """Create path and its missing parents."""
        path = "/" + path.strip("/")
        if path == "/" or path in self._dirs:
            return
        self.mkdir(path.rsplit("/", 1)[0] or "/")
        self._dirs.add(path)
        self._entry(path, stat.S_IFDIR | 0o755)

    def _parent(self, path):
        self.mkdir(path.rsplit("/", 1)[0] or "/")

    def file(self, path, data, mode=0o644):
        self._parent(path)
        self._entry(path, stat.S_IFREG | mode, data)

    def symlink(self, path, target):
        self._parent(path)
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, path, major, minor, mode=0o600):
        self._parent(path)
        self._entry(path, stat.S_IFCHR | mode, rdev=(major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)
        self._out.close()
        self._file.close()

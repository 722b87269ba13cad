"""Line-oriented JSON clients for the guest agent and QMP sockets.

Both peers end every message with a newline; the agent may put 0xFF bytes
in front of a reply (guest-sync-delimited), which are dropped here."""

import itertools
import json
import socket
import time


class Timeout(Exception):
    pass


class JsonLines:
    def __init__(self, path, deadline):
        """Connect to a unix socket, retrying until it exists or deadline."""
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Timeout(f"cannot connect to {path}")
                time.sleep(0.05)
        self.buf = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def read(self, timeout):
        """Next JSON message; Timeout when none arrives in time, EOFError at EOF."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("no reply")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Timeout("no reply") from None
            if not chunk:
                raise EOFError("peer closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.lstrip(b"\xff").strip()
        return json.loads(line) if line else self.read(max(deadline - time.monotonic(), 0.01))

    def close(self):
        self.sock.close()


class Agent(JsonLines):
    _ids = itertools.count(int(time.time()) % 100000)

    def resync(self, deadline, retry=1.0):
        """Proxmox-style resync: 0xFF plus guest-sync-delimited in one write,
        discard everything until the reply carrying our id. Resend with a
        new id every `retry` seconds while the guest is still booting."""
        while True:
            sync_id = next(self._ids)
            request = {"execute": "guest-sync-delimited", "arguments": {"id": sync_id}}
            self.send(b"\xff" + json.dumps(request).encode() + b"\n")
            until = min(time.monotonic() + retry, deadline)
            while True:
                try:
                    reply = self.read(max(until - time.monotonic(), 0.01))
                except Timeout:
                    break
                if reply == {"return": sync_id}:
                    return sync_id
            if time.monotonic() >= deadline:
                raise Timeout("agent never answered guest-sync-delimited")

    def execute(self, command, arguments=None, timeout=30):
        request = {"execute": command}
        if arguments is not None:
            request["arguments"] = arguments
        self.send(json.dumps(request).encode() + b"\n")
        return self.read(timeout)


class Qmp(JsonLines):
    def __init__(self, path, deadline):
        super().__init__(path, deadline)
        self.events = []
        self.greeting = self.read(30)
        self.execute("qmp_capabilities")

    def execute(self, command, arguments=None, timeout=30):
        request = {"execute": command}
        if arguments is not None:
            request["arguments"] = arguments
        self.send(json.dumps(request).encode() + b"\n")
        while True:
            message = self.read(timeout)
            if "event" in message:
                self.events.append(message)
            else:
                return message

    def wait_event(self, name, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["event"] == name:
                    return event
            self.events.append(self.read(max(deadline - time.monotonic(), 0.01)))

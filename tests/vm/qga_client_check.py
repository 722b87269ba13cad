#!/usr/bin/env python3
"""Drive a guest agent in the test VM with QEMU's own Python client library.

The client is qemu.qmp's legacy QEMUMonitorProtocol, connected WITHOUT
negotiation (connect(negotiate=False)) and wrapped the way QEMU's
qemu-ga-client does it (python/qemu/utils/qemu_ga_client.py): attribute
`foo_bar` runs `guest-foo-bar`, resync is guest-ping with a time limit then
guest-sync with a random id, file reads go in 1024-byte chunks. Its
requests carry string ids ("__qmp#00001") the agent must echo. The QMP
monitor is reached with the same class, negotiated, for the SHUTDOWN event.

usage: qga_client_check.py --qga SOCKET --qmp SOCKET [--kernel-release R]
Exit status: 0 all checks passed, 1 a check failed, 77 qemu.qmp missing.
"""

import argparse
import asyncio
import base64
import random
import sys
import time
import traceback

from checks import Checks

try:
    from qemu.qmp import ExecuteError
    from qemu.qmp.legacy import QEMUMonitorProtocol
except ImportError as error:
    print(f"skipped: qemu.qmp is not importable ({error})")
    sys.exit(77)


class GuestAgent(QEMUMonitorProtocol):
    """qemu-ga-client's wrapper: agent.file_open(path=...) and the like."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def wrapper(**kwds):
            return self.cmd("guest-" + name.replace("_", "-"), **kwds)

        return wrapper


def connect_agent(path):
    agent = GuestAgent(path)
    agent.connect(negotiate=False)
    # qemu-ga-client's sync: a ping with a time limit, then guest-sync.
    agent.settimeout(5)
    agent.ping()
    uid = random.randint(0, (1 << 31) - 1)
    while agent.sync(id=uid) != uid:
        pass
    agent.settimeout(60)
    return agent


def read_all(agent, path):
    handle = agent.file_open(path=path)
    data = b""
    try:
        while True:
            chunk = agent.file_read(handle=handle, count=1024)
            data += base64.b64decode(chunk["buf-b64"])
            if chunk["eof"]:
                return data
    finally:
        agent.file_close(handle=handle)


def write_all(agent, path, data):
    handle = agent.file_open(path=path, mode="w")
    try:
        return agent.file_write(handle=handle, **{"buf-b64": base64.b64encode(data).decode()})
    finally:
        agent.file_close(handle=handle)


def run(agent, *args):
    pid = agent.exec(path="/bin/busybox", arg=list(args), **{"capture-output": True})["pid"]
    for _ in range(300):
        status = agent.exec_status(pid=pid)
        if status["exited"]:
            return status
        time.sleep(0.1)
    raise TimeoutError(f"pid {pid} still running")


def session(agent, args, checks):
    check = checks.check
    check("guest-ping", agent.ping() == {})
    info = agent.info()
    enabled = {c["name"] for c in info["supported_commands"] if c["enabled"]}
    check("guest-info", "guest-exec" in enabled, info)
    os_info = agent.get_osinfo()
    check("guest-get-osinfo", os_info.get("id") == "rqapi-vm" and (
        not args.kernel_release or os_info.get("kernel-release") == args.kernel_release), os_info)
    host = agent.get_host_name()
    check("guest-get-host-name", host == {"host-name": "rqapi-vm"}, host)
    interfaces = agent.network_get_interfaces()
    check("guest-network-get-interfaces", any(i["name"] == "lo" for i in interfaces), interfaces)
    fsinfo = agent.get_fsinfo()
    check("guest-get-fsinfo", any(fs["mountpoint"] == "/mnt/test" and fs["type"] == "ext4"
                                  for fs in fsinfo), fsinfo)

    text = read_all(agent, "/mnt/test/hello.txt")
    check("file read (1024-byte chunks)", text == b"hello from the rqapi test disk\n", text)
    data = bytes(range(256)) * 9
    written = write_all(agent, "/mnt/test/python.bin", data)
    check("file write", written["count"] == len(data), written)
    check("file round trip", read_all(agent, "/mnt/test/python.bin") == data)
    try:
        agent.file_open(path="/mnt/test/missing")
        check("error answer raises ExecuteError", False, "no error")
    except ExecuteError as error:
        check("error answer raises ExecuteError", error.error_class == "GenericError", error)

    status = run(agent, "echo", "hello from qemu.qmp")
    out = base64.b64decode(status.get("out-data", ""))
    check("guest-exec + status", status["exitcode"] == 0 and out == b"hello from qemu.qmp\n", status)

    check("fsfreeze status thawed", agent.fsfreeze_status() == "thawed")
    check("fsfreeze freeze", agent.fsfreeze_freeze() >= 1)
    check("fsfreeze status frozen", agent.fsfreeze_status() == "frozen")
    check("fsfreeze thaw", agent.fsfreeze_thaw() >= 1)
    check("fsfreeze status thawed again", agent.fsfreeze_status() == "thawed")

    target = 1_900_000_000 * 10**9
    agent.set_time(time=target)
    now = agent.get_time()
    check("guest-set-time / guest-get-time", 0 <= now - target < 60 * 10**9, now)
    agent.set_time(time=time.time_ns())


def shutdown(agent, qmp_path, checks):
    qmp = QEMUMonitorProtocol(qmp_path)
    greeting = qmp.connect()
    checks.check("QMP greeting", "QMP" in (greeting or {}), greeting)
    # As qemu-ga-client: guest-shutdown never answers; the time-out is expected.
    agent.settimeout(3)
    try:
        agent.shutdown(mode="powerdown")
    except asyncio.TimeoutError:
        pass
    except Exception as error:  # the connection may end with QEMU
        print(f"     guest-shutdown ended with {type(error).__name__}: {error}")
    deadline = time.monotonic() + 60
    event = None
    while time.monotonic() < deadline:
        try:
            candidate = qmp.pull_event(wait=max(deadline - time.monotonic(), 0.1))
        except asyncio.TimeoutError:
            break
        if candidate and candidate.get("event") == "SHUTDOWN":
            event = candidate
            break
    checks.check("QMP SHUTDOWN event", event is not None and event.get("data") ==
                 {"guest": True, "reason": "guest-shutdown"}, event)
    for client in (agent, qmp):
        try:
            client.close()
        except Exception:  # already gone with QEMU
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qga", required=True)
    parser.add_argument("--qmp", required=True)
    parser.add_argument("--kernel-release")
    args = parser.parse_args()
    checks = Checks()
    try:
        agent = connect_agent(args.qga)
        session(agent, args, checks)
        # A host-side disconnect and a new client on the same channel.
        agent.close()
        agent = connect_agent(args.qga)
        checks.check("reconnect + guest-sync", agent.ping() == {})
        shutdown(agent, args.qmp, checks)
    except Exception as error:
        traceback.print_exc()
        checks.check("session completed", False, repr(error))
    print(f"qemu.qmp client: {checks.passed} passed, {len(checks.failed)} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()

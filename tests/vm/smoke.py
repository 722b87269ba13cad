#!/usr/bin/env python3
"""Smoke test of a guest agent inside a real QEMU VM (TCG).

Boots the test VM with AGENT as its guest agent, resyncs like Proxmox,
then checks ping, info, osinfo, fsinfo, a file read from the test disk,
fsfreeze on the VM's /mnt/test, and guest-shutdown seen by QMP as
SHUTDOWN with QEMU exiting. Every command goes to the agent inside the VM
through QEMU's socket; nothing here freezes or shuts down the host.

usage: smoke.py [--agent PATH] [--keep] [--dir DIR]
"""

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import initramfs  # noqa: E402
import vm  # noqa: E402
import vmenv  # noqa: E402
from wire import Agent, Qmp  # noqa: E402
from checks import Checks  # noqa: E402

DISK_TEXT = "hello from the rqapi test disk\n"


def ret(reply):
    return reply.get("return") if isinstance(reply, dict) else None


def exercise_agent(agent, env, checks):
    r = agent.execute("guest-ping")
    checks.check("guest-ping", r == {"return": {}}, r)

    r = ret(agent.execute("guest-info")) or {}
    enabled = {c["name"] for c in r.get("supported_commands", []) if c.get("enabled")}
    checks.check("guest-info", r.get("version") and "guest-ping" in enabled, r)
    print(f"     agent version {r.get('version')}, {len(enabled)} commands enabled")

    r = ret(agent.execute("guest-get-osinfo")) or {}
    checks.check("guest-get-osinfo", r.get("id") == "rqapi-vm"
                 and r.get("kernel-release") == env["KERNEL_VERSION"], r)

    r = ret(agent.execute("guest-get-fsinfo")) or []
    test_fs = [fs for fs in r if fs.get("mountpoint") == "/mnt/test"]
    checks.check("guest-get-fsinfo", len(test_fs) == 1 and test_fs[0].get("type") == "ext4"
                 and any(d.get("bus-type") == "virtio" for d in test_fs[0].get("disk", [])), r)

    handle = ret(agent.execute("guest-file-open", {"path": "/mnt/test/hello.txt"}))
    data = None
    if handle is not None:
        data = ret(agent.execute("guest-file-read", {"handle": handle}))
        agent.execute("guest-file-close", {"handle": handle})
    text = base64.b64decode(data["buf-b64"]).decode() if data else None
    checks.check("guest-file-read /mnt/test/hello.txt", text == DISK_TEXT, data)

    # Freeze and thaw the VM's filesystems; /mnt/test is its only freezable one.
    steps = [
        ("guest-fsfreeze-status", None, "thawed"),
        ("guest-fsfreeze-freeze", None, 1),
        ("guest-fsfreeze-status", None, "frozen"),
        ("guest-fsfreeze-thaw", None, 1),
        ("guest-fsfreeze-status", None, "thawed"),
        ("guest-fsfreeze-freeze-list", {"mountpoints": ["/mnt/test"]}, 1),
        ("guest-fsfreeze-status", None, "frozen"),
        ("guest-fsfreeze-thaw", None, 1),
        ("guest-fsfreeze-status", None, "thawed"),
    ]
    for command, arguments, expected in steps:
        r = agent.execute(command, arguments)
        checks.check(f"{command} -> {expected}", r == {"return": expected}, r)


def run(args, env, run_dir, checks, timings):
    start = time.monotonic()
    initrd = run_dir / "initramfs.cpio.gz"
    initramfs.build(env, args.agent, initrd, agent_args=args.agent_args)
    timings["initramfs build"] = time.monotonic() - start

    boot = time.monotonic()
    qemu = vm.start(env, run_dir, initrd, machine=args.machine, accel=args.accel)
    try:
        deadline = boot + args.boot_timeout
        qmp = Qmp(run_dir / "qmp.sock", deadline)
        print(f"     QEMU {qmp.greeting['QMP']['version']['package'] or ''}".rstrip())
        agent = Agent(run_dir / "qga.sock", deadline)
        agent.resync(deadline)
        timings["boot to first answer"] = time.monotonic() - boot
        checks.check("resync (0xFF + guest-sync-delimited)", True)

        exercise_agent(agent, env, checks)

        down = time.monotonic()
        # Success has no reply (the agent goes away), so only send it.
        agent.send(b'{"execute": "guest-shutdown"}\n')
        event = qmp.wait_event("SHUTDOWN", args.shutdown_timeout)
        checks.check("guest-shutdown -> QMP SHUTDOWN event",
                     event.get("data") == {"guest": True, "reason": "guest-shutdown"}, event)
        status = qemu.wait(args.shutdown_timeout)
        timings["shutdown"] = time.monotonic() - down
        checks.check("QEMU exited after guest shutdown", status == 0, f"status {status}")
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", default=os.environ.get("RQAPI_VM_AGENT", "/usr/sbin/qemu-ga"))
    parser.add_argument("--agent-args", default=initramfs.DEFAULT_AGENT_ARGS)
    parser.add_argument("--machine", default="q35")
    parser.add_argument("--accel", default=os.environ.get("RQAPI_VM_ACCEL", "tcg"))
    parser.add_argument("--boot-timeout", type=float, default=240)
    parser.add_argument("--shutdown-timeout", type=float, default=60)
    parser.add_argument("--dir", help="run directory (default: a fresh one in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the run directory")
    args = parser.parse_args()

    timings = {}
    start = time.monotonic()
    env = vmenv.load()
    timings["fetch (cached after first run)"] = time.monotonic() - start
    # Unix socket paths are limited to 108 bytes: keep the default short.
    run_dir = Path(args.dir or tempfile.mkdtemp(prefix="rqapi-vm-")).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    print(f"agent {args.agent}, run directory {run_dir}")
    try:
        run(args, env, run_dir, checks, timings)
    except Exception as error:  # report, show the guest console, fail
        traceback.print_exc()
        checks.check("smoke run completed", False, repr(error))
    if checks.failed:
        for log in ("console.log", "qemu.log"):
            path = run_dir / log
            if path.exists():
                print(f"--- {log} (last 40 lines)")
                print("\n".join(path.read_text(errors="replace").splitlines()[-40:]))
    timings["total"] = time.monotonic() - start
    print("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    if args.keep or checks.failed:
        print(f"run directory kept: {run_dir}")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    print(f"smoke: {checks.passed} passed, {len(checks.failed)} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()

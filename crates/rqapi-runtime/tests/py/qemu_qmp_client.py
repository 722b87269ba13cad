#!/usr/bin/env python3
"""Drive a QMP server with Python's qemu.qmp QMPClient (a client we did not
write): greeting, negotiation with oob, commands, errors, events, and an
out-of-band command overtaking a slow in-band one.

Usage: qemu_qmp_client.py SOCKET_PATH   (prints OK; exit 77 when qemu.qmp
is not importable)"""

import asyncio
import sys
import time

try:
    from qemu.qmp import ExecuteError, QMPClient
except ImportError:
    print("skipped: python module qemu.qmp not importable (pip install qemu.qmp)")
    sys.exit(77)


async def main(socket_path: str) -> None:
    qmp = QMPClient("rqapi-test")
    await qmp.connect(socket_path)
    greeting = qmp.greeting
    assert greeting is not None
    assert greeting.QMP.version["qemu"]["major"] == 7, greeting
    assert "oob" in greeting.QMP.capabilities

    version = await qmp.execute("query-version")
    assert version["qemu"] == {"micro": 0, "minor": 2, "major": 7}, version
    assert await qmp.execute("echo", {"a": [1, "two", None]}) == {"a": [1, "two", None]}

    try:
        await qmp.execute("no-such-command")
        raise AssertionError("no error")
    except ExecuteError as err:
        assert err.error_class == "CommandNotFound", err.error_class
        assert err.error.error.desc == "The command no-such-command has not been found"

    with qmp.listener() as listener:
        await qmp.execute("emit-event", {"name": "DEMO", "data": {"x": 1}})
        event = await asyncio.wait_for(listener.get(), 5)
        assert event["event"] == "DEMO" and event["data"] == {"x": 1}, event
        assert set(event["timestamp"]) == {"seconds", "microseconds"}

    slow = asyncio.ensure_future(qmp.execute("slow", {"milliseconds": 600}))
    await asyncio.sleep(0.05)
    start = time.monotonic()
    assert await qmp.execute("ping", oob=True) == {}
    took = time.monotonic() - start
    assert not slow.done(), "the oob ping waited for the slow command"
    assert took < 0.4, took
    assert await slow == {}

    try:
        await qmp.execute("echo", oob=True)
        raise AssertionError("no error")
    except ExecuteError as err:
        assert err.error.error.desc == "The command echo does not support OOB", err.error.error.desc

    await qmp.disconnect()
    print("OK")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

#!/usr/bin/env python3
"""Sequential round trips with qemu.qmp's QMPClient, for the qmp_client
benchmark. Usage: bench_qemu_qmp.py SOCKET COUNT COMMAND
Prints {"wall": s, "cpu": s} (cpu: this process, time.process_time)."""

import asyncio
import json
import sys
import time

from qemu.qmp import QMPClient


async def main(socket_path: str, count: int, command: str) -> None:
    qmp = QMPClient("bench")
    await qmp.connect(socket_path)
    await qmp.execute(command)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        await qmp.execute(command)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await qmp.disconnect()
    print(json.dumps({"wall": wall, "cpu": cpu}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))

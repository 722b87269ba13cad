"""Locate the private QEMU/kernel/busybox prefix made by .ci/fetch-qemu."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FETCH_SCRIPT = REPO / ".ci" / "fetch-qemu"


def cache_dir() -> Path:
    return Path(os.environ.get("RQAPI_VM_CACHE", REPO / "target" / "vm-cache"))


def parse_env_file(path: Path) -> dict:
    """Read the KEY='value' lines fetch-qemu writes (no shell needed)."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        env[key] = value.strip("'")
    return env


def load(fetch: bool = True) -> dict:
    """Return the VM environment, running the (idempotent) fetch if asked."""
    env_file = cache_dir() / "prefix" / "env.sh"
    if fetch:
        # Cheap when the cache is complete; downloads otherwise.
        subprocess.run([str(FETCH_SCRIPT)], check=True, stdout=subprocess.DEVNULL)
    if not env_file.exists():
        sys.exit(f"VM prefix not found at {env_file}: run {FETCH_SCRIPT}")
    return parse_env_file(env_file)

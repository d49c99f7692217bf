"""Full rescores in processes of their own: peak memory, and Celery workers side by side.

The benchmark's own process has built the synthetic world, so its peak
memory says nothing about the rescore. ``rescore_in_child`` runs
``manage.py rescore`` in a fresh process on the same database and reads that
process's peak RSS from the kernel (``wait4``) when it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


def rescore_in_child(*args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``manage.py rescore <args>`` in a fresh process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "rescore", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode(errors="replace")[-2000:] if child.stderr else ""
        raise CommandError(f"manage.py rescore {' '.join(args)} failed: {error}")
    return elapsed, usage.ru_maxrss / 1024  # kilobytes on Linux

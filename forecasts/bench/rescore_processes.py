"""Full rescores in processes of their own: peak memory, and Celery workers side by side.

The benchmark's own process has built the synthetic world, so its peak
memory says nothing about the rescore. ``rescore_in_child`` runs
``manage.py rescore`` in a fresh process on the same database and reads that
process's peak RSS from the kernel (``wait4``) when it exits.

``parallel_seconds`` starts N real Celery workers (``celery -A config worker
--pool=solo``, each its own process) on the configured Redis and database,
times a parallel full rescore through them (the second of two) (``rescore --parallel N``), and
stops them by pid.
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


def parallel_seconds(n_workers: int) -> float:
    """Seconds of one full rescore fanned out over ``n_workers`` fresh worker processes."""
    from forecasts import tasks
    from forecasts.bench.pipeline import BenchWorker
    from forecasts.models import RescoreRun

    workers = [BenchWorker(f"rescore-{n_workers}-{i}", "solo") for i in range(n_workers)]
    try:
        for worker in workers:
            worker.start()
        timings = []
        for _ in range(2):  # the first warms the workers up (imports, first arrays): not kept
            started = time.perf_counter()
            run = tasks.start_parallel_rescore(parallel=n_workers)
            merged = RescoreRun.objects.filter(pk=run.pk, finished_at__isnull=False)
            _wait(merged.exists, 3600, "the merge")
            timings.append(time.perf_counter() - started)
        return timings[-1]
    finally:
        for worker in workers:
            worker.stop()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise CommandError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.2)

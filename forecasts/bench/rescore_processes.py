"""Full rescores in processes of their own: peak memory, and Celery workers side by side.

The benchmark's own process has built the synthetic world, so its peak
memory says nothing about the rescore. ``rescore_in_child`` runs
a full rescore in a fresh process on the same database, which reports its
own peak RSS.

``parallel_seconds`` starts N real Celery workers (``celery -A config worker
--pool=solo``, each its own process) on the configured Redis and database,
times a parallel full rescore through them (the second of two) (``rescore --parallel N``), and
stops them by pid.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


_CHILD = (
    "from forecasts.engine import rescoring; rescoring.rescore_all(); "
    "status = open('/proc/self/status').read(); "
    "print('peak_kb', status.split('VmHWM:')[1].split()[0])"
)


def rescore_in_child() -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a full rescore in a fresh process.

    The peak is the child's own high-water mark (``VmHWM``, Linux), read by
    the child itself: the kernel's ``ru_maxrss`` of a child also counts the
    parent's memory it was forked from, here the whole synthetic world.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", _CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    found = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("peak_kb ")]
    if done.returncode != 0 or not found:
        raise CommandError(f"The rescore in a fresh process failed: {done.stderr[-2000:]}")
    return elapsed, int(found[0]) / 1024


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

"""A full rescore fanned out over real Celery workers on Redis, one of them killed mid-chunk.

Each test starts its own workers (``tests/processes.py``) against the
committed test database; the result must be, bit for bit, what one process
rescoring everything stores.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from forecasts import tasks
from forecasts.models import RescoreRun
from tests.engine.test_chunks import assert_bit_identical, stored_state
from tests.engine.test_parallel import reference_then_empty
from tests.processes import subprocess_database_url, wait_for
from tests.test_worker import processes, test_redis  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _reference(test_redis) -> tuple:  # noqa: F811
    """What one process stores, the score tables emptied, and the rescores that
    building the ledger queued dropped: the workers see only the parallel run."""
    expected = reference_then_empty(41, n_authors=9, n_questions=20)
    test_redis.flushdb()
    return expected


def _merged(run: RescoreRun, timeout: float = 180) -> dict:
    def finished():
        run.refresh_from_db()
        return run.finished_at is not None

    wait_for(finished, timeout, f"rescore {run.pk} to be merged", every=0.3)
    return run.summary


def _chunks_done(worker) -> int:
    return len(re.findall(r"reckon\.rescore_chunk\[[^\]]+\] succeeded", worker.log()))


@pytest.mark.parametrize("n_workers", [1, 4])
def test_workers_store_what_one_process_does(processes, test_redis, n_workers):  # noqa: F811
    expected = _reference(test_redis)
    workers = [processes.worker(f"w{i}") for i in range(n_workers)]
    run = tasks.start_parallel_rescore(parallel=n_workers, chunk_questions=3)
    summary = _merged(run)
    assert summary["chunks"] == run.n_chunks == 7
    assert_bit_identical(stored_state(), expected, across_processes=True)
    logs = "".join(worker.log() for worker in workers)
    assert sum(_chunks_done(worker) for worker in workers) >= run.n_chunks
    assert "reckon.merge_rescore[" in logs
    wait_for(lambda: test_redis.hlen("unacked") == 0, 10, "every task to be acked")


def test_a_worker_killed_mid_chunk_loses_nothing(processes, test_redis):  # noqa: F811
    expected = _reference(test_redis)
    first, second = processes.worker("w1"), processes.worker("w2")
    # Hold the score table so that every chunk blocks at its first write:
    # "mid-chunk", deterministically, with no hook in the code under test.
    with psycopg.connect(subprocess_database_url()) as lock:
        lock.execute("LOCK TABLE forecasts_questionscore IN EXCLUSIVE MODE")
        run = tasks.start_parallel_rescore(parallel=2, chunk_questions=5)
        for worker in (first, second):
            blocked = f"{worker.name} to block"
            wait_for(lambda w=worker: processes.waiting_on_locks(w.app_name), 60, blocked)
        assert test_redis.hlen("unacked") == 2  # one chunk each, taken, not acknowledged
        first.kill()
        processes.terminate_sessions(first.app_name)
        lock.rollback()
    summary = _merged(run)
    assert summary["chunks"] == 4
    assert_bit_identical(stored_state(), expected, across_processes=True)
    assert _chunks_done(second) == 4  # its own three, and the one w1 was killed in
    wait_for(lambda: test_redis.hlen("unacked") == 0, 10, "the redelivered chunk to be acked")

"""A full rescore split across Celery workers: chunks side by side, then one merge.

``start_run`` cuts the question ids into ranges (``forecasts.engine.chunks``)
and records a ``RescoreRun`` with one ``RescoreChunk`` per range; the caller
(``forecasts.tasks``) queues one task per chunk. Each chunk task
(``score_run_chunk``) scores its range in a transaction of its own, writes
the range's rows and digests and stores its card totals keyed by run and
chunk. Once every chunk is stored, ``merge_run`` adds the totals up and
replaces the scorecards. Every step is safe to run again:

* a chunk scored twice (its worker died after committing, before the broker
  heard of it) overwrites its own row, and finds no score rows to rewrite;
* a chunk whose worker died mid-chunk rolled back, and the broker hands its
  task to another worker (late acknowledgement);
* every chunk task, when it finds all chunks stored, queues the merge: the
  last one to finish always does; a merge that finds the run finished, or a
  chunk missing, does nothing.

Locks: a chunk shares the global scoring lock with ``rescore_question`` and
locks its questions' rows, so a question rescored on its own is either
finished before the chunk reads it or after the chunk commits. The merge
takes the global lock exclusively; a question rescored on its own after its
chunk (``scored_at`` later than the run's start) has its chunk scored again
inside the merge, so the cards never count stale rows.
"""

from __future__ import annotations

import math
import uuid

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from forecasts.engine import card_totals, chunks
from forecasts.engine.ledger_arrays import IdRange
from forecasts.engine.memory import keep_freed_memory
from forecasts.engine.quantity_tables import rebuild_records
from forecasts.engine.rescoring import lock_scores, replace_scorecards
from forecasts.models import Question, RescoreChunk, RescoreRun, ScoresDigest


def start_run(*, parallel: int, verify: bool = False, chunk_questions: int | None = None):
    """Record a run cut into chunks (at least ``parallel`` when there are enough questions)."""
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, not {parallel}.")
    if chunk_questions is None:
        share = math.ceil(Question.objects.count() / parallel)
        chunk_questions = max(1, min(chunks.CHUNK_QUESTIONS, share))
    ranges = chunks.question_ranges(chunk_questions)
    with transaction.atomic():
        run = RescoreRun.objects.create(
            started_at=timezone.now(),
            verify=verify,
            chunk_questions=chunk_questions,
            n_chunks=len(ranges),
        )
        RescoreChunk.objects.bulk_create(
            RescoreChunk(run=run, index=i, low=r.low, high=r.high) for i, r in enumerate(ranges)
        )
    return run


def score_run_chunk(run_id: str, index: int) -> bool:
    """Score one chunk of a run and store its totals; returns whether every chunk is stored."""
    keep_freed_memory()
    with transaction.atomic():
        chunks_of_run = RescoreChunk.objects.filter(run_id=uuid.UUID(run_id))
        chunk = chunks_of_run.select_related("run").get(index=index)
        run = chunk.run
        if run.finished_at is not None:
            return False  # merged already: a late redelivery
        lock_scores(shared=True)
        _lock_questions(chunk)
        part = chunks.score_chunk(_range(chunk), run.started_at, verify=run.verify)
        chunk.keys, chunk.totals = part.keys.tobytes(), part.totals.tobytes()
        chunk.counts, chunk.scored_at = part.counts, timezone.now()
        chunk.save(update_fields=["keys", "totals", "counts", "scored_at"])
    return not chunks_of_run.filter(scored_at__isnull=True).exists()


def merge_run(run_id: str) -> dict | None:
    """Add the chunks' totals into the scorecards; None while a chunk is missing."""
    keep_freed_memory()
    with transaction.atomic():
        lock_scores(shared=False)
        run = RescoreRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None:
            return run.summary
        if run.chunks.filter(scored_at__isnull=True).exists():
            return None  # the last chunk to finish queues the merge again
        dirty = _chunks_rescored_since(run)
        card_sum = chunks.TotalsSum()
        for chunk in run.chunks.order_by("index"):
            if chunk.index in dirty:
                part = chunks.score_chunk(_range(chunk), run.started_at)
            else:
                part = _stored_part(chunk)
            card_sum.add(part)
        merged = card_sum.result()
        keys = merged.keys
        written = replace_scorecards(keys >> 32, keys & 0xFFFFFFFF, merged.totals, run.started_at)
        records_written = rebuild_records(authors=None, at=run.started_at)
        run.summary = {
            **merged.counts,
            "quantity_records_written": records_written,
            "chunks": run.n_chunks,
            "verify": run.verify,
            "chunks_scored_again": len(dirty),
            "scorecards": int(keys.size),
            "scorecards_written": written,
            "seconds": round((timezone.now() - run.started_at).total_seconds(), 3),
        }
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
        run.chunks.update(keys=None, totals=None)  # the totals are in the cards now
    return run.summary


def _range(chunk: RescoreChunk) -> IdRange:
    return IdRange(chunk.low, chunk.high)


def _stored_part(chunk: RescoreChunk) -> chunks.ChunkResult:
    keys = np.frombuffer(bytes(chunk.keys or b""), np.int64)
    totals = np.frombuffer(bytes(chunk.totals or b""), np.float64)
    totals = totals.reshape(keys.size, card_totals.WIDTH)
    return chunks.ChunkResult(keys, totals, dict(chunk.counts))


def _lock_questions(chunk: RescoreChunk) -> None:
    """Lock the rows of the chunk's questions (PostgreSQL), as ``rescore_question`` does."""
    if connection.vendor != "postgresql":
        return  # one writer at a time on SQLite
    condition, params = _range(chunk).where("id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT id FROM forecasts_question WHERE {condition} "
            "ORDER BY id FOR UPDATE) AS locked",
            params,
        )


def _chunks_rescored_since(run: RescoreRun) -> set[int]:
    """Chunks holding a question rescored on its own after the run began."""
    later = np.array(
        ScoresDigest.objects.filter(scored_at__gt=run.started_at).values_list(
            "question_id", flat=True
        ),
        np.int64,
    )
    dirty = set()
    for chunk in run.chunks.all().only("index", "low", "high"):
        low = -(2**63) if chunk.low is None else chunk.low
        high = 2**63 - 1 if chunk.high is None else chunk.high
        if np.any((later >= low) & (later < high)):
            dirty.add(chunk.index)
    return dirty

"""Full rescores split across Celery workers: a run and its chunks' results.

Written by forecasts.engine.parallel only. A run is cut into ranges of
question ids; each chunk task stores its authors' card totals here, keyed by
run and chunk (a chunk scored twice overwrites its own row), and the merge
adds them up into the scorecards once every chunk is in.
"""

from __future__ import annotations

import uuid

from django.db import models


class RescoreRun(models.Model):
    """One full rescore fanned out as chunk tasks, then merged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(help_text="When the run began: scored_at of its questions.")
    verify = models.BooleanField(default=False)
    chunk_questions = models.PositiveIntegerField()
    n_chunks = models.PositiveIntegerField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"rescore {self.id} ({self.n_chunks} chunks)"


class RescoreChunk(models.Model):
    """One range of question ids of a run: its bounds and, once scored, its card totals."""

    run = models.ForeignKey(RescoreRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    low = models.BigIntegerField(null=True, blank=True, help_text="First question id (none: open).")
    high = models.BigIntegerField(null=True, blank=True, help_text="Past the last (none: open).")
    keys = models.BinaryField(null=True, help_text="Card keys, author << 32 | tag, int64.")
    totals = models.BinaryField(null=True, help_text="Their totals, float64 rows.")
    counts = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="rescore_chunk_once_per_run")
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of {self.run_id}"

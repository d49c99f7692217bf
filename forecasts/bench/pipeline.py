"""Resolution to updated scorecard: latency through a real Celery worker on Redis.

Builds a small synthetic ledger (authors forecasting on closed questions),
starts its own worker subprocess against the configured database and
REDIS_URL, then resolves the questions one at a time and times each from the
call to ``question_resolve`` until the worker has stored the new scores and
scorecards. Everything it created is deleted afterwards (``--keep`` to keep).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from forecasts import ledger
from forecasts.models import (
    Author,
    Forecast,
    Question,
    QuestionScore,
    Resolution,
    ResolutionPrompt,
    Scorecard,
    Source,
)

POLL_S = 0.002


def add_arguments(parser) -> None:
    parser.add_argument("--resolutions", type=int, default=100, help="Before --scale.")
    parser.add_argument("--authors", type=int, default=5, help="Forecasters on each question.")
    parser.add_argument("--pool", choices=["prefork", "solo"], default="prefork")
    parser.add_argument("--timeout", type=float, default=30.0, help="Per resolution, seconds.")
    parser.add_argument("--keep", action="store_true", help="Keep the synthetic ledger.")


def run(options, out) -> dict:
    if not settings.REDIS_URL:
        raise CommandError(
            "bench pipeline measures the Redis pipeline: set REDIS_URL "
            "(e.g. REDIS_URL=redis://127.0.0.1:6379/0) and run it again."
        )
    count = max(1, round(options["resolutions"] * options["scale"]))
    tag = uuid.uuid4().hex[:8]
    out.write(f"Building {count} questions × {options['authors']} authors (bench-{tag})…")
    source, authors, questions = _build(tag, count, options["authors"])
    worker = BenchWorker(tag, options["pool"])
    try:
        worker.start()
        out.write(f"Worker ready ({options['pool']}); resolving {count} questions one by one…")
        latencies = [_resolve_and_wait(q, authors, options["timeout"]) for q in questions]
    finally:
        worker.stop()
        if not options["keep"]:
            _delete(source, authors, questions)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    out.write(
        f"latency p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms over {count} resolutions"
    )
    return {
        "resolutions": count,
        "authors_per_question": options["authors"],
        "latency_p50_s": round(p50, 4),
        "latency_p95_s": round(p95, 4),
        "latency_max_s": round(latencies[-1], 4),
        "latency_mean_s": round(statistics.fmean(latencies), 4),
        "pool": options["pool"],
        "broker": "redis",
    }


def _build(tag: str, count: int, n_authors: int) -> tuple[Source, list[Author], list[Question]]:
    now = timezone.now()
    source = Source.objects.create(
        title=f"Pipeline benchmark {tag}", slug=f"bench-{tag}", published_on=now.date()
    )
    authors = [
        Author.objects.create(name=f"Bench {tag} {i}", slug=f"bench-{tag}-{i}", is_synthetic=True)
        for i in range(n_authors)
    ]
    questions = []
    for n in range(count):
        question = Question.objects.create(
            title=f"Bench {tag} question {n}",
            slug=f"bench-{tag}-q{n}",
            resolution_criteria="Synthetic.",
            is_synthetic=True,
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=10),
            resolve_by=now - timedelta(days=1),
        )
        for i, author in enumerate(authors):
            ledger.forecast_create(
                question=question,
                author=author,
                source=source,
                probability=round(0.05 + 0.9 * ((n * 7 + i * 13) % 19) / 18, 3),
                stated_at=question.opens_at + timedelta(days=i + 1),
                rescore=False,  # nothing queued ahead of the resolutions being timed
            )
        questions.append(question)
    return source, authors, questions


def _resolve_and_wait(question: Question, authors: list[Author], timeout: float) -> float:
    started = time.perf_counter()
    ledger.question_resolve(
        question=question,
        outcome="yes" if question.pk % 2 else "no",
        outcome_known_at=timezone.now(),
        evidence_note="Synthetic.",
    )
    changed_at = Question.objects.values_list("resolution_changed_at", flat=True).get(
        pk=question.pk
    )
    deadline = started + timeout
    while Question.objects.needing_rescore().filter(pk=question.pk).exists() or (
        Scorecard.objects.filter(author__in=authors, tag=None, computed_at__gte=changed_at).count()
        < len(authors)
    ):
        if time.perf_counter() > deadline:
            raise CommandError(f"Question {question.pk} was not scored within {timeout:.0f} s.")
        time.sleep(POLL_S)
    return time.perf_counter() - started


class BenchWorker:
    """A worker subprocess of our own, on the configured database and Redis."""

    def __init__(self, tag: str, pool: str):
        self.name = f"bench-{tag}@%h"
        self.pool = pool
        self.log = Path(tempfile.gettempdir()) / f"reckon-bench-{tag}-worker.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={self.pool}",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-n",
            self.name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                args,
                cwd=settings.BASE_DIR,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        hostname = self.name.replace("%h", socket.gethostname())
        while not celery_app.control.ping(destination=[hostname], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CommandError(f"The benchmark worker did not start; see {self.log}.")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@transaction.atomic
def _delete(source: Source, authors: list[Author], questions: list[Question]) -> None:
    """Remove the synthetic ledger (forecasts are immutable, except to this cleanup)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")
    ResolutionPrompt.objects.filter(question__in=questions).delete()
    QuestionScore.objects.filter(question__in=questions).delete()
    Scorecard.objects.filter(author__in=authors).delete()
    Resolution.objects.filter(question__in=questions).update(supersedes=None)
    Resolution.objects.filter(question__in=questions).delete()
    Forecast.objects.filter(question__in=questions).delete()
    Question.objects.filter(pk__in=[q.pk for q in questions]).delete()
    Author.objects.filter(pk__in=[a.pk for a in authors]).delete()
    source.delete()

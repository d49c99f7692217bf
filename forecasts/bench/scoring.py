"""Scoring at scale: a full rescore against one read of the forecasts, and one question.

At ``--scale 1`` the synthetic world has 1,000,000 forecasts on 100,000
questions by 2,000 authors, plus one question forecast by 1,000 of them. It
is written into the configured database (synthetic data only: the benchmark
refuses a database holding real records, and SQLite at scale 0.1 or more);
with ``--reuse-world`` a stored synthetic world of the same size is measured
again instead, its score tables emptied. Then it measures:

* ``scan_floor_s``: reading the forecast columns scoring needs, once, with
  ``COPY (...) TO STDOUT`` (binary); the full rescore reads the same columns
  packed by the server instead, in about the same time;
* ``rescore_all_s`` (goal: at most 3 × the scan) with the score tables
  already full, as in production: the median of ``--runs`` runs (five) after the first
  (``rescore_all_runs_s`` lists them; a fresh process is slower for its
  first runs, while the memory for NumPy's large arrays is first mapped), and
  ``rescore_all_first_s`` into empty tables (goal: at most 5 × the scan),
  each with its seconds by phase (``rescore_all_first_phases_s``,
  ``rescore_all_phases_s``);
* ``rescore_peak_rss_mb``: the peak RSS of ``rescore_all`` run in a
  fresh process (goal: at most 400 MB at any scale: the ledger is scored in
  chunks of questions);
* ``rescore_question_s`` for the 1,000-forecaster question after its
  outcome is corrected (median of 3 corrections), and
  ``full_vs_incremental`` = rescore_all_s / rescore_question_s, for the record;
* ``question_read_floor_s`` and ``question_write_floor_s``: reading that
  question's forecasts, score rows and its authors' overall and tag
  scorecards once, and rewriting those rows in place, with nothing computed:
  no rescore_question that keeps these tables current can beat their sum;
  ``rescore_question_vs_floors`` is its ratio to that sum (goal: near it; an
  earlier goal of 100x between the two rescores was retired, since on this
  machine the floors alone took more than it allowed: docs/benchmarks.md),
  and ``full_vs_floors`` the full rescore's;
* with ``--workers N``: ``parallel_1_worker_s`` and ``parallel_n_workers_s``,
  one ``rescore --parallel`` through 1 and then N fresh Celery worker
  processes on Redis, and ``parallel_speedup`` (on a 2-core machine, little);
* ``naive_per_forecast_s``: the per-forecast ORM loop many trackers run (a
  few queries per forecast), timed on ``naive_sample`` forecasts.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from forecasts import scoring
from forecasts.bench.rescore_processes import parallel_seconds, rescore_in_child
from forecasts.demo.loader import make_world, real_data_exists
from forecasts.demo.simulation import WorldSpec
from forecasts.engine import rescoring
from forecasts.engine.bulkload import in_ids
from forecasts.engine.ledger_arrays import forecasts_sql
from forecasts.models import (
    Author,
    Forecast,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
)

T = TypeVar("T")


def add_arguments(parser) -> None:
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Also time a parallel full rescore through 1 and N real Celery workers on Redis.",
    )
    parser.add_argument(
        "--naive-sample", type=int, default=300, help="Forecasts the naive loop scores."
    )
    parser.add_argument(
        "--reuse-world",
        action="store_true",
        help="Measure the synthetic world already in the database when it has this scale's "
        "authors and questions (its score tables emptied first); build it otherwise.",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="Full rescores timed into full score tables (the median is reported).",
    )


def run(options, out) -> dict:
    scale = options["scale"]
    _refuse_unsafe(scale)
    load_before = os.getloadavg()
    spec = _spec(scale, options["seed"])
    made = world(spec, reuse=options["reuse_world"], out=out)
    settle()
    scan_floor = min(_scan_seconds() for _ in range(3))
    out.write(f"  scan floor (COPY of the forecast columns): {scan_floor:.3f} s")
    first = _timed(rescoring.rescore_all)
    settle()
    runs = [_timed(rescoring.rescore_all) for _ in range(max(1, options["runs"]))]
    again = sorted(runs, key=lambda run: run[0])[len(runs) // 2]  # the median run, steps and all
    laps = again[1]
    out.write(
        f"  rescore_all: {first[0]:.3f} s into empty tables; replacing, runs of "
        f"{', '.join(f'{run[0]:.3f}' for run in runs)} s, median {again[0]:.3f} s "
        f"({', '.join(f'{k} {v}' for k, v in laps.items() if k.endswith('_s'))})"
    )
    out.write(f"  into empty tables, by phase: {_phases(first[1])}")
    out.write(f"  replacing (median run), by phase: {_phases(laps)}")
    child_s, peak_mb = _fresh_process_rescore(out)
    workers = _workers(options["workers"], out)
    question_id = made["crowd_question_id"]
    timings = []
    for _ in range(3):  # each time after a correction, so that every score and card changes
        _correct_outcome(question_id)
        timings.append(_timed(lambda: rescoring.rescore_question(question_id=question_id))[0])
    per_question = statistics.median(timings)
    crowd = QuestionScore.objects.filter(question_id=question_id).count()
    out.write(f"  rescore_question ({crowd:,} forecasters): {per_question:.3f} s")
    floors = _question_floors(question_id)
    least = floors["read_s"] + floors["write_s"]
    out.write(
        f"  least that rescore must do, nothing computed: read its forecasts, score rows and "
        f"cards {floors['read_s']:.4f} s, rewrite its {floors['rows']:,} rows in place "
        f"{floors['write_s']:.4f} s; rescore_question is {per_question / least:.1f}x that"
    )
    naive_s, naive_n = _naive_seconds(options["naive_sample"], options["seed"])
    out.write(
        f"  naive ORM loop: {naive_s / naive_n * 1000:.2f} ms per forecast "
        f"({naive_n} forecasts), about {naive_s / naive_n * made['forecasts']:.0f} s in all"
    )
    return {
        "forecasts": made["forecasts"],
        "questions": made["questions"],
        "authors": made["authors"],
        "question_scores": laps["question_scores"],
        "scorecards": laps["scorecards"],
        "world_s": round(made["build_s"] + made["load_s"], 3),
        "scan_floor_s": round(scan_floor, 4),
        "rescore_all_s": round(again[0], 4),
        "rescore_all_runs_s": [round(run[0], 4) for run in runs],
        "rescore_all_first_s": round(first[0], 4),
        "rescore_all_first_vs_scan": round(first[0] / scan_floor, 2),
        "rescore_all_chunks": laps["chunks"],
        "rescore_peak_rss_mb": None if peak_mb != peak_mb else round(peak_mb),
        "rescore_child_s": None if child_s != child_s else round(child_s, 3),
        "rescore_all_steps": {k: v for k, v in laps.items() if k.endswith("_s")},
        "rescore_all_phases_s": laps["phases"],
        "rescore_all_first_phases_s": first[1]["phases"],
        "rescore_all_vs_scan": round(again[0] / scan_floor, 2),
        "crowd_question_forecasters": crowd,
        "rescore_question_s": round(per_question, 4),
        "full_vs_incremental": round(again[0] / per_question, 1),
        "question_read_floor_s": round(floors["read_s"], 4),
        "question_write_floor_s": round(floors["write_s"], 4),
        "question_rows_touched": floors["rows"],
        "rescore_question_vs_floors": round(per_question / least, 2),
        "full_vs_floors": round(again[0] / least, 1),
        **workers,
        "naive_per_forecast_s": round(naive_s / naive_n, 6),
        "naive_sample": naive_n,
        "naive_extrapolated_s": round(naive_s / naive_n * made["forecasts"], 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def world(spec: WorldSpec, *, reuse: bool, out) -> dict:
    """The world to measure: with ``reuse``, the synthetic world stored already if it has
    ``spec``'s authors and questions (its scores emptied, as a new world's are); else a new one.

    A world of ten million forecasts takes more than half an hour to build, so
    it is built once and measured as often as needed.
    """
    stored = _stored_world(spec) if reuse else None
    if stored is not None:
        out.write(
            f"Reusing the stored synthetic world: {stored['forecasts']:,} forecasts, "
            f"{stored['questions']:,} questions, {stored['authors']:,} authors "
            "(score tables emptied)"
        )
        return stored
    out.write(f"Making the synthetic world ({spec.target_forecasts:,} forecasts)…")
    made = make_world(spec, reset=True)
    out.write(
        f"  made in {made['build_s'] + made['load_s']:.1f} s: {made['forecasts']:,} forecasts, "
        f"{made['questions']:,} questions, {made['authors']:,} authors"
    )
    return made


def _stored_world(spec: WorldSpec) -> dict | None:
    """The stored synthetic world's counts if it has ``spec``'s size, its scores emptied."""
    questions = Question.objects.filter(is_synthetic=True)
    n_questions = spec.questions + (1 if spec.crowd_question_authors else 0)
    if (
        Author.objects.filter(is_synthetic=True).count() != spec.authors
        or questions.count() != n_questions
    ):
        return None
    # The world's questions get consecutive ids, the many-forecaster one last.
    crowd = questions.order_by("-pk").values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cursor:
        # The benchmark's database holds synthetic data only (``_refuse_unsafe``).
        # The questions' stamps go with the digests (``ScoresDigest.scored_at``).
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(SCORE_TABLES)}")
        else:
            for table in SCORE_TABLES:
                cursor.execute(f"DELETE FROM {table}")
    return {
        "forecasts": Forecast.objects.count(),
        "questions": n_questions,
        "authors": spec.authors,
        "crowd_question_id": crowd if spec.crowd_question_authors else None,
        "build_s": 0.0,
        "load_s": 0.0,
    }


SCORE_TABLES = (
    "forecasts_questionscore",
    "forecasts_scoresdigest",
    "forecasts_scorecard",
    "forecasts_quantityscore",
    "forecasts_quantityrecord",
)


def _phases(summary) -> str:
    """A rescore's phases, slowest first, in seconds (summed over its chunks)."""
    phases = sorted(summary["phases"].items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {seconds:.3f}" for name, seconds in phases)


def _fresh_process_rescore(out) -> tuple[float, float]:
    """A full rescore in a fresh process: seconds and its peak RSS (NaN inside a transaction).

    Inside a transaction (as in the tests) a fresh process could not see the
    world, and would wait for this one's scoring lock: it is skipped.
    """
    if connection.in_atomic_block:
        out.write("  rescore_all in a fresh process: skipped inside a transaction")
        return float("nan"), float("nan")
    child_s, peak_mb = rescore_in_child()
    out.write(
        f"  rescore_all in a fresh process: {child_s:.3f} s wall with start-up, peak RSS "
        f"{peak_mb:.0f} MB (goal: at most 400 MB)"
    )
    return child_s, peak_mb


def _workers(n: int, out) -> dict:
    """A parallel full rescore through one worker, then through ``n`` (0: skipped)."""
    if n < 1:
        return {}
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        raise CommandError("--workers needs REDIS_URL and a PostgreSQL DATABASE_URL.")
    one = parallel_seconds(1)
    many = parallel_seconds(n) if n > 1 else one
    out.write(
        f"  rescore --parallel through real workers: 1 worker {one:.3f} s, {n} workers "
        f"{many:.3f} s: {one / many:.2f}x the speed of one"
    )
    return {
        "parallel_1_worker_s": round(one, 3),
        "parallel_workers": n,
        "parallel_n_workers_s": round(many, 3),
        "parallel_speedup": round(one / many, 2),
    }


def _refuse_unsafe(scale: float) -> None:
    if connection.vendor == "sqlite" and scale >= 0.1:
        raise CommandError(
            "Refusing to run at scale 0.1 or more on SQLite; set DATABASE_URL to a PostgreSQL "
            "database (the benchmark is about PostgreSQL)."
        )
    if real_data_exists():
        raise CommandError(
            "Refusing to run: this database holds authors or questions that are not synthetic, "
            "and the benchmark replaces the synthetic world and every stored score. Use an "
            "empty database."
        )


def _spec(scale: float, seed: int) -> WorldSpec:
    authors = max(5, round(2000 * scale))
    return WorldSpec(
        authors=authors,
        questions=max(20, round(100_000 * scale)),
        forecasts=max(100, round(1_000_000 * scale)),
        seed=seed,
        crowd_question_authors=min(1000, authors),
    )


def settle() -> None:
    """After bulk writes: vacuum, analyse and flush them, so that neither
    autovacuum nor a checkpoint runs in the middle of a measurement."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute("ANALYZE")  # VACUUM cannot run inside a transaction (as in tests)
            return
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT rolsuper OR pg_has_role(current_user, 'pg_checkpoint', 'MEMBER') "
            "FROM pg_roles WHERE rolname = current_user"
        )
        if cursor.fetchone()[0]:
            cursor.execute("CHECKPOINT")


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _correct_outcome(question_id: int) -> None:
    """Record the opposite outcome as a correction, as resolution_correct does.

    Written directly rather than through the service so that no rescoring task
    is queued behind the benchmark's back; the question is then stale.
    """
    with transaction.atomic():
        current = Resolution.objects.select_for_update().get(
            question_id=question_id, is_current=True
        )
        current.is_current = False
        current.save(update_fields=["is_current"])
        Resolution.objects.create(
            question_id=question_id,
            outcome="no" if current.outcome == "yes" else "yes",
            outcome_known_at=current.outcome_known_at,
            evidence_note="Synthetic: corrected by the benchmark.",
            reason="Benchmark: measure the rescoring of a corrected question.",
            supersedes=current,
        )
        Question.objects.filter(pk=question_id).update(resolution_changed_at=timezone.now())


def _question_floors(question_id: int) -> dict:
    """The least a rescore of the question must read and write, each timed alone.

    Read: the question's forecasts, its stored score rows and the totals of its
    authors' overall and tag scorecards, each by one binary COPY. Write: one
    UPDATE of those score rows and one of those cards (found by id), each
    setting a column to itself: the same rows rewritten in place, with nothing
    computed. Medians of 3, rolled back.
    """
    tags = list(Question.objects.get(pk=question_id).tags.values_list("pk", flat=True))
    authors = list(
        QuestionScore.objects.filter(question_id=question_id).values_list("author_id", flat=True)
    )
    cards, card_params = in_ids(
        connection,
        "id",
        Scorecard.objects.filter(author_id__in=authors)
        .filter(Q(tag__isnull=True) | Q(tag_id__in=tags))
        .values_list("pk", flat=True),
    )
    forecasts, params, _ = forecasts_sql([question_id])
    reads = [
        (forecasts, params),
        ("SELECT * FROM forecasts_questionscore WHERE question_id = %s", [question_id]),
        (f"SELECT id, totals FROM forecasts_scorecard WHERE {cards}", card_params),
    ]
    read_s, write_s, touched = [], [], 0
    for _ in range(3):
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            sizes = [_read_once(cursor, sql, values) for sql, values in reads]
            read_s.append(time.perf_counter() - started)
            if 0 in sizes:
                raise CommandError(f"Question {question_id} has nothing to read: {sizes}")
            started = time.perf_counter()
            cursor.execute(
                "UPDATE forecasts_questionscore SET n_days = n_days WHERE question_id = %s",
                [question_id],
            )
            touched = cursor.rowcount
            cursor.execute(
                f"UPDATE forecasts_scorecard SET n_scored = n_scored WHERE {cards}", card_params
            )
            touched += cursor.rowcount
            write_s.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return {
        "read_s": statistics.median(read_s),
        "write_s": statistics.median(write_s),
        "rows": touched,
    }


def _scan_seconds() -> float:
    """Read the forecast columns scoring needs once, as bytes, and throw them away."""
    sql, params, _ = forecasts_sql()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        size = _read_once(cursor, sql, params)
    elapsed = time.perf_counter() - started
    if size == 0:
        raise CommandError("The forecast table is empty: nothing to time.")
    return elapsed


def _read_once(cursor, sql: str, params) -> int:
    """Run a query and throw its result away: bytes of binary COPY (PostgreSQL), or rows."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return len(cursor.fetchall())
    size = 0
    with cursor.connection.cursor().copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
        for chunk in copy:
            size += len(chunk)
    return size


def _naive_seconds(sample: int, seed: int) -> tuple[float, int]:
    """Time ``naive_rescore`` on a random sample of forecasts on resolved questions."""
    resolved = Forecast.objects.filter(question__state="resolved")
    # Probabilities only: the loop below scores yes/no and multiple-choice questions.
    resolved = resolved.exclude(question__kind__in=["numeric", "date"])
    ids = np.array(resolved.values_list("pk", flat=True))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(ids, min(sample, ids.size), replace=False).tolist()
    with transaction.atomic():
        started = time.perf_counter()
        naive_rescore(chosen)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the stored scores as rescore_all made them
    return elapsed, len(chosen)


def naive_rescore(forecast_ids: list[int]) -> None:
    """Score forecast by forecast through the ORM: the usual tracker, for comparison.

    For each forecast it loads the forecast, its question and resolution, the
    author's forecasts on the question (with option probabilities), scores
    the pair with ``forecasts.scoring`` and writes the pair's score: a handful
    of queries per forecast, and no crowd, calibration or scorecard at all.
    """
    for forecast_id in forecast_ids:
        forecast = Forecast.objects.select_related("question").get(pk=forecast_id)
        question = forecast.question
        if question.is_quantity:
            continue  # numeric and date questions: no probability to score here
        resolution = question.resolutions.filter(is_current=True).first()
        own = list(
            Forecast.objects.filter(question=question, author_id=forecast.author_id)
            .filter(recorded_at__lte=resolution.outcome_known_at)
            .prefetch_related("option_probabilities__option")
            .order_by("stated_at", "pk")
        )
        if not own:
            continue
        opens, closes = question.opens_at.date(), question.closes_at  # close: a moment
        if question.is_binary:
            pairs = [(f.stated_at, f.probability) for f in own]
            brier = scoring.time_averaged_brier(pairs, opens, closes, resolution.outcome == "yes")
        else:
            options = list(question.options.order_by("position", "pk").values_list("pk", flat=True))
            pairs = [
                (
                    f.stated_at,
                    [
                        p.probability
                        for p in sorted(
                            f.option_probabilities.all(), key=lambda p: options.index(p.option_id)
                        )
                    ],
                )
                for f in own
            ]
            brier = scoring.time_averaged_brier_multi(
                pairs, opens, closes, options.index(resolution.option_id)
            )
        QuestionScore.objects.update_or_create(
            author_id=forecast.author_id,
            question=question,
            defaults={"brier": brier, "resolution": resolution, "n_forecasts": len(own)},
        )

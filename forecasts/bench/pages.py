"""Public pages under gunicorn, uncached, against a trivial endpoint in the same run.

Serves the configured database with gunicorn (production settings) and, for
the home page, the leaderboard, the author with the most scored questions
(at least 100 wanted) and the question with the most authors (at least 15
wanted), keeps ``--threads`` clients busy for ``--seconds`` each, after one
warm-up pass that draws any chart not stored yet. Nothing caches a whole page:
each visit reads the change stamp and the page's own rows and renders its
frame; what the page works out from the stored data alone is remembered in
each worker until the data changes (``forecasts.pages.fragments``), and charts
come from the chart store (``forecasts.pages.chart_store``), as they do for
every reader once drawn. Reported per page: requests per second, median
and 95th percentile latency, and the rate as a share of ``/api/health/``
measured on the same server just before.

A second pass does the same with the cache's Redis unreachable (a closed
loopback port): charts must still come from the store, not be redrawn. A
third pass keeps the memory on while an editor writes: ``--writes-per-second``
times a second (2 by default) a synthetic question's background is rewritten,
which moves the change stamp, so every process works each page out afresh
after each write, as on a site where editors are at work. A fourth pass
turns the pages' memory off (``RECKON_PAGE_MEMORY_BYTES=0``): what the first
visit after a write costs, every time.

An empty database gets the public records (``import_records``) and the
synthetic demo world with one crowded question (``demo_world``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q

from forecasts.bench.scoring import settle
from forecasts.bench.serving import Load, collect_static, fetch, free_port, load, serve
from forecasts.models import Author, Question

GOAL_SHARE, GOAL_P95_MS = 0.1, 100.0
TRIVIAL = "/api/health/"
COUNTED = Q(question_scores__excluded_reason="", question_scores__brier__isnull=False)


def add_arguments(parser) -> None:
    parser.add_argument("--seconds", type=float, default=5.0, help="Load per page (× --scale).")
    parser.add_argument("--threads", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
    parser.add_argument(
        "--no-outage", action="store_true", help="Skip the pass with Redis unreachable."
    )
    parser.add_argument(
        "--no-cold", action="store_true", help="Skip the pass with the pages' memory off."
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=2.0,
        help="Edits a second in the pass with writes landing (0 skips that pass).",
    )


def _ensure_world(out) -> None:
    if not Author.objects.filter(is_synthetic=False, question_scores__isnull=False).exists():
        out.write("importing the public records")
        call_command(
            "import_records", str(settings.BASE_DIR / "fixtures/records/public_records.json")
        )
    if not Question.objects.filter(is_synthetic=True).exists():
        out.write("adding the synthetic demo world with a question of 20 authors")
        call_command("demo_world", authors=40, questions=300, crowd_question=20, stdout=out)


def _subjects() -> dict[str, str]:
    """The four pages: name → path."""
    author = (
        Author.objects.annotate(n=Count("question_scores", filter=COUNTED))
        .order_by("-n", "pk")
        .first()
    )
    question = (
        Question.objects.published()
        .annotate(n=Count("forecasts__author", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    assert author is not None and question is not None, "the world holds no author or question"
    return {
        "home": "/",
        "leaderboard": "/leaderboard/",
        "author": author.get_absolute_url(),
        "question": question.get_absolute_url(),
    }


def _describe() -> dict:
    """How big the measured author's record and question are."""
    subjects = _subjects()
    author = Author.objects.get(slug=subjects["author"].rstrip("/").rsplit("/", 1)[-1])
    question = Question.objects.get(slug=subjects["question"].rstrip("/").rsplit("/", 1)[-1])
    return {
        "author": author.slug,
        "author_forecasts": author.forecasts.count(),
        "author_scored": author.question_scores.counted().count(),
        "question": question.slug,
        "question_authors": question.forecasts.values("author").distinct().count(),
    }


def _report(out, name: str, run: Load, trivial: Load, leg: str) -> dict:
    share = run.rate / trivial.rate
    p50, p95 = run.percentile_ms(50), run.percentile_ms(95)
    out.write(
        f"{leg:<8} {name:<12} {run.rate:8.1f} req/s = {share:5.3f}× trivial   "
        f"median {p50:7.1f} ms = {p50 / trivial.percentile_ms(50):6.1f}× trivial   "
        f"p95 {p95:7.1f} ms = {p95 / trivial.percentile_ms(95):6.1f}× trivial"
    )
    return {
        "rps": round(run.rate, 1),
        "vs_trivial": round(share, 3),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "p95_vs_trivial": round(p95 / trivial.percentile_ms(95), 2),
        "goal_met": share >= GOAL_SHARE and p95 < GOAL_P95_MS,
    }


class Writer:
    """Edits ``rate`` times a second while in use: a synthetic question's background
    rewritten (and put back after), one committed ``UPDATE`` each, as an editor's save
    is; each moves the change stamp (``forecasts.models.changes``)."""

    def __init__(self, rate: float) -> None:
        self.rate, self.writes = rate, 0
        self._stop = threading.Event()
        found = Question.objects.filter(is_synthetic=True).order_by("pk").first()
        assert found is not None, "the world holds no synthetic question"
        self.question, self.original = found.pk, found.background

    def _edit(self, text: str) -> None:
        Question.objects.filter(pk=self.question).update(background=text)

    def _run(self) -> None:
        try:
            next_at = time.perf_counter()
            while not self._stop.is_set():
                self.writes += 1
                self._edit(f"{self.original}\n(edit {self.writes})")
                next_at += 1 / self.rate
                self._stop.wait(max(0.0, next_at - time.perf_counter()))
        finally:
            connection.close()  # this thread's own connection

    @contextmanager
    def writing(self) -> Iterator[None]:
        self._stop.clear()
        thread = threading.Thread(target=self._run, name="bench-writer")
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()
            self._edit(self.original)


def _measure(
    options, out, subjects: dict[str, str], *, leg: str, env: dict, writer: Writer | None = None
) -> dict:
    seconds = options["seconds"] * options["scale"]
    figures: dict = {}
    with serve(workers=options["workers"], env=env) as port:
        for path in [TRIVIAL, *subjects.values()]:  # warm up: draw and store the charts
            for _ in range(options["workers"] * 2):
                status, _ = fetch(port, path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
        for name, path in subjects.items():
            # The reference just before each page, so both see the same machine load.
            trivial = load(port, [TRIVIAL], seconds=seconds, threads=options["threads"])
            before = writer.writes if writer else 0
            with writer.writing() if writer else nullcontext():
                run = load(port, [path], seconds=seconds, threads=options["threads"])
            if name == "home":
                figures["trivial"] = {
                    "rps": round(trivial.rate, 1),
                    "p50_ms": round(trivial.percentile_ms(50), 1),
                    "p95_ms": round(trivial.percentile_ms(95), 1),
                }
                out.write(
                    f"{leg:<8} {'trivial':<12} {trivial.rate:8.1f} req/s   "
                    f"median {trivial.percentile_ms(50):7.1f} ms   "
                    f"p95 {trivial.percentile_ms(95):7.1f} ms ({TRIVIAL})"
                )
            figures[name] = _report(out, name, run, trivial, leg)
            if writer:
                figures[name]["writes"] = writer.writes - before
                out.write(f"{leg:<8} {name:<12} {writer.writes - before} writes landed meanwhile")
    return figures


def run(options, out) -> dict:
    collect_static()
    _ensure_world(out)
    settle()  # planner statistics and a checkpoint before anything is measured
    subjects = _subjects()
    described = _describe()
    out.write(
        f"author page: {described['author']} ({described['author_scored']} scored of "
        f"{described['author_forecasts']} forecasts); question page: {described['question']} "
        f"({described['question_authors']} authors)"
    )
    out.write(f"{options['threads']} clients, {options['workers']} gunicorn workers, no page cache")
    figures: dict = {
        **described,
        "threads": options["threads"],
        "workers": options["workers"],
        "seconds": options["seconds"] * options["scale"],
        "goal": f"each page >= {GOAL_SHARE}x the trivial rate and p95 < {GOAL_P95_MS:.0f} ms",
    }
    figures["redis_up"] = _measure(options, out, subjects, leg="redis up", env={})
    if not options["no_outage"]:
        # A closed loopback port: every cache call fails fast, as in a Redis outage.
        closed = f"redis://127.0.0.1:{free_port()}/0"
        figures["redis_down"] = _measure(
            options,
            out,
            subjects,
            leg="redis down",
            env={"REDIS_URL": closed, "RECKON_CACHE_RETRY_SECONDS": "3600"},
        )
    if options["writes_per_second"] > 0:
        rate = options["writes_per_second"]
        figures["writes_per_second"] = rate
        figures["writing"] = _measure(
            options, out, subjects, leg="writing", env={}, writer=Writer(rate)
        )
    if not options["no_cold"]:
        figures["memory_off"] = _measure(
            options, out, subjects, leg="cold", env={"RECKON_PAGE_MEMORY_BYTES": "0"}
        )
    return figures

"""API throughput under gunicorn: scorecard, lists and a 304 poll against a trivial endpoint.

Starts gunicorn on a free loopback port against the configured database,
fills it with the synthetic demo world (``manage.py demo_world``) if it has no
synthetic questions yet, then for each endpoint runs a bounded load:
``--threads`` client threads sending requests for ``--seconds`` each. It does
so twice, with the public read cache as configured and with it off (as every
signed-in and token client reads), and reports requests per second and each
endpoint's rate as a share of ``/api/health/``'s, run before each endpoint
and after the last: each endpoint is set against the mean of the two runs
either side of it. ``not_modified`` is a polling
client: the question list asked with the ETag it was last served
(``If-None-Match``), answered 304 with no body. Last, in this process and
uncached, the CPU each request costs in Python and in the database server.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction

from forecasts import scoring
from forecasts.bench.scoring import settle
from forecasts.engine import card_totals
from forecasts.engine.pair_scores import COUNTED
from forecasts.models import (
    Author,
    Forecast,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
    Source,
    Tag,
)

PREFIX = "bench-api-"
ENDPOINTS = ("trivial", "scorecard", "questions", "forecasts", "not_modified")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="Load per endpoint (times --scale)."
    )
    parser.add_argument("--threads", type=int, default=8, help="Client threads.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
    parser.add_argument(
        "--authors", type=int, default=40, help="Synthetic authors if the world is empty."
    )
    parser.add_argument(
        "--questions", type=int, default=300, help="Synthetic questions if the world is empty."
    )


def _populate(n_authors: int, n_questions: int, out) -> None:
    """The demo world (``manage.py demo_world``) when there is one, else a small synthetic world."""
    from django.core.management import call_command, get_commands

    if "demo_world" in get_commands():
        out.write(f"populating with demo_world: {n_authors} authors, {n_questions} questions")
        call_command("demo_world", authors=n_authors, questions=n_questions, stdout=out)
        return
    out.write(f"populating a synthetic world: {n_authors} authors, {n_questions} questions")
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        tags = [
            Tag.objects.create(name=f"Bench {t}", slug=f"{PREFIX}{t}")
            for t in ("economy", "war", "tech")
        ]
        authors = Author.objects.bulk_create(
            Author(name=f"Bench author {i}", slug=f"{PREFIX}author-{i}", is_synthetic=True)
            for i in range(n_authors)
        )
        source = Source.objects.create(
            title="Bench source", slug=f"{PREFIX}source", published_on=start.date()
        )
        questions = Question.objects.bulk_create(
            Question(
                title=f"Bench question {i}?",
                slug=f"{PREFIX}q-{i}",
                resolution_criteria="Synthetic.",
                opens_at=start,
                closes_at=start + timedelta(days=90),
                resolve_by=start + timedelta(days=120),
                state=Question.State.RESOLVED,
                is_synthetic=True,
            )
            for i in range(n_questions)
        )
        for i, q in enumerate(questions):
            q.tags.add(tags[i % len(tags)])
        outcomes = {q.pk: rng.random() < 0.4 for q in questions}
        resolutions = Resolution.objects.bulk_create(
            Resolution(
                question=q,
                outcome="yes" if outcomes[q.pk] else "no",
                outcome_known_at=start + timedelta(days=100),
                evidence_note="Synthetic.",
            )
            for q in questions
        )
        resolution_of = {r.question_id: r for r in resolutions}
        forecasts, scores = [], []
        for author in authors:
            for q in rng.sample(questions, k=min(len(questions), 25)):
                p = round(rng.uniform(0.02, 0.98), 2)
                forecasts.append(
                    Forecast(
                        question=q,
                        author=author,
                        source=source,
                        probability=p,
                        stated_at=start + timedelta(days=5),
                    )
                )
                b = scoring.brier(p, outcomes[q.pk])
                scores.append(
                    QuestionScore(
                        author=author,
                        question=q,
                        resolution=resolution_of[q.pk],
                        brier=b,
                        brier_final=b,
                        log_loss=scoring.log_loss(p, outcomes[q.pk]),
                        final_probability=p if outcomes[q.pk] else 1 - p,
                        n_forecasts=1,
                    )
                )
        Forecast.objects.bulk_create(forecasts, batch_size=2000)
        QuestionScore.objects.bulk_create(scores, batch_size=2000)
        tag_of = {q.pk: i % len(tags) for i, q in enumerate(questions)}
        cards = []
        for author in authors:
            mine = [s for s in scores if s.author_id == author.pk]
            cards.append(_card(author, None, mine))
            for t, tag in enumerate(tags):
                tagged = [s for s in mine if tag_of[s.question_id] == t]
                if tagged:
                    cards.append(_card(author, tag, tagged))
        Scorecard.objects.bulk_create(cards)


def _card(author, tag, scores) -> Scorecard:
    briers = [s.brier for s in scores]
    mean, low, high = scoring.mean_with_interval(briers)
    return Scorecard(
        author=author,
        tag=tag,
        n_scored=len(briers),
        brier=mean,
        brier_0_2=scoring.brier_0_2(mean),
        brier_low=low,
        brier_high=high,
        brier_final=mean,
        skill=scoring.brier_skill_score(mean),
        log_loss=sum(s.log_loss for s in scores) / len(scores),
        n_resolved=len(briers),
        totals=_totals(scores),
    )


def _totals(scores) -> bytes:
    """Stored totals whose calibration table bins the final probabilities given, all as events."""
    n = len(scores)
    rows = {
        "excluded": np.full(n, COUNTED),
        "brier": np.array([s.brier for s in scores]),
        "brier_final": np.array([s.brier_final for s in scores]),
        "log_loss": np.array([s.log_loss for s in scores]),
        "relative_brier": np.full(n, np.nan),
        "final_given": np.array([s.final_probability for s in scores]),
        "outcome_yes": np.ones(n),
        "n_hindsight": np.zeros(n, np.int64),
        "n_retrospective": np.zeros(n, np.int64),
        "baseline": np.full(n, np.nan),
        "peer": np.full(n, np.nan),
        "reference": np.full(n, 0.25),  # yes/no questions
        "crowd_size": np.full(n, np.nan),
    }
    return card_totals.encode_totals(card_totals.totals_by_group(rows, np.zeros(n, np.int64), 1))[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(port: int, path: str, etag: str | None = None) -> tuple[int, str | None]:
    """The status and ETag of a GET (with ``If-None-Match: etag`` when given)."""
    headers = {"Accept": "application/json", "Host": "127.0.0.1"}
    if etag:
        headers["If-None-Match"] = etag
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("ETag")
    finally:
        connection.close()


def _get(port: int, path: str) -> int:
    return _fetch(port, path)[0]


def _load(
    port: int, paths: list[str], seconds: float, threads: int, *, etag: str | None = None
) -> float:
    """Requests per second over a bounded run; any other answer than the one expected
    (200, or 304 when polling with ``etag``) stops the benchmark."""
    deadline = time.perf_counter() + seconds
    counts, errors = [0] * threads, []
    expected = 304 if etag else 200

    def client(n: int) -> None:
        i = n
        while time.perf_counter() < deadline and not errors:
            status = _fetch(port, paths[i % len(paths)], etag)[0]
            if status != expected:
                errors.append(f"{paths[i % len(paths)]} answered {status}")
            counts[n] += 1
            i += threads

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.perf_counter() - started)


def either_side(references: list[float]) -> float:
    """The reference for the endpoint run between the last two reference runs: their mean."""
    before, after = references[-2:]
    return (before + after) / 2


def _serve(port: int, workers: int, cache_seconds: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "RECKON_API_CACHE_SECONDS": str(cache_seconds),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # Measure the work, not the rate limiter's refusals.
        "RECKON_THROTTLE_ANON": "100000000/second",
        "RECKON_THROTTLE_USER": "100000000/second",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )


def _measure(options, out, *, cache_seconds: int, slugs: list[str]) -> dict[str, dict]:
    """Requests per second of each endpoint on a fresh server (``rates``), and of the
    trivial endpoint around each other one (``against``)."""
    port = _free_port()
    server = _serve(port, options["workers"], cache_seconds)
    try:
        for _ in range(100):
            try:
                if _get(port, "/api/health/") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        endpoints = {
            "trivial": ["/api/health/"],
            "scorecard": [f"/api/authors/{slug}/scorecard/" for slug in slugs],
            "questions": ["/api/questions/"],
            "forecasts": ["/api/forecasts/"],
            "not_modified": ["/api/questions/"],
        }
        seconds, threads = options["seconds"] * options["scale"], options["threads"]
        trivial = endpoints["trivial"]
        _load(port, trivial, min(1.0, seconds), threads)  # warm up
        # The reference is run before each endpoint and once after the last: each
        # endpoint is set against the two runs either side of it, so that a machine
        # whose speed drifts during the run moves an endpoint and its reference alike.
        references = [_load(port, trivial, seconds, threads)]
        rates, against = {}, {}
        for name, paths in endpoints.items():
            if name == "trivial":
                continue
            etag = _fetch(port, paths[0])[1] if name == "not_modified" else None
            _load(port, paths, min(1.0, seconds), threads, etag=etag)  # warm up
            rates[name] = _load(port, paths, seconds, threads, etag=etag)
            references.append(_load(port, trivial, seconds, threads))
            against[name] = either_side(references)
            out.write(
                f"{name} (public cache {cache_seconds} s): {rates[name]:.1f} requests/s "
                f"({paths[0]}), {rates[name] / against[name]:.3f}x the trivial endpoint's "
                f"{against[name]:.1f} either side"
            )
        rates["trivial"] = sum(references) / len(references)
        out.write(
            f"trivial (public cache {cache_seconds} s): {rates['trivial']:.1f} requests/s "
            f"({trivial[0]}), the mean of {len(references)} runs, "
            f"{min(references):.1f} to {max(references):.1f}"
        )
        return {"rates": rates, "against": against}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _backend_cpu() -> float | None:
    """CPU seconds the database server process behind this connection has used, when it
    runs on this machine (PostgreSQL on loopback); else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/comm") as comm, open(f"/proc/{pid}/stat") as stat:
            if "postgres" not in comm.read():
                return None
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # another machine's, or no /proc
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_per_request(out, slugs: list[str], n: int) -> dict[str, float]:
    """Milliseconds of CPU per uncached request, in this process (Python) and in the
    database server's process for its connection: less moved by other load on the
    machine than a rate, and split where the time goes."""
    from django.test import Client, override_settings

    paths = {
        "trivial": "/api/health/",
        "scorecard": f"/api/authors/{slugs[0]}/scorecard/",
        "questions": "/api/questions/",
        "forecasts": "/api/forecasts/",
    }
    rates = {"anon": "100000000/second", "user": "100000000/second"}
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    found: dict[str, float] = {}
    with override_settings(
        DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"], RECKON_API_CACHE_SECONDS=0, REST_FRAMEWORK=rest
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        for name, path in paths.items():
            for _ in range(max(1, n // 10)):  # warm: compiled, prepared, cached readings
                if client.get(path).status_code != 200:
                    raise RuntimeError(f"{path} did not answer 200")
            database, python = _backend_cpu(), time.process_time()
            for _ in range(n):
                client.get(path)
            python = (time.process_time() - python) * 1000 / n
            after = _backend_cpu()
            found[f"cpu_ms_{name}"] = round(python, 3)
            line = f"{name}: {python:.2f} ms of Python a request"
            if database is not None and after is not None and after >= database:
                found[f"db_cpu_ms_{name}"] = round((after - database) * 1000 / n, 3)
                line += f", {found[f'db_cpu_ms_{name}']:.2f} ms in the database server"
            out.write(f"{line} ({path}, {n} requests, uncached, in process)")
    return found


def run(options, out) -> dict:
    if not Question.objects.filter(is_synthetic=True).exists():
        _populate(options["authors"], options["questions"], out)
    settle()  # planner statistics and a checkpoint before anything is measured
    slugs = list(
        Scorecard.objects.filter(tag__isnull=True).values_list("author__slug", flat=True)[:50]
    )
    figures: dict = {
        "threads": options["threads"],
        "workers": options["workers"],
        "seconds": options["seconds"] * options["scale"],
        "n_questions": Question.objects.count(),
        "n_scorecards": Scorecard.objects.count(),
        "cache_seconds": settings.RECKON_API_CACHE_SECONDS,
    }
    # As deployed (anonymous reads served from the short public cache), then with it off.
    cached = _measure(options, out, cache_seconds=settings.RECKON_API_CACHE_SECONDS, slugs=slugs)
    uncached = _measure(options, out, cache_seconds=0, slugs=slugs)
    cpu = _cpu_per_request(out, slugs, max(50, int(400 * options["scale"])))
    for name in ENDPOINTS:
        figures[f"rps_{name}"] = round(cached["rates"][name], 1)
        figures[f"rps_{name}_uncached"] = round(uncached["rates"][name], 1)
    for name in ENDPOINTS[1:]:  # each against the trivial endpoint's runs either side of it
        figures[f"{name}_vs_trivial"] = round(cached["rates"][name] / cached["against"][name], 3)
        figures[f"{name}_vs_trivial_uncached"] = round(
            uncached["rates"][name] / uncached["against"][name], 3
        )
    figures |= cpu
    for name in ENDPOINTS[1:-1]:  # each one's cost against the trivial endpoint's, CPU for CPU
        total = cpu[f"cpu_ms_{name}"] + cpu.get(f"db_cpu_ms_{name}", 0.0)
        reference = cpu["cpu_ms_trivial"] + cpu.get("db_cpu_ms_trivial", 0.0)
        figures[f"{name}_cpu_vs_trivial"] = round(total / reference, 2)
    return figures

"""Every list a reader or an editor opens, uncached, on the world in the database.

Times each API list (in each order it offers on the question list) and the
public and admin list pages in process (Django's test client: routing,
middleware, the reads, rendering), as uncached as a reader finds them after a
write: the pages' memory off, the API's public cache off, and the lists'
remembered counts and kept statements forgotten before each run (the first
request after a write pays for them). Reported per path: the median and the
slowest of ``--repeat`` runs, the statements it ran and the slowest of them,
and the median as a multiple of ``/api/health/`` measured in the same run;
then the median of as many runs again with the count and statements kept, as
every later reader finds them until the next write. The statements are
recorded (DEBUG on), which adds a little to each.

Meant for a large world: ``bench scoring`` leaves one of a million forecasts
in its database (``--scale 10``: ten million). It writes nothing but a
staff user for the admin's lists, removed afterwards.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client, override_settings

from forecasts.api import compiled
from forecasts.models import Forecast, Question

TRIVIAL = "/api/health/"
API = (
    "/api/questions/",
    "/api/questions/?ordering=-closes_at",
    "/api/questions/?ordering=title",
    "/api/questions/?ordering=-n_forecasts",
    "/api/due/",
    "/api/forecasts/",
    "/api/authors/",
    "/api/sources/",
    "/api/tags/",
    "/api/resolutions/",
    "/api/scores/",
    "/api/scorecards/",
    "/api/leaderboard/",
)
PAGES = ("/", "/questions/", "/sources/", "/leaderboard/")
ADMIN = (
    "/admin/forecasts/question/",
    "/admin/forecasts/author/",
    "/admin/forecasts/source/",
    "/admin/forecasts/forecast/",
    "/admin/forecasts/resolution/",
)
STAFF = "bench-lists-staff"


def add_arguments(parser) -> None:
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each path (median).")


def _time(client: Client, path: str, repeat: int, *, forget: bool) -> dict:
    """``repeat`` runs of one path; ``forget``: each as the first after a write."""
    runs, statements, slowest = [], 0, (0.0, "")
    for _ in range(repeat):
        if forget:
            compiled.forget()  # the lists' kept statements and remembered counts
        reset_queries()
        started = time.perf_counter()
        response = client.get(path)
        runs.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        statements = len(connection.queries)
        for query in connection.queries:
            seconds = float(query["time"])
            if seconds * 1000 > slowest[0]:
                slowest = (seconds * 1000, query["sql"][:80])
    return {
        "median_ms": round(statistics.median(runs), 2),
        "max_ms": round(max(runs), 2),
        "statements": statements,
        "slowest_statement_ms": round(slowest[0], 1),
        "slowest_statement": slowest[1],
    }


def run(options, out) -> dict:
    repeat = max(1, int(options["repeat"]))
    staff = get_user_model().objects.create(username=STAFF, is_staff=True, is_superuser=True)
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    found: dict[str, dict] = {}
    try:
        with override_settings(
            DEBUG=True,  # statements are recorded (``connection.queries``)
            ALLOWED_HOSTS=["testserver"],
            RECKON_API_CACHE_SECONDS=0,
            RECKON_PAGE_MEMORY_BYTES=0,
            REST_FRAMEWORK=rest,
        ):
            reader, editor = Client(), Client()
            editor.force_login(staff)
            for path in (TRIVIAL, *API, *PAGES, *ADMIN):
                client = editor if path in ADMIN else reader
                client.get(path)  # warm: imports, prepared statements
                found[path] = _time(client, path, repeat, forget=True)
                again = _time(client, path, repeat, forget=False)
                found[path]["again_median_ms"] = again["median_ms"]
                found[path]["again_statements"] = again["statements"]
    finally:
        get_user_model().objects.filter(pk=staff.pk).delete()
    reference = found[TRIVIAL]["median_ms"]
    out.write(
        f"{Forecast.objects.count():,} forecasts, {Question.objects.count():,} questions; "
        f"each path the median of {repeat} runs as the first read after a write (then "
        f"again, with the list's count and statement kept), against {TRIVIAL} "
        f"({reference:.2f} ms)"
    )
    for path, figures in found.items():
        figures["vs_trivial"] = round(figures["median_ms"] / reference, 1) if reference else None
        out.write(
            f"  {path:<40} {figures['median_ms']:8.1f} ms (max {figures['max_ms']:.1f}), "
            f"{figures['vs_trivial']}x, {figures['statements']} statements, slowest "
            f"{figures['slowest_statement_ms']:.1f} ms: {figures['slowest_statement']}; again "
            f"{figures['again_median_ms']:.1f} ms, {figures['again_statements']} statements"
        )
    return {
        "forecasts": Forecast.objects.count(),
        "questions": Question.objects.count(),
        "repeat": repeat,
        "paths": {
            path: {k: v for k, v in f.items() if k != "slowest_statement"}
            for path, f in found.items()
        },
    }

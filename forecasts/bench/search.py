"""Search at the real-records scale: the search page and the matching alone, per query.

Loads the public track records (``fixtures/records/public_records.json``,
782 forecasts; ``--scale`` repeats them under other ids) inside a
transaction that is rolled back, unless they are loaded already. Then, for
each query, times ``forecasts.models.search.search_ledger`` and a whole
``/search/?q=`` request (Django's test client: routing, the four reads,
rendering), ``--repeat`` times each, and reports the median and the slowest
beside a reference measured in the same run: the question list page
(``/questions/``), a page whose speed is known (docs/pages.md). On
PostgreSQL it also says whether the planner can use the GIN indexes of
migration 0016 (EXPLAIN with sequential scans discouraged).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from forecasts.models import Forecast, Question
from forecasts.models.search import search_ledger, vector
from forecasts.transfer.records import import_records

RECORDS = Path(settings.BASE_DIR) / "fixtures" / "records" / "public_records.json"
QUERIES = (
    "lockdown",
    "Trump",
    "inflation recession",
    '"interest rates"',
    "scott",
    "bitcoin -price",
)


class _Rollback(Exception):
    pass


def add_arguments(parser) -> None:
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each query.")


def _timed(call, repeat: int) -> dict:
    call()  # warm caches and the connection
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(runs), 2), "max_ms": round(max(runs), 2)}


def _load(scale: float) -> int:
    rows = json.loads(RECORDS.read_text("utf-8"))
    copies = max(1, round(scale))
    for copy in range(copies):
        suffix = "" if copy == 0 else f"-x{copy}"
        import_records([{**row, "id": row["id"] + suffix} for row in rows])
    return Forecast.objects.count()


def _index_usable() -> bool | None:
    if connection.vendor != "postgresql":
        return None
    from django.contrib.postgres.search import SearchQuery

    query = Question.objects.annotate(document=vector("questions")).filter(
        document=SearchQuery("lockdown", search_type="websearch", config="english")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    return "question_search_gin" in plan


def run(options, out) -> dict:
    figures: dict = {}
    try:
        with transaction.atomic():
            if not Forecast.objects.filter(import_id__isnull=False).exists():
                out.write(f"Loading {RECORDS.name} (rolled back afterwards)…")
                figures["forecasts"] = _load(options["scale"])
            else:
                figures["forecasts"] = Forecast.objects.count()
            out.write(f"{figures['forecasts']} forecasts, {Question.objects.count()} questions")
            figures.update(_measure(options["repeat"], out))
            raise _Rollback
    except _Rollback:
        pass
    return figures


def _measure(repeat: int, out) -> dict:
    client = Client(HTTP_HOST="localhost")
    for path in ("/questions/", "/search/?q=lockdown"):
        status = client.get(path).status_code
        if status != 200:
            raise CommandError(f"{path} answered {status}: nothing to measure.")
    reference = _timed(lambda: client.get("/questions/"), repeat)
    out.write(f"reference /questions/: median {reference['median_ms']} ms")
    per_query = {}
    for text in QUERIES:
        matching = _timed(lambda text=text: search_ledger(text), repeat)
        page = _timed(lambda text=text: client.get("/search/", {"q": text}), repeat)
        found = search_ledger(text).total
        ratio = round(page["median_ms"] / reference["median_ms"], 2)
        out.write(
            f"{text!r:26} {found:3} found  matching {matching['median_ms']:7.2f} ms "
            f"(max {matching['max_ms']:.2f})  page {page['median_ms']:7.2f} ms "
            f"(max {page['max_ms']:.2f})  page/reference {ratio}"
        )
        per_query[text] = {"found": found, "matching": matching, "page": page, "ratio": ratio}
    slowest = max(q["page"]["median_ms"] for q in per_query.values())
    usable = _index_usable()
    if usable is not None:
        out.write(f"GIN index usable by the planner: {usable}")
    return {
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine
        "reference_questions_page": reference,
        "queries": per_query,
        "slowest_page_median_ms": slowest,
        "gin_index_usable": usable,
    }

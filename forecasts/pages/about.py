"""The figures ``/about/scoring/`` shows: one real claim worked through, and what
a good score looks like here.

Nothing on that page is typed in: the words step reads the project lexicon
(``forecasts.drafting.lexicon``) on the seed article's sentence; the scoring
step takes a published record from ``fixtures/records/`` and scores it with
``forecasts.scoring``, beside the stored score when that record is loaded;
the benchmarks are read from the stored overall scorecards of real authors.
"""

from __future__ import annotations

import json
import statistics
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Subquery

from forecasts import scoring
from forecasts.drafting import lexicon
from forecasts.models import Forecast, QuestionScore, Scorecard

RECORDS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "records" / "public_records.json"
WORKED_RECORD = "sa-2020-001"
SEED_SENTENCE = (
    "A Trump-brokered agreement is likely to involve the recognition of Russian "
    "territorial gains in Ukraine since 2014, complete sanctions relief and broad "
    "international rehabilitation granted to Moscow."
)


@cache
def published_record(record_id: str = WORKED_RECORD) -> dict | None:
    """One row of the public records file, as published (None if the file lacks it)."""
    try:
        rows = json.loads(RECORDS_FILE.read_text("utf-8"))
    except OSError:
        return None
    return next((row for row in rows if row["id"] == record_id), None)


def words_step() -> dict | None:
    """The seed article's "likely", read on ICD 203: its interval and point value."""
    reading = lexicon.read_phrase(SEED_SENTENCE, "icd203")
    if reading is None:
        return None
    return {
        "sentence": SEED_SENTENCE,
        "phrase": reading.phrase,
        "low": reading.interval[0],
        "high": reading.interval[1],
        "point": reading.point,
    }


def worked_example() -> dict | None:
    """The published record, its score by the library, and the stored one if it is loaded."""
    row = published_record()
    if row is None or row.get("probability") is None or row.get("outcome") is None:
        return None
    p, happened = float(row["probability"]), bool(row["outcome"])
    example = {
        "row": row,
        "p": p,
        "happened": happened,
        "outcome": 1 if happened else 0,
        "brier": scoring.brier(p, happened),
        "brier_if_not": scoring.brier(p, not happened),
        "log_loss": scoring.log_loss(p, happened),
        "stored": None,
        "forecast": None,
    }
    # Two queries whether or not the record is loaded (the page's count is fixed).
    loaded = Forecast.objects.filter(import_id=WORKED_RECORD)
    example["forecast"] = loaded.select_related("question").first()
    example["stored"] = QuestionScore.objects.filter(
        author_id=Subquery(loaded.values("author_id")[:1]),
        question_id=Subquery(loaded.values("question_id")[:1]),
    ).first()
    return example


def what_good_looks_like() -> dict | None:
    """Best, median and worst mean Brier among ranked real authors, from stored cards."""
    min_n = settings.RECKON_LEADERBOARD_MIN_N
    cards = list(
        Scorecard.objects.for_tag(None)
        .filter(author__is_synthetic=False, n_scored__gte=max(min_n, 1), brier__isnull=False)
        .select_related("author")
        .defer("totals")
        .order_by("brier", "author__name")
    )
    if not cards:
        return None
    briers = [c.brier for c in cards if c.brier is not None]
    return {
        "n_authors": len(cards),
        "n_scored": sum(c.n_scored for c in cards),
        "best": cards[0],
        "worst": cards[-1],
        "median": statistics.median(briers),
        "n_beat_coin": sum(1 for b in briers if b < scoring.COIN_FLIP_BRIER),
        "min_n": min_n,
    }


def reference_scores() -> dict:
    """What simple habits score, by the library: always 50%, and calibrated 70% and 90% calls."""
    return {
        "coin": scoring.brier(0.5, True),
        "calibrated_70": 0.7 * scoring.brier(0.7, True) + 0.3 * scoring.brier(0.7, False),
        "calibrated_90": 0.9 * scoring.brier(0.9, True) + 0.1 * scoring.brier(0.9, False),
    }

"""A ledger whose numbers partly come from words, for the readings tests.

Ada wrote "likely" (ICD 203: 67.5%) on q1, which happened, and a plain 30% on
q2, which did not: 0.105625 and 0.09, headline 0.0978125. Bob said 72% and
30%: 0.0784 and 0.09, headline 0.0842, ranked first. Cy wrote "likely" on q1
too, but an editor scored 60%; and "unlikely" (32.5%) on q2.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.cache import cache

from forecasts.engine import rescoring
from tests import builders

OPENS = datetime(2024, 1, 1, tzinfo=UTC)
CLOSES = datetime(2024, 1, 10, 23, 59, tzinfo=UTC)
STATED = datetime(2023, 12, 20, tzinfo=UTC)
KNOWN = datetime(2024, 1, 20, tzinfo=UTC)
LIKELY = {"phrase": "likely", "scale": "icd203", "interval": (0.55, 0.8), "scale_point": 0.675}
UNLIKELY = {"phrase": "unlikely", "scale": "icd203", "interval": (0.2, 0.45), "scale_point": 0.325}


def worded_world() -> dict:
    """The authors (by name) and their forecasts (by author name and question slug), scored."""
    q1 = builders.question("q1", opens_at=OPENS, closes_at=CLOSES, resolve_by=KNOWN)
    q2 = builders.question("q2", opens_at=OPENS, closes_at=CLOSES, resolve_by=KNOWN)
    ada, bob, cy = (builders.author(name) for name in ("Ada", "Bob", "Cy"))
    plan = [
        (ada, q1, 0.675, LIKELY),
        (ada, q2, 0.3, {}),
        (bob, q1, 0.72, {}),
        (bob, q2, 0.3, {}),
        (cy, q1, 0.6, LIKELY),  # the editor's number, not the scale's point
        (cy, q2, 0.325, UNLIKELY),
    ]
    made = {}
    for who, question, p, words in plan:
        made[(who.name, question.slug)] = builders.forecast(
            question, who, probability=p, stated_at=STATED, at=STATED, **words
        )
    builders.resolve(q1, "yes", known_at=KNOWN, at=KNOWN)
    builders.resolve(q2, "no", known_at=KNOWN, at=KNOWN)
    rescoring.rescore_all()
    cache.clear()
    return {"authors": {"Ada": ada, "Bob": bob, "Cy": cy}, "forecasts": made}

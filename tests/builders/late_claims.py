"""A resolved question whose authors also said things that must not count.

Cora said 80% early, then 20% later on the close day than the close (the
close was moved to noon after she said it, as an editor can). Dan said 40%
early, then 0% before the close but entered it only after the outcome was
known (hindsight). The question resolved yes; only the early forecasts
count: Cora's Brier is 0.04, Dan's 0.36.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from forecasts import ledger
from forecasts.engine import rescoring
from forecasts.models import Author, Forecast, Question
from tests.builders import ledger as b

OPENS = datetime(2024, 11, 1, tzinfo=UTC)
CLOSE_MOMENT = datetime(2025, 6, 30, 12, tzinfo=UTC)
KNOWN = datetime(2025, 7, 5, tzinfo=UTC)
LATER = datetime(2025, 7, 10, tzinfo=UTC)


@dataclass
class LateClaims:
    question: Question
    cora: Author
    dan: Author
    cora_early: Forecast
    cora_after_close: Forecast
    dan_early: Forecast
    dan_hindsight: Forecast


def late_claims(*, by=None) -> LateClaims:
    question = b.question(
        "late-claims",
        title="Will the late claims count?",
        closes_at=datetime(2025, 6, 30, 23, tzinfo=UTC),
    )
    cora, dan = b.author("Cora Early"), b.author("Dan Late")
    cora_early = b.forecast(
        question, cora, probability=0.8, at=datetime(2024, 11, 1, 2, tzinfo=UTC)
    )
    cora_after_close = b.forecast(
        question,
        cora,
        probability=0.2,
        stated_at=datetime(2025, 6, 30, 18, tzinfo=UTC),
        at=datetime(2025, 6, 30, 18, 5, tzinfo=UTC),
    )
    dan_early = b.forecast(
        question,
        dan,
        probability=0.4,
        stated_at=datetime(2024, 12, 1, tzinfo=UTC),
        at=datetime(2024, 12, 1, 1, tzinfo=UTC),
    )
    dan_hindsight = b.raw_forecast(
        question,
        dan,
        probability=0.0,
        stated_at=datetime(2025, 6, 1, tzinfo=UTC),
        recorded_at=LATER,
    )
    # The close moves before Cora's last-minute forecast: only as an audited correction.
    ledger.question_close_correct(
        question=question, closes_at=CLOSE_MOMENT, reason="The deadline was 23:00 UTC."
    )
    question.refresh_from_db()
    b.resolve(question, "yes", known_at=KNOWN, by=by, at=LATER)
    rescoring.rescore_question(question_id=question.pk)
    return LateClaims(question, cora, dan, cora_early, cora_after_close, dan_early, dan_hindsight)

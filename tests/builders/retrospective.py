"""An author with one claim recorded in time and one entered years later, proved by its source.

Ada said 80% on "live-claim" when it opened (recorded then) and 30% on
"late-claim" in an article of 12 Nov 2024 that an editor entered in 2026,
long after both questions resolved yes. Both count: 0.04 and 0.49, mean
0.265 over N = 2, of which one (the late claim) was entered retrospectively.
Counting only claims recorded before the outcome was known leaves N = 1 and
Brier 0.04.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forecasts.engine import rescoring
from forecasts.models import Author, Question, Source
from tests.builders.ledger import author, forecast, question, resolve, source

KNOWN = datetime(2025, 7, 1, tzinfo=UTC)
ENTERED_LATE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ARTICLE_URL = "https://example.org/ada/what-next"


@dataclass(frozen=True)
class RetrospectiveWorld:
    ada: Author
    article: Source  # dated, with a URL: it proves the late claim
    live: Question
    late: Question


def retrospective_world(*, resolver=None) -> RetrospectiveWorld:
    """Build the world above and store its scores (``rescore_all``)."""
    ada = author("Ada Pundit", slug="ada")
    article = source(ada, title="What next", slug="what-next", url=ARTICLE_URL)
    live, late = question("live-claim"), question("late-claim")
    forecast(live, ada, probability=0.8, at=live.opens_at + timedelta(hours=1))
    for q in (live, late):
        resolve(q, "yes", known_at=KNOWN, by=resolver, at=KNOWN)
    forecast(
        late,
        ada,
        source=article,
        probability=0.3,
        stated_at=datetime(2024, 11, 12, 9, 0, tzinfo=UTC),
        at=ENTERED_LATE,
    )
    rescoring.rescore_all()
    return RetrospectiveWorld(ada=ada, article=article, live=live, late=late)

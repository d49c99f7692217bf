"""Which claims count at all: stated in time, and proved to be.

A claim counts when it was *stated* before the question closed and before
the outcome was known, and either

* it was *recorded* (entered in the ledger) no later than the moment the
  outcome was known, or
* it is *retrospective* (recorded later) but cites a public source with a URL
  and a publication date, and was stated no later than the end (UTC) of the
  source's publication day: the dated source proves when it was said. A
  ``stated_at`` after the source's publication day is not proved by it.

A claim recorded after the outcome was known without such a source is
hindsight and never counts.

``counts`` and ``final_counted`` apply the rule to one author's claims on a
question: which of them the scores use, and which one the final-forecast
score uses. Pages, exports and the crowd drawn on a question page read them
(through ``forecasts.standings.counted``) rather than restating the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime


def proved_by_source(
    stated_at: datetime, *, source_url: str, source_published_on: date | None
) -> bool:
    """Whether a dated public source (URL + publication date) proves ``stated_at``.

    The source proves any moment up to the end of its publication day (UTC).
    """
    if not source_url or source_published_on is None:
        return False
    return stated_at.astimezone(UTC).date() <= source_published_on


def stated_in_time(
    stated_at: datetime,
    recorded_at: datetime,
    *,
    closes_at: datetime,
    outcome_known_at: datetime,
    source_url: str = "",
    source_published_on: date | None = None,
) -> bool:
    """Whether a claim counts by the timing rule (see the module docstring)."""
    if stated_at > closes_at or stated_at > outcome_known_at:
        return False
    if recorded_at <= outcome_known_at:
        return True
    return proved_by_source(
        stated_at, source_url=source_url, source_published_on=source_published_on
    )


def is_hindsight(
    stated_at: datetime,
    recorded_at: datetime,
    *,
    outcome_known_at: datetime,
    source_url: str = "",
    source_published_on: date | None = None,
) -> bool:
    """Recorded after the outcome was known, with nothing proving it was said before."""
    if recorded_at <= outcome_known_at:
        return False
    proved = proved_by_source(
        stated_at, source_url=source_url, source_published_on=source_published_on
    )
    return not (proved and stated_at <= outcome_known_at)


@dataclass(frozen=True)
class ClaimTimes:
    """What the timing rule needs to know about one claim."""

    stated_at: datetime
    recorded_at: datetime
    source_url: str = ""
    source_published_on: date | None = None


def counts(claim: ClaimTimes, *, closes_at: datetime, outcome_known_at: datetime | None) -> bool:
    """Whether the scores use ``claim``: ``stated_in_time``, with the outcome known at
    ``outcome_known_at``; while no outcome is known (``None``), every claim stated by
    the close counts so far."""
    if outcome_known_at is None:
        return claim.stated_at <= closes_at
    return stated_in_time(
        claim.stated_at,
        claim.recorded_at,
        closes_at=closes_at,
        outcome_known_at=outcome_known_at,
        source_url=claim.source_url,
        source_published_on=claim.source_published_on,
    )


def final_counted(
    claims: Sequence[ClaimTimes], *, closes_at: datetime, outcome_known_at: datetime | None
) -> int | None:
    """Index in ``claims`` (one author's, on one question) of the claim the final-forecast
    score uses: the last stated of those that count, or ``None`` when none counts.

    Of two claims stated at the same instant the later in ``claims`` wins: pass
    them in entry order (by ``stated_at``, then id), as the engine orders them.
    """
    final: int | None = None
    for i, claim in enumerate(claims):
        if counts(claim, closes_at=closes_at, outcome_known_at=outcome_known_at) and (
            final is None or claim.stated_at >= claims[final].stated_at
        ):
            final = i
    return final

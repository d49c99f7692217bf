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
"""

from __future__ import annotations

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

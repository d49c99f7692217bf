"""Values of numeric and date questions: how a date is stored as a number.

A date question's values (range, forecasts, outcome) are stored as UTC days since
1970-01-01, so one set of columns and one scoring path serve both kinds and date
questions score on days (docs/scoring.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

EPOCH = date(1970, 1, 1)


def day_number(day: date | datetime) -> float:
    """Days since 1970-01-01 (UTC): a date is whole; a datetime keeps its fraction."""
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise ValueError("A datetime must be timezone-aware.")
        return (day - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400.0
    return float((day - EPOCH).days)


def day_from_number(value: float) -> date:
    """The UTC calendar day a stored day number falls on."""
    return EPOCH + timedelta(days=int(value // 1))

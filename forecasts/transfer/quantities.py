"""Values of numeric and date questions as CSV cells: read, checked and written back.

A numeric value is written as JSON writes a number (``80000``, ``2.5``,
``1e5``), read exactly as the API reads it. A date question's value is an ISO
date (``2027-03-21``) or, for a moment within a day, an ISO date and time with
its offset; it is stored as UTC days since 1970-01-01
(``forecasts.models.quantity``) and exported the same way it is read, so an
export imports back to the same numbers.

A forecast states a point (``value``), a central interval (``value_low``,
``value_high`` and its ``coverage``), quantiles (``quantiles``:
``0.05:1.2;0.5:2.0;0.95:3.1``), or any of these together. The checks here are
those the model does not leave to the database: quantile levels strictly
between 0 and 1, given once and with values that do not decrease as the level
rises, and every value inside a closed end of the question's range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError

from forecasts.ledger import rules
from forecasts.models import Question
from forecasts.models.quantity import day_from_number, day_number

VALUE_COLUMNS = ("value", "value_low", "value_high", "coverage", "quantiles")
# A JSON number, as ``rules`` reads probabilities (no "_", no other scripts' digits).
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class StatedQuantity:
    """A numeric or date forecast's values, checked; dates as day numbers."""

    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    coverage: float | None = None
    quantiles: tuple[tuple[float, float], ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.value_low is None and not self.quantiles


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def parse_number_text(text: str, field: str) -> float:
    """A finite number written as JSON writes it; NaN, infinities and other spellings refused."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise _refuse(
            field,
            f"“{text[:40]}” is not a number; write it like 80000 or 2.5 "
            "(digits 0-9, a point, no thousands separators).",
        )
    value = float(text)  # a JSON number too large for a float reads as infinity
    if not math.isfinite(value):
        raise _refuse(field, "Enter a finite number (not NaN or infinity).")
    return value


def parse_day_text(text: str, field: str) -> float:
    """An ISO date (``2027-03-21``) or an ISO date and time with an offset, as a day number."""
    text = text.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return day_number(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refuse(
            field,
            f"“{text[:40]}” is not a date; a date question takes an ISO date such as "
            "2027-03-21 (or a date and time with its offset).",
        )
    return day_number(moment.astimezone(UTC))


def parse_value_text(text: str, field: str, *, question: Question) -> float:
    """A value cell of ``question``: a date for a date question, a number otherwise."""
    if question.kind == Question.Kind.DATE:
        return parse_day_text(text, field)
    return parse_number_text(text, field)


def format_value(value: float | None, *, question: Question) -> float | str | None:
    """A stored value as the CSV writes it: a date question's as an ISO date (or moment)."""
    if value is None or question.kind != Question.Kind.DATE:
        return value
    day = day_from_number(value)
    if value == day_number(day):
        return day.isoformat()
    seconds = round((value - day_number(day)) * _SECONDS_PER_DAY, 6)
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() + seconds
    return datetime.fromtimestamp(moment, tz=UTC).isoformat()


def parse_quantiles_text(text: str, *, question: Question) -> tuple[tuple[float, float], ...]:
    """``0.05:1.2;0.5:2.0;0.95:3.1`` as (level, value) pairs, in the order written."""
    pairs = []
    for part in text.split(";"):
        level_text, sep, value_text = part.partition(":")
        if not sep or not level_text.strip() or not value_text.strip():
            raise _refuse(
                "quantiles",
                f"“{part.strip()[:40]}” is not level:value; write e.g. 0.05:1.2;0.5:2.0;0.95:3.1.",
            )
        level = parse_number_text(level_text, "quantiles")
        pairs.append((level, parse_value_text(value_text, "quantiles", question=question)))
    return tuple(pairs)


def format_quantiles(pairs: Sequence[tuple[float, float]], *, question: Question) -> str | None:
    """Quantiles in the import's ``level:value;…`` form, by level (None when there are none)."""
    return (
        ";".join(f"{level:g}:{format_value(value, question=question)}" for level, value in pairs)
        or None
    )


def check_quantity(question: Question, stated: StatedQuantity) -> StatedQuantity:
    """Refuse what a numeric or date forecast may not state, naming the field.

    Interval complete and ordered, coverage strictly between 0 and 1, the point
    inside the interval, quantile levels in (0, 1), given once, values not
    decreasing with the level, and every value inside a closed end of the range.
    """
    if stated.is_empty:
        raise _refuse(
            "value", "Give a value, an interval (value_low, value_high, coverage) or quantiles."
        )
    ends = (stated.value_low, stated.value_high, stated.coverage)
    if any(end is not None for end in ends) and any(end is None for end in ends):
        missing = next(
            name
            for name, end in zip(("value_low", "value_high", "coverage"), ends, strict=True)
            if end is None
        )
        raise _refuse(missing, "An interval needs value_low, value_high and coverage together.")
    if stated.value_low is not None:
        assert stated.value_high is not None and stated.coverage is not None
        if stated.value_low > stated.value_high:
            raise _refuse("value_high", "The interval's upper end is below its lower end.")
        if not 0.0 < stated.coverage < 1.0:
            raise _refuse(
                "coverage",
                "Coverage must be strictly between 0 and 1 (a probability), "
                f"not {stated.coverage}.",
            )
        if stated.value is not None and not (stated.value_low <= stated.value <= stated.value_high):
            raise _refuse("value", "The point value must lie inside the stated interval.")
    _check_quantiles(stated.quantiles)
    for field, value in _values(stated):
        _check_inside_range(question, field, value)
    return stated


def _check_quantiles(pairs: Sequence[tuple[float, float]]) -> None:
    levels = [level for level, _ in pairs]
    for level in levels:
        if not 0.0 < level < 1.0:
            raise _refuse(
                "quantiles", f"A quantile's level must be strictly between 0 and 1, not {level:g}."
            )
    if len(set(levels)) != len(levels):
        raise _refuse("quantiles", "Each quantile level may be given once.")
    ordered = sorted(pairs)
    for (low_level, low), (high_level, high) in zip(ordered, ordered[1:], strict=False):
        if high < low:
            raise _refuse(
                "quantiles",
                f"Quantiles must not decrease as the level rises: the {high_level:g} quantile "
                f"is below the {low_level:g} quantile.",
            )


def _values(stated: StatedQuantity) -> list[tuple[str, float]]:
    named = [
        ("value", stated.value),
        ("value_low", stated.value_low),
        ("value_high", stated.value_high),
    ]
    return [(f, v) for f, v in named if v is not None] + [
        ("quantiles", v) for _, v in stated.quantiles
    ]


def _check_inside_range(question: Question, field: str, value: float) -> None:
    """A closed end of the range is a hard limit: no value beyond it can be the outcome."""
    shown = format_value
    if question.range_low_closed and question.range_low is not None and value < question.range_low:
        raise _refuse(
            field,
            f"{shown(value, question=question)} lies below the range's closed lower end, "
            f"{shown(question.range_low, question=question)}.",
        )
    if (
        question.range_high_closed
        and question.range_high is not None
        and value > question.range_high
    ):
        raise _refuse(
            field,
            f"{shown(value, question=question)} lies above the range's closed upper end, "
            f"{shown(question.range_high, question=question)}.",
        )


def read_coverage(text: str) -> float:
    """The interval's coverage cell: a probability as the API reads it, strictly inside (0, 1)."""
    return rules.parse_probability_text(text, "coverage")

"""Values of numeric and date questions as CSV cells: read, checked and written back.

A numeric value is written as JSON writes a number (``80000``, ``2.5``,
``1e5``), read exactly as the API reads it. A date question's value is an ISO
date (``2027-03-21``) or, for a moment within a day, an ISO date and time with
its offset; it is stored as UTC days since 1970-01-01
(``forecasts.models.quantity``) and exported the same way it is read, so an
export imports back to the same numbers.

A forecast states a point (``value``), a central interval (``value_low``,
``value_high`` and its ``coverage``), quantiles (``quantiles``:
``0.05:1.2;0.5:2.0;0.95:3.1``), or any of these together. This module only
reads and writes the cells; the values are checked by the ledger's own rules
(``forecasts.ledger.quantities.check_values``), as the API's are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError

from forecasts.ledger import rules
from forecasts.ledger.quantities import VALUE_FIELDS, CheckedValues, check_values
from forecasts.models import Question
from forecasts.models.quantity import day_from_number, day_number

VALUE_COLUMNS = VALUE_FIELDS  # value, value_low, value_high, coverage, quantiles
# A JSON number, as ``rules`` reads probabilities (no "_", no other scripts' digits).
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECONDS_PER_DAY = 86400.0


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


def read_coverage(text: str) -> float:
    """The interval's coverage cell: a probability as the API reads it (the ledger checks
    that it lies strictly inside (0, 1))."""
    return rules.parse_probability_text(text, "coverage")


def read_values(
    cells: Mapping[str, str | None],
    *,
    question: Question,
    probability_given: bool,
    scale_point: float | None,
) -> CheckedValues:
    """A row's value cells, read and checked by the ledger (``check_forecast_kind`` and
    ``check_values``, as the API's are); none for a yes/no or multiple-choice question."""

    def text(column: str) -> str:
        return (cells.get(column) or "").strip()

    rules.check_forecast_kind(
        question,
        probability_given=probability_given,
        values_given=[column for column in VALUE_COLUMNS if text(column)],
    )
    if not question.is_quantity:
        return CheckedValues()

    def cell(column: str) -> float | None:
        return parse_value_text(text(column), column, question=question) if text(column) else None

    return check_values(
        question=question,
        value=cell("value"),
        value_low=cell("value_low"),
        value_high=cell("value_high"),
        coverage=read_coverage(text("coverage")) if text("coverage") else None,
        quantiles=(
            parse_quantiles_text(text("quantiles"), question=question)
            if text("quantiles")
            else None
        ),
        scale_point=scale_point,
    )

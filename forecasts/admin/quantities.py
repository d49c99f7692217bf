"""Numeric and date values in the admin: typed as numbers ("80,000", "2.5") or, on a date
question, as ISO dates ("2025-03-14"), and stored as the ledger stores them (day numbers
for dates, ``forecasts.models.quantity``). The ledger's services check the values; the
forms here only read what was typed and put each message on its field.
"""

from __future__ import annotations

import math
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from forecasts.models import Question
from forecasts.models.quantity import day_from_number, day_number

QUANTITY_SETTINGS = (
    "unit",
    "range_low",
    "range_high",
    "range_low_closed",
    "range_high_closed",
    "log_scale",
)
VALUE_HELP = "Numeric questions: a number in the unit. Date questions: a date, YYYY-MM-DD."


def read_value(text: str, *, kind: str, field: str) -> float | None:
    """What an editor typed, as stored: a finite number, or a date's day number."""
    text = (text or "").strip()
    if not text:
        return None
    if kind == Question.Kind.DATE:
        try:
            return day_number(date.fromisoformat(text))
        except ValueError:
            raise ValidationError(
                {field: f"“{text}” is not a date: write it as YYYY-MM-DD."}
            ) from None
    try:
        number = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise ValidationError({field: f"“{text}” is not a number."}) from None
    if not math.isfinite(number):
        raise ValidationError({field: f"{field} must be a finite number, not {text}."})
    return number


def value_as_typed(kind: str, value: float | None) -> str:
    """A stored value as the editor would type it back."""
    if value is None:
        return ""
    if kind == Question.Kind.DATE:
        return day_from_number(value).isoformat()
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


class ValueField(forms.CharField):
    """A number or a date (by the question's kind), read in the form's ``clean``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)  # nothing typed: no value, never ""
        kwargs.setdefault("help_text", VALUE_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"size": 12})

    def prepare_value(self, value):
        return f"{value:g}" if isinstance(value, float) else value


def read_quantiles(text: str) -> list[tuple[float, float]] | None:
    """ "5: 1.8, 50: 2.6, 95: 3.4" (level in percent: value) → [(0.05, "1.8"), …] as typed.

    Values stay text here: the form reads them by the question's kind.
    """
    text = (text or "").strip()
    if not text:
        return None
    pairs = []
    for part in text.replace(";", ",").split(","):
        level, sep, value = part.partition(":")
        if not sep or not value.strip():
            raise ValidationError(
                {"quantiles": f"“{part.strip()}”: write each quantile as level: value, e.g. 5: 1.8"}
            )
        try:
            percent = float(level.strip().removesuffix("%"))
        except ValueError:
            raise ValidationError(
                {"quantiles": f"“{level.strip()}” is not a level in percent."}
            ) from None
        if not math.isfinite(percent) or not 0 < percent < 100:
            raise ValidationError(
                {"quantiles": f"Level {level.strip()} must be strictly between 0 and 100 (percent)"}
            )
        pairs.append((percent / 100, value.strip()))
    return pairs  # type: ignore[return-value]


def typed_values(data: dict, *, kind: str) -> dict:
    """The forecast's values as the service takes them, read by the question's kind."""
    out: dict = {}
    for field in ("value", "value_low", "value_high"):
        out[field] = read_value(data.get(field) or "", kind=kind, field=field)
    out["coverage"] = data.get("coverage")
    pairs = read_quantiles(data.get("quantiles") or "")
    out["quantiles"] = (
        None
        if pairs is None
        else [(level, read_value(str(text), kind=kind, field="quantiles")) for level, text in pairs]
    )
    return out

"""Numeric and date drafts: a claim's quantity as a question and the author's stated values.

The claim detector and the list reader find the quantity a claim states
(:mod:`forecasts.drafting.quantities`). Where it is an interval, a point or a
date by which something happens, the draft is a numeric or date question
instead of a yes/no one:

* an interval ("likely between 70,000 and 90,000 troops") becomes an interval
  forecast whose coverage is the probability the words give: the hedge's
  number on the scale (``likely`` is 67.5% on ICD 203), or the number a list
  states ("between 4% and 5%: 80%");
* a point ("about 3%") becomes a point forecast, which states no probability;
* "by spring 2027" becomes the interval from the day of the claim to the last
  day of spring, with the hedge's coverage; the date question's range runs
  from that day to a year after the named date, both ends closed, so "not by
  then" resolves to the upper end.

A threshold ("will fall below 80,000") stays a yes/no question, as does an
interval the author negates ("won't be between…": the complement of an
interval is no interval) or gives even odds or less ("unlikely to be
between…", "might be between…": a central interval is the range the author
expects the outcome in, so it must hold it more likely than not), or 100%
(a coverage must lie strictly between 0 and 1). The numeric question has no range
until an editor sets one.

The values are written through ``ledger.forecast_create`` (``values``), which
checks them as it checks the API's and the CSV import's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from forecasts.drafting.quantities import DATE, INTERVAL, POINT, QuantityClaim
from forecasts.models import Question
from forecasts.models.quantity import day_from_number, day_number

# A date question drafted from "by spring 2027" stays open to the event this long after.
DATE_RANGE_AFTER = timedelta(days=365)


@dataclass(frozen=True)
class Stated:
    """The values an author stated (day numbers on a date question)."""

    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    coverage: float | None = None

    def as_kwargs(self) -> dict[str, float | None]:
        """``ledger.forecast_create``'s keyword arguments for these values."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class QuantityDraft:
    """What a numeric or date draft writes: the question's fields and the stated values."""

    question_fields: dict
    stated: Stated
    words: str

    @property
    def kind(self) -> str:
        return self.question_fields["kind"]


def plan_quantity(
    quantity: QuantityClaim | None, *, probability: float, affirms: bool, stated_on: date
) -> QuantityDraft | None:
    """The numeric or date draft for a claim's quantity, or None to keep the yes/no question.

    ``probability`` is the number the words give (the coverage of an interval);
    ``stated_on`` the day the claim was made (where "by spring" intervals start).
    """
    if quantity is None or quantity.form not in (INTERVAL, POINT) or not affirms:
        return None
    if quantity.form == INTERVAL and not 0.5 < probability < 1.0:
        return None
    if quantity.kind == DATE:
        return _date_draft(quantity, probability=probability, stated_on=stated_on)
    fields = {"kind": Question.Kind.NUMERIC, "unit": quantity.unit[:40]}
    if quantity.form == POINT:
        return QuantityDraft(fields, Stated(value=quantity.value), quantity.text)
    assert isinstance(quantity.low, float) and isinstance(quantity.high, float)
    stated = Stated(value_low=quantity.low, value_high=quantity.high, coverage=probability)
    return QuantityDraft(fields, stated, quantity.text)


def _date_draft(
    quantity: QuantityClaim, *, probability: float, stated_on: date
) -> QuantityDraft | None:
    low = quantity.low if isinstance(quantity.low, date) else stated_on
    high = quantity.high
    assert isinstance(high, date)
    if high <= stated_on or low > high:
        return None
    first = min(low, stated_on)
    fields = {
        "kind": Question.Kind.DATE,
        "unit": "",
        "range_low": day_number(first),
        "range_high": day_number(high + DATE_RANGE_AFTER),
        "range_low_closed": True,
        "range_high_closed": True,
    }
    stated = Stated(value_low=day_number(low), value_high=day_number(high), coverage=probability)
    return QuantityDraft(fields, stated, quantity.text)


def resolve_by_for(draft: QuantityDraft, resolve_by: datetime) -> datetime:
    """A date question is due once its range has passed (an event not seen by then resolves
    to the range's closed upper end); other kinds keep ``resolve_by``."""
    high = draft.question_fields.get("range_high")
    if draft.kind != Question.Kind.DATE or high is None:
        return resolve_by
    end = datetime.combine(day_from_number(high), time(23, 59, 59), tzinfo=UTC)
    return max(resolve_by, end + timedelta(days=31))


def describe(
    draft: QuantityDraft, *, phrase: str, scale_name: str, interval: tuple[float, float]
) -> str:
    """How the words became the values, for the conversion note."""
    stated = draft.stated
    if stated.value is not None:
        return (
            f"Read “{draft.words}” as a point forecast of {_shown(draft, stated.value)}. A point "
            "states no probability: it is scored by its error once the outcome is known."
        )
    assert stated.value_low is not None and stated.value_high is not None
    assert stated.coverage is not None
    low, high = interval
    source = (
        f"{scale_name} maps “{phrase}” to {low:.4g}–{high:.4g}; its point is the coverage"
        if low != high
        else f"the author states {stated.coverage:.4g} as a number"
    )
    return (
        f"Read “{draft.words}” as an interval forecast: {_shown(draft, stated.value_low)} to "
        f"{_shown(draft, stated.value_high)}, holding the outcome with probability "
        f"{stated.coverage:.4g} ({source})."
    )


def _shown(draft: QuantityDraft, value: float) -> str:
    if draft.kind == Question.Kind.DATE:
        return day_from_number(value).isoformat()
    unit = draft.question_fields.get("unit", "")
    return f"{value:,.10g} {unit}".strip()


def plan_note(plan: QuantityDraft) -> str:
    """What an editor checks on a numeric or date draft."""
    if plan.kind == Question.Kind.DATE:
        return (
            f"Drafted as a date question from “{plan.words}”: its range runs from the day of "
            "the claim to a year after the date named, both ends closed (an event not seen by "
            "then resolves to the upper end). Check the range, and ask when the event happens."
        )
    unit = plan.question_fields["unit"] or "no unit found"
    return (
        f"Drafted as a numeric question from “{plan.words}” (unit: {unit}). Set its range "
        "(and whether each end is closed) and check the unit; a yes/no threshold question "
        "on the same quantity can stand beside it."
    )

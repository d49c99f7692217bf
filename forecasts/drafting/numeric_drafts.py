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

A threshold ("will fall below 80,000") stays a yes/no question, as does a
claim the author negates ("unlikely to be between…": the coverage of the
complement of an interval is no interval) or one whose words give 0% or 100%
(a coverage must lie strictly between). The numeric question has no range
until an editor sets one.

``record_quantity_forecast`` writes the author's values. It checks them as the
CSV import does (``forecasts.transfer.quantities``) and leaves the rest to the
model's constraints; the ledger's forecast service does not take values yet,
so this is the one place drafting writes a forecast without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from forecasts.drafting.quantities import DATE, INTERVAL, POINT, QuantityClaim
from forecasts.models import Author, Forecast, Question, Source
from forecasts.models.quantity import day_number
from forecasts.transfer.quantities import StatedQuantity, check_quantity

# A date question drafted from "by spring 2027" stays open to the event this long after.
DATE_RANGE_AFTER = timedelta(days=365)


@dataclass(frozen=True)
class QuantityDraft:
    """What a numeric or date draft writes: the question's fields and the stated values."""

    question_fields: dict
    stated: StatedQuantity
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
    if quantity.form == INTERVAL and not 0.0 < probability < 1.0:
        return None
    if quantity.kind == DATE:
        return _date_draft(quantity, probability=probability, stated_on=stated_on)
    fields = {"kind": Question.Kind.NUMERIC, "unit": quantity.unit[:40]}
    if quantity.form == POINT:
        return QuantityDraft(fields, StatedQuantity(value=quantity.value), quantity.text)
    assert isinstance(quantity.low, float) and isinstance(quantity.high, float)
    stated = StatedQuantity(value_low=quantity.low, value_high=quantity.high, coverage=probability)
    return QuantityDraft(fields, stated, quantity.text)


def _date_draft(quantity: QuantityClaim, *, probability: float, stated_on: date) -> QuantityDraft | None:
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
    stated = StatedQuantity(
        value_low=day_number(low), value_high=day_number(high), coverage=probability
    )
    return QuantityDraft(fields, stated, quantity.text)


def resolve_by_for(draft: QuantityDraft, resolve_by: datetime) -> datetime:
    """A date question is due once its range has passed (an event not seen by then resolves
    to the range's closed upper end); other kinds keep ``resolve_by``."""
    high = draft.question_fields.get("range_high")
    if draft.kind != Question.Kind.DATE or high is None:
        return resolve_by
    end = datetime.combine(date(1970, 1, 1) + timedelta(days=int(high)), time(23, 59, 59), tzinfo=UTC)
    return max(resolve_by, end + timedelta(days=31))


def describe(draft: QuantityDraft, *, phrase: str, scale_name: str, interval: tuple[float, float]) -> str:
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
        f"{scale_name} maps “{phrase}” to {low:.4g}–{high:.4g} as probabilities"
        if low != high
        else f"the author states {stated.coverage:.4g} as a number"
    )
    return (
        f"Read “{draft.words}” as an interval forecast: {_shown(draft, stated.value_low)} to "
        f"{_shown(draft, stated.value_high)}, holding the outcome with probability "
        f"{stated.coverage:.4g} ({source}; the scale's point is the coverage)."
    )


def _shown(draft: QuantityDraft, value: float) -> str:
    if draft.kind == Question.Kind.DATE:
        return (date(1970, 1, 1) + timedelta(days=int(value))).isoformat()
    unit = draft.question_fields.get("unit", "")
    return f"{value:,.10g} {unit}".strip()


def record_quantity_forecast(
    *,
    question: Question,
    author: Author,
    source: Source | None,
    stated_at: datetime,
    stated: StatedQuantity,
    quote: str,
    phrase: str,
    scale: str,
    interval: tuple[float, float] | None,
    scale_point: float | None,
    conversion_note: str,
    entered_by=None,
) -> Forecast:
    """Write an author's numeric or date forecast on a draft question (see the module note)."""
    check_quantity(question, stated)
    low, high = interval if interval is not None else (None, None)
    forecast = Forecast(
        question=question,
        author=author,
        source=source,
        stated_at=stated_at,
        value=stated.value,
        value_low=stated.value_low,
        value_high=stated.value_high,
        coverage=stated.coverage,
        quote=quote,
        phrase=phrase,
        scale=scale,
        interval_low=low,
        interval_high=high,
        scale_point=scale_point,
        conversion_note=conversion_note,
        entered_by=entered_by if getattr(entered_by, "pk", None) else None,
    )
    forecast.full_clean(exclude=["question", "author", "source", "entered_by"])
    forecast.save()
    return forecast

"""Numeric and date forecasts: what an author stated about a quantity, checked whole.

A forecast on a numeric or date question is a point (``value``), a central
interval (``value_low``–``value_high`` with the ``coverage`` the author gave it,
or the scale's point value for their hedge: "likely between 70,000 and
90,000"), and/or quantiles ((level, value) pairs). Each part is checked on its
own (finite, inside the closed ends of the range, above zero on a log scale,
ordered), then all together: the scorer reads them as one set of quantiles
(``forecasts.scoring.StatedValues``), which must come out ordered, so nothing
stored can fail to score. Values are in the question's unit; a date
question's are day numbers (``forecasts.models.quantity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from forecasts.ledger import rules
from forecasts.models import Forecast, ForecastQuantile, Question
from forecasts.models.quantity import day_from_number
from forecasts.scoring import StatedValues

VALUE_FIELDS = ("value", "value_low", "value_high", "coverage", "quantiles")


@dataclass(frozen=True)
class CheckedValues:
    """A numeric or date forecast's values after validation (all empty for other kinds)."""

    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    coverage: float | None = None
    quantiles: tuple[tuple[float, float], ...] = ()

    def model_fields(self) -> dict[str, float | None]:
        """The values stored on the Forecast row itself (quantiles are rows of their own)."""
        return {
            "value": self.value,
            "value_low": self.value_low,
            "value_high": self.value_high,
            "coverage": self.coverage,
        }

    def quantile_rows(self, forecast: Forecast) -> list[ForecastQuantile]:
        return [
            ForecastQuantile(forecast=forecast, level=level, value=value)
            for level, value in self.quantiles
        ]


def given_fields(
    *,
    value: object = None,
    value_low: object = None,
    value_high: object = None,
    coverage: object = None,
    quantiles: object = None,
) -> list[str]:
    """The value fields a caller filled in, in VALUE_FIELDS order."""
    given = {
        "value": value,
        "value_low": value_low,
        "value_high": value_high,
        "coverage": coverage,
        "quantiles": quantiles,
    }
    return [field for field in VALUE_FIELDS if given[field] is not None]


def check_values(
    *,
    question: Question,
    value: object = None,
    value_low: object = None,
    value_high: object = None,
    coverage: object = None,
    quantiles: Sequence[object] | None = None,
    scale_point: float | None = None,
) -> CheckedValues:
    """Validate a numeric or date forecast's values; the refusal names the field at fault.

    Without a stated ``coverage``, an interval takes the scale's point value for
    the author's hedge (``scale_point``), as a worded yes/no forecast takes it as
    its probability.
    """
    point = _in_range(question, value, "value")
    low = _in_range(question, value_low, "value_low")
    high = _in_range(question, value_high, "value_high")
    if (low is None) != (high is None):
        missing = "value_high" if high is None else "value_low"
        raise ValidationError({missing: "Give both ends of the interval."})
    if low is None:
        if coverage is not None:
            raise ValidationError(
                {"coverage": "A coverage belongs to an interval: give its low and high ends."}
            )
        checked_coverage = None
    elif high is not None:
        if low > high:
            raise ValidationError(
                {
                    "value_high": f"The interval's high end ({high:g}) is below "
                    f"its low end ({low:g})."
                }
            )
        if coverage is None and scale_point is None:
            raise ValidationError(
                {
                    "coverage": "Say how sure the author is that the outcome falls in the "
                    "interval: a coverage strictly between 0 and 1, or a hedge read by a scale."
                }
            )
        checked_coverage = rules.check_open_unit_interval(
            scale_point if coverage is None else coverage, "coverage"
        )
        if point is not None and not low <= point <= high:
            raise ValidationError(
                {"value": f"The point ({point:g}) must lie inside the interval ({low:g}–{high:g})."}
            )
    pairs: tuple[tuple[float, float], ...] = ()
    if quantiles is not None:
        pairs = tuple(rules.check_quantiles(quantiles))
        for level, quantile in pairs:
            try:
                rules.check_within_range(quantile, "quantiles", question=question)
            except ValidationError as exc:
                message = exc.message_dict["quantiles"][0]
                raise ValidationError({"quantiles": f"At level {level:g}: {message}"}) from None
    checked = CheckedValues(point, low, high, checked_coverage, pairs)
    _check_as_one(checked)
    return checked


def _in_range(question: Question, raw: object, field: str) -> float | None:
    if raw is None:
        return None
    number = rules.check_value(raw, field)
    rules.check_within_range(number, field, question=question)
    return number


def _check_as_one(checked: CheckedValues) -> None:
    """The point, the interval and the quantiles read together as one ordered set."""
    stated = StatedValues(
        point=checked.value,
        lower=checked.value_low,
        upper=checked.value_high,
        coverage=checked.coverage,
        quantiles=checked.quantiles,
    )
    try:
        stated.as_quantiles()
    except ValueError as exc:
        raise ValidationError(
            {
                "quantiles": "The point, the interval and the quantiles must agree as one "
                f"ordered set of quantiles (the point is the median; an interval of coverage c "
                f"gives levels (1 − c)/2 and (1 + c)/2): {exc}."
            }
        ) from None


def stored_values(forecast: Forecast) -> CheckedValues:
    """A stored forecast's values, to check a correction of some of them against the rest."""
    return CheckedValues(
        forecast.value,
        forecast.value_low,
        forecast.value_high,
        forecast.coverage,
        tuple((q.level, q.value) for q in forecast.quantiles.all()),
    )


def shown(question: Question, number: float) -> str:
    """A value as a reader writes it: an ISO date on a date question, else the number
    with the unit."""
    if question.kind == Question.Kind.DATE:
        return day_from_number(number).isoformat()
    return f"{number:g} {question.unit}".strip()


def clamped_note(question: Question, *, value: float, reported: float | None) -> str:
    """What a resolution's evidence note says when the reported value lay beyond a closed
    end and the question resolved to the bound; empty otherwise."""
    if reported is None:
        return ""
    side = "low" if reported < value else "high"
    return (
        f"Reported value {shown(question, reported)} lies beyond the closed {side} end of the "
        f"range; the question resolves to the bound, {shown(question, value)}."
    )

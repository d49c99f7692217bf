"""Numeric and date questions through the API: values, ranges, intervals, quantiles.

A numeric question's values are JSON numbers in its unit; a date question's are
ISO dates (``"2025-06-30"``), stored as UTC day numbers
(``forecasts.models.quantity``). The fields here read the question's kind from
the object they show, so one declaration serves both kinds; on the way in, a
value is converted once the question is known (``stored``). The rules (ordered
quantiles, closed ends, coverage in (0, 1), …) are the ledger's
(``forecasts.ledger.quantities``), which name the field at fault.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasts.api.fields import ProbabilityField
from forecasts.drafting.lexicon import DEFAULT_SCALE, SCALES, reread_phrase
from forecasts.models import ForecastQuantile, Question
from forecasts.models.quantity import day_from_number, day_number

VALUE_SCHEMA = {
    "oneOf": [{"type": "number"}, {"type": "string", "format": "date"}],
    "description": "A number in the question's unit; an ISO date (YYYY-MM-DD) on a date question.",
}
ISO_DATE_LENGTH = len("2025-06-30")


def kind_of(instance: object) -> str:
    """The kind of the question a question, forecast, quantile or resolution belongs to."""
    if isinstance(instance, Question):
        return instance.kind
    if isinstance(instance, ForecastQuantile):
        return instance.forecast.question.kind
    return instance.question.kind  # type: ignore[attr-defined]


def shown(number: float | None, kind: str) -> float | str | None:
    """A stored value as the API shows it: an ISO date on a date question."""
    if number is None:
        return None
    return day_from_number(number).isoformat() if kind == Question.Kind.DATE else number


def stored(value: float | date | None, kind: str, field: str, part: str = "") -> float | None:
    """A value sent for a question of ``kind`` as stored; the wrong type names ``field``
    (and the ``part`` of it: an interval's ``lower`` or ``upper``)."""
    if value is None:
        return None
    if kind == Question.Kind.DATE and not isinstance(value, date):
        message = "A date question takes an ISO date (YYYY-MM-DD)."
    elif kind != Question.Kind.DATE and isinstance(value, date):
        message = "Only a date question takes a date; give a number."
    else:
        return day_number(value) if isinstance(value, date) else value
    raise serializers.ValidationError({field: {part: [message]} if part else [message]})


@extend_schema_field(VALUE_SCHEMA)
class QuantityValueField(serializers.Field):
    """A JSON number, or an ISO date; shown as the question's kind says.

    Numbers are checked by the ledger (finite, inside closed ends); here only
    the type: booleans, other strings and objects are refused.
    """

    default_error_messages = {
        "invalid": "Give a number, or an ISO date (YYYY-MM-DD) on a date question.",
    }

    def get_attribute(self, instance):
        return (super().get_attribute(instance), kind_of(instance))

    def to_representation(self, value):
        number, kind = value
        return shown(number, kind)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            return data
        if isinstance(data, str) and len(data) == ISO_DATE_LENGTH:
            try:
                return date.fromisoformat(data)
            except ValueError:
                pass
        self.fail("invalid")


class RangeSerializer(serializers.Serializer):
    """A numeric or date question's range; null on other questions."""

    low = QuantityValueField(source="range_low", allow_null=True, required=False, default=None)
    high = QuantityValueField(source="range_high", allow_null=True, required=False, default=None)
    low_closed = serializers.BooleanField(
        source="range_low_closed",
        required=False,
        default=False,
        help_text="Closed: the outcome cannot lie below the low end; a lower reported value "
        "resolves to it. Open: forecasts and outcomes may lie beyond it.",
    )
    high_closed = serializers.BooleanField(
        source="range_high_closed", required=False, default=False
    )
    log_scale = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Numeric questions spanning orders of magnitude: scored on the log range. "
        "Needs both ends above zero.",
    )

    def get_attribute(self, question: Question):
        return question if question.is_quantity else None


class IntervalSerializer(serializers.Serializer):
    """A central interval and how sure the author was that the outcome falls in it."""

    lower = QuantityValueField(source="value_low")
    upper = QuantityValueField(source="value_high")
    coverage = ProbabilityField(
        required=False,
        allow_null=True,
        help_text="Strictly between 0 and 1. Left out, it is the point value the `scale` "
        "(ICD 203 for a number) gives the hedge in `phrase`, e.g. “likely”.",
    )

    def get_attribute(self, forecast):
        return forecast if forecast.value_low is not None else None

    def validate_empty_values(self, data):
        # Its fields land on the forecast itself (source="*"): null is no interval.
        if data is None:
            return (True, {})
        return super().validate_empty_values(data)


class QuantileSerializer(serializers.Serializer):
    level = ProbabilityField(help_text="P(outcome ≤ value), strictly between 0 and 1.")
    value = QuantityValueField()


def forecast_values(attrs: dict, question: Question) -> dict:
    """The ledger's keyword arguments for the values in a forecast's validated data."""
    kind = question.kind
    return {
        "value": stored(attrs.get("value"), kind, "value"),
        "value_low": stored(attrs.get("value_low"), kind, "interval", "lower"),
        "value_high": stored(attrs.get("value_high"), kind, "interval", "upper"),
        "coverage": attrs.get("coverage"),
        "quantiles": None
        if attrs.get("quantiles") is None
        else [
            (item["level"], stored(item["value"], kind, "quantiles")) for item in attrs["quantiles"]
        ],
    }


def hedged_coverage(data: dict) -> dict:
    """The scale's reading of the author's hedge, when an interval gives no coverage.

    "Likely between 70,000 and 90,000": the phrase's point value on the chosen
    scale (ICD 203 for a forecast stated as a number) becomes the coverage,
    and the phrase's interval and point are kept as for a worded yes/no forecast.
    """
    if data.get("value_low") is None or data.get("coverage") is not None:
        return {}
    if not data.get("phrase") or data.get("scale_point") is not None:
        return {}
    scale = data["scale"] if data["scale"] in SCALES else DEFAULT_SCALE
    reading = reread_phrase(data["phrase"], scale)
    if reading is None:
        message = f"No scale reads “{data['phrase']}”; give the interval's coverage."
        raise serializers.ValidationError({"interval": {"coverage": [message]}})
    found = {"scale": reading.scale, "scale_point": reading.point}
    if data.get("interval_low") is None:
        found["interval"] = reading.interval
    return found


INTERVAL_PARTS = {"value_low": "lower", "value_high": "upper", "coverage": "coverage"}


def as_api_error(exc: DjangoValidationError) -> Exception:
    """The ledger's refusal of an interval's end or coverage, under the API's names
    (``{"interval": {"upper": [...]}}``); any other refusal as it came."""
    fields = getattr(exc, "error_dict", {})
    if not set(fields) & set(INTERVAL_PARTS):
        return exc
    detail: dict = {}
    for field, errors in fields.items():
        messages = [message for error in errors for message in error.messages]
        if field in INTERVAL_PARTS:
            detail.setdefault("interval", {})[INTERVAL_PARTS[field]] = messages
        else:
            detail[field] = messages
    return serializers.ValidationError(detail)

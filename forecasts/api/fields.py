"""Serializer fields with Reckon's input rules: ids or slugs, strict numbers, aware times."""

from __future__ import annotations

import re
from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasts import ledger

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# The largest id a bigint column holds; larger numbers cannot name a row.
MAX_ID = 2**63 - 1


def lookup_for(value: object) -> dict | None:
    """``{"pk": n}`` for an id, ``{"slug": s}`` for a slug, None for anything else.

    An all-digit value is an id: slugs made only of digits cannot be used.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return {"pk": value} if 0 < value <= MAX_ID else None
    if isinstance(value, str):
        value = value.strip()
        if value.isascii() and value.isdigit():
            number = int(value)
            return {"pk": number} if 0 < number <= MAX_ID else None
        if SLUG_RE.match(value) and len(value) <= 200:
            return {"slug": value}
    return None


class SlugOrIdRelatedField(serializers.RelatedField):
    """Accepts ``12`` or ``"ada-pundit"``; represents the object by its id."""

    default_error_messages = {
        "invalid": "Give an id (a positive integer) or a slug (letters, digits, - and _).",
        "does_not_exist": "No {model} has the id or slug “{value}”.",
    }

    def to_internal_value(self, data):
        lookup = lookup_for(data)
        if lookup is None:
            self.fail("invalid")
        queryset = self.get_queryset()
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist:
            self.fail("does_not_exist", model=queryset.model._meta.verbose_name, value=data)

    def to_representation(self, value):
        return value.pk


class ProbabilityField(serializers.FloatField):
    """A JSON number in [0, 1]: strings, booleans, NaN and infinities are refused."""

    def __init__(self, **kwargs):
        # ledger.rules.check_probability enforces the bounds; here they go into the schema.
        kwargs.setdefault("min_value", 0.0)
        kwargs.setdefault("max_value", 1.0)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return ledger.rules.check_probability(data, self.field_name)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time that states its offset (``Z`` or ``+01:00``)."""

    default_error_messages = {
        "naive": "Give a date and time with a time zone, e.g. 2025-01-31T12:00:00Z.",
        "out_of_range": "This date is outside the range Reckon can store.",
    }

    def to_internal_value(self, value):
        if not isinstance(value, str) or len(value) > 64:
            self.fail("invalid", format="ISO 8601, e.g. 2025-01-31T12:00:00Z")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid", format="ISO 8601, e.g. 2025-01-31T12:00:00Z")
        if parsed.tzinfo is None:
            self.fail("naive")
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            self.fail("out_of_range")


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}],
        "description": "A URL, or an empty string when there is none.",
    }
)
class OptionalURLField(serializers.URLField):
    """A URL that may be left empty (stored as ``""``, never null)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)


TEXT_ONLY = "Give text (a JSON string), not a number or true/false."


class TextOnlyMixin:
    """Text fields take JSON strings only.

    DRF's CharField turns ``0`` or ``true`` into ``"0"`` / ``"True"``: a client
    that sent the wrong type gets a record it did not mean. The schema says
    "string", so anything else is refused, naming the field.
    """

    def to_internal_value(self, data):
        if hasattr(data, "items"):
            errors = {}
            for name, field in self.fields.items():  # type: ignore[attr-defined]
                if field.read_only or name not in data:
                    continue
                values = data[name] if isinstance(field, serializers.ListField) else [data[name]]
                text = getattr(field, "child", field)
                if isinstance(text, serializers.CharField) and isinstance(values, list):
                    if any(v is not None and not isinstance(v, str) for v in values):
                        errors[name] = [TEXT_ONLY]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]

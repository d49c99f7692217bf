"""Writes through the API: validate the shape here, leave the rules to forecasts.ledger."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from forecasts import ledger
from forecasts.api import quantities
from forecasts.api import serializers as s
from forecasts.api.fields import AwareDateTimeField, OptionalURLField, TextOnlyMixin
from forecasts.api.permissions import linked_author
from forecasts.ledger.roles import is_editor
from forecasts.models import Option, Question, Resolution


def create_question(request) -> Question:
    """An editor's new question, with its options, tags and condition."""
    serializer = s.QuestionCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    slug = data.pop("slug", None) or ledger.slugs.slug_from(
        data["title"], max_length=200, trim=False
    )
    if not slug:
        raise serializers.ValidationError(
            {"slug": ["Give a slug, or a title it can be made from."]}
        )
    return ledger.question_create(
        slug=slug,
        condition_option_id=data.pop("condition_option", None),
        by=request.user,
        **_range(data.pop("range"), data["kind"]),
        **data,
    )


def _range(given: dict | None, kind: str) -> dict:
    """A question's range as the ledger takes it (a date question's ends as day numbers)."""
    if not given:
        return {}
    return {
        **given,
        "range_low": quantities.stored(given.get("range_low"), kind, "range", "low"),
        "range_high": quantities.stored(given.get("range_high"), kind, "range", "high"),
    }


def create_forecast(request):
    """A forecast from an editor (any author) or a forecaster (only as themselves)."""
    serializer = s.ForecastSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    author = _forecasting_author(request.user, data.get("author"))
    hedged = quantities.hedged_coverage(data)
    low, high = data.get("interval_low"), data.get("interval_high")
    try:
        return _record(request, data, author, hedged, (low, high) if low is not None else None)
    except DjangoValidationError as exc:
        raise quantities.as_api_error(exc) from None


def _record(request, data, author, hedged: dict, interval):
    options = data.get("option_probabilities")
    return ledger.forecast_create(
        question=data["question"],
        author=author,
        stated_at=data["stated_at"],
        probability=data.get("probability"),
        option_probabilities=(
            {item["option_id"]: item["probability"] for item in options} if options else None
        ),
        source=data.get("source"),
        quote=data["quote"],
        phrase=data["phrase"],
        scale=hedged.get("scale", data["scale"]),
        interval=hedged.get("interval", interval),
        scale_point=hedged.get("scale_point", data.get("scale_point")),
        conversion_note=data["conversion_note"],
        entered_by=request.user,
        **quantities.forecast_values(data, data["question"]),
    )


def _forecasting_author(user, named):
    if is_editor(user):
        if named is None:
            raise serializers.ValidationError({"author": ["Name the author (id or slug)."]})
        return named
    own = linked_author(user)
    if named is not None and named.pk != own.pk:
        raise serializers.ValidationError({"author": [f"You may only forecast as {own.slug}."]})
    return own


class OptionChoiceMixin:
    """Resolves ``option`` to one of the question's options (given in the context)."""

    def validate_option(self, value):
        if value is None:
            return None
        option = Option.objects.filter(pk=value, question=self.context["question"]).first()
        if option is None:
            raise serializers.ValidationError("This question has no option with that id.")
        return option


class ResolveSerializer(TextOnlyMixin, OptionChoiceMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Resolution.Outcome.choices)
    option = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="For an 'option' outcome: the id of the option that happened.",
    )
    value = quantities.QuantityValueField(
        required=False,
        allow_null=True,
        help_text="For a 'value' outcome (numeric and date questions): the value reported, "
        "an ISO date on a date question. Beyond a closed end of the range, the question "
        "resolves to that end and keeps the reported value.",
    )
    outcome_known_at = AwareDateTimeField(help_text="When the outcome became public knowledge.")
    evidence_url = OptionalURLField(required=False, default="")
    evidence_note = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default=""
    )

    def service_arguments(self) -> dict:
        arguments = dict(self.validated_data)
        if "value" in arguments:
            kind = self.context["question"].kind
            arguments["value"] = quantities.stored(arguments["value"], kind, "value")
        return arguments


class CorrectionSerializer(ResolveSerializer):
    reason = serializers.CharField(max_length=20000, help_text="Why the resolution is corrected.")


class AnnulSerializer(TextOnlyMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=20000, help_text="Why the question is annulled.")
    outcome_known_at = AwareDateTimeField(required=False, help_text="Defaults to now.")
    evidence_url = OptionalURLField(required=False, default="")
    evidence_note = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default=""
    )

    def service_arguments(self) -> dict:
        return dict(self.validated_data)

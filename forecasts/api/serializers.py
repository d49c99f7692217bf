"""How the ledger looks through the API: ids and slugs out, ids or slugs in.

Field names are stable; related objects appear as ``<name>`` (the id) and
``<name>_slug``. Writes are validated here for shape and type, then handed to
the services of forecasts.ledger, which own the rules.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from forecasts.api import quantities
from forecasts.api.errors import Conflict
from forecasts.api.fields import (
    AwareDateTimeField,
    OptionalURLField,
    ProbabilityField,
    SlugOrIdRelatedField,
    TextOnlyMixin,
)
from forecasts.ledger import rules, slugs
from forecasts.models import (
    Author,
    Forecast,
    Option,
    Question,
    Resolution,
    Source,
    Tag,
)
from forecasts.models.ledger import Scale


class AuthorSerializer(TextOnlyMixin, serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=200, required=False, help_text="Made from the name if omitted."
    )
    n_forecasts = serializers.IntegerField(
        read_only=True, help_text="Forecasts recorded for this author."
    )
    url = OptionalURLField(max_length=500, required=False, default="")

    class Meta:
        model = Author
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "url",
            "is_synthetic",
            "created_at",
            "n_forecasts",
        ]
        read_only_fields = ["id", "created_at", "is_synthetic", "n_forecasts"]

    def validate(self, attrs):
        return _with_slug(attrs, Author, attrs.get("name", ""))


class SourceSerializer(TextOnlyMixin, serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=200, required=False, help_text="Made from the title if omitted."
    )
    author = SlugOrIdRelatedField(
        queryset=Author.objects.all(), required=False, allow_null=True, help_text="The byline."
    )
    author_slug = serializers.CharField(source="author.slug", read_only=True, allow_null=True)
    url = OptionalURLField(required=False, default="")

    class Meta:
        model = Source
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "url",
            "publisher",
            "author",
            "author_slug",
            "published_on",
            "licence",
            "attribution",
            "scale",
            "is_complete",
            "completed_at",
            "is_synthetic",
            "created_at",
        ]
        read_only_fields = ["id", "is_complete", "completed_at", "is_synthetic", "created_at"]
        extra_kwargs = {
            "is_complete": {
                "help_text": "An editor checked that every forward-looking claim in it is in "
                "the ledger or was dismissed with a reason (set in the admin)."
            }
        }

    def validate(self, attrs):
        return _with_slug(attrs, Source, attrs.get("title", ""))


class SourceDetailSerializer(SourceSerializer):
    dismissed = serializers.SerializerMethodField(
        help_text="How many sentences drafted from it were dismissed, by reason."
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "dismissed", "full_text"]

    def get_dismissed(self, source: Source) -> dict[str, int]:
        return {reason or "unstated": n for reason, n in source.dismissed_by_reason().items()}


class TagSerializer(TextOnlyMixin, serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Made from the name if omitted."
    )

    class Meta:
        model = Tag
        fields = ["id", "slug", "name"]
        read_only_fields = ["id"]
        # Checked in validate: a name taken is a conflict (409), not bad input.
        extra_kwargs: dict[str, dict] = {"name": {"validators": []}}

    def validate(self, attrs):
        name = attrs.get("name", "")
        if Tag.objects.filter(name=name).exists():
            raise Conflict({"name": [f"A tag named “{name}” already exists."]})
        return _with_slug(attrs, Tag, name, max_length=80)


def _with_slug(attrs: dict, model, text: str, max_length: int = 200) -> dict:
    """Fill in a missing slug from the name and refuse one already taken."""
    slug = attrs.get("slug") or slugs.slug_from(text, max_length=max_length, trim=False)
    if not slug:
        raise serializers.ValidationError({"slug": ["Give a slug, or a name it can be made from."]})
    if model.objects.filter(slug=slug).exists():
        # The request is well formed; it clashes with what the ledger holds: 409.
        raise Conflict({"slug": [f"“{slug}” is already taken."]})
    return {**attrs, "slug": slug}


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "label", "position"]


class ResolutionSerializer(serializers.ModelSerializer):
    question_slug = serializers.CharField(source="question.slug", read_only=True)
    option_label = serializers.CharField(source="option.label", read_only=True, allow_null=True)
    is_correction = serializers.BooleanField(read_only=True)
    evidence_url = OptionalURLField(read_only=True)
    value = quantities.QuantityValueField(
        read_only=True, allow_null=True, help_text="A 'value' outcome: the value scored."
    )
    reported_value = quantities.QuantityValueField(
        read_only=True,
        allow_null=True,
        help_text="The value as reported, when it lay beyond a closed end of the range and "
        "the question resolved to that end; null otherwise.",
    )
    clamped = serializers.BooleanField(
        source="is_clamped", read_only=True, help_text="True when resolved to a closed end."
    )

    class Meta:
        model = Resolution
        fields = [
            "id",
            "question",
            "question_slug",
            "outcome",
            "option",
            "option_label",
            "value",
            "reported_value",
            "clamped",
            "outcome_known_at",
            "evidence_url",
            "evidence_note",
            "reason",
            "resolved_at",
            "is_current",
            "is_automatic",
            "is_correction",
            "supersedes",
        ]
        read_only_fields = fields


class ConditionSerializer(serializers.Serializer):
    """The outcome of another question this one depends on; null for most questions."""

    question = serializers.IntegerField(source="condition_question_id")
    question_slug = serializers.CharField(source="condition_question.slug")
    outcome = serializers.ChoiceField(
        source="condition_outcome", choices=Question.ConditionOutcome.choices
    )
    option = serializers.IntegerField(source="condition_option_id", allow_null=True)

    def get_attribute(self, question: Question):
        return question if question.condition_question_id is not None else None


class CurrentResolutionSerializer(ResolutionSerializer):
    """The resolution in force, from the ``current_resolutions`` prefetch; null if none."""

    def get_attribute(self, question: Question):
        current = getattr(question, "current_resolutions", None)
        if current is None:  # not prefetched: one query for this question
            current = list(question.resolutions.filter(is_current=True).select_related("option"))
        return current[0] if current else None


class QuestionSerializer(serializers.ModelSerializer):
    """A question as listed: its options, tags, condition and current resolution."""

    status = serializers.SerializerMethodField(
        help_text="draft, upcoming, open, closed, due, resolved or annulled."
    )
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    options = OptionSerializer(many=True, read_only=True)
    condition = ConditionSerializer(read_only=True, allow_null=True, source="*")
    range = quantities.RangeSerializer(read_only=True, allow_null=True, source="*")
    current_resolution = CurrentResolutionSerializer(read_only=True, allow_null=True, source="*")
    n_forecasts = serializers.IntegerField(read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "unit",
            "range",
            "state",
            "status",
            "resolution_criteria",
            "background",
            "tags",
            "options",
            "opens_at",
            "closes_at",
            "resolve_by",
            "condition",
            "current_resolution",
            "n_forecasts",
            "is_synthetic",
            "created_at",
        ]
        read_only_fields = fields

    def get_status(self, question: Question) -> str:
        return question.status(self.context.get("now"))


class QuestionDetailSerializer(QuestionSerializer):
    """A question with its whole resolution history, newest first."""

    resolutions = ResolutionSerializer(many=True, read_only=True, source="resolution_history")

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "resolutions"]
        read_only_fields = fields


class QuestionCreateSerializer(TextOnlyMixin, serializers.Serializer):
    """What an editor sends to create a question."""

    title = serializers.CharField(max_length=300)
    slug = serializers.SlugField(
        max_length=200, required=False, help_text="Made from the title if omitted."
    )
    kind = serializers.ChoiceField(choices=Question.Kind.choices, default=Question.Kind.BINARY)
    unit = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="Numeric questions: what the number counts, e.g. “%” or “troops”.",
    )
    range = quantities.RangeSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Numeric and date questions: the range forecasts are drawn and scored on.",
    )
    state = serializers.ChoiceField(
        choices=[(Question.State.LIVE, "Live"), (Question.State.DRAFT, "Draft")],
        default=Question.State.LIVE,
    )
    resolution_criteria = serializers.CharField(max_length=20000)
    background = serializers.CharField(
        max_length=20000, required=False, default="", allow_blank=True
    )
    tags = serializers.ListField(
        child=SlugOrIdRelatedField(queryset=Tag.objects.all()),
        required=False,
        default=list,
        max_length=50,
    )
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=100,
        help_text="Labels of a multiple-choice question's options, in order.",
    )
    opens_at = AwareDateTimeField()
    closes_at = AwareDateTimeField()
    resolve_by = AwareDateTimeField()
    condition_question = SlugOrIdRelatedField(
        queryset=Question.objects.all(), required=False, allow_null=True
    )
    condition_outcome = serializers.ChoiceField(
        choices=Question.ConditionOutcome.choices, required=False, allow_blank=True, default=""
    )
    condition_option = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of an option of the condition question.",
    )


class OptionProbabilitySerializer(serializers.Serializer):
    option = serializers.IntegerField(
        source="option_id", min_value=1, max_value=2**63 - 1, help_text="The option's id."
    )
    label = serializers.CharField(source="option.label", read_only=True)
    probability = ProbabilityField()


MAX_QUANTILES = 99


class ForecastSerializer(TextOnlyMixin, serializers.ModelSerializer):
    """A forecast: the number, the author's words, and how one became the other."""

    question = SlugOrIdRelatedField(queryset=Question.objects.all())
    question_slug = serializers.CharField(source="question.slug", read_only=True)
    author = SlugOrIdRelatedField(
        queryset=Author.objects.all(),
        required=False,
        help_text="Editors name any author; a forecaster may omit it (it is always themselves).",
    )
    author_slug = serializers.CharField(source="author.slug", read_only=True)
    source = SlugOrIdRelatedField(queryset=Source.objects.all(), required=False, allow_null=True)
    source_slug = serializers.CharField(source="source.slug", read_only=True, allow_null=True)
    stated_at = AwareDateTimeField(help_text="When the author made the claim.")
    probability = ProbabilityField(
        required=False,
        allow_null=True,
        help_text="P(yes) for a binary question; null for multiple choice.",
    )
    option_probabilities = OptionProbabilitySerializer(
        many=True,
        required=False,
        help_text="One per option of a multiple-choice question, summing to 1.",
    )
    value = quantities.QuantityValueField(
        required=False,
        allow_null=True,
        help_text="Numeric and date questions: the point the author gave, read as the median.",
    )
    interval = quantities.IntervalSerializer(
        source="*",
        required=False,
        allow_null=True,
        help_text="Numeric and date questions: a central interval with its coverage.",
    )
    quantiles = quantities.QuantileSerializer(
        many=True,
        required=False,
        allow_null=True,
        help_text="Numeric and date questions: at most 99 (level, value) pairs, values not "
        "decreasing as the levels rise, e.g. levels 0.05, 0.25, 0.5, 0.75, 0.95.",
    )
    interval_low = ProbabilityField(required=False, allow_null=True)
    interval_high = ProbabilityField(required=False, allow_null=True)
    scale_point = ProbabilityField(required=False, allow_null=True)
    scale = serializers.ChoiceField(choices=Scale.choices, default=Scale.NUMERIC)
    quote = serializers.CharField(
        max_length=rules.TEXT_MAX, required=False, allow_blank=True, default=""
    )
    phrase = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    conversion_note = serializers.CharField(
        max_length=rules.TEXT_MAX, required=False, allow_blank=True, default=""
    )
    stated_probability = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The number the author's words give to the outcome they assert "
        "(“will almost certainly miss” is 0.97 on missing); null when none was read.",
    )
    stated_outcome = serializers.CharField(
        read_only=True, help_text="That outcome in words; empty when none was read."
    )
    question_agrees = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="True when the question's yes is what the author asserts, false when it is "
        "the opposite (probability is then 1 − stated_probability); null with no reading.",
    )

    class Meta:
        model = Forecast
        fields = [
            "id",
            "question",
            "question_slug",
            "author",
            "author_slug",
            "source",
            "source_slug",
            "stated_at",
            "recorded_at",
            "probability",
            "option_probabilities",
            "value",
            "interval",
            "quantiles",
            "quote",
            "phrase",
            "scale",
            "interval_low",
            "interval_high",
            "scale_point",
            "conversion_note",
            "stated_probability",
            "stated_outcome",
            "question_agrees",
            "is_synthetic",
        ]
        read_only_fields = ["id", "recorded_at", "is_synthetic"]
        # The ledger refuses a repeated (question, author, stated_at) with its own
        # words; DRF's generated check would also make ``author`` required.
        validators: list = []

    def validate_quantiles(self, value):
        if value is not None and len(value) > MAX_QUANTILES:
            raise serializers.ValidationError(f"Give at most {MAX_QUANTILES} quantiles.")
        return value

    def validate_option_probabilities(self, value):
        ids = [item["option_id"] for item in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Each option may appear only once.")
        return value

    def validate(self, attrs):
        # The service takes an interval whole or not at all: half of one stops here.
        rules.check_interval_ends(attrs.get("interval_low"), attrs.get("interval_high"))
        return attrs


def now_context() -> dict:
    """One clock reading per response, so every row's status agrees."""
    return {"now": timezone.now()}

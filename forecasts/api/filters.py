"""Query-string filters for every list. Related objects are named by id or slug."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters import utils
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters as drf_filters
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as APIValidationError

from forecasts.api.fields import lookup_for
from forecasts.models import (
    Author,
    Forecast,
    QuantityScore,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
    Source,
    Tag,
)
from forecasts.models.ledger import Scale
from forecasts.models.quantity_scores import StatedForm

# The error code of a well-formed id or slug that names nothing: answered 404
# (``ReferenceFilterBackend``), where a malformed value is a 400.
UNKNOWN_REFERENCE = "unknown_reference"


class SlugOrIdChoiceField(forms.ModelChoiceField):
    """A form field that finds one object by id (digits) or by slug."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        lookup = lookup_for(value)
        model = self.queryset.model._meta.verbose_name
        if lookup is None:
            raise ValidationError(
                f"Give the {model}'s id or slug (digits, or letters, digits, - and _).",
                code="invalid_choice",
            )
        try:
            return self.queryset.get(**lookup)
        except self.queryset.model.DoesNotExist:
            raise ValidationError(
                f"No {model} has the id or slug “{value}”.", code=UNKNOWN_REFERENCE
            ) from None


# What SlugOrIdChoiceField accepts: an id (digits, up to 18 of them here) or a
# slug (letters, digits, - and _, at least one non-digit), as the schema states it.
ID_OR_SLUG_SCHEMA = {
    "type": "string",
    "pattern": r"^(?:0*[1-9][0-9]{0,17}|[-a-zA-Z0-9_]*[-a-zA-Z_][-a-zA-Z0-9_]*)$",
    "maxLength": 200,
}


@extend_schema_field(ID_OR_SLUG_SCHEMA)
class SlugOrIdFilter(filters.ModelChoiceFilter):
    """``?author=ada-pundit`` or ``?author=12``; an unknown one is a 404, not an empty list."""

    field_class = SlugOrIdChoiceField


class UTCDateTimeField(IsoDateTimeField):
    """ISO 8601, moved to UTC: the database refuses offsets beyond ±16 hours."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(
                "This date is outside the range Reckon can store.", code="invalid"
            ) from None


class StrictBooleanField(forms.NullBooleanField):
    """``true`` or ``false``; anything else is an error, not "no filter".

    Used with a plain text widget (StrictBooleanFilter), which hands over the raw
    value: django-filter's BooleanWidget turns ``null`` or ``yes`` into "no
    filter" before the field sees it.
    """

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError("Give true or false.", code="invalid")

    def validate(self, value):
        pass


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.BooleanFilter):
    """A yes/no filter that refuses ``?overall=null`` or ``?overall=1`` instead of ignoring it."""

    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class AwareDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 bound; a time without an offset is read as UTC."""

    field_class = UTCDateTimeField


class StrictSearchFilter(drf_filters.SearchFilter):
    """The stock search, refusing text the database cannot compare (NUL characters)."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}
        return parameters

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if "\x00" in value or len(value) > 200:
            raise APIValidationError(
                {"search": ["Search text must be under 200 plain characters."]}
            )
        return super().get_search_terms(request)


class StableOrderingFilter(drf_filters.OrderingFilter):
    """The stock ordering, with the id last when the fields asked for leave ties
    (``?ordering=probability``): rows of equal values then come in one order, on
    every page and whatever plan the database picks."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and {"id", "-id", "pk", "-pk"}.isdisjoint(ordering):
            return [*ordering, "id"]
        return ordering


def _related(model, field_name: str, help_text: str) -> SlugOrIdFilter:
    return SlugOrIdFilter(field_name=field_name, queryset=model.objects.all(), label=help_text)


class AuthorFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Author.Kind.choices)
    is_synthetic = StrictBooleanFilter(
        label="Only generated demo authors (true) or real ones (false)."
    )

    class Meta:
        model = Author
        fields = ["kind", "is_synthetic"]


class SourceFilter(filters.FilterSet):
    author = _related(Author, "author", "The byline's author, by id or slug.")
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    publisher = filters.CharFilter(lookup_expr="iexact", max_length=200)
    published_after = filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published_on", lookup_expr="lte")
    url = filters.CharFilter(
        max_length=1000, help_text="The source's URL, exactly as stored: finds one source by it."
    )
    is_complete = StrictBooleanFilter(
        help_text="true: only sources whose every forward-looking claim is in the ledger or "
        "was dismissed with a reason."
    )
    is_synthetic = StrictBooleanFilter(
        field_name="is_synthetic", label="Only synthetic demo records (true) or real ones (false)."
    )

    class Meta:
        model = Source
        fields = ["author", "kind", "publisher"]


class TagFilter(filters.FilterSet):
    class Meta:
        model = Tag
        fields: list[str] = []


STATUS_CHOICES = [
    ("draft", "Draft (editors only)"),
    ("upcoming", "Live, not open yet"),
    ("open", "Taking forecasts"),
    ("closed", "Closed, not due yet"),
    ("due", "Past resolve-by, awaiting a resolution"),
    ("resolved", "Resolved"),
    ("annulled", "Annulled"),
]


class QuestionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    state = filters.ChoiceFilter(choices=Question.State.choices)
    kind = filters.ChoiceFilter(choices=Question.Kind.choices)
    tag = _related(Tag, "tags", "Questions with this tag, by id or slug.")
    author = SlugOrIdFilter(
        queryset=Author.objects.all(),
        method="filter_author",
        label="Questions this author forecast, by id or slug.",
    )
    condition_question = _related(Question, "condition_question", "Conditional on this question.")
    opens_after = AwareDateTimeFilter(field_name="opens_at", lookup_expr="gte")
    closes_before = AwareDateTimeFilter(field_name="closes_at", lookup_expr="lte")
    resolve_by_before = AwareDateTimeFilter(field_name="resolve_by", lookup_expr="lte")
    resolve_by_after = AwareDateTimeFilter(field_name="resolve_by", lookup_expr="gte")
    is_synthetic = StrictBooleanFilter(
        field_name="is_synthetic", label="Only synthetic demo records (true) or real ones (false)."
    )

    class Meta:
        model = Question
        fields = ["status", "state", "kind", "tag", "author", "condition_question"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == "draft":
            return queryset.drafts()
        if value == "upcoming":
            return queryset.unresolved().filter(opens_at__gt=now)
        if value in ("resolved", "annulled"):
            return getattr(queryset, value)()
        return getattr(queryset, value)(now)

    def filter_author(self, queryset, name, value):
        return queryset.filter(pk__in=Forecast.objects.filter(author=value).values("question_id"))


class ForecastFilter(filters.FilterSet):
    question = _related(Question, "question", "The question, by id or slug.")
    author = _related(Author, "author", "The author, by id or slug.")
    source = _related(Source, "source", "The source, by id or slug.")
    tag = _related(Tag, "question__tags", "Forecasts on questions with this tag, by id or slug.")
    scale = filters.ChoiceFilter(choices=Scale.choices)
    stated_after = AwareDateTimeFilter(field_name="stated_at", lookup_expr="gte")
    stated_before = AwareDateTimeFilter(field_name="stated_at", lookup_expr="lte")
    recorded_after = AwareDateTimeFilter(field_name="recorded_at", lookup_expr="gte")
    recorded_before = AwareDateTimeFilter(field_name="recorded_at", lookup_expr="lte")
    is_synthetic = StrictBooleanFilter(
        method="filter_synthetic",
        label="Only forecasts of the synthetic demo world (true) or real ones (false).",
    )

    class Meta:
        model = Forecast
        fields = ["question", "author", "source", "tag", "scale"]

    def filter_synthetic(self, queryset, name, value):
        # The author's or the question's flag, as triggers keep it on the forecast's row.
        return queryset.filter(listed_synthetic=value)


class ResolutionFilter(filters.FilterSet):
    question = _related(Question, "question", "The question, by id or slug.")
    outcome = filters.ChoiceFilter(choices=Resolution.Outcome.choices)
    is_current = StrictBooleanFilter(
        label="Only the current resolutions (true) or history (false)."
    )
    is_automatic = StrictBooleanFilter(label="Recorded by Reckon itself (a failed condition).")
    known_after = AwareDateTimeFilter(field_name="outcome_known_at", lookup_expr="gte")
    known_before = AwareDateTimeFilter(field_name="outcome_known_at", lookup_expr="lte")

    class Meta:
        model = Resolution
        fields = ["question", "outcome", "is_current", "is_automatic"]


class QuestionScoreFilter(filters.FilterSet):
    author = _related(Author, "author", "The author, by id or slug.")
    question = _related(Question, "question", "The question, by id or slug.")
    tag = _related(Tag, "question__tags", "Scores on questions with this tag, by id or slug.")
    counted = StrictBooleanFilter(method="filter_counted", label="Only scores that count (true).")
    excluded_reason = filters.ChoiceFilter(
        choices=[c for c in QuestionScore.Exclusion.choices if c[0]],
        label="Why a score does not count.",
    )

    class Meta:
        model = QuestionScore
        fields = ["author", "question", "tag", "excluded_reason"]

    def filter_counted(self, queryset, name, value):
        counted = queryset.filter(excluded_reason="", brier__isnull=False)
        return counted if value else queryset.exclude(pk__in=counted.values("pk"))


class QuantityScoreFilter(QuestionScoreFilter):
    """The same filters for numeric and date scores, and what the final forecast gave."""

    form = filters.ChoiceFilter(
        choices=StatedForm.choices,
        label="What the final forecast gave: point, interval or quantiles.",
    )

    class Meta:
        model = QuantityScore
        fields = ["author", "question", "tag", "form", "excluded_reason"]

    def filter_counted(self, queryset, name, value):
        counted = queryset.counted()
        return counted if value else queryset.exclude(pk__in=counted.values("pk"))


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 10**9})
class CountFilter(filters.NumberFilter):
    """A lower bound on a count, 0 to 10^9 (the schema states the bounds the field enforces)."""


class ScorecardFilter(filters.FilterSet):
    author = _related(Author, "author", "The author, by id or slug.")
    tag = _related(Tag, "tag", "Per-tag scorecards for this tag, by id or slug.")
    overall = StrictBooleanFilter(
        field_name="tag",
        lookup_expr="isnull",
        label="Only overall scorecards (true) or per-tag ones (false).",
    )
    min_n = CountFilter(
        field_name="n_scored",
        lookup_expr="gte",
        min_value=0,
        max_value=10**9,
        label="At least this many scored questions.",
    )

    class Meta:
        model = Scorecard
        fields = ["author", "tag", "overall", "min_n"]


class DueFilter(filters.FilterSet):
    tag = _related(Tag, "tags", "Due questions with this tag, by id or slug.")

    class Meta:
        model = Question
        fields = ["tag"]


class ReferenceFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with one difference: a filter naming an object that does
    not exist (``?tag=no-such-tag``) is a 404 saying so, not a 400.

    The request is well formed; what it points at is missing, as with a detail
    route. Any other invalid filter is still a 400.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return queryset  # no filter asked for: no form to build (the busiest reads)
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid():
            errors = filterset.form.errors.as_data()
            codes = {error.code for field in errors.values() for error in field}
            if codes == {UNKNOWN_REFERENCE}:
                fields = {name: [e.messages[0] for e in errs] for name, errs in errors.items()}
                raise not_found(fields)
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def not_found(fields: dict[str, list[str]]) -> NotFound:
    """A 404 for query parameters naming nothing: the messages under each parameter's
    name, and the first as ``detail``, as every 404 of the API carries one."""
    first = next(iter(fields.values()))[0]
    return NotFound({"detail": first, **fields})

"""The ledger through the API: authors, sources, tags, questions, forecasts, resolutions.

Reads are open to everyone; writes check roles (see permissions.py) and go
through the services of forecasts.ledger. Every list is filtered, ordered and paginated,
and runs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Window
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from forecasts import ledger
from forecasts.api import compiled, filters, permissions, rows, scores, written
from forecasts.api import serializers as s
from forecasts.api.caching import public_cache
from forecasts.api.compiled import TOTAL
from forecasts.api.conditional import ConditionalMixin
from forecasts.api.fields import lookup_for
from forecasts.api.writes import (
    AnnulSerializer,
    CorrectionSerializer,
    ResolveSerializer,
    create_forecast,
    create_question,
)
from forecasts.ledger.roles import is_editor
from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    Question,
    Resolution,
    Source,
    Tag,
    forecast_count,
)

ID_OR_SLUG = OpenApiParameter(
    "id_or_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The object's id (digits) or its slug.",
)


class IdOrSlugLookup:
    """Detail routes answer to ``/authors/12/`` and ``/authors/ada-pundit/`` alike."""

    lookup_field = "slug"
    lookup_url_kwarg = "id_or_slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_object(self):
        lookup = lookup_for(self.kwargs[self.lookup_url_kwarg])
        if lookup is None:
            raise NotFound("No object has that id or slug.")
        obj = get_object_or_404(self.filter_queryset(self.get_queryset()), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


# An author by id or by slug, each query compiled once (``compiled.Kept``).
AUTHOR_BY = {
    "pk": compiled.Kept(lambda pk: Author.objects.filter(pk=pk), model=Author),
    "slug": compiled.Kept(lambda slug: Author.objects.filter(slug=slug), model=Author),
}


@extend_schema_view(
    list=extend_schema(
        summary="List authors", description="People and organisations whose forecasts are tracked."
    ),
    retrieve=extend_schema(summary="One author", parameters=[ID_OR_SLUG]),
    create=extend_schema(summary="Add an author (editors)"),
    scorecard=extend_schema(
        summary="An author's scorecard",
        description="The overall record and one per tag. Stored scorecards by default; with "
        "`since`/`until`, recomputed from the per-question scores of questions whose outcome "
        "became known in that window; with `recorded_before_outcome=true`, recomputed from "
        "the claims recorded before their outcome was known. `n_retrospective` on each record "
        "counts the scored questions entered afterwards (proved by a dated source), and "
        "`n_from_complete_sources` those citing a source marked complete.",
        parameters=[ID_OR_SLUG, *scores.PERIOD_PARAMETERS],
        responses={200: scores.AuthorScorecardSerializer},
    ),
    calibration=extend_schema(
        summary="An author's calibration table",
        description="10 equal-width bins of forecast probability with how often those things "
        "happened and a Wilson 95% interval. Overall, or for one tag. With `folded=true`, the "
        "table authors publish instead: one row per stated level (a forecast below 50% folded "
        "into its opposite, a 50% one counted as stated) with how many were right, a Wilson "
        "95% interval and the share on the right side of 50%, for a source, a tag and the "
        "questions whose outcome became known in [since, until).",
        parameters=[
            ID_OR_SLUG,
            scores.TAG_PARAMETER,
            *scores.FOLDED_PARAMETERS,
            *scores.PERIOD_PARAMETERS,
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="AuthorCalibration",
                serializers=[scores.CalibrationSerializer, scores.FoldedCalibrationSerializer],
                resource_type_field_name=None,
            )
        },
    ),
)
class AuthorViewSet(
    ConditionalMixin, IdOrSlugLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = s.AuthorSerializer
    permission_classes = [permissions.EditorsWrite]
    filterset_class = filters.AuthorFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "n_forecasts", "id"]
    ordering = ["is_synthetic", "name", "id"]  # synthetic demo authors never first

    def get_queryset(self):
        queryset = Author.objects.all()
        if self.action in ("list", "retrieve"):
            queryset = queryset.annotate(n_forecasts=forecast_count("author"))
        return queryset

    def perform_create(self, serializer):
        serializer.save().n_forecasts = 0  # a new author has none yet

    def _author(self) -> Author:
        lookup = lookup_for(self.kwargs[self.lookup_url_kwarg])
        if lookup is None:
            raise NotFound("No author has that id or slug.")
        ((by, value),) = lookup.items()
        found = AUTHOR_BY[by].instances(value)
        return found[0] if found else get_object_or_404(Author, **lookup)  # the 404 as before

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    @public_cache
    def scorecard(self, request, id_or_slug=None):
        return Response(scores.author_scorecard(self._author(), request))

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    @public_cache
    def calibration(self, request, id_or_slug=None):
        author = self._author()
        params = scores.calibration_params(request)
        if params["folded"]:
            body = scores.author_folded_calibration(author, params)
            return Response(scores.FoldedCalibrationSerializer(body).data)
        return Response(
            scores.CalibrationSerializer(scores.author_calibration(author, params)).data
        )


@extend_schema_view(
    list=extend_schema(
        summary="List sources", description="Where claims were made. Full text on the detail route."
    ),
    retrieve=extend_schema(summary="One source, with its full text", parameters=[ID_OR_SLUG]),
    create=extend_schema(summary="Add a source (editors)"),
    scorecard=extend_schema(
        summary="A source's scorecards",
        description="For each author whose final forecast on a scored question cites this "
        "source (the byline first): the mean time-averaged Brier over those questions with N "
        "and its 95% interval, the 10-bin calibration table and the folded table.",
        parameters=[ID_OR_SLUG],
        responses={200: scores.SourceScorecardSerializer},
    ),
)
class SourceViewSet(
    ConditionalMixin, IdOrSlugLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    permission_classes = [permissions.EditorsWrite]
    filterset_class = filters.SourceFilter
    search_fields = ["title", "publisher"]
    ordering_fields = ["published_on", "title", "created_at", "id"]
    ordering = ["is_synthetic", "-published_on", "title", "id"]

    def get_queryset(self):
        queryset = Source.objects.select_related("author")
        return queryset if self.action == "retrieve" else queryset.defer("full_text")

    def get_serializer_class(self):
        return s.SourceDetailSerializer if self.action == "retrieve" else s.SourceSerializer

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    @public_cache
    def scorecard(self, request, id_or_slug=None):
        lookup = lookup_for(self.kwargs[self.lookup_url_kwarg])
        if lookup is None:
            raise NotFound("No source has that id or slug.")
        source = get_object_or_404(Source.objects.select_related("author"), **lookup)
        return Response(scores.source_scorecard(source))


@extend_schema_view(
    list=extend_schema(summary="List tags"),
    retrieve=extend_schema(summary="One tag", parameters=[ID_OR_SLUG]),
    create=extend_schema(summary="Add a tag (editors)"),
)
class TagViewSet(
    ConditionalMixin, IdOrSlugLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    queryset = Tag.objects.all()
    serializer_class = s.TagSerializer
    permission_classes = [permissions.EditorsWrite]
    filterset_class = filters.TagFilter
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]


def visible_questions(user):
    """Questions a user may see (drafts for editors only), with their forecast counts."""
    queryset = Question.objects.all() if is_editor(user) else Question.objects.published()
    return queryset.annotate(n_forecasts=forecast_count("question"))


def questions_for(user, *, with_history: bool = False):
    """Questions a user may see, with everything a question row shows fetched up front."""
    queryset = Question.objects.all() if is_editor(user) else Question.objects.published()
    queryset = queryset.select_related("condition_question").prefetch_related(
        "tags",
        "options",
        Prefetch(
            "resolutions",
            queryset=Resolution.objects.filter(is_current=True).select_related("option"),
            to_attr="current_resolutions",
        ),
    )
    if with_history:
        queryset = queryset.prefetch_related(
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("option").order_by(
                    "-resolved_at", "-pk"
                ),
                to_attr="resolution_history",
            )
        )
    return queryset.annotate(n_forecasts=forecast_count("question"))


class CountedApart:
    """A page's rows read through ``values()`` (joins for the related columns), counted
    with them: ``COUNT(*) OVER ()`` on the page's own query gives the paginator its
    count and the page together, one query. An empty page (past the end, or an empty
    list), a page asked by name (``last``) or a ``DISTINCT`` query (whose window would
    count rows before their duplicates go) are counted apart, on the filtered queryset
    alone: that COUNT then joins only what the filters need."""

    ordered = True

    def __init__(self, rows, counted, window: tuple[int, int] | None = None) -> None:
        self.rows, self.counted = rows, counted
        self.window = None if rows.query.distinct else window
        self.page: list | None = None

    def count(self) -> int:
        if self.window is not None:
            start, stop = self.window
            found = list(self.rows.annotate(**{TOTAL: Window(Count("*"))})[start:stop])
            if found:
                self.page = found
                return found[0][TOTAL]
        return self.counted.count()

    def __getitem__(self, index):
        if self.page is not None and self.window is not None and isinstance(index, slice):
            if index.start == self.window[0]:
                return self.page[: index.stop - index.start]  # the paginator's page, read already
        return self.rows[index]


def rows_response(
    view,
    values,
    bodies,
    visible,
    *,
    windowed: bool = True,
    kept: bool = False,
    related=None,
    select=None,
) -> Response:
    """A list answered from plain rows (``forecasts.api.rows``): filtered, ordered, paginated
    as the serializer's list, the same body. ``windowed``: counted with the page's own
    query; else apart (where the window would hold every wide row the filters match).
    ``kept``: its SQL compiled once per shape of request (``forecasts.api.compiled``);
    only for a list whose SQL holds no time but what its query parameters name; its
    ``related`` columns read once a page, and its rows written by the database when
    ``select`` writes them (``compiled.compile_list``): ``bodies`` then takes those too."""

    def querysets():
        queryset = view.filter_queryset(visible(view.request.user))
        return values(queryset), queryset

    source = compiled.compiled_rows(view, querysets, related, select) if kept else None
    if source is not None:  # only ever for a paginated list
        found = bodies(list(view.paginate_queryset(source)), now=timezone.now())
        return view.get_paginated_response(found)
    rows, queryset = querysets()
    window = compiled.page_window(view) if windowed and view.paginator else None
    page = view.paginate_queryset(CountedApart(rows, queryset, window))
    found = bodies(list(rows if page is None else page), now=timezone.now())
    return view.get_paginated_response(found) if page is not None else Response(found)


# The lists whose SQL is kept (``compiled``): a page of ids picked by one query and read by
# another needs one order of the rows, ties included.
STABLE_FILTERS = [
    filters.ReferenceFilterBackend,
    filters.StableOrderingFilter,
    filters.StrictSearchFilter,
]


RESOLUTION_RESPONSES = {201: s.ResolutionSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="List questions",
        description="Each with its options, tags, condition and current resolution. "
        "Drafts are listed for editors only.",
    ),
    retrieve=extend_schema(
        summary="One question, with its resolution history", parameters=[ID_OR_SLUG]
    ),
    create=extend_schema(
        summary="Add a question (editors)",
        request=s.QuestionCreateSerializer,
        responses={201: s.QuestionDetailSerializer},
    ),
    resolve=extend_schema(
        summary="Resolve a question (resolvers)",
        description="Binary questions resolve `yes` or `no`, multiple-choice ones `option`, "
        "numeric and date ones `value` with the `value` reported (an ISO date on a date "
        "question): beyond a closed end of the range it resolves to that end, keeps "
        "`reported_value` and says so in the evidence note (`clamped`).",
        parameters=[ID_OR_SLUG],
        request=ResolveSerializer,
        responses=RESOLUTION_RESPONSES,
    ),
    correct=extend_schema(
        summary="Correct a question's resolution (resolvers)",
        description="The old resolution stays in the history; scores are recomputed.",
        parameters=[ID_OR_SLUG],
        request=CorrectionSerializer,
        responses=RESOLUTION_RESPONSES,
    ),
    annul=extend_schema(
        summary="Annul a question (resolvers)",
        description="Its forecasts stop counting; scores are recomputed.",
        parameters=[ID_OR_SLUG],
        request=AnnulSerializer,
        responses=RESOLUTION_RESPONSES,
    ),
)
class QuestionViewSet(
    ConditionalMixin, IdOrSlugLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    permission_classes = [permissions.EditorsWrite]
    filter_backends = STABLE_FILTERS
    filterset_class = filters.QuestionFilter
    search_fields = ["title", "resolution_criteria"]
    ordering_fields = [
        "opens_at",
        "closes_at",
        "resolve_by",
        "created_at",
        "title",
        "n_forecasts",
        "id",
    ]
    ordering = ["is_synthetic", "-opens_at", "id"]

    def get_queryset(self):
        return questions_for(self.request.user, with_history=self.action == "retrieve")

    @public_cache
    def list(self, request, *args, **kwargs):
        return rows_response(
            self,
            rows.question_values,
            written.question_bodies,
            visible_questions,
            kept=True,
            related=written.question_related,
            select=written.question_columns,
        )

    @public_cache
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_serializer_class(self):
        return s.QuestionDetailSerializer if self.action == "retrieve" else s.QuestionSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **s.now_context()}

    def create(self, request, *args, **kwargs):
        question = create_question(request)
        fresh = questions_for(request.user, with_history=True).get(pk=question.pk)
        body = s.QuestionDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _resolution_action(self, serializer_class, service, request):
        question = self.get_object()
        serializer = serializer_class(data=request.data, context={"question": question})
        serializer.is_valid(raise_exception=True)
        resolution = service(question=question, by=request.user, **serializer.service_arguments())
        resolution = Resolution.objects.select_related("question", "option").get(pk=resolution.pk)
        return Response(s.ResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[permissions.ResolversOnly])
    def resolve(self, request, id_or_slug=None):
        return self._resolution_action(ResolveSerializer, ledger.question_resolve, request)

    @action(detail=True, methods=["post"], permission_classes=[permissions.ResolversOnly])
    def correct(self, request, id_or_slug=None):
        return self._resolution_action(CorrectionSerializer, ledger.resolution_correct, request)

    @action(detail=True, methods=["post"], permission_classes=[permissions.ResolversOnly])
    def annul(self, request, id_or_slug=None):
        return self._resolution_action(AnnulSerializer, ledger.question_annul, request)


@extend_schema_view(
    list=extend_schema(
        summary="The resolution queue",
        description="Live questions past their resolve-by date with no resolution, oldest first.",
    )
)
class DueQuestionViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.QuestionSerializer
    filterset_class = filters.DueFilter
    ordering_fields = ["resolve_by", "closes_at", "n_forecasts", "id"]
    ordering = ["resolve_by", "id"]
    search_fields = ["title"]

    def get_queryset(self):
        return questions_for(self.request.user).due()

    def list(self, request, *args, **kwargs):
        return rows_response(
            self, rows.question_values, rows.question_bodies, lambda u: visible_questions(u).due()
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **s.now_context()}


def visible_forecasts(user, queryset=None):
    """Forecasts a user may see: none on drafts unless an editor."""
    queryset = Forecast.objects.all() if queryset is None else queryset
    if is_editor(user):
        return queryset
    # Not joined to the questions: the few drafts' ids are hashed once, and a list's
    # count reads the forecasts' question index alone.
    drafts = Question.objects.filter(state=Question.State.DRAFT).values("pk")
    return queryset.exclude(question_id__in=drafts)


def forecasts_for(user):
    """Forecasts a user may see, with their relations."""
    queryset = Forecast.objects.select_related("question", "author", "source").prefetch_related(
        Prefetch(
            "option_probabilities", queryset=ForecastProbability.objects.select_related("option")
        )
    )
    return visible_forecasts(user, queryset)


@extend_schema_view(
    list=extend_schema(summary="List forecasts"),
    retrieve=extend_schema(summary="One forecast"),
    create=extend_schema(
        summary="Record a forecast (editors, or a forecaster as themselves)",
        description="Forecasts are immutable: there is no update or delete. A change of mind is a "
        "new forecast. Binary questions take `probability`; multiple-choice questions take "
        "`option_probabilities`, one per option, summing to 1. Numeric and date questions take "
        "values instead (ISO dates on a date question): a point (`value`), an `interval` with "
        "its coverage (left out, the scale's point value for the hedge in `phrase`), and/or "
        "`quantiles`, ordered; each inside any closed end of the question's range and above "
        "zero on a log scale.",
    ),
)
class ForecastViewSet(ConditionalMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = s.ForecastSerializer
    permission_classes = [permissions.EditorsOrForecastersWrite]
    filter_backends = STABLE_FILTERS
    filterset_class = filters.ForecastFilter
    search_fields = ["quote", "phrase"]
    ordering_fields = ["stated_at", "recorded_at", "probability", "id"]
    # Real records first (``listed_synthetic``: the author's or the question's flag, kept
    # on the row by triggers), newest first: read in order from the index forecast_listed.
    ordering = ["listed_synthetic", "-stated_at", "-id"]

    def get_queryset(self):
        # A numeric or date forecast's quantiles: one query per page.
        return forecasts_for(self.request.user).prefetch_related("quantiles")

    @public_cache
    def list(self, request, *args, **kwargs):
        # Counted apart on the querysets' path: a window would read every wide row the
        # filters match, where a narrow COUNT(*) reads an index.
        return rows_response(
            self,
            rows.forecast_values,
            rows.forecast_bodies,
            visible_forecasts,
            windowed=False,
            kept=True,
        )

    def create(self, request, *args, **kwargs):
        forecast = create_forecast(request)
        fresh = forecasts_for(request.user).get(pk=forecast.pk)
        return Response(s.ForecastSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List resolutions", description="Current ones and the history they replaced."
    ),
    retrieve=extend_schema(summary="One resolution"),
)
class ResolutionViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = s.ResolutionSerializer
    filterset_class = filters.ResolutionFilter
    search_fields = ["evidence_note", "reason"]
    ordering_fields = ["resolved_at", "outcome_known_at", "id"]
    ordering = ["-resolved_at", "-id"]

    def get_queryset(self):
        return Resolution.objects.select_related("question", "option")


@extend_schema(
    summary="Is the service up?",
    responses={200: inline_serializer("Health", {"status": serializers.CharField()})},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def health(request):
    """A liveness probe for load balancers and the benchmark's baseline."""
    return Response({"status": "ok"})

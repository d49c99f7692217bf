"""Scores through the API: per-question scores, scorecards, the leaderboard, calibration.

Lower is better for every Brier and log score. ``brier`` is the mean
time-averaged Brier (0–1), ``brier_0_2`` the same on Brier's original 0–2
scale, ``brier_low``/``brier_high`` its 95% interval (``interval_method``: the bounded
score interval of ``forecasts.scoring.bounded``; null with one question), ``skill`` is
1 − mean Brier / mean uniform reference (1/K on each question's K options),
``relative_brier`` is the author's score minus the crowd's, over days with at
least ``MIN_CROWD`` other authors (``crowd_size`` of them on average). While a
resolution change waits for its rescore, ``updating`` says so.
``baseline`` and ``peer`` are Metaculus's scores, where higher is better.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import IntegerField, Manager, Subquery
from django.db.models.expressions import RawSQL
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView

from forecasts.api import compiled, filters, rows
from forecasts.api.caching import public_cache
from forecasts.api.conditional import ConditionalMixin
from forecasts.api.fields import AwareDateTimeField
from forecasts.api.plain import Writer
from forecasts.api.quantity_scores import (
    NumericRecordSerializer,
    author_records,
    numeric_record,
)
from forecasts.api.readings import (
    RankUnderScaleSerializer,
    WordsRecordSerializer,
    ranks_body,
    words_body,
)
from forecasts.drafting import readings
from forecasts.models import Author, QuantityRecord, QuestionScore, Scorecard, Source, Tag
from forecasts.standings import folded, scorecards, updating
from forecasts.standings.leaderboard import ORDERS, Standing, leaderboard
from forecasts.standings.updating import author_updating

MURPHY_SCHEMA = {
    "type": "object",
    "description": "Murphy decomposition BS = REL − RES + UNC (+ WBV − WBC when binned): "
    "`brier`, `reliability`, `resolution`, `uncertainty`, `base_rate`, and for binned "
    "forecasts `within_bin_variance` and `within_bin_covariance`. Empty when nothing is scored.",
    "additionalProperties": {"type": "number", "nullable": True},
}


class CardFieldsSerializer(serializers.Serializer):
    """The figures every record shows, with the scoring conventions' names."""

    author = serializers.IntegerField(source="author.pk", help_text="The author's id.")
    author_slug = serializers.CharField(source="author.slug")
    author_name = serializers.CharField(source="author.name")
    n_scored = serializers.IntegerField(help_text="Resolved questions scored (N).")
    brier = serializers.FloatField(
        allow_null=True, help_text="Mean time-averaged Brier, 0 (best) to 1."
    )
    brier_0_2 = serializers.FloatField(allow_null=True, help_text="The same on Brier's 0–2 scale.")
    brier_low = serializers.FloatField(
        allow_null=True,
        help_text="95% interval of the mean Brier: low end. Null with a single question "
        "(not enough to say).",
    )
    brier_high = serializers.FloatField(allow_null=True, help_text="95% interval: high end.")
    interval_method = serializers.SerializerMethodField(
        help_text="How the interval is computed: `bounded-score` (Wilson's form with "
        "Student's t, the scores' spread pooled with two pseudo-questions at the largest "
        "spread possible; inside [0, 1]). See /about/scoring/."
    )
    brier_final = serializers.FloatField(
        allow_null=True, help_text="Mean Brier of final forecasts."
    )
    skill = serializers.FloatField(
        allow_null=True,
        help_text="1 − mean Brier / mean uniform reference, each question's reference the "
        "Brier of giving 1/K to its K options (0.25 yes/no, 0.333 for 3, 0.375 for 4); above "
        "0 beats chance.",
    )
    log_loss = serializers.FloatField(allow_null=True, help_text="Mean log loss in nats (clipped).")
    relative_brier = serializers.FloatField(
        allow_null=True,
        help_text="Author minus crowd; negative is better. Only days on which at least "
        "MIN_CROWD (3) other authors had a forecast in force count; null when there were none.",
    )
    crowd_size = serializers.FloatField(
        allow_null=True,
        help_text="Other authors in the crowd, averaged over the days compared and then over "
        "the questions compared.",
    )
    n_crowd_compared = serializers.IntegerField(
        help_text="Scored questions compared with a crowd (of at least MIN_CROWD others)."
    )
    n_retrospective = serializers.IntegerField(
        help_text="Of the N scored questions, how many were entered after their outcome was "
        "known and count only because a dated public source proves when the claim was made."
    )
    n_baseline = serializers.IntegerField(help_text="Scored questions with a Baseline score.")
    baseline = serializers.FloatField(
        allow_null=True,
        help_text="Mean Metaculus Baseline score: the log score against chance ×100, "
        "time-averaged over each question's whole window; higher is better, 0 is chance.",
    )
    baseline_low = serializers.FloatField(
        allow_null=True, help_text="95% t interval of the mean Baseline score: low end."
    )
    baseline_high = serializers.FloatField(allow_null=True, help_text="95% interval: high end.")
    n_peer = serializers.IntegerField(
        help_text="Scored questions with a Peer score (another author had a forecast in force)."
    )
    peer = serializers.FloatField(
        allow_null=True,
        help_text="Mean Metaculus Peer score: the log score against the other authors' "
        "forecasts in force each day ×100, time-averaged; above 0 beats them.",
    )
    peer_low = serializers.FloatField(
        allow_null=True, help_text="95% t interval of the mean Peer score: low end."
    )
    peer_high = serializers.FloatField(allow_null=True, help_text="95% interval: high end.")

    def get_interval_method(self, card) -> str:
        return scorecards.INTERVAL_METHOD


class UpdatingSerializer(serializers.Serializer):
    n_questions = serializers.IntegerField(
        help_text="The author's questions whose resolution changed after they were scored."
    )
    resolution_changed_at = serializers.DateTimeField(
        help_text="When the latest of those resolutions changed."
    )


class ScorecardListSerializer(serializers.ListSerializer):
    """Many scorecards: their Murphy terms are derived from the totals in one pass."""

    def to_representation(self, data):
        cards = list(data.all() if isinstance(data, Manager) else data)
        terms = scorecards.murphy_terms(cards)
        self.murphy = {id(card): m for card, m in zip(cards, terms, strict=True)}
        return super().to_representation(cards)


class ScorecardSerializer(CardFieldsSerializer):
    id = serializers.IntegerField()
    tag = serializers.CharField(
        source="tag.slug", allow_null=True, help_text="Null for the overall card."
    )
    n_pending = serializers.IntegerField(help_text="Forecast questions not resolved yet.")
    n_resolved = serializers.IntegerField()
    n_annulled = serializers.IntegerField()
    n_hindsight = serializers.IntegerField(
        help_text="Forecasts recorded after the outcome was known."
    )
    n_better_than_coin = serializers.IntegerField()
    murphy = serializers.SerializerMethodField()
    computed_at = serializers.DateTimeField()

    class Meta:
        list_serializer_class = ScorecardListSerializer

    @extend_schema_field(MURPHY_SCHEMA)
    def get_murphy(self, card: Scorecard) -> dict:
        derived = getattr(self.parent, "murphy", {})  # a list works them out at once
        if id(card) in derived:
            return derived[id(card)]
        return scorecards.murphy_terms([card])[0]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {"id": data.pop("id"), **data}


class LeaderboardRowSerializer(CardFieldsSerializer):
    """A ranked author's line: the card's figures and the rank (``standings.leaderboard``)."""

    rank = serializers.IntegerField(
        help_text="1 is best; authors with an equal score (the one ordered by) share a rank."
    )
    under_scales = RankUnderScaleSerializer(
        many=True,
        allow_null=True,
        help_text="The Brier and rank with every worded forecast read under each shipped scale, "
        "and the places gained or lost. The overall, all-time board only; null otherwise.",
    )

    def to_representation(self, instance: Standing):
        moves = self.context.get("under_scales")
        return {
            **CardFieldsSerializer(instance.card).data,
            "rank": instance.rank,
            "under_scales": None if moves is None else ranks_body(moves.get(instance.author.pk)),
        }


class CalibrationBinSerializer(serializers.Serializer):
    lower = serializers.FloatField()
    upper = serializers.FloatField()
    count = serializers.IntegerField()
    n_event = serializers.IntegerField(allow_null=True, help_text="How many of them happened.")
    mean_forecast = serializers.FloatField(allow_null=True)
    observed_frequency = serializers.FloatField(allow_null=True)
    wilson_lower = serializers.FloatField(
        allow_null=True, help_text="Wilson 95% interval, low end."
    )
    wilson_upper = serializers.FloatField(allow_null=True)


class CalibrationSerializer(serializers.Serializer):
    author = serializers.IntegerField()
    author_slug = serializers.CharField()
    tag = serializers.CharField(allow_null=True)
    recorded_before_outcome = serializers.BooleanField()
    n_scored = serializers.IntegerField()
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="Null for a record rebuilt on request."
    )
    bins = CalibrationBinSerializer(
        many=True, help_text="10 equal-width bins; empty bins have count 0."
    )


class TaggedCardSerializer(CardFieldsSerializer):
    tag = serializers.CharField(source="tag.slug", help_text="The tag's slug.")


class AuthorScorecardSerializer(serializers.Serializer):
    author = serializers.IntegerField()
    author_slug = serializers.CharField()
    author_name = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    recorded_before_outcome = serializers.BooleanField(
        help_text="Whether only claims recorded before their outcome was known are counted."
    )
    n_from_complete_sources = serializers.IntegerField(
        help_text="Of the overall record's scored questions, how many cite a source marked "
        "complete (every forward-looking claim in it entered or dismissed with a reason)."
    )
    updating = UpdatingSerializer(
        allow_null=True,
        help_text="Set while a rescore is pending: a resolution changed after these scores "
        "were computed. Null when every score is up to date.",
    )
    overall = CardFieldsSerializer(allow_null=True, help_text="Null until something is scored.")
    by_tag = TaggedCardSerializer(many=True, help_text="One record per tag, by tag slug.")
    words = WordsRecordSerializer(
        allow_null=True,
        help_text="How much the overall record depends on how words were read: the headline "
        "under each shipped scale, and its best and worst within the phrases' intervals. "
        "The stored, all-time record only; null with a period or the recorded-in-time switch.",
    )
    numeric = NumericRecordSerializer(
        allow_null=True,
        help_text="The numeric and date record, kept apart from the Brier headline: mean "
        "time-averaged WIS on the questions' ranges with N and a 95% interval, overall and per "
        "tag. The stored, all-time record only; null with a period or the recorded-in-time "
        "switch.",
    )


class QuestionScoreSerializer(serializers.ModelSerializer):
    author_slug = serializers.CharField(source="author.slug", read_only=True)
    question_slug = serializers.CharField(source="question.slug", read_only=True)
    brier_0_2 = serializers.SerializerMethodField()
    counted = serializers.BooleanField(read_only=True)
    updating_since = serializers.DateTimeField(
        source="question.rescore_pending_since",
        read_only=True,
        allow_null=True,
        help_text="Set while this row waits for a rescore: when the question's resolution "
        "changed after it was computed. Null when up to date.",
    )

    class Meta:
        model = QuestionScore
        fields = [
            "id",
            "author",
            "author_slug",
            "question",
            "question_slug",
            "resolution",
            "brier",
            "brier_0_2",
            "brier_final",
            "log_loss",
            "crowd_brier",
            "relative_brier",
            "crowd_size",
            "final_probability",
            "baseline",
            "peer",
            "n_forecasts",
            "n_days",
            "counted",
            "excluded_reason",
            "computed_at",
            "updating_since",
        ]
        read_only_fields = fields

    def get_brier_0_2(self, score: QuestionScore) -> float | None:
        return None if score.brier is None else 2 * score.brier


@extend_schema_view(
    list=extend_schema(
        summary="Per-question scores", description="One row per author and resolved question."
    ),
    retrieve=extend_schema(summary="One per-question score"),
)
class QuestionScoreViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = QuestionScoreSerializer
    filterset_class = filters.QuestionScoreFilter
    ordering_fields = [
        "brier",
        "brier_final",
        "log_loss",
        "relative_brier",
        "baseline",
        "peer",
        "computed_at",
        "id",
    ]
    ordering = ["author_id", "question_id"]
    search_fields: list[str] = []

    def get_queryset(self):
        return QuestionScore.objects.select_related("author", "question__scores_digest")


@extend_schema_view(
    list=extend_schema(
        summary="Stored scorecards", description="Overall (tag null) and per-tag records."
    ),
    retrieve=extend_schema(summary="One scorecard"),
)
class ScorecardViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = ScorecardSerializer
    filterset_class = filters.ScorecardFilter
    ordering_fields = [
        "brier",
        "brier_final",
        "skill",
        "log_loss",
        "relative_brier",
        "baseline",
        "peer",
        "n_scored",
        "id",
    ]
    ordering = ["author__name", "author_id", "tag__slug"]
    search_fields = ["author__name"]

    def get_queryset(self):
        return Scorecard.objects.select_related("author", "tag")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(stored_card_bodies(list(page or [])))


class PeriodParams(serializers.Serializer):
    since = AwareDateTimeField(required=False, help_text="Outcome known at or after this time.")
    until = AwareDateTimeField(required=False, help_text="Outcome known before this time.")
    recorded_before_outcome = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: only claims recorded in the ledger before their outcome was known.",
    )

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and until <= since:
            raise ValidationError({"until": ["Must be after since."]})
        return attrs


class LeaderboardParams(PeriodParams):
    min_n = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10**6,
        help_text="Minimum scored questions to be ranked.",
    )
    order = serializers.ChoiceField(
        choices=list(ORDERS),
        required=False,
        default="brier",
        help_text="The score that ranks: brier (lowest first), baseline or peer (highest first).",
    )
    records = serializers.ChoiceField(
        choices=["real", "synthetic", "all"],
        required=False,
        default="real",
        help_text="Whose records are ranked: real authors (the default), the synthetic demo "
        "authors, or all of them together.",
    )


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "since",
        OpenApiTypes.DATETIME,
        description="Only questions whose outcome became known at or after this time.",
    ),
    OpenApiParameter(
        "until",
        OpenApiTypes.DATETIME,
        description="Only questions whose outcome became known before this time.",
    ),
    OpenApiParameter(
        "recorded_before_outcome",
        OpenApiTypes.BOOL,
        description="true: only claims recorded in the ledger before their outcome was known "
        "(leaves out the retrospective entries that a dated public source proves). The "
        "records are then recomputed from the per-question scores.",
    ),
]
TAG_PARAMETER = OpenApiParameter(
    "tag", filters.ID_OR_SLUG_SCHEMA, description="A tag's id or slug."
)


def reference_param(request, name: str, queryset):
    """The object a query parameter names by id or slug; None when not given.

    A malformed value is a 400 and a well-formed one naming nothing a 404, as
    for the list filters (``filters.ReferenceFilterBackend``), under its name.
    """
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return filters.SlugOrIdChoiceField(queryset=queryset).to_python(value)
    except DjangoValidationError as exc:
        problem = {name: list(exc.messages)}
        if exc.code == filters.UNKNOWN_REFERENCE:
            raise filters.not_found(problem) from exc
        raise ValidationError(problem) from exc


def tag_param(request) -> Tag | None:
    return reference_param(request, "tag", Tag.objects.all())


class LeaderboardView(ConditionalMixin, GenericAPIView):
    """Authors ranked by mean Brier (or ``order``), only those with at least ``min_n`` scored."""

    serializer_class = LeaderboardRowSerializer
    filter_backends: list = []

    @extend_schema(
        summary="The leaderboard",
        description="Authors ranked by mean Brier (lowest first), or with `order` by Metaculus's "
        "mean Baseline or Peer score (highest first; only authors with that score, at least "
        "`min_n` of them). Without a period it reads the stored scorecards; with "
        "`since`/`until` it recomputes records from per-question scores.",
        parameters=[
            TAG_PARAMETER,
            *PERIOD_PARAMETERS,
            OpenApiParameter(
                "min_n",
                {"type": "integer", "minimum": 1, "maximum": 10**6},
                description="Minimum scored questions to be ranked (default from settings).",
            ),
            OpenApiParameter(
                "order",
                {"type": "string", "enum": list(ORDERS), "default": "brier"},
                description="Which mean score ranks: `brier` (lowest first), `baseline` or "
                "`peer` (Metaculus's, highest first; N is then that score's count).",
            ),
            OpenApiParameter(
                "records",
                {"type": "string", "enum": ["real", "synthetic", "all"], "default": "real"},
                description="Whose records are ranked: `real` authors (the default), the "
                "`synthetic` demo authors, or `all` together.",
            ),
        ],
        responses={200: LeaderboardRowSerializer(many=True)},
    )
    @public_cache
    def get(self, request):
        params = LeaderboardParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        tag = tag_param(request)
        board = leaderboard(
            tag=tag,
            since=params.validated_data.get("since"),
            until=params.validated_data.get("until"),
            min_n=params.validated_data.get("min_n"),
            recorded_before_outcome=params.validated_data["recorded_before_outcome"],
            order=params.validated_data["order"],
            synthetic={"real": False, "synthetic": True, "all": None}[
                params.validated_data["records"]
            ],
        )
        stored = params.validated_data.keys().isdisjoint({"since", "until"})
        overall = stored and not params.validated_data["recorded_before_outcome"]
        moves = readings.board_under_scales(board.ranked) if overall and tag is None else None
        page = self.paginate_queryset(board.ranked)
        context = {**self.get_serializer_context(), "under_scales": moves}
        rows = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(rows.data)


def author_scorecard(author: Author, request) -> dict:
    """An author's overall record and one per tag, stored or for a period."""
    selection: dict[str, Any] = {"since": None, "until": None, "recorded_before_outcome": False}
    if request.query_params:  # else what PeriodParams gives for none, without validating
        params = PeriodParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        since, until = params.validated_data.get("since"), params.validated_data.get("until")
        selection = {
            "since": since,
            "until": until,
            "recorded_before_outcome": params.validated_data["recorded_before_outcome"],
        }
    if scorecards.is_stored_selection(**selection):
        return stored_author_scorecard(author, selection)
    body = {
        "author": author.pk,
        "author_slug": author.slug,
        "author_name": author.name,
        **selection,
        "n_from_complete_sources": scorecards.from_complete_sources(author, **selection),
        "updating": _updating(author_updating(author)),
    }
    overall, by_tag = scorecards.author_scorecards(author, **selection)
    return {
        **body,
        "overall": CardFieldsSerializer(overall).data if overall else None,
        "by_tag": TaggedCardSerializer(by_tag, many=True).data,
        "words": None,
        "numeric": None,
    }


def author_counts(author_id: int) -> dict:
    """An author's scalar reads, each a subquery of the author's id alone: the scores
    citing a complete source (``from_complete_sources``), and the questions waiting for a
    rescore with the latest resolution change among them (``updating``; NULL when none
    waits). Each was one round trip of its own."""
    complete = compiled.Statement.counting(scorecards.complete_sources_scores(Author(pk=author_id)))
    waiting = updating.updating_rows([author_id])
    return {
        "n_complete": RawSQL(complete.sql, complete.params, output_field=IntegerField()),
        "waiting": Subquery(waiting.values("n")),
        "changed": Subquery(waiting.values("changed")),
    }


# The stored scorecard's reads of one author, each compiled once (``compiled.Kept``). The
# cards carry the author's counts (``author_counts``), which PostgreSQL works out once for
# the statement (they name no column of the card): one round trip for both; an author
# without cards reads the counts alone.
STORED = {
    "counts": compiled.Kept(
        lambda author_id: Author.objects.filter(pk=author_id).values(**author_counts(author_id))
    ),
    "cards": compiled.Kept(
        lambda author_id: (
            Scorecard.objects.filter(author_id=author_id)
            .order_by("tag__slug")
            .annotate(**author_counts(author_id))
        ),
        model=Scorecard,
        related=("tag",),
        extra=("n_complete", "waiting", "changed"),
    ),
    "numeric": compiled.Kept(author_records, model=QuantityRecord, related=("tag",)),
}


def stored_author_scorecard(author: Author, selection: dict) -> dict:
    """``author_scorecard`` of the stored cards: the same reads, from kept statements."""
    pk = author.pk
    cards = STORED["cards"].instances(pk)
    if cards:
        counts = {name: getattr(cards[0], name) for name in STORED["cards"].extra}
    else:
        (counts,) = STORED["counts"].rows(pk)
    for card in cards:
        Scorecard.author.field.set_cached_value(card, author)
    overall, by_tag = scorecards.overall_and_by_tag(cards)
    found = stored_card_bodies([overall, *by_tag] if overall else by_tag)
    return {
        "author": pk,
        "author_slug": author.slug,
        "author_name": author.name,
        **selection,
        "n_from_complete_sources": counts["n_complete"],
        "updating": _updating(
            updating.Updating(counts["waiting"], counts["changed"]) if counts["waiting"] else None
        ),
        "overall": found[0] if overall else None,
        "by_tag": found[1:] if overall else found,
        "words": words_body(readings.author_words(overall)),
        "numeric": numeric_record(author, STORED["numeric"].instances(pk)),
    }


def stored_card_bodies(cards: list[Scorecard]) -> list[dict]:
    """Stored cards as ScorecardSerializer writes them, from plain attributes (``rows``)."""
    terms = scorecards.murphy_terms(cards)
    return rows.scorecard_bodies(
        cards,
        interval_method=scorecards.INTERVAL_METHOD,
        murphy={id(card): m for card, m in zip(cards, terms, strict=True)},
    )


_pending = Writer(UpdatingSerializer)


def _updating(pending) -> dict | None:
    return _pending(pending) if pending else None


CALIBRATION_KEYS = (
    "lower",
    "upper",
    "count",
    "n_event",
    "mean_forecast",
    "observed_frequency",
    "wilson_lower",
    "wilson_upper",
)


def author_calibration(author: Author, params: dict) -> dict:
    """The calibration table of an author's overall (or one tag's) record.

    It is derived from the scorecard's totals (``scorecards.binned_figures``):
    the stored card's, or with ``recorded_before_outcome`` the rebuilt one's.
    """
    tag = params["tag"]
    before = params["recorded_before_outcome"]
    card = scorecards.scorecard(author, tag=tag, recorded_before_outcome=before)
    table = scorecards.binned_figures([card])[0].calibration if card else []
    bins = [{key: row.get(key) for key in CALIBRATION_KEYS} for row in table]
    return {
        "author": author.pk,
        "author_slug": author.slug,
        "tag": tag.slug if tag else None,
        "recorded_before_outcome": before,
        "n_scored": card.n_scored if card else 0,
        "computed_at": card.computed_at if card else None,
        "bins": bins,
    }


# --- Folded calibration and per-source scorecards (forecasts.standings.folded) ---


class FoldedLevelSerializer(serializers.Serializer):
    level = serializers.FloatField(
        help_text="The stated probability, folded: below 50% becomes its opposite (0.5–1.0)."
    )
    count = serializers.IntegerField(help_text="Forecasts stated at this level.")
    right = serializers.IntegerField(help_text="How many of them came true, folded.")
    wrong = serializers.IntegerField()
    frequency = serializers.FloatField(help_text="right / count.")
    wilson_lower = serializers.FloatField(help_text="Wilson 95% interval of right / count.")
    wilson_upper = serializers.FloatField()


class RightSideSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Forecasts other than exactly 50%.")
    right = serializers.IntegerField(help_text="Those on the side of 50% that happened.")
    share = serializers.FloatField(allow_null=True, help_text="right / count; null if none.")
    wilson_lower = serializers.FloatField(allow_null=True)
    wilson_upper = serializers.FloatField(allow_null=True)


class FoldedCalibrationSerializer(serializers.Serializer):
    author = serializers.IntegerField()
    author_slug = serializers.CharField()
    folded = serializers.BooleanField(help_text="Always true: the table is folded.")
    source_slug = serializers.CharField(
        allow_null=True, help_text="The source filtered by (its slug), or null."
    )
    tag = serializers.CharField(allow_null=True)
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    recorded_before_outcome = serializers.BooleanField()
    n_forecasts = serializers.IntegerField(
        help_text="Final forecasts on scored binary questions in the table."
    )
    levels = FoldedLevelSerializer(many=True, help_text="One row per stated level, 0.5 first.")
    right_side = RightSideSerializer(
        allow_null=True, help_text="Share on the right side of 50% (50% forecasts left out)."
    )


class CalibrationParams(PeriodParams):
    folded = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs["folded"]:
            for name in ("since", "until"):
                if name in attrs:
                    raise ValidationError({name: ["Only with folded=true."]})
        return attrs


FOLDED_PARAMETERS = [
    OpenApiParameter(
        "folded",
        OpenApiTypes.BOOL,
        description="true: the folded table, one row per stated level (below 50% folded into "
        "its opposite), with the share on the right side of 50%. `source`, `since` and "
        "`until` need it.",
    ),
    OpenApiParameter(
        "source",
        filters.ID_OR_SLUG_SCHEMA,
        description="With folded=true: only questions whose final forecast cites this source "
        "(id or slug).",
    ),
]


def source_param(request) -> Source | None:
    return reference_param(request, "source", Source.objects.all())


def calibration_params(request) -> dict:
    """``folded``, ``source``, ``tag``, ``since``, ``until`` of a calibration request, checked."""
    params = CalibrationParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    checked = {**params.validated_data, "tag": tag_param(request), "source": source_param(request)}
    if checked["source"] is not None and not checked["folded"]:
        raise ValidationError({"source": ["Only with folded=true."]})
    return checked


def author_folded_calibration(author: Author, params: dict) -> dict:
    """The author's folded calibration table (``standings.folded.folded_record``)."""
    source, tag = params["source"], params["tag"]
    since, until = params.get("since"), params.get("until")
    before = params["recorded_before_outcome"]
    record = folded.folded_record(
        author, source=source, tag=tag, since=since, until=until, recorded_before_outcome=before
    )
    return {
        "author": author.pk,
        "author_slug": author.slug,
        "folded": True,
        "source_slug": source.slug if source else None,
        "tag": tag.slug if tag else None,
        "since": since,
        "until": until,
        "recorded_before_outcome": before,
        "n_forecasts": record.n_forecasts,
        "levels": record.levels,
        "right_side": record.right_side,
    }


class SourceCardSerializer(serializers.Serializer):
    author = serializers.IntegerField(source="author.pk", help_text="The author's id.")
    author_slug = serializers.CharField(source="author.slug")
    author_name = serializers.CharField(source="author.name")
    n_scored = serializers.IntegerField(
        help_text="Scored questions whose final forecast cites the source (N)."
    )
    brier = serializers.FloatField(help_text="Mean time-averaged Brier over them, 0 (best) to 1.")
    brier_low = serializers.FloatField(
        allow_null=True,
        help_text="95% bounded score interval of the mean: low end (null when N = 1: not "
        "enough to say).",
    )
    brier_high = serializers.FloatField(allow_null=True)
    calibration = CalibrationBinSerializer(
        many=True, help_text="10 equal-width bins over the binary questions; [] if none."
    )
    folded = FoldedLevelSerializer(many=True, source="folded.levels")
    right_side = RightSideSerializer(source="folded.right_side", allow_null=True)
    author_overall = CardFieldsSerializer(
        source="overall",
        allow_null=True,
        help_text="The author's overall stored record, to compare with; null if none.",
    )


class SourceScorecardSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The source's id.")
    slug = serializers.CharField()
    title = serializers.CharField()
    byline = serializers.CharField(allow_null=True, help_text="The byline author's slug.")
    cards = SourceCardSerializer(
        many=True, help_text="One per author whose final forecasts cite it; the byline first."
    )


def source_scorecard(source: Source) -> dict:
    """Each author's record on the questions whose final forecast cites the source."""
    return {
        "id": source.pk,
        "slug": source.slug,
        "title": source.title,
        "byline": source.author.slug if source.author else None,
        "cards": SourceCardSerializer(folded.source_scorecards(source), many=True).data,
    }

"""Stored scores of numeric and date questions, read-only: per question and author
(``QuantityScore``) and the author's numeric record (``QuantityRecord``).

The engine computes them (docs/scoring.md); they are never averaged into the
Brier headline, so they appear beside it: their own list, and a ``numeric``
section on the author's scorecard. Lower is better for every score here.
A date question's outcome and point are ISO dates; its errors are in days.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from forecasts.api import filters, rows
from forecasts.api.quantities import QuantityValueField
from forecasts.models import Author, QuantityRecord, QuantityScore


class QuantityScoreSerializer(serializers.ModelSerializer):
    author_slug = serializers.CharField(source="author.slug", read_only=True)
    question_slug = serializers.CharField(source="question.slug", read_only=True)
    outcome = QuantityValueField(
        read_only=True, allow_null=True, help_text="The value scored against."
    )
    point = QuantityValueField(
        read_only=True,
        allow_null=True,
        help_text="The final forecast's point (or median), when it gave one.",
    )
    counted = serializers.SerializerMethodField(
        help_text="Whether it counts in the numeric record: not excluded, and scored on the "
        "question's range (a point alone, or a question with no range, is not)."
    )

    class Meta:
        model = QuantityScore
        fields = [
            "id",
            "author",
            "author_slug",
            "question",
            "question_slug",
            "resolution",
            "form",
            "outcome",
            "wis",
            "wis_final",
            "normalised",
            "normalised_final",
            "point",
            "abs_error",
            "rel_error",
            "n_forecasts",
            "n_days",
            "n_hindsight",
            "n_retrospective",
            "counted",
            "excluded_reason",
            "computed_at",
        ]
        read_only_fields = fields

    def get_counted(self, score: QuantityScore) -> bool:
        return not score.excluded_reason and score.normalised is not None


@extend_schema_view(
    list=extend_schema(
        summary="Per-question scores of numeric and date questions",
        description="One row per author and numeric or date question they forecast: the "
        "time-averaged weighted interval score in the unit (`wis`, days on a date question) "
        "and on the question's range (`normalised`, 0 to 1, the log range on a log scale), "
        "and a point's absolute and relative error. A point alone carries no probability to "
        "score: `wis` and `normalised` are null.",
    ),
    retrieve=extend_schema(summary="One numeric or date score"),
)
class QuantityScoreViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = QuantityScoreSerializer
    filterset_class = filters.QuantityScoreFilter
    ordering_fields = ["wis", "normalised", "abs_error", "computed_at", "id"]
    ordering = ["author_id", "question_id"]
    search_fields: list[str] = []

    def get_queryset(self):
        return QuantityScore.objects.select_related("author", "question")


class QuantityRecordSerializer(serializers.ModelSerializer):
    tag = serializers.CharField(
        source="tag.slug", read_only=True, allow_null=True, help_text="Null overall."
    )
    mean = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Mean time-averaged WIS on the questions' ranges (0 best): unit-free, "
        "never averaged into the Brier headline.",
    )
    low = serializers.FloatField(read_only=True, allow_null=True, help_text="95% t interval.")
    high = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = QuantityRecord
        fields = [
            "tag",
            "n_scored",
            "mean",
            "low",
            "high",
            "n_unranged",
            "n_points",
            "n_pending",
            "computed_at",
        ]
        read_only_fields = fields


class NumericRecordSerializer(serializers.Serializer):
    overall = QuantityRecordSerializer(allow_null=True, help_text="Null until one is stored.")
    by_tag = QuantityRecordSerializer(many=True)


def numeric_record(author: Author, records: list[QuantityRecord] | None = None) -> dict:
    """An author's stored numeric record, overall and per tag (one query, none when the
    author's ``records`` are given: ``author_records``'s, in its order)."""
    if records is None:
        records = list(author_records(author.pk).select_related("tag"))
    overall = next((r for r in records if r.tag_id is None), None)
    by_tag = [r for r in records if r.tag_id is not None]
    found = rows.quantity_record_bodies([overall, *by_tag] if overall else by_tag)
    return {
        "overall": found[0] if overall else None,
        "by_tag": found[1:] if overall else found,
    }


def author_records(author_id: int):
    """An author's stored numeric records, by tag slug."""
    return QuantityRecord.objects.filter(author_id=author_id).order_by("tag__slug")

"""How much a record depends on how words were read, as the API shows it.

The figures come from ``forecasts.standings.readings``; ``docs/scoring.md``
("How much the reading of words matters") gives the rules.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from forecasts.api.plain import Writer
from forecasts.api.rows import Attr, Field, Page, bodies
from forecasts.drafting.lexicon import SCALES
from forecasts.drafting.readings import RankUnderScale, WordsRecord


class ScaleBrierSerializer(serializers.Serializer):
    scale = serializers.CharField(help_text="The scale's key: icd203, kent1964, ipcc_ar5, reckon.")
    scale_name = serializers.SerializerMethodField()
    brier = serializers.FloatField(
        help_text="The headline Brier with every worded forecast's phrase read under this scale."
    )
    n_worded = serializers.IntegerField(help_text="Scored forecasts whose number came from words.")
    n_affected = serializers.IntegerField(help_text="Of those, how many get another number.")
    n_fallback = serializers.IntegerField(
        help_text="Phrases this scale lacks, read by ICD 203 (the default) or the next scale."
    )
    n_overridden = serializers.IntegerField(
        help_text="Numbers an editor set instead of the scale's point: kept as the editor's."
    )
    n_kept = serializers.IntegerField(
        help_text="Words that do not give the recorded point on their own scale: kept as scored."
    )

    def get_scale_name(self, line) -> str:
        return SCALES[line.scale]


class BoundsSerializer(serializers.Serializer):
    best = serializers.FloatField(
        help_text="Each worded forecast moved to the end of its interval nearest the outcome."
    )
    worst = serializers.FloatField(help_text="Moved to the end farthest from the outcome.")
    n_moved = serializers.IntegerField(help_text="Worded forecasts moved within their interval.")
    n_overridden = serializers.IntegerField(help_text="Editors' numbers, not moved.")


class WordsRecordSerializer(serializers.Serializer):
    headline = serializers.FloatField(help_text="The stored headline Brier, as read.")
    n_scored = serializers.IntegerField()
    n_questions = serializers.IntegerField(
        help_text="Scored yes/no questions holding a worded forecast: the only ones that change."
    )
    n_worded = serializers.IntegerField()
    n_overridden = serializers.IntegerField()
    scales = ScaleBrierSerializer(many=True)
    bounds = BoundsSerializer()


class RankUnderScaleSerializer(serializers.Serializer):
    scale = serializers.CharField()
    scale_name = serializers.CharField()
    brier = serializers.FloatField()
    rank = serializers.IntegerField(help_text="The rank with every phrase read under this scale.")
    places = serializers.IntegerField(
        help_text="Places gained (positive) or lost (negative) against the board's rank."
    )


_ranks = Writer(RankUnderScaleSerializer, many=True)

# WordsRecordSerializer's fields as a plan (``rows.bodies``): the same JSON, far cheaper
# than its fields and its two nested serializers (``tests/api/test_plain.py``).
SCALE_FIELDS = (
    Attr("scale", convert=str),
    Field("scale_name", compute=lambda line, page: SCALES[line.scale]),
    Attr("brier", convert=float),
    *(Attr(name, convert=int) for name in ("n_worded", "n_affected", "n_fallback")),
    *(Attr(name, convert=int) for name in ("n_overridden", "n_kept")),
)
BOUNDS_FIELDS = (
    Attr("best", convert=float),
    Attr("worst", convert=float),
    Attr("n_moved", convert=int),
    Attr("n_overridden", convert=int),
)
WORDS_FIELDS = (
    Attr("headline", convert=float),
    *(Attr(name, convert=int) for name in ("n_scored", "n_questions", "n_worded")),
    Attr("n_overridden", convert=int),
    Field("scales", compute=lambda record, page: bodies(record.scales, SCALE_FIELDS, page)),
    Field("bounds", compute=lambda record, page: _bounds(record.bounds, page)),
)


def _bounds(bounds, page: Page) -> dict | None:
    return None if bounds is None else bodies([bounds], BOUNDS_FIELDS, page)[0]


def words_body(record: WordsRecord | None) -> dict | None:
    """``WordsRecordSerializer(record).data``, as plain values."""
    if record is None:
        return None
    return bodies([record], WORDS_FIELDS, Page(now=timezone.now(), related={}))[0]


def ranks_body(lines: list[RankUnderScale] | None) -> list | None:
    return None if lines is None else _ranks(lines)

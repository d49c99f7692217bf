"""Serializers bound once (forecasts.api.plain): the same bodies as a serializer per call."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework import serializers

from forecasts.api.plain import Writer
from forecasts.api.quantity_scores import QuantityRecordSerializer
from forecasts.api.readings import RankUnderScaleSerializer, WordsRecordSerializer
from forecasts.api.renderers import FastJSONRenderer
from forecasts.api.scores import ScorecardSerializer, UpdatingSerializer
from forecasts.drafting.readings import RankUnderScale, WordsRecord
from forecasts.models import QuantityRecord, Tag
from forecasts.scoring.readings import BrierBounds, ScaleBrier
from forecasts.standings.updating import Updating

render = FastJSONRenderer().render
AT = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


def words_record(n_scales: int) -> WordsRecord:
    scales = tuple(
        ScaleBrier(name, 0.1 + i / 7, 12, i, 0, 1, 0)
        for i, name in enumerate(("icd203", "kent1964", "ipcc_ar5", "reckon")[:n_scales])
    )
    return WordsRecord(
        headline=1 / 3,
        n_scored=40,
        n_questions=12,
        scales=scales,
        bounds=BrierBounds(best=0.125, worst=0.3, n_moved=11, n_overridden=1),
    )


def records() -> list[QuantityRecord]:
    tag = Tag(id=7, name="Defence", slug="defence")
    return [
        QuantityRecord(
            id=1, author_id=3, n_scored=2, mean=0.0061, n_points=1, n_pending=0, computed_at=AT
        ),
        QuantityRecord(
            id=2,
            author_id=3,
            tag=tag,
            n_scored=1,
            mean=None,
            low=None,
            high=None,
            n_unranged=1,
            computed_at=AT.astimezone(timezone(timedelta(hours=5))),
        ),
    ]


@pytest.mark.parametrize(
    ("serializer", "objects"),
    [
        (WordsRecordSerializer, [words_record(4), words_record(0)]),
        (QuantityRecordSerializer, records()),
        (UpdatingSerializer, [Updating(3, AT), Updating(1, AT.replace(microsecond=0))]),
    ],
)
def test_a_bound_serializer_writes_what_a_serializer_per_call_wrote(serializer, objects):
    write = Writer(serializer)
    for obj in objects:
        assert render(write(obj)) == render(serializer(obj).data)


def test_a_list_is_written_item_by_item_as_the_list_serializer_wrote_it():
    lines = [
        RankUnderScale("icd203", "ICD 203", 0.2, 3, 1),
        RankUnderScale("reckon", "R", 0.3, 5, -2),
    ]
    write = Writer(RankUnderScaleSerializer, many=True)
    assert render(write(lines)) == render(RankUnderScaleSerializer(lines, many=True).data)
    assert write([]) == []


def test_a_list_serializer_that_keeps_state_while_writing_is_refused():
    # ScorecardListSerializer keeps the Murphy terms of the cards it is writing.
    with pytest.raises(TypeError, match="state"):
        Writer(ScorecardSerializer, many=True)([])


def test_a_serializer_is_bound_once():
    built = []

    class Counted(serializers.Serializer):
        n = serializers.IntegerField()

        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    write = Writer(Counted)
    assert [write({"n": i}) for i in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len(built) == 1


def test_numeric_records_are_written_as_their_serializer_writes_them():
    from forecasts.api.rows import quantity_record_bodies

    found = quantity_record_bodies(records())
    assert [render(body) for body in found] == [
        render(QuantityRecordSerializer(record).data) for record in records()
    ]


@pytest.mark.parametrize("n_scales", [4, 1, 0])
def test_a_words_record_is_written_as_its_serializer_writes_it(n_scales):
    from forecasts.api.readings import words_body

    record = words_record(n_scales)
    assert render(words_body(record)) == render(WordsRecordSerializer(record).data)
    assert words_body(None) is None

"""Migration 0038 moves the questions' ``scored_at`` stamps beside their digests."""

from datetime import UTC, datetime

import pytest

from tests.builders.migrations import migrate

BEFORE = [("forecasts", "0037_json_number")]
MOMENT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _question(Question, slug: str, **fields):
    return Question.objects.create(
        title=slug,
        slug=slug,
        resolution_criteria="Test.",
        opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        closes_at=datetime(2025, 6, 1, tzinfo=UTC),
        resolve_by=datetime(2025, 7, 1, tzinfo=UTC),
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_the_stamps_move_to_the_digests_and_back():
    old = migrate(BEFORE)
    try:
        Question = old.get_model("forecasts", "Question")
        ScoresDigest = old.get_model("forecasts", "ScoresDigest")
        with_digest = _question(Question, "with-digest", scored_at=MOMENT)
        ScoresDigest.objects.create(question=with_digest, digest=-12345)
        without_digest = _question(Question, "without-digest", scored_at=MOMENT)
        never = _question(Question, "never-scored")
    finally:
        new = migrate()
    digests = new.get_model("forecasts", "ScoresDigest").objects
    assert dict(digests.values_list("question", "digest")) == {
        with_digest.pk: -12345,
        without_digest.pk: 0,  # as a missing row reads
    }
    assert set(digests.values_list("scored_at", flat=True)) == {MOMENT}
    assert not digests.filter(question=never.pk).exists()

    back = migrate(BEFORE)
    try:
        stamps = dict(
            back.get_model("forecasts", "Question").objects.values_list("pk", "scored_at")
        )
        assert stamps == {with_digest.pk: MOMENT, without_digest.pk: MOMENT, never.pk: None}
    finally:
        migrate()

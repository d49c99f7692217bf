"""A conditional question follows its condition in the scores, whatever its own state."""

from datetime import UTC, datetime

import pytest
import time_machine

from forecasts import ledger
from forecasts.engine import rescoring
from forecasts.models import Question, QuestionScore, Scorecard
from tests import builders

RECORDED = datetime(2024, 11, 1, 2, tzinfo=UTC)  # an hour after it was stated
KNOWN = datetime(2025, 7, 5, tzinfo=UTC)
LATER = datetime(2025, 7, 10, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _rescore_stale() -> None:
    for pk in Question.objects.needing_rescore().values_list("pk", flat=True):
        rescoring.rescore_question(question_id=pk)


def _card(author) -> tuple:
    card = Scorecard.objects.get(author=author, tag=None)
    return card.n_scored, card.n_annulled, card.brier, card.skill


def test_a_resolved_conditional_question_leaves_the_card_when_its_condition_fails(author, resolver):
    parent = builders.question("will-it-happen", title="Will it happen by 2025?")
    child = builders.conditional_question(parent)
    other = builders.question("something-else")
    builders.forecast(other, author, probability=0.8, at=RECORDED)  # yes: Brier 0.04
    builders.forecast(child, author, probability=0.9, at=RECORDED)  # no: Brier 0.81
    with time_machine.travel(LATER):
        builders.resolve(other, "yes", known_at=KNOWN, by=resolver)
        builders.resolve(child, "no", known_at=KNOWN, by=resolver)
        _rescore_stale()
        # Both count: N = 2, Brier (0.04 + 0.81) / 2 = 0.425, skill 1 − 0.425 / 0.25 = −0.7.
        assert _card(author) == (2, 0, pytest.approx(0.425), pytest.approx(-0.7))

        # The parent resolves after the child, and the condition fails.
        builders.resolve(parent, "no", known_at=KNOWN, by=resolver)
        _rescore_stale()
        score = QuestionScore.objects.get(author=author, question=child)
        assert (score.excluded_reason, score.brier) == ("annulled", None)
        assert score.resolution.is_automatic
        # Only the other question counts: N = 1, Brier 0.04, skill +0.84.
        assert _card(author) == (1, 1, pytest.approx(0.04), pytest.approx(0.84))

        # The parent is corrected back: the child's own "no" counts again.
        ledger.resolution_correct(
            question=parent,
            outcome="yes",
            outcome_known_at=KNOWN,
            evidence_note="It did happen.",
            reason="Misreported.",
            by=resolver,
        )
        _rescore_stale()
        score = QuestionScore.objects.get(author=author, question=child)
        assert (score.excluded_reason, score.brier) == ("", pytest.approx(0.81))
        assert _card(author) == (2, 0, pytest.approx(0.425), pytest.approx(-0.7))
    assert not Question.objects.needing_rescore().exists()

"""A question's tags decide which tag scorecards its scores count in."""

from __future__ import annotations

import pytest

from forecasts import tasks
from forecasts.engine import rescoring
from forecasts.models import Scorecard
from tests.builders import closed_question, forecast, resolve, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy():
    return tag("Economy")


@pytest.fixture
def trade():
    return tag("Trade")


@pytest.fixture
def scored(author, source, economy):
    """Ada forecast 80% on a question tagged Economy, which then resolved yes and was scored."""
    question = closed_question("gdp")
    question.tags.add(economy)
    forecast(question, author, source=source, probability=0.8)
    resolve(question, "yes")
    rescoring.rescore_question(question_id=question.pk)
    return question


def cards(author) -> dict:
    """Ada's cards: tag slug (None: overall) -> (n_scored, mean Brier)."""
    return {
        (card.tag.slug if card.tag else None): (card.n_scored, round(card.brier, 6))
        for card in Scorecard.objects.filter(author=author).select_related("tag")
    }


def test_retagging_a_scored_question_moves_its_score_to_the_new_tag_card(
    scored, author, economy, trade, eager, django_capture_on_commit_callbacks
):
    assert cards(author) == {None: (1, 0.04), "economy": (1, 0.04)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scored.tags.set([trade])
        assert cards(author)["economy"] == (1, 0.04)  # nothing before the commit
    assert callbacks
    assert cards(author) == {None: (1, 0.04), "trade": (1, 0.04)}


def test_taking_a_tag_off_every_question_rescores_them(
    scored, author, economy, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        economy.questions.clear()
    assert cards(author) == {None: (1, 0.04)}


def test_tagging_a_question_nobody_was_scored_on_queues_nothing(
    economy, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        tasks.rescore_question, "apply_async", lambda args, **_: queued.append(*args)
    )
    question = closed_question("unforecast")
    with django_capture_on_commit_callbacks(execute=True):
        question.tags.add(economy)
        economy.questions.remove(question)
    assert queued == []


def test_deleting_a_tag_leaves_the_next_rescore_whole(scored, author, economy):
    economy.delete()  # its cards go with it; the stored scores still name it
    rescoring.rescore_question(question_id=scored.pk)
    assert cards(author) == {None: (1, 0.04)}

"""Signal receivers: a change of a scored question's tags queues its rescore, once."""

import pytest
from django.apps import apps

from forecasts import tasks
from forecasts.models import QuestionScore, Tag
from tests.builders import closed_question, forecast, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    ids: list[int] = []
    monkeypatch.setattr(tasks.rescore_question, "apply_async", lambda args, **_: ids.append(*args))
    return ids


@pytest.fixture
def scored(author, source):
    """A question with a stored score (the receiver leaves unscored ones alone)."""
    question = closed_question("scored")
    forecast(question, author, source=source, probability=0.8)
    resolution = resolve(question, "yes")
    QuestionScore.objects.create(
        author=author, question=question, resolution=resolution, brier=0.04, n_forecasts=1
    )
    return question


@pytest.fixture
def economy():
    return Tag.objects.create(name="Economy", slug="economy")


def test_a_tag_added_from_either_side_queues_the_scored_question_once(
    scored, economy, queued, django_capture_on_commit_callbacks
):
    apps.get_app_config("forecasts").ready()  # connecting again must not double the receiver
    with django_capture_on_commit_callbacks(execute=True):
        scored.tags.add(economy)
    assert queued == [scored.pk]
    with django_capture_on_commit_callbacks(execute=True):
        economy.questions.remove(scored)
    assert queued == [scored.pk, scored.pk]


def test_a_tag_taken_off_every_question_queues_the_scored_ones_it_was_on(
    scored, economy, queued, django_capture_on_commit_callbacks
):
    unscored = closed_question("unscored")
    economy.questions.add(scored, unscored)
    with django_capture_on_commit_callbacks(execute=True):
        economy.questions.clear()
    assert queued == [scored.pk]

"""Incremental scorecard totals are exact: a verifying full rescore finds nothing to rewrite."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasts.engine import rescoring
from forecasts.models import Forecast, Question, Scorecard, Tag
from tests import builders
from tests.builders.random_ledgers import random_ledger

CHANGES = ("correct_outcome", "correct_forecast", "retag")


def _change(kind: str, rng: random.Random, resolver) -> int:
    """Make one change through the services (or the tag relation) and return its question."""
    settled = Question.objects.filter(state="resolved", options__isnull=True).order_by("pk")
    question = rng.choice(list(settled))
    if kind == "correct_outcome":
        builders.correct(question, by=resolver)  # flips the outcome
    elif kind == "correct_forecast":
        forecasts = Forecast.objects.filter(question=question, stated_at__lte=question.closes_at)
        forecast = rng.choice(list(forecasts.order_by("pk")))
        value = rng.choice([0.0, 0.013, 1 / 3, 0.5, 0.77, 0.999, rng.random()])
        builders.correct_forecast(forecast, probability=value, by=resolver)
    else:
        tags = list(Tag.objects.order_by("pk"))
        question.tags.set(rng.sample(tags, rng.randint(0, len(tags))))
    return question.pk


@pytest.mark.django_db
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 2**32)), max_size=12))
def test_a_verifying_rescore_rewrites_nothing_after_any_sequence_of_changes(steps, resolver):
    if not Scorecard.objects.exists():  # the ledger carries over from example to example
        random_ledger(21)
        rescoring.rescore_all()
    for kind, seed in steps:
        question_id = _change(kind, random.Random(seed), resolver)
        rescoring.rescore_question(question_id=question_id)
    report = rescoring.rescore_all(verify=True)
    assert (report["scorecards_written"], report["question_scores_written"]) == (0, 0), steps


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_long_random_sequence_leaves_totals_bit_for_bit_as_built_at_once(seed, resolver):
    random_ledger(30 + seed)
    rescoring.rescore_all()
    rng = random.Random(seed)
    for _ in range(40):
        question_id = _change(rng.choice(CHANGES), rng, resolver)
        rescoring.rescore_question(question_id=question_id)
    incremental = dict(Scorecard.objects.values_list("pk", "totals"))
    report = rescoring.rescore_all(verify=True)
    assert report["scorecards_written"] == 0
    assert dict(Scorecard.objects.values_list("pk", "totals")) == incremental

"""``Forecast.listed_synthetic``: the author's or the question's flag, kept on the row by
triggers (migration 0028) whatever writes, so the forecast list orders from an index."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from forecasts.models import Author, Forecast, Question
from tests import builders

pytestmark = pytest.mark.django_db


def listed(*forecasts: Forecast) -> list[bool]:
    flags = dict(Forecast.objects.values_list("pk", "listed_synthetic"))
    return [flags[f.pk] for f in forecasts]


@pytest.fixture
def pairs():
    """Forecasts by a real and a synthetic author, on a real and a synthetic question."""
    real_author = builders.author("Ada Real")
    demo_author = builders.author("Demo Author", is_synthetic=True)
    real_question = builders.question("real-question")
    demo_question = builders.question("demo-question", is_synthetic=True)
    return {
        (a.is_synthetic, q.is_synthetic): builders.raw_forecast(q, a)
        for a in (real_author, demo_author)
        for q in (real_question, demo_question)
    }


def test_a_forecast_is_listed_synthetic_when_its_author_or_its_question_is(pairs):
    assert {key: listed(f)[0] for key, f in pairs.items()} == {
        (False, False): False,
        (False, True): True,
        (True, False): True,
        (True, True): True,
    }


def test_a_question_turned_synthetic_or_back_relists_its_forecasts(pairs):
    question = Question.objects.get(slug="real-question")
    question.is_synthetic = True
    question.save(update_fields=["is_synthetic"])
    assert listed(pairs[False, False], pairs[True, False]) == [True, True]
    assert listed(pairs[False, True]) == [True]  # another question's: as it was
    Question.objects.filter(pk=question.pk).update(is_synthetic=False)
    assert listed(pairs[False, False], pairs[True, False]) == [False, True]


def test_an_author_turned_synthetic_or_back_relists_their_forecasts(pairs):
    Author.objects.filter(slug=pairs[False, False].author.slug).update(is_synthetic=True)
    assert listed(pairs[False, False], pairs[False, True]) == [True, True]
    assert listed(pairs[True, False]) == [True]
    Author.objects.filter(is_synthetic=True).update(is_synthetic=False)
    assert listed(*pairs.values()) == [False, True, False, True]


@pytest.mark.postgres
def test_relisting_leaves_the_forecasts_immutable(pairs):
    Question.objects.filter(slug="real-question").update(is_synthetic=True)
    forecast = pairs[False, False]
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Forecast.objects.filter(pk=forecast.pk).update(probability=0.1)
    assert Forecast.objects.get(pk=forecast.pk).probability == forecast.probability


def test_the_list_puts_real_forecasts_first_then_the_newest(api_client, pairs):
    late = builders.raw_forecast(
        Question.objects.get(slug="demo-question"),
        Author.objects.get(slug=pairs[False, False].author.slug),
        stated_at=pairs[False, False].stated_at + timedelta(days=2),
    )
    older_real = pairs[False, False]
    newer_real = builders.raw_forecast(
        Question.objects.get(slug="real-question"),
        older_real.author,
        stated_at=older_real.stated_at + timedelta(days=1),
    )
    ids = [row["id"] for row in api_client.get("/api/forecasts/").json()["results"]]
    assert ids[:2] == [newer_real.pk, older_real.pk]
    assert ids[2] == late.pk  # the newest synthetic one, after every real one
    assert len(ids) == 6


@pytest.mark.parametrize(("value", "expected"), [("true", 3), ("false", 1)])
def test_the_synthetic_filter_reads_the_authors_and_the_questions_flags(
    api_client, pairs, value, expected
):
    body = api_client.get(f"/api/forecasts/?is_synthetic={value}").json()
    assert body["count"] == expected
    assert all(row["is_synthetic"] == (value == "true") for row in body["results"])

"""Stored numeric and date scores through the API, read-only; and the lists holding
quantile forecasts cost a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.models import QuantityRecord, QuantityScore, Question
from forecasts.models.quantity import day_number
from tests import builders
from tests.builders import quantities as q

pytestmark = pytest.mark.django_db

START = datetime(2024, 1, 1, tzinfo=UTC)
KNOWN = datetime(2024, 3, 1, tzinfo=UTC)


def window() -> dict:
    return {
        "opens_at": START,
        "closes_at": START + timedelta(days=30),
        "resolve_by": START + timedelta(days=60),
    }


@pytest.fixture
def scored(db):
    """An author's stored numeric scores and record, as the engine leaves them."""
    author = builders.author("Ann")
    tag = builders.tag("Defence")
    troops = q.numeric_question("troops", tags=[tag], **window())
    ceasefire = q.date_question("ceasefire", **window())
    for question, outcome in ((troops, 81_000.0), (ceasefire, day_number(date(2024, 2, 14)))):
        resolution = q.raw_value_resolution(question, outcome, known_at=KNOWN)
        QuantityScore.objects.create(
            author=author,
            question=question,
            resolution=resolution,
            form="quantiles" if question.kind == Question.Kind.NUMERIC else "point",
            outcome=outcome,
            wis=1200.0 if question.kind == Question.Kind.NUMERIC else None,
            normalised=0.006 if question.kind == Question.Kind.NUMERIC else None,
            point=outcome - 3,
            abs_error=3.0,
            rel_error=3 / outcome,
            n_forecasts=1,
            n_days=30,
        )
    QuantityRecord.objects.create(author=author, n_scored=1, mean=0.006, n_points=1)
    QuantityRecord.objects.create(author=author, tag=tag, n_scored=1, mean=0.006)
    return author


def test_the_scores_list_shows_each_pair_in_its_questions_terms(api_client, scored):
    rows = {
        row["question_slug"]: row
        for row in api_client.get("/api/quantity-scores/?author=ann").json()["results"]
    }
    assert rows["troops"]["wis"] == 1200.0
    assert rows["troops"]["outcome"] == 81_000.0
    assert rows["troops"]["counted"] is True
    assert rows["ceasefire"]["outcome"] == "2024-02-14"
    assert rows["ceasefire"]["point"] == "2024-02-11"
    assert rows["ceasefire"]["wis"] is None
    assert rows["ceasefire"]["counted"] is False  # a point alone carries no probability


def test_the_scores_list_filters_by_question_and_form(api_client, scored):
    by_question = api_client.get("/api/quantity-scores/?question=troops").json()
    assert [row["question_slug"] for row in by_question["results"]] == ["troops"]
    points = api_client.get("/api/quantity-scores/?form=point").json()
    assert [row["question_slug"] for row in points["results"]] == ["ceasefire"]
    assert api_client.get("/api/quantity-scores/?form=guess").status_code == 400
    counted = api_client.get("/api/quantity-scores/?counted=true").json()
    assert [row["question_slug"] for row in counted["results"]] == ["troops"]
    tagged = api_client.get("/api/quantity-scores/?tag=defence").json()
    assert [row["question_slug"] for row in tagged["results"]] == ["troops"]


def test_the_scores_are_read_only(client_for, editor, scored):
    response = client_for(editor).post("/api/quantity-scores/", {}, format="json")
    assert response.status_code == 405


def test_the_scorecard_shows_the_numeric_record_apart_from_the_brier_headline(api_client, scored):
    body = api_client.get("/api/authors/ann/scorecard/").json()
    assert body["overall"] is None  # no yes/no question scored: the headline stays empty
    assert body["numeric"]["overall"]["mean"] == 0.006
    assert body["numeric"]["overall"]["n_points"] == 1
    assert [record["tag"] for record in body["numeric"]["by_tag"]] == ["defence"]


def test_a_period_scorecard_leaves_the_numeric_record_out(api_client, scored):
    body = api_client.get("/api/authors/ann/scorecard/?since=2024-01-01T00:00:00Z").json()
    assert body["numeric"] is None


def grow(n: int, author, source) -> None:
    """n numeric questions, each with a quantile forecast, a value resolution and a score."""
    base = Question.objects.count()
    for i in range(base, base + n):
        question = q.numeric_question(f"numeric-{i}", **window())
        q.raw_value_forecast(
            question,
            author,
            source=source,
            value_low=10,
            value_high=20,
            coverage=0.5,
            quantiles=q.quantiles([5, 10, 15, 20, 25]),
        )
        resolution = q.raw_value_resolution(question, 300_000, reported_value=None, known_at=KNOWN)
        QuantityScore.objects.create(author=author, question=question, resolution=resolution)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [
        "/api/forecasts/",
        "/api/forecasts/?question=numeric-0",
        "/api/questions/",
        "/api/resolutions/",
        "/api/quantity-scores/",
        "/api/authors/ann/scorecard/",
    ],
)
def test_lists_with_quantile_forecasts_run_a_fixed_number_of_queries(
    api_client, path, django_assert_num_queries
):
    author = builders.author("Ann")
    source = builders.source(author, published_on=START.date())
    grow(2, author, source)
    few = count(api_client, path)
    grow(20, author, source)
    with django_assert_num_queries(few):
        response = api_client.get(path)
    assert response.status_code == 200


def test_a_forecast_list_page_costs_one_query_for_all_its_quantiles(
    api_client, django_assert_num_queries
):
    author = builders.author("Ann")
    source = builders.source(author, published_on=START.date())
    grow(5, author, source)
    with CaptureQueriesContext(connection) as captured:
        body = api_client.get("/api/forecasts/").json()
    assert sum(len(row["quantiles"]) for row in body["results"]) == 25
    # Queries reading quantiles' levels: on PostgreSQL the page's own (an array in
    # each row), on SQLite one after it for the whole page.
    quantile_reads = [
        query["sql"]
        for query in captured
        if '"forecasts_forecastquantile"' in query["sql"] and '"level"' in query["sql"]
    ]
    assert len(quantile_reads) == 1

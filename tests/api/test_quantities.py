"""Numeric and date questions through the API: created with a range, forecast as a point,
an interval or quantiles (ISO dates on a date question), resolved with a value; every bad
value is a 400 naming the field, and nothing is written."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from forecasts.drafting.lexicon import reread_phrase
from forecasts.models import Forecast, ForecastQuantile, Question, Resolution
from forecasts.models.quantity import day_number
from tests import builders
from tests.builders import quantities as q

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def frozen_at() -> datetime:
    """While the default window is open (it closes 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_rescoring():
    with mock.patch("forecasts.tasks.enqueue_rescore") as enqueue:
        yield enqueue


@pytest.fixture
def troops(db):
    return q.numeric_question("troops", range_high=100_000, range_high_closed=True)


@pytest.fixture
def ceasefire(db):
    return q.date_question("ceasefire", range_low_closed=True)


def post_forecast(client, **body):
    base = {"author": "ada-pundit", "stated_at": "2025-03-01T09:00:00Z"}
    return client.post("/api/forecasts/", {**base, **body}, format="json")


# --- questions ---------------------------------------------------------------


def post_question(client, **body):
    base = {
        "title": "How many?",
        "kind": "numeric",
        "resolution_criteria": "Per the official count.",
        "opens_at": "2025-01-01T00:00:00Z",
        "closes_at": "2025-06-30T00:00:00Z",
        "resolve_by": "2025-12-31T00:00:00Z",
    }
    return client.post("/api/questions/", {**base, **body}, format="json")


def test_an_editor_creates_a_numeric_question_with_its_range(client_for, editor):
    response = post_question(
        client_for(editor),
        unit="troops",
        range={"low": 0, "high": 200_000, "low_closed": True},
    )
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert (shown["kind"], shown["unit"]) == ("numeric", "troops")
    assert shown["range"] == {
        "low": 0,
        "high": 200_000,
        "low_closed": True,
        "high_closed": False,
        "log_scale": False,
    }
    made = Question.objects.get()
    assert (made.range_low, made.range_high, made.range_low_closed) == (0, 200_000, True)


def test_a_date_question_takes_and_shows_its_range_as_iso_dates(client_for, editor):
    response = post_question(
        client_for(editor),
        kind="date",
        range={"low": "2025-01-01", "high": "2026-12-31", "high_closed": True},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["range"]["low"] == "2025-01-01"
    assert response.json()["range"]["high"] == "2026-12-31"
    assert Question.objects.get().range_low == day_number(date(2025, 1, 1))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"range": {"low": 10, "high": 5}}, "range_high"),
        ({"range": {"low_closed": True}}, "range_low"),
        ({"range": {"low": 0, "high": 5, "log_scale": True}}, "log_scale"),
        ({"range": {"low": "2025-01-01", "high": 5}}, "range"),
        ({"range": {"low": True}}, "range"),
        ({"kind": "binary", "unit": "troops"}, "unit"),
        ({"kind": "binary", "range": {"low": 0, "high": 1}}, "range_low"),
        ({"kind": "date", "range": {"low": 0, "high": 10}}, "range"),
        ({"unit": "x" * 41}, "unit"),
    ],
)
def test_a_bad_range_is_a_400_naming_the_field(client_for, editor, overrides, field):
    response = post_question(client_for(editor), **overrides)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Question.objects.exists()


def test_a_binary_question_shows_no_range(api_client, question):
    shown = api_client.get(f"/api/questions/{question.slug}/").json()
    assert (shown["unit"], shown["range"]) == ("", None)


# --- forecasts ---------------------------------------------------------------


def test_a_forecast_with_a_point_an_interval_and_quantiles_round_trips(
    client_for, editor, author, troops
):
    response = post_forecast(
        client_for(editor),
        question="troops",
        value=80_000,
        interval={"lower": 70_000, "upper": 90_000, "coverage": 0.8},
        quantiles=[
            {"level": 0.05, "value": 60_000},
            {"level": 0.25, "value": 75_000},
            {"level": 0.5, "value": 80_000},
            {"level": 0.75, "value": 85_000},
            {"level": 0.95, "value": 95_000},
        ],
    )
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert shown["value"] == 80_000
    assert shown["interval"] == {"lower": 70_000, "upper": 90_000, "coverage": 0.8}
    assert [item["level"] for item in shown["quantiles"]] == [0.05, 0.25, 0.5, 0.75, 0.95]
    assert shown["probability"] is None
    assert ForecastQuantile.objects.count() == 5


def test_a_hedged_interval_takes_its_coverage_from_the_scale(client_for, editor, author, troops):
    response = post_forecast(
        client_for(editor),
        question="troops",
        interval={"lower": 70_000, "upper": 90_000},
        phrase="likely",
        quote="Likely between 70,000 and 90,000.",
    )
    assert response.status_code == 201, response.json()
    shown = response.json()
    reading = reread_phrase("likely", "icd203")
    assert shown["interval"]["coverage"] == shown["scale_point"] == reading.point
    assert (shown["phrase"], shown["scale"]) == ("likely", "icd203")
    assert (shown["interval_low"], shown["interval_high"]) == reading.interval


def test_an_unknown_hedge_without_coverage_is_refused(client_for, editor, author, troops):
    response = post_forecast(
        client_for(editor),
        question="troops",
        interval={"lower": 70_000, "upper": 90_000},
        phrase="my hunch",
    )
    assert response.status_code == 400
    assert "No scale reads" in response.json()["interval"]["coverage"][0]
    assert not Forecast.objects.exists()


def test_a_date_forecast_takes_and_shows_iso_dates(client_for, editor, author, ceasefire):
    response = post_forecast(
        client_for(editor),
        question="ceasefire",
        value="2025-06-15",
        interval={"lower": "2025-04-01", "upper": "2025-09-30", "coverage": 0.5},
        quantiles=[{"level": 0.1, "value": "2025-03-01"}, {"level": 0.9, "value": "2026-01-31"}],
    )
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert shown["value"] == "2025-06-15"
    assert shown["interval"]["lower"] == "2025-04-01"
    assert shown["quantiles"][1] == {"level": 0.9, "value": "2026-01-31"}
    assert Forecast.objects.get().value == day_number(date(2025, 6, 15))


def test_forecast_reads_show_values_and_nulls(api_client, author, source, troops, question):
    q.value_forecast(
        troops, author, source=source, quantiles=q.quantiles([6e4, 7e4, 8e4, 9e4, 1e5])
    )
    builders.forecast(question, author, source=source)
    rows = {
        row["question_slug"]: row for row in api_client.get("/api/forecasts/").json()["results"]
    }
    assert len(rows["troops"]["quantiles"]) == 5
    assert rows["troops"]["interval"] is None
    assert rows["will-it-happen"]["quantiles"] == []
    assert rows["will-it-happen"]["value"] is None


BAD_FORECASTS = [
    ({"value": "80000"}, "value"),
    ({"value": True}, "value"),
    ({"value": {"n": 1}}, "value"),
    ({"value": 150_000}, "value"),  # above the closed high end
    ({"value": -1}, "value"),  # below the closed low end
    ({"value": "2025-06-15"}, "value"),  # a date on a numeric question
    ({"interval": {"lower": 90_000, "upper": 70_000, "coverage": 0.8}}, "interval"),
    ({"interval": {"lower": 70_000, "upper": 90_000, "coverage": 1}}, "interval"),
    ({"interval": {"lower": 70_000, "upper": 90_000, "coverage": 0}}, "interval"),
    ({"interval": {"lower": 70_000, "upper": 90_000, "coverage": 1.5}}, "interval"),
    ({"interval": {"lower": 70_000, "upper": 90_000, "coverage": "0.8"}}, "interval"),
    ({"interval": {"lower": 70_000, "upper": 90_000}}, "interval"),
    ({"interval": {"lower": 70_000, "coverage": 0.8}}, "interval"),
    ({"interval": [1, 2]}, "interval"),
    ({"quantiles": [{"level": 0.05, "value": 9e4}, {"level": 0.95, "value": 7e4}]}, "quantiles"),
    ({"quantiles": [{"level": 0.5, "value": 8e4}, {"level": 0.5, "value": 8e4}]}, "quantiles"),
    ({"quantiles": [{"level": 0, "value": 8e4}]}, "quantiles"),
    ({"quantiles": [{"level": 1, "value": 8e4}]}, "quantiles"),
    ({"quantiles": [{"level": 1.5, "value": 8e4}]}, "quantiles"),
    ({"quantiles": [{"level": 0.5}]}, "quantiles"),
    ({"quantiles": [{"level": 0.5, "value": 2e5}]}, "quantiles"),
    ({"quantiles": "5/25/50"}, "quantiles"),
    ({"quantiles": []}, "quantiles"),
    ({"value": 8e4, "quantiles": [{"level": 0.5, "value": 7e4}]}, "quantiles"),
    ({"probability": 0.6}, "probability"),
    ({}, "value"),
]


@pytest.mark.parametrize(("body", "field"), BAD_FORECASTS)
def test_a_bad_numeric_forecast_is_a_400_naming_the_field(
    client_for, editor, author, troops, body, field
):
    response = post_forecast(client_for(editor), question="troops", **body)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert not Forecast.objects.exists()
    assert not ForecastQuantile.objects.exists()


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_a_number_beyond_any_float_is_a_400(client_for, editor, author, troops, number):
    body = (
        '{"question": "troops", "author": "ada-pundit", "stated_at": "2025-03-01T09:00:00Z", '
        f'"value": {number}}}'
    )
    response = client_for(editor).post("/api/forecasts/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    # JSON has no NaN or Infinity (the parser says so); 1e400 parses, and is refused by name.
    assert "value" in response.json() if "e" in number else "detail" in response.json()
    assert not Forecast.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": 80_000}, "value"),
        ({"value": "2025/06/15"}, "value"),
        ({"interval": {"lower": "2025-09-01", "upper": "2025-04-01", "coverage": 0.5}}, "interval"),
        ({"quantiles": [{"level": 0.5, "value": "2024-06-01"}]}, "quantiles"),  # before the low end
    ],
)
def test_a_bad_date_forecast_is_a_400_naming_the_field(
    client_for, editor, author, ceasefire, body, field
):
    response = post_forecast(client_for(editor), question="ceasefire", **body)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert not Forecast.objects.exists()


@pytest.mark.parametrize("body", [{"value": 3}, {"quantiles": [{"level": 0.5, "value": 3}]}])
def test_values_on_a_binary_question_are_a_400(client_for, editor, author, question, body):
    response = post_forecast(client_for(editor), question=question.slug, probability=0.6, **body)
    assert response.status_code == 400
    assert set(body) & set(response.json()), response.json()
    assert not Forecast.objects.exists()


def test_the_interval_error_names_its_part(client_for, editor, author, troops):
    response = post_forecast(
        client_for(editor),
        question="troops",
        interval={"lower": 90_000, "upper": 70_000, "coverage": 0.8},
    )
    assert "upper" in response.json()["interval"]


# --- resolutions -------------------------------------------------------------


def resolve(client, slug, **body):
    base = {"outcome": "value", "outcome_known_at": "2025-03-01T10:00:00Z"}
    base["evidence_url"] = builders.EVIDENCE_URL
    return client.post(f"/api/questions/{slug}/resolve/", {**base, **body}, format="json")


def test_a_value_beyond_the_closed_end_resolves_to_it(client_for, resolver, troops):
    response = resolve(client_for(resolver), "troops", value=120_000)
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert (shown["value"], shown["reported_value"], shown["clamped"]) == (100_000, 120_000, True)
    assert "closed high end" in shown["evidence_note"]
    listed = client_for(resolver).get("/api/questions/troops/").json()
    assert listed["current_resolution"]["value"] == 100_000


def test_a_date_question_resolves_with_an_iso_date(client_for, resolver, ceasefire):
    response = resolve(client_for(resolver), "ceasefire", value="2025-02-14")
    assert response.status_code == 201, response.json()
    assert (response.json()["value"], response.json()["clamped"]) == ("2025-02-14", False)
    assert Resolution.objects.get().value == day_number(date(2025, 2, 14))


def test_a_value_resolution_is_corrected(client_for, resolver, troops):
    resolve(client_for(resolver), "troops", value=80_000)
    response = client_for(resolver).post(
        "/api/questions/troops/correct/",
        {
            "outcome": "value",
            "value": 81_000,
            "outcome_known_at": "2025-03-01T10:00:00Z",
            "reason": "Revised count.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["value"] == 81_000
    assert response.json()["is_correction"]


@pytest.mark.parametrize(
    ("slug", "body", "field"),
    [
        ("troops", {"value": "many"}, "value"),
        ("troops", {"value": None}, "value"),
        ("troops", {"value": "2025-02-14"}, "value"),
        ("troops", {"outcome": "yes"}, "outcome"),
        ("ceasefire", {"value": 20_000}, "value"),
        ("will-it-happen", {"outcome": "yes", "value": 3}, "value"),
    ],
)
def test_a_bad_value_outcome_is_a_400_naming_the_field(
    client_for, resolver, troops, ceasefire, question, slug, body, field
):
    response = resolve(client_for(resolver), slug, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert not Resolution.objects.exists()


# --- the schema --------------------------------------------------------------


def test_the_schema_documents_values_intervals_quantiles_and_ranges(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    value_types = [{"type": "number"}, {"type": "string", "format": "date"}]
    forecast = schema["Forecast"]["properties"]
    assert forecast["value"]["oneOf"] == value_types
    assert forecast["interval"]["allOf"] == [{"$ref": "#/components/schemas/Interval"}]
    assert set(schema["Interval"]["properties"]) == {"lower", "upper", "coverage"}
    assert forecast["quantiles"]["items"] == {"$ref": "#/components/schemas/Quantile"}
    assert schema["Quantile"]["properties"]["value"]["oneOf"] == value_types
    assert set(schema["QuantileRequest"]["required"]) == {"level", "value"}
    assert set(schema["Range"]["properties"]) == {
        "low",
        "high",
        "low_closed",
        "high_closed",
        "log_scale",
    }
    assert {"unit", "range"} <= set(schema["Question"]["properties"])
    assert {"unit", "range"} <= set(schema["QuestionCreateRequest"]["properties"])
    assert "value" in schema["ResolveRequest"]["properties"]
    assert {"value", "reported_value", "clamped"} <= set(schema["Resolution"]["properties"])
    assert "numeric" in schema["AuthorScorecard"]["properties"]
    assert "normalised" in schema["QuantityScore"]["properties"]

"""Numeric and date questions in the CSV import and the forecast export: values, intervals
with their coverage, quantiles and value outcomes, refused row by row and field by field,
and an export that imports back to the same forecasts."""

import json
from datetime import UTC, date, datetime

import pytest

from forecasts import ledger
from forecasts.models import Forecast, ForecastQuantile, Question, Resolution
from forecasts.models.quantity import day_number
from forecasts.transfer.imports import ImportFailed, import_forecasts
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "question,author,stated_at,value,value_low,value_high,coverage,quantiles,quote\n"
STATED = "2025-03-01T08:00:00Z"


@pytest.fixture
def frozen_at() -> datetime:
    """While the questions are open (they close 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def troops(db):
    """US troops in Europe: a count, closed at 0 below, open above."""
    return builders.question(
        "troops",
        kind=Question.Kind.NUMERIC,
        unit="troops",
        range_low=0.0,
        range_high=150_000.0,
        range_low_closed=True,
    )


@pytest.fixture
def ceasefire(db):
    """When a ceasefire is agreed: a date question with a closed upper end."""
    return builders.question(
        "ceasefire",
        kind=Question.Kind.DATE,
        range_low=day_number(date(2025, 1, 1)),
        range_high=day_number(date(2027, 12, 31)),
        range_high_closed=True,
    )


def _row(question: str = "troops", **cells: str) -> str:
    columns = HEADER.strip().split(",")
    values = {"question": question, "author": "ada-pundit", "stated_at": STATED, **cells}
    return HEADER + ",".join(f'"{values.get(c, "")}"' for c in columns) + "\n"


def _refused(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as failed:
        import_forecasts(text)
    assert Forecast.objects.count() == 0
    assert ForecastQuantile.objects.count() == 0
    return [(e.line, e.field) for e in failed.value.errors]


def test_it_imports_a_point_an_interval_and_quantiles(troops, author):
    text = (
        HEADER
        + f"troops,ada-pundit,{STATED},85000,70000,90000,0.675,,likely between 70000 and 90000\n"
        + 'troops,ada-pundit,2025-03-01T09:00:00Z,,,,,"0.05:60000;0.5:82000;0.95:1e5",\n'
    )

    assert import_forecasts(text) == 2

    interval, quantiles = Forecast.objects.order_by("stated_at")
    assert (interval.value, interval.value_low, interval.value_high, interval.coverage) == (
        85_000.0,
        70_000.0,
        90_000.0,
        0.675,
    )
    assert interval.probability is None and not interval.quantiles.exists()
    assert list(quantiles.quantiles.values_list("level", "value")) == [
        (0.05, 60_000.0),
        (0.5, 82_000.0),
        (0.95, 100_000.0),
    ]


def test_an_interval_without_coverage_takes_the_scales_point_for_the_hedge(troops, author):
    import_forecasts(
        "question,author,stated_at,value_low,value_high,phrase,scale,interval_low,"
        "interval_high,scale_point\n"
        f"troops,ada-pundit,{STATED},70000,90000,likely,icd203,0.55,0.8,0.675\n"
    )

    forecast = Forecast.objects.get()
    assert (forecast.coverage, forecast.scale_point, forecast.phrase) == (0.675, 0.675, "likely")


def test_it_reads_a_date_questions_values_as_iso_dates(ceasefire, author):
    import_forecasts(
        _row(
            "ceasefire",
            value_low="2025-09-01",
            value_high="2026-05-31",
            coverage="0.8",
            quantiles="0.5:2026-01-15T12:00:00+00:00",
        )
    )

    forecast = Forecast.objects.get()
    assert forecast.value_low == day_number(date(2025, 9, 1))
    assert forecast.value_high == day_number(date(2026, 5, 31))
    assert forecast.quantiles.get().value == day_number(date(2026, 1, 15)) + 0.5


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"value": "NaN"}, "value"),
        ({"value": "Infinity"}, "value"),
        ({"value": "80,000"}, "value"),
        ({"value": "1e400"}, "value"),
        ({"value": "-5"}, "value"),  # below the closed lower end, 0
        ({"value_low": "90000", "value_high": "70000", "coverage": "0.8"}, "value_high"),
        ({"value_low": "70000", "value_high": "90000"}, "coverage"),
        ({"value_low": "70000", "coverage": "0.8"}, "value_high"),
        ({"value_low": "70000", "value_high": "90000", "coverage": "1"}, "coverage"),
        ({"value_low": "70000", "value_high": "90000", "coverage": "0"}, "coverage"),
        ({"value_low": "70000", "value_high": "90000", "coverage": "80%"}, "coverage"),
        (
            {"value": "95000", "value_low": "70000", "value_high": "90000", "coverage": "0.8"},
            "value",
        ),
        ({"quantiles": "0.05:90000;0.95:70000"}, "quantiles"),
        ({"quantiles": "0:1;0.5:2"}, "quantiles"),
        ({"quantiles": "0.5:1;1:2"}, "quantiles"),
        ({"quantiles": "0.5:1;0.5:2"}, "quantiles"),
        ({"quantiles": "0.5=80000"}, "quantiles"),
        ({"quantiles": "0.5:NaN"}, "quantiles"),
        ({"quantiles": "0.25:-1;0.5:2"}, "quantiles"),
        ({}, "value"),
    ],
)
def test_it_refuses_a_bad_numeric_forecast_naming_the_row_and_field(troops, author, cells, field):
    good = "troops,ada-pundit,2025-03-01T07:00:00Z,80000,,,,,fine\n"

    assert _refused(_row(**cells) + good) == [(2, field)]


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"value": "2026-02-30"}, "value"),
        ({"value": "20260101"}, "value"),
        ({"value": "2026-01-01T00:00:00"}, "value"),  # no offset
        ({"value": "2028-01-01"}, "value"),  # beyond the closed upper end
        ({"quantiles": "0.1:2026-06-01;0.9:2026-01-01"}, "quantiles"),
    ],
)
def test_it_refuses_a_bad_date_forecast(ceasefire, author, cells, field):
    assert _refused(_row("ceasefire", **cells)) == [(2, field)]


def test_it_refuses_a_probability_on_a_numeric_question_and_values_on_a_binary_one(
    troops, question, author
):
    text = (
        "question,author,stated_at,probability,value\n"
        f"troops,ada-pundit,{STATED},0.7,\n"
        f"will-it-happen,ada-pundit,{STATED},,0.7\n"
        f"will-it-happen,ada-pundit,2025-03-01T09:00:00Z,0.7,\n"
    )

    assert _refused(text) == [(2, "probability"), (3, "value")]


@pytest.mark.parametrize(
    "written",
    [
        "80000",
        "-0",
        "2.5e4",
        "1E-1",
        ".5",
        "1.",
        "+5",
        "05",
        "8_0",
        "٨٠",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "-3",
    ],
)
def test_it_takes_a_value_exactly_when_the_api_does(client_for, editor, troops, author, written):
    """The same characters, as a JSON number and as a CSV cell: both taken or both refused."""
    body = (
        '{"question": "troops", "author": "ada-pundit", '
        f'"stated_at": "2025-03-01T08:00:00Z", "value": {written}}}'
    )
    api = client_for(editor).generic(
        "POST", "/api/forecasts/", body.encode(), content_type="application/json"
    )
    try:
        import_forecasts(_row(value=written, stated_at="2025-03-01T09:00:00Z"))
        csv_took = True
    except ImportFailed:
        csv_took = False

    assert api.status_code in (201, 400)
    assert csv_took == (api.status_code == 201)


def _snapshot() -> list[tuple]:
    """The forecasts as the ledger holds them, apart from their ids and recording times."""
    return sorted(
        (
            f.question.slug,
            f.author.slug,
            f.source.slug if f.source else None,
            f.stated_at,
            f.probability,
            f.value,
            f.value_low,
            f.value_high,
            f.coverage,
            tuple(f.quantiles.values_list("level", "value")),
            tuple(f.option_probabilities.values_list("option__label", "probability")),
            f.quote,
            f.phrase,
            f.scale,
            f.interval_low,
            f.interval_high,
            f.scale_point,
            f.conversion_note,
        )
        for f in Forecast.objects.select_related("question", "author", "source")
    )


def test_an_export_imports_back_into_an_emptied_ledger_as_the_same_forecasts(
    troops, ceasefire, question, choice_question, author, source, client_for, editor
):
    text = (
        "question,author,stated_at,source,probability,option_probabilities,value,value_low,"
        "value_high,coverage,quantiles,quote,phrase,scale,interval_low,interval_high,"
        "scale_point,conversion_note\n"
        "troops,ada-pundit,2024-11-12T00:00:00Z,what-next,,,85000,70000,90000,0.675,,"
        '"=likely, between 70,000 and 90,000",likely,icd203,0.55,0.8,0.675,"-the hedge"\n'
        "growth,ada-pundit,2025-01-12T00:00:00Z,what-next,,,,,,,"
        '"0.1:-12.5;0.5:0.1;0.9:3.3333333333333335",,,,,,,\n'
        "ceasefire,ada-pundit,2024-11-12T00:00:00Z,what-next,,,2026-03-01T06:00:00+00:00,"
        "2025-09-01,2026-05-31,0.9,,,,,,,,\n"
        "will-it-happen,ada-pundit,2024-11-12T00:00:00Z,what-next,0.3,,,,,,,@quote,,,,,,\n"
        "who-wins,ada-pundit,2024-11-12T00:00:00Z,what-next,,Red=0.2;Blue=0.5;Green=0.3,"
        ",,,,,,,,,,,\n"
    )
    builders.question("growth", kind=Question.Kind.NUMERIC, unit="%")
    import_forecasts(text)
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=datetime(2025, 2, 1, tzinfo=UTC),
        evidence_url="https://example.org/yes",
    )
    before = _snapshot()
    exported = client_for(editor).get("/api/forecasts/export.csv")
    body = b"".join(exported.streaming_content).decode()
    assert "'=likely, between" in body and "'-the hedge" in body  # formulas stay neutralised

    ledger.allow_forecast_writes()
    Forecast.objects.all().delete()
    import_forecasts(body)

    assert _snapshot() == before


def test_the_export_carries_the_question_the_values_and_the_value_outcome(
    troops, ceasefire, author, source, client_for, editor
):
    import_forecasts(
        "question,author,stated_at,source,value,value_low,value_high,coverage\n"
        "ceasefire,ada-pundit,2024-11-12T00:00:00Z,what-next,2026-03-01,2025-09-01,2026-05-31,0.9\n"
    )
    builders.raw_resolution(
        ceasefire,
        Resolution.Outcome.VALUE,
        known_at=datetime(2025, 3, 1, tzinfo=UTC),
        value=day_number(date(2027, 12, 31)),
        reported_value=day_number(date(2028, 3, 1)),
        evidence_url="https://example.org/ceasefire",
    )

    exported = client_for(editor).get("/api/forecasts/export.json")
    [row] = json.loads(b"".join(exported.streaming_content))

    assert {
        k: row[k] for k in ("question_kind", "range_low", "range_high", "range_high_closed")
    } == {
        "question_kind": "date",
        "range_low": "2025-01-01",
        "range_high": "2027-12-31",
        "range_high_closed": True,
    }
    assert (row["value"], row["value_low"], row["value_high"], row["coverage"]) == (
        "2026-03-01",
        "2025-09-01",
        "2026-05-31",
        0.9,
    )
    assert (row["outcome"], row["outcome_value"], row["outcome_reported_value"]) == (
        "value",
        "2027-12-31",
        "2028-03-01",
    )

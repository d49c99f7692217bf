"""Numeric and date forecasts: a point, an interval with its coverage, quantiles; each
bad value refused with the field named and nothing written."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Forecast, ForecastQuantile, Question
from forecasts.models.quantity import day_number
from tests import builders
from tests.builders import quantities as q

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

STATED = datetime(2024, 11, 12, tzinfo=UTC)


def record(question, author, source, **values):
    return ledger.forecast_create(
        question=question, author=author, source=source, stated_at=STATED, **values
    )


def refused(field: str, question, author, source, **values) -> str:
    """Record, expect a refusal naming ``field``, check nothing was written; the message."""
    with pytest.raises(ValidationError) as caught:
        record(question, author, source, **values)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not Forecast.objects.exists()
    assert not ForecastQuantile.objects.exists()
    return " ".join(caught.value.message_dict[field])


def test_a_point_an_interval_and_quantiles_are_recorded_as_stated(author, source):
    question = q.numeric_question()
    forecast = record(
        question,
        author,
        source,
        value=80_000,
        value_low=70_000,
        value_high=90_000,
        coverage=0.8,
        quantiles=[(0.95, 100_000), (0.05, 60_000), (0.5, 80_000)],
    )
    stored = Forecast.objects.get(pk=forecast.pk)
    assert (stored.value, stored.value_low, stored.value_high, stored.coverage) == (
        80_000,
        70_000,
        90_000,
        0.8,
    )
    assert stored.probability is None
    assert list(stored.quantiles.values_list("level", "value")) == [
        (0.05, 60_000),
        (0.5, 80_000),
        (0.95, 100_000),
    ]


def test_a_hedged_interval_takes_the_scales_point_as_its_coverage(author, source):
    question = q.numeric_question()
    forecast = record(
        question,
        author,
        source,
        value_low=70_000,
        value_high=90_000,
        phrase="likely",
        scale="icd203",
        interval=(0.55, 0.8),
        scale_point=0.7,
    )
    assert forecast.coverage == 0.7
    assert (forecast.phrase, forecast.scale, forecast.scale_point) == ("likely", "icd203", 0.7)


def test_a_stated_coverage_wins_over_the_scales_point(author, source):
    forecast = record(
        q.numeric_question(),
        author,
        source,
        value_low=70_000,
        value_high=90_000,
        coverage=0.9,
        phrase="likely",
        scale_point=0.7,
    )
    assert forecast.coverage == 0.9


def test_a_date_question_stores_day_numbers(author, source):
    question = q.date_question()
    forecast = q.value_forecast(
        question,
        author,
        source=source,
        stated_at=STATED,
        value_low=date(2025, 3, 1),
        value_high=date(2025, 9, 1),
        coverage=0.5,
    )
    assert forecast.value_low == day_number(date(2025, 3, 1))
    assert forecast.value_high == day_number(date(2025, 9, 1))


NAN = float("nan")


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"value": NAN}, "value", "NaN"),
        ({"value": float("inf")}, "value", "infinity"),
        ({"value": "80000"}, "value", "Enter a number"),
        ({"value": True}, "value", "Enter a number"),
        ({"value": -5}, "value", "below the closed low end"),
        ({"value_low": 90_000, "value_high": 70_000, "coverage": 0.8}, "value_high", "below"),
        ({"value_low": 70_000, "coverage": 0.8}, "value_high", "both ends"),
        ({"value_high": 70_000, "coverage": 0.8}, "value_low", "both ends"),
        ({"value_low": 70_000, "value_high": 90_000}, "coverage", "how sure"),
        ({"value_low": 70_000, "value_high": 90_000, "coverage": 1.0}, "coverage", "strictly"),
        ({"value_low": 70_000, "value_high": 90_000, "coverage": 0}, "coverage", "strictly"),
        ({"value_low": 70_000, "value_high": 90_000, "coverage": 1.2}, "coverage", "between"),
        ({"value_low": 70_000, "value_high": 90_000, "coverage": NAN}, "coverage", "NaN"),
        ({"value": 80_000, "coverage": 0.8}, "coverage", "belongs to an interval"),
        (
            {"value": 95_000, "value_low": 70_000, "value_high": 90_000, "coverage": 0.8},
            "value",
            "inside the interval",
        ),
        ({"quantiles": [(0.05, 90_000), (0.95, 70_000)]}, "quantiles", "must not decrease"),
        ({"quantiles": [(0.5, 80_000), (0.5, 80_000)]}, "quantiles", "given twice"),
        ({"quantiles": [(0.0, 70_000), (0.5, 80_000)]}, "quantiles", "strictly between"),
        ({"quantiles": [(1.0, 70_000)]}, "quantiles", "strictly between"),
        ({"quantiles": [(1.5, 70_000)]}, "quantiles", "between 0 and 1"),
        ({"quantiles": [(0.5, NAN)]}, "quantiles", "NaN"),
        ({"quantiles": [(0.5, -1)]}, "quantiles", "closed low end"),
        ({"quantiles": []}, "quantiles", "list"),
        ({"quantiles": [(0.5,)]}, "quantiles", "pair"),
        (
            {"value": 80_000, "quantiles": [(0.5, 75_000)]},
            "quantiles",
            "agree",
        ),
        (
            {
                "value_low": 70_000,
                "value_high": 90_000,
                "coverage": 0.9,
                "quantiles": [(0.25, 95_000)],
            },
            "quantiles",
            "agree",
        ),
        ({}, "value", "Give a point"),
        ({"probability": 0.5}, "probability", "takes values"),
        ({"probability": 0.5, "value": 3}, "probability", "takes values"),
    ],
)
def test_bad_values_are_refused_naming_the_field(author, source, values, field, words):
    question = q.numeric_question()
    assert words in refused(field, question, author, source, **values)


def test_a_closed_high_end_refuses_values_above_it(author, source):
    question = q.numeric_question(range_high_closed=True)
    words = refused(
        "value_high", question, author, source, value_low=1, value_high=250_000, coverage=0.5
    )
    assert "closed high end" in words


def test_a_log_scale_refuses_values_at_or_below_zero(author, source):
    question = q.numeric_question(range_low=1.0, range_low_closed=False, log_scale=True)
    assert "above zero" in refused("value", question, author, source, value=0)
    assert "above zero" in refused("quantiles", question, author, source, quantiles=[(0.5, -3)])


def test_an_open_end_takes_values_beyond_it(author, source):
    question = q.numeric_question()
    assert record(question, author, source, value=250_000).value == 250_000


@pytest.mark.parametrize("field", ["value", "value_low", "quantiles", "coverage"])
def test_a_yes_no_question_takes_no_values(question, author, source, field):
    values = {"value": 1.0, "value_low": 1.0, "quantiles": [(0.5, 1.0)], "coverage": 0.5}
    with pytest.raises(ValidationError) as caught:
        record(question, author, source, probability=0.5, **{field: values[field]})
    assert "Only numeric and date questions" in caught.value.message_dict[field][0]
    assert not Forecast.objects.exists()


def test_a_reading_of_words_is_refused_on_a_numeric_question(author, source):
    question = q.numeric_question()
    with pytest.raises(ValidationError) as caught:
        record(question, author, source, value=3, stated_probability=0.7, question_agrees=True)
    assert "stated_probability" in caught.value.message_dict


def test_a_forecast_after_the_close_is_refused(author, source):
    question = q.numeric_question(closes_at=datetime(2024, 11, 10, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        record(question, author, source, value=3)
    assert "stated_at" in caught.value.message_dict


def test_a_forecast_after_the_outcome_was_known_is_refused(author, source):
    question = q.numeric_question()
    q.resolve_value(question, 80_000, known_at=datetime(2024, 11, 5, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        record(question, author, source, value=3)
    assert "already known" in caught.value.message_dict["stated_at"][0]


def test_a_numeric_question_rescores_on_a_new_forecast(
    author, source, django_capture_on_commit_callbacks
):
    question = q.numeric_question()
    with django_capture_on_commit_callbacks() as callbacks:
        record(question, author, source, value=3)
    assert len(callbacks) == 1


@pytest.mark.postgres
def test_the_database_refuses_to_change_a_stored_quantile(author, source):
    from django.db import IntegrityError, transaction

    forecast = record(q.numeric_question(), author, source, quantiles=q.quantiles([1, 2, 3, 4, 5]))
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        ForecastQuantile.objects.filter(forecast=forecast).update(value=9)
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        ForecastQuantile.objects.filter(forecast=forecast).delete()
    assert sorted(forecast.quantiles.values_list("value", flat=True)) == [1, 2, 3, 4, 5]


def test_builders_make_valid_questions():
    assert q.numeric_question().kind == Question.Kind.NUMERIC
    made = q.date_question()
    assert made.range_low == day_number(q.DATE_LOW)
    assert builders.question("plain").kind == Question.Kind.BINARY

"""Forecasts: recorded only if they could not have been hindsight, corrected only with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Forecast, ForecastCorrection, Question
from tests import builders

STATED = datetime(2024, 11, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def create(question, author, source, **overrides):
    fields = {
        "question": question,
        "author": author,
        "source": source,
        "stated_at": STATED,
        "probability": 0.7,
    }
    fields.update(overrides)
    return ledger.forecast_create(**fields)


def test_it_records_a_forecast_with_server_time(question, author, source):
    forecast = create(
        question, author, source, phrase="likely", scale="icd203", interval=(0.55, 0.8)
    )
    assert forecast.recorded_at == NOW
    assert (forecast.interval_low, forecast.interval_high) == (0.55, 0.8)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "between 0 and 1"),
        (-0.1, "between 0 and 1"),
        (float("nan"), "NaN"),
        (float("inf"), "NaN or infinity"),
        ("0.5", "Enter a number"),
        (True, "Enter a number"),
        (None, "required"),
    ],
)
def test_it_rejects_a_bad_probability_naming_the_field(question, author, source, value, message):
    with pytest.raises(ValidationError) as caught:
        create(question, author, source, probability=value)
    assert message in " ".join(caught.value.message_dict["probability"])
    assert not Forecast.objects.exists()


def test_it_rejects_a_forecast_stated_after_close(question, author, source):
    with pytest.raises(ValidationError) as caught:
        create(question, author, source, stated_at=question.closes_at + timedelta(minutes=1))
    assert "closed" in caught.value.message_dict["stated_at"][0]


def test_it_rejects_a_forecast_stated_in_the_future(question, author, source):
    with pytest.raises(ValidationError) as caught:
        create(question, author, source, stated_at=NOW + timedelta(hours=1))
    assert "future" in caught.value.message_dict["stated_at"][0]


def test_it_rejects_a_historical_claim_without_a_dated_source(question, author, source):
    source.published_on = None
    source.save()
    with pytest.raises(ValidationError) as caught:
        create(question, author, source)
    assert "source" in caught.value.message_dict
    with pytest.raises(ValidationError):
        create(question, author, None)


def test_it_rejects_a_forecast_stated_after_the_outcome_was_known(
    question, author, source, resolver
):
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=1),
        evidence_note="It happened.",
        by=resolver,
    )
    with pytest.raises(ValidationError) as caught:
        create(question, author, source, stated_at=STATED + timedelta(days=2))
    assert "already known" in caught.value.message_dict["stated_at"][0]


def test_it_allows_a_historical_claim_stated_before_the_outcome(question, author, source, resolver):
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=1),
        evidence_note="It happened.",
        by=resolver,
    )
    forecast = create(question, author, source, stated_at=STATED)
    assert forecast.recorded_at > question.resolutions.get().outcome_known_at


def test_it_rejects_a_forecast_on_a_draft_question(question, author, source):
    Question.objects.filter(pk=question.pk).update(state=Question.State.DRAFT)
    with pytest.raises(ValidationError) as caught:
        create(question, author, source)
    assert "draft" in caught.value.message_dict["question"][0]


def test_it_takes_one_probability_per_option_summing_to_one(choice_question, author, source):
    forecast = create(
        choice_question, author, source, probability=None, option_probabilities=[0.2, 0.5, 0.3]
    )
    assert [p.probability for p in forecast.option_probabilities.all()] == [0.2, 0.5, 0.3]


@pytest.mark.parametrize(
    "given",
    [[0.2, 0.5, 0.2], [0.5, 0.5], [0.2, 0.5, 0.3, 0.0], [0.2, float("nan"), 0.8], [1.2, -0.2, 0.0]],
)
def test_it_rejects_bad_option_probabilities(choice_question, author, source, given):
    with pytest.raises(ValidationError) as caught:
        create(choice_question, author, source, probability=None, option_probabilities=given)
    assert "option_probabilities" in caught.value.message_dict
    assert not Forecast.objects.exists()


def test_it_corrects_a_typo_in_a_forecast_with_an_audit_row(question, author, source, editor):
    forecast = create(question, author, source, probability=0.07)
    ledger.forecast_correct(
        forecast=forecast, changes={"probability": 0.7}, reason="Typed 0.07.", by=editor
    )
    forecast.refresh_from_db()
    audit = ForecastCorrection.objects.get(forecast=forecast)
    assert forecast.probability == 0.7
    assert (audit.field, audit.old_value, audit.new_value, audit.corrected_by) == (
        "probability",
        "0.07",
        "0.7",
        editor,
    )


def test_it_refuses_a_correction_without_a_reason_or_to_an_invalid_value(
    question, author, source, editor
):
    forecast = create(question, author, source)
    with pytest.raises(ValidationError) as caught:
        ledger.forecast_correct(
            forecast=forecast, changes={"probability": 0.5}, reason="", by=editor
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        ledger.forecast_correct(
            forecast=forecast, changes={"probability": 2.0}, reason="x", by=editor
        )
    assert "probability" in caught.value.message_dict
    with pytest.raises(ValidationError):
        ledger.forecast_correct(forecast=forecast, changes={"author": None}, reason="x", by=editor)
    forecast.refresh_from_db()
    assert forecast.probability == 0.7 and not ForecastCorrection.objects.exists()


def test_it_refuses_a_second_forecast_by_the_author_at_the_same_moment(question, author, source):
    create(question, author, source, probability=0.2)

    with pytest.raises(ValidationError) as caught:
        create(question, author, source, probability=0.8)

    message = caught.value.message_dict["stated_at"][0]
    assert "Ada Pundit already has a forecast on this question stated at 2024-11-12" in message
    assert list(Forecast.objects.values_list("probability", flat=True)) == [0.2]


def test_it_takes_another_authors_forecast_or_a_later_one_at_the_same_moment(
    question, author, source
):
    other = builders.author("Bo Analyst")
    create(question, author, source, probability=0.2)

    create(question, other, source, probability=0.8)
    create(question, author, source, probability=0.3, stated_at=STATED + timedelta(seconds=1))

    assert Forecast.objects.count() == 3


def test_it_refuses_a_correction_that_lands_on_another_forecasts_moment(question, author, source):
    create(question, author, source, probability=0.2)
    later = create(question, author, source, probability=0.8, stated_at=STATED + timedelta(days=1))

    with pytest.raises(ValidationError) as caught:
        ledger.forecast_correct(
            forecast=later, changes={"stated_at": STATED}, reason="Wrong day.", by=None
        )

    assert "already has a forecast" in caught.value.message_dict["stated_at"][0]
    later.refresh_from_db()
    assert later.stated_at == STATED + timedelta(days=1)

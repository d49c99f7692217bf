"""Ledger services: every write that spans models, and the rules that protect a record."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Forecast, ForecastCorrection, Question, Resolution

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


def test_it_resolves_a_question_and_keeps_history_on_correction(question, resolver):
    first = ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=3),
        evidence_url="https://example.org/yes",
        by=resolver,
    )
    second = ledger.resolution_correct(
        question=question,
        outcome="no",
        outcome_known_at=STATED + timedelta(days=4),
        evidence_url="https://example.org/no",
        reason="Misread the report.",
        by=resolver,
    )
    first.refresh_from_db()
    question.refresh_from_db()
    assert not first.is_current and second.is_current and second.supersedes == first
    assert question.state == Question.State.RESOLVED
    assert question.resolution_changed_at == NOW
    assert Resolution.objects.filter(question=question).count() == 2


def test_it_refuses_to_resolve_twice_or_without_evidence(question, resolver):
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question, outcome="yes", outcome_known_at=STATED, by=resolver
        )
    assert "evidence_url" in caught.value.message_dict
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED,
        evidence_note="Seen.",
        by=resolver,
    )
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="no",
            outcome_known_at=STATED,
            evidence_note="Seen.",
            by=resolver,
        )
    assert "correction" in caught.value.message_dict["question"][0]


def test_it_refuses_an_outcome_that_does_not_fit_the_question(question, choice_question, resolver):
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="option",
            outcome_known_at=STATED,
            evidence_note="x",
            by=resolver,
        )
    assert "outcome" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=choice_question,
            outcome="option",
            option=None,
            outcome_known_at=STATED,
            evidence_note="x",
            by=resolver,
        )
    assert "option" in caught.value.message_dict


def test_it_refuses_an_outcome_known_in_the_future(question, resolver):
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="yes",
            outcome_known_at=NOW + timedelta(days=1),
            evidence_note="x",
            by=resolver,
        )
    assert "outcome_known_at" in caught.value.message_dict


@pytest.fixture
def conditional(question):
    return Question.objects.create(
        title="If it happens, will it last?",
        slug="will-it-last",
        resolution_criteria="Lasts a year.",
        opens_at=question.opens_at,
        closes_at=question.closes_at,
        resolve_by=question.resolve_by + timedelta(days=365),
        condition_question=question,
        condition_outcome="yes",
    )


def test_it_annuls_a_conditional_question_when_its_condition_fails(question, conditional, resolver):
    ledger.question_resolve(
        question=question,
        outcome="no",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="Did not happen.",
        by=resolver,
    )
    conditional.refresh_from_db()
    annulment = conditional.resolutions.get(is_current=True)
    assert conditional.state == Question.State.ANNULLED
    assert annulment.is_automatic and "Condition not met" in annulment.reason


def test_it_reopens_an_automatically_annulled_question_when_the_condition_is_corrected(
    question, conditional, resolver
):
    ledger.question_resolve(
        question=question,
        outcome="no",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="Did not happen.",
        by=resolver,
    )
    ledger.resolution_correct(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="It did, after all.",
        reason="Wrong report.",
        by=resolver,
    )
    conditional.refresh_from_db()
    assert conditional.state == Question.State.LIVE
    assert not conditional.resolutions.filter(is_current=True).exists()
    assert conditional.resolutions.count() == 1  # the withdrawn annulment stays in history


def test_it_leaves_a_conditional_question_open_when_its_condition_holds(
    question, conditional, resolver
):
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="It happened.",
        by=resolver,
    )
    conditional.refresh_from_db()
    assert conditional.state == Question.State.LIVE


def test_it_annuls_with_a_reason_and_then_takes_no_forecasts(question, author, source, resolver):
    with pytest.raises(ValidationError):
        ledger.question_annul(question=question, reason="  ", by=resolver)
    ledger.question_annul(question=question, reason="Ambiguous wording.", by=resolver)
    with pytest.raises(ValidationError) as caught:
        create(question, author, source)
    assert "annulled" in caught.value.message_dict["question"][0]


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


def test_it_approves_a_draft_only_once(question):
    Question.objects.filter(pk=question.pk).update(state=Question.State.DRAFT)
    ledger.question_approve(question=question)
    question.refresh_from_db()
    assert question.state == Question.State.LIVE
    with pytest.raises(ValidationError):
        ledger.question_approve(question=question)

"""Numeric and date questions: created with a unit and a range, resolved with a value
(clamped to a closed end, and saying so), corrected, and annulled by their condition."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import ForecastCorrection, Question, Resolution
from forecasts.models.quantity import day_number
from tests import builders
from tests.builders import quantities as q

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

KNOWN = datetime(2025, 9, 1, tzinfo=UTC)


def create(**fields):
    base = {
        "title": "How many US troops will be in Europe at the end of 2025?",
        "slug": "troops",
        "resolution_criteria": "Per the DoD's quarterly count.",
        "opens_at": builders.OPENS,
        "closes_at": builders.CLOSES,
        "resolve_by": builders.RESOLVE_BY,
        "kind": Question.Kind.NUMERIC,
    }
    return ledger.question_create(**{**base, **fields})


def test_a_numeric_question_is_created_with_its_unit_and_range():
    made = create(unit="troops", range_low=0, range_high=200_000, range_low_closed=True)
    stored = Question.objects.get(pk=made.pk)
    assert (stored.unit, stored.range_low, stored.range_high) == ("troops", 0, 200_000)
    assert (stored.range_low_closed, stored.range_high_closed, stored.log_scale) == (
        True,
        False,
        False,
    )


def test_a_log_scale_question_is_created_on_a_positive_range():
    made = create(range_low=1, range_high=1e6, log_scale=True)
    assert made.log_scale


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"range_low": 10, "range_high": 5}, "range_high", "above its low end"),
        ({"range_low": 5, "range_high": 5}, "range_high", "above its low end"),
        ({"range_low_closed": True}, "range_low", "needs a value"),
        ({"range_high_closed": True, "range_low": 1}, "range_high", "needs a value"),
        ({"range_low": float("nan"), "range_high": 5}, "range_low", "NaN"),
        ({"range_low": 0, "range_high": float("inf")}, "range_high", "infinity"),
        ({"range_low": "0", "range_high": 5}, "range_low", "Enter a number"),
        ({"log_scale": True, "range_low": 0, "range_high": 5}, "log_scale", "above zero"),
        ({"log_scale": True, "range_low": -1, "range_high": 5}, "log_scale", "above zero"),
        ({"log_scale": True}, "log_scale", "above zero"),
        (
            {"log_scale": True, "kind": "date", "range_low": 1, "range_high": 5},
            "log_scale",
            "numeric",
        ),
        ({"kind": "binary", "unit": "%"}, "unit", "Only numeric and date"),
        ({"kind": "binary", "range_low": 0}, "range_low", "Only numeric and date"),
        (
            {"kind": "multiple_choice", "options": ["a", "b"], "log_scale": True},
            "log_scale",
            "Only",
        ),
        ({"options": ["a", "b"]}, "options", "no options"),
        ({"unit": "x" * 41}, "unit", "no more than 40"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(fields, field, words):
    with pytest.raises(ValidationError) as caught:
        create(**fields)
    assert words in " ".join(caught.value.message_dict[field])
    assert not Question.objects.exists()


def test_a_condition_on_a_numeric_question_is_refused():
    parent = q.numeric_question()
    with pytest.raises(ValidationError) as caught:
        create(slug="child", kind="binary", condition_question=parent, condition_outcome="yes")
    assert "condition_question" in caught.value.message_dict


def test_the_kind_of_a_forecast_numeric_question_cannot_change(author, source):
    question = q.numeric_question()
    q.value_forecast(question, author, source=source, value=80_000)
    with pytest.raises(ValidationError) as caught:
        ledger.question_change_check(question=question, kind="binary", closes_at=None)
    assert "kind cannot change" in caught.value.message_dict["kind"][0]


# --- resolving ---------------------------------------------------------------


def test_it_resolves_with_a_value_and_evidence(resolver):
    question = q.numeric_question()
    resolution = q.resolve_value(question, 81_500, known_at=KNOWN, by=resolver)
    stored = Resolution.objects.get(pk=resolution.pk)
    assert (stored.outcome, stored.value, stored.reported_value) == ("value", 81_500, None)
    assert not stored.is_clamped
    assert Question.objects.get(pk=question.pk).state == Question.State.RESOLVED


def test_a_value_beyond_a_closed_end_resolves_to_the_bound_and_says_so(resolver):
    question = q.numeric_question(range_high=100_000, range_high_closed=True)
    resolution = q.resolve_value(
        question, 120_000, known_at=KNOWN, evidence_note="DoD count.", by=resolver
    )
    assert (resolution.value, resolution.reported_value) == (100_000, 120_000)
    assert resolution.is_clamped
    assert resolution.evidence_note.startswith("DoD count.")
    assert "120000 troops lies beyond the closed high end" in resolution.evidence_note
    assert "resolves to the bound, 100000 troops" in resolution.evidence_note


def test_a_date_beyond_a_closed_low_end_resolves_to_it():
    question = q.date_question(range_low_closed=True)
    resolution = q.resolve_value(question, date(2024, 10, 1), known_at=KNOWN)
    assert resolution.value == day_number(q.DATE_LOW)
    assert resolution.reported_value == day_number(date(2024, 10, 1))
    assert "2024-10-01 lies beyond the closed low end" in resolution.evidence_note
    assert "the bound, 2024-11-01" in resolution.evidence_note


def test_a_value_beyond_an_open_end_is_kept():
    question = q.numeric_question()
    resolution = q.resolve_value(question, 250_000, known_at=KNOWN)
    assert (resolution.value, resolution.reported_value) == (250_000, None)


@pytest.mark.parametrize(
    ("outcome", "value", "field", "words"),
    [
        ("value", None, "value", "Give the value"),
        ("value", float("nan"), "value", "NaN"),
        ("value", float("-inf"), "value", "infinity"),
        ("value", "81500", "value", "Enter a number"),
        ("yes", None, "outcome", "value"),
        ("option", None, "outcome", "value"),
    ],
)
def test_a_bad_outcome_is_refused_naming_the_field(resolver, outcome, value, field, words):
    question = q.numeric_question()
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome=outcome,
            value=value,
            outcome_known_at=KNOWN,
            evidence_url=builders.EVIDENCE_URL,
            by=resolver,
        )
    assert words in " ".join(caught.value.message_dict[field])
    assert not Resolution.objects.exists()


def test_a_yes_no_question_takes_no_value(question):
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="yes",
            value=3.0,
            outcome_known_at=KNOWN,
            evidence_url=builders.EVIDENCE_URL,
        )
    assert "value" in caught.value.message_dict
    assert not Resolution.objects.exists()


def test_a_log_scale_outcome_at_zero_is_refused():
    question = q.numeric_question(range_low=1, range_low_closed=False, log_scale=True)
    with pytest.raises(ValidationError) as caught:
        q.resolve_value(question, 0, known_at=KNOWN)
    assert "above zero" in caught.value.message_dict["value"][0]


def test_a_value_resolution_is_corrected_with_history_and_a_rescore(
    django_capture_on_commit_callbacks,
):
    question = q.numeric_question()
    first = q.resolve_value(question, 81_500, known_at=KNOWN)
    with django_capture_on_commit_callbacks() as callbacks:
        second = q.correct_value(question, 79_000, reason="Revised count.")
    assert len(callbacks) == 1
    assert second.value == 79_000
    assert second.supersedes_id == first.pk
    assert list(question.resolutions.filter(is_current=True)) == [second]
    assert Question.objects.get(pk=question.pk).resolution_changed_at is not None


def test_a_value_resolution_may_be_corrected_to_annulled():
    question = q.numeric_question()
    q.resolve_value(question, 81_500, known_at=KNOWN)
    ledger.question_annul(question=question, reason="The count was withdrawn.")
    assert Question.objects.get(pk=question.pk).state == Question.State.ANNULLED


# --- conditional numeric questions -------------------------------------------------


@pytest.fixture
def condition():
    return builders.question("withdrawal-announced")


@pytest.fixture
def conditional(condition):
    return q.numeric_question(
        "troops-if-withdrawal", condition_question=condition, condition_outcome="yes"
    )


def test_a_failed_condition_annuls_the_numeric_question_and_restores_its_clamped_value(
    condition, conditional
):
    conditional.range_high, conditional.range_high_closed = 100_000, True
    conditional.save()
    q.resolve_value(conditional, 120_000, known_at=KNOWN)
    builders.resolve(condition, "no", known_at=KNOWN)
    annulled = conditional.resolutions.get(is_current=True)
    assert annulled.is_annulled and annulled.is_automatic
    assert "Condition not met" in annulled.reason

    builders.correct(condition, "yes", reason="Misread the announcement.")
    restored = conditional.resolutions.get(is_current=True)
    assert (restored.outcome, restored.value, restored.reported_value) == (
        "value",
        100_000,
        120_000,
    )
    assert restored.evidence_note.count("lies beyond the closed high end") == 1
    assert Question.objects.get(pk=conditional.pk).state == Question.State.RESOLVED


def test_a_failed_condition_annuls_an_unresolved_numeric_question_then_reopens_it(
    condition, conditional
):
    builders.resolve(condition, "no", known_at=KNOWN)
    assert Question.objects.get(pk=conditional.pk).state == Question.State.ANNULLED
    builders.correct(condition, "yes")
    assert Question.objects.get(pk=conditional.pk).state == Question.State.LIVE
    assert q.resolve_value(conditional, 50_000, known_at=KNOWN).value == 50_000


# --- forecast corrections ----------------------------------------------------


@pytest.fixture
def stated(author, source):
    """A point of 80,000 inside an 80% interval of 70,000–90,000."""
    return q.value_forecast(
        q.numeric_question(),
        author,
        source=source,
        value=80_000,
        value_low=70_000,
        value_high=90_000,
        coverage=0.8,
    )


def test_a_mistyped_value_is_corrected_with_an_audit_row(stated, editor):
    builders.correct_forecast(stated, value=82_000, value_low=72_000, value_high=92_000, by=editor)
    stated.refresh_from_db()
    assert (stated.value, stated.value_low, stated.value_high) == (82_000, 72_000, 92_000)
    assert set(ForecastCorrection.objects.values_list("field", flat=True)) == {
        "value",
        "value_low",
        "value_high",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": 95_000}, "value"),  # outside the interval
        ({"coverage": 1.0}, "coverage"),
        ({"value_high": 60_000}, "value_high"),
        ({"value": -1}, "value"),  # below the closed low end
        ({"value": float("nan")}, "value"),
    ],
)
def test_a_bad_correction_is_refused_naming_the_field(stated, changes, field):
    with pytest.raises(ValidationError) as caught:
        builders.correct_forecast(stated, **changes)
    assert field in caught.value.message_dict
    assert not ForecastCorrection.objects.exists()


def test_values_cannot_be_given_to_a_yes_no_forecast_by_correction(question, author, source):
    forecast = builders.forecast(question, author, source=source)
    with pytest.raises(ValidationError) as caught:
        builders.correct_forecast(forecast, value=3.0)
    assert "value" in caught.value.message_dict


# --- editing the range -------------------------------------------------------


def test_the_range_is_changed_and_a_resolved_question_rescored(
    author, source, django_capture_on_commit_callbacks
):
    question = q.numeric_question()
    q.value_forecast(question, author, source=source, value=80_000)
    q.resolve_value(question, 81_000, known_at=KNOWN)
    with django_capture_on_commit_callbacks() as callbacks:
        ledger.question_range_change(
            question=question, unit="troops", range_low=10_000, range_high=150_000
        )
    assert len(callbacks) == 1
    stored = Question.objects.get(pk=question.pk)
    assert (stored.range_low, stored.range_high) == (10_000, 150_000)


def test_a_range_that_would_rule_out_a_stated_value_is_refused(author, source):
    question = q.numeric_question()
    q.value_forecast(question, author, source=source, quantiles=q.quantiles([5, 6, 7, 8, 9]))
    with pytest.raises(ValidationError) as caught:
        ledger.question_range_change(
            question=question, range_low=10, range_high=100, range_low_closed=True
        )
    assert "Already stated" in caught.value.message_dict["range_low"][0]
    assert Question.objects.get(pk=question.pk).range_low == 0


def test_closing_an_end_past_the_resolved_value_is_refused():
    question = q.numeric_question()
    q.resolve_value(question, 250_000, known_at=KNOWN)
    with pytest.raises(ValidationError) as caught:
        ledger.question_range_change(
            question=question, range_low=0, range_high=200_000, range_high_closed=True
        )
    assert "correct the resolution" in caught.value.message_dict["range_high"][0]


def test_a_forecast_is_stated_before_close_on_a_date_question(author, source):
    question = q.date_question()
    late = question.closes_at + timedelta(hours=1)
    with pytest.raises(ValidationError):
        q.value_forecast(question, author, source=source, stated_at=late, value=date(2025, 5, 1))


def test_mistyped_quantiles_are_replaced_with_an_audit_row(author, source, editor):
    forecast = q.value_forecast(
        q.numeric_question(), author, source=source, quantiles=q.quantiles([6, 7, 8, 9, 10])
    )
    new = q.quantiles([6e4, 7e4, 8e4, 9e4, 1e5])
    builders.correct_forecast(forecast, quantiles=new, by=editor)
    assert list(forecast.quantiles.values_list("level", "value")) == new
    audit = ForecastCorrection.objects.get()
    assert (audit.field, audit.old_value) == (
        "quantiles",
        "0.05: 6; 0.25: 7; 0.5: 8; 0.75: 9; 0.95: 10",
    )
    assert audit.new_value.startswith("0.05: 60000; 0.25: 70000")


def test_unordered_corrected_quantiles_are_refused(author, source):
    forecast = q.value_forecast(
        q.numeric_question(), author, source=source, quantiles=q.quantiles([6, 7, 8, 9, 10])
    )
    with pytest.raises(ValidationError) as caught:
        builders.correct_forecast(forecast, quantiles=q.quantiles([6, 7, 8, 9, 1]))
    assert "must not decrease" in caught.value.message_dict["quantiles"][0]
    assert sorted(forecast.quantiles.values_list("value", flat=True)) == [6, 7, 8, 9, 10]
    assert not ForecastCorrection.objects.exists()

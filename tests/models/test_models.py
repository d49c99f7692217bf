"""The database itself refuses what would corrupt a track record (PostgreSQL guards)."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction

from forecasts.models import Forecast, ForecastProbability, Question, Resolution
from tests import builders

STATED = datetime(2024, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [-0.01, 1.01, pytest.param(float("nan"), marks=pytest.mark.postgres, id="nan"), float("inf")],
)
def test_it_refuses_a_probability_outside_zero_to_one(question, author, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.raw_forecast(question, author, stated_at=STATED, probability=value)


def test_it_refuses_a_question_that_closes_before_it_opens(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            title="Backwards",
            slug="backwards",
            resolution_criteria="n/a",
            opens_at=STATED,
            closes_at=STATED - timedelta(days=1),
            resolve_by=STATED,
        )


def test_it_refuses_a_resolve_by_before_close(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            title="Early",
            slug="early",
            resolution_criteria="n/a",
            opens_at=STATED,
            closes_at=STATED + timedelta(days=10),
            resolve_by=STATED + timedelta(days=5),
        )


def test_it_keeps_one_current_resolution_per_question(question):
    Resolution.objects.create(question=question, outcome="yes", outcome_known_at=STATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(question=question, outcome="no", outcome_known_at=STATED)


def test_it_refuses_an_option_outcome_without_an_option(question):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(question=question, outcome="option", outcome_known_at=STATED)


@pytest.mark.postgres
def test_it_refuses_to_update_or_delete_a_forecast(question, author):
    forecast = builders.raw_forecast(question, author, stated_at=STATED, probability=0.6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Forecast.objects.filter(pk=forecast.pk).update(probability=0.9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Forecast.objects.filter(pk=forecast.pk).delete()
    forecast.refresh_from_db()
    assert forecast.probability == 0.6


@pytest.mark.postgres
def test_it_refuses_a_forecast_stated_after_close(question, author):
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.raw_forecast(question, author, stated_at=question.closes_at + timedelta(seconds=1))


@pytest.mark.postgres
def test_it_refuses_a_forecast_stated_after_the_outcome_was_known(question, author):
    builders.raw_resolution(question, "yes", known_at=STATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.raw_forecast(question, author, stated_at=STATED + timedelta(hours=1))


@pytest.mark.postgres
def test_it_refuses_a_forecast_on_an_annulled_question(question, author):
    builders.raw_resolution(question, "annulled", known_at=STATED + timedelta(days=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.raw_forecast(question, author, stated_at=STATED)


@pytest.mark.postgres
def test_it_refuses_to_close_a_question_before_forecasts_stated_while_it_was_open(question, author):
    builders.raw_forecast(question, author, stated_at=STATED)
    with pytest.raises(IntegrityError, match="would close before forecasts"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(closes_at=STATED - timedelta(seconds=1))

    # Up to the forecast's moment, or anything later, keeps it counted.
    Question.objects.filter(pk=question.pk).update(closes_at=STATED)
    assert Question.objects.get(pk=question.pk).closes_at == STATED


@pytest.mark.postgres
def test_it_refuses_to_change_the_kind_of_a_question_with_forecasts_or_a_resolution(
    question, choice_question, author
):
    builders.raw_forecast(question, author, stated_at=STATED)
    builders.raw_resolution(choice_question, "annulled", known_at=STATED)
    for used in (question, choice_question):
        with pytest.raises(IntegrityError, match="kind cannot change"), transaction.atomic():
            Question.objects.filter(pk=used.pk).update(
                kind="binary" if used.pk == choice_question.pk else "multiple_choice"
            )
    unused = builders.question("unused")
    Question.objects.filter(pk=unused.pk).update(kind="multiple_choice")
    assert Question.objects.get(pk=unused.pk).kind == "multiple_choice"


@pytest.mark.postgres
def test_a_ledger_service_can_lift_the_question_guard_for_its_transaction(question, author):
    builders.raw_forecast(question, author, stated_at=STATED)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_question_change', 'on', true)")
        Question.objects.filter(pk=question.pk).update(closes_at=STATED - timedelta(days=1))
    assert Question.objects.get(pk=question.pk).closes_at == STATED - timedelta(days=1)


def test_it_refuses_a_second_forecast_by_an_author_at_the_same_moment(question, author):
    builders.raw_forecast(question, author, stated_at=STATED, probability=0.2)
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.raw_forecast(question, author, stated_at=STATED, probability=0.8)
    assert list(Forecast.objects.values_list("probability", flat=True)) == [0.2]


@pytest.mark.postgres
def test_it_refuses_option_probabilities_that_do_not_sum_to_one_at_commit(choice_question, author):
    red, blue, green = choice_question.options.all()
    with pytest.raises(IntegrityError), transaction.atomic():
        forecast = builders.raw_forecast(
            choice_question, author, stated_at=STATED, probability=None
        )
        for option, p in [(red, 0.5), (blue, 0.3), (green, 0.1)]:
            ForecastProbability.objects.create(forecast=forecast, option=option, probability=p)
        # Deferred constraint triggers fire here, as they would at COMMIT.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not Forecast.objects.filter(question=choice_question).exists()


@pytest.mark.postgres
def test_it_accepts_option_probabilities_that_sum_to_one(choice_question, author):
    red, blue, green = choice_question.options.all()
    forecast = builders.raw_forecast(choice_question, author, stated_at=STATED, probability=None)
    for option, p in [(red, 0.5), (blue, 0.3), (green, 0.2)]:
        ForecastProbability.objects.create(forecast=forecast, option=option, probability=p)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert forecast.option_probabilities.count() == 3


def test_it_reads_the_lifecycle_off_the_dates(question):
    assert question.status(STATED) == "open"
    assert question.status(question.closes_at + timedelta(days=1)) == "closed"
    assert question.status(question.resolve_by + timedelta(days=1)) == "due"
    assert list(Question.objects.due(question.resolve_by + timedelta(days=1))) == [question]
    assert not Question.objects.due(question.resolve_by - timedelta(days=1)).exists()


@pytest.mark.postgres
def test_the_constraint_migration_stops_and_lists_duplicates_already_stored(question, author):
    refuse_duplicates = import_module("forecasts.migrations.0015_ledger_guards").refuse_duplicates
    with connection.cursor() as cursor:  # as before 0012 (rolled back with the test)
        cursor.execute(
            "ALTER TABLE forecasts_forecast DROP CONSTRAINT forecast_one_per_author_question_moment"
        )
    first = builders.raw_forecast(question, author, stated_at=STATED, probability=0.2)
    second = builders.raw_forecast(question, author, stated_at=STATED, probability=0.8)
    builders.raw_forecast(question, author, stated_at=STATED + timedelta(hours=1))

    with pytest.raises(RuntimeError) as refused:
        refuse_duplicates(django_apps, None)

    message = str(refused.value)
    assert message.startswith("1 duplicate forecast(s): the same author, question and stated_at.")
    assert f"question {question.pk}, author {author.pk}" in message
    assert f"2 forecasts (ids {first.pk} … {second.pk})" in message
    assert "Nothing was changed." in message
    assert Forecast.objects.count() == 3

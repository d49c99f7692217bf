"""A claim's direction: P(yes) follows the side the question asks, and correcting it is audited."""

import pytest
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.engine import rescoring
from forecasts.models import Forecast, ForecastCorrection, QuestionScore
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC

MISSED = "the Commission will miss its heat-pump target"


def worded(question, author, source, *, agrees: bool | None, **fields) -> Forecast:
    """ "Will almost certainly miss its target": 97% on missing, as the drafts record it."""
    return builders.forecast(
        question,
        author,
        source=source,
        probability=fields.pop("probability", None),
        quote="The Commission will almost certainly miss its heat-pump target.",
        phrase="almost certainly",
        scale="icd203",
        direction="negates",
        stated_probability=0.97,
        stated_outcome=MISSED,
        question_agrees=agrees,
        **fields,
    )


def audits(forecast: Forecast) -> dict[str, tuple[str, str]]:
    rows = ForecastCorrection.objects.filter(forecast=forecast)
    return {row.field: (row.old_value, row.new_value) for row in rows}


def test_a_question_asking_the_opposite_side_carries_the_complement(question, author, source):
    # "Will the EU install 10 million heat pumps?" asks the opposite of "will miss".
    forecast = worded(question, author, source, agrees=False)
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    assert forecast.asks_the_opposite

    same_side = worded(builders.open_question("miss"), author, source, agrees=True)
    assert same_side.probability == 0.97 and not same_side.asks_the_opposite


def test_it_refuses_a_number_that_contradicts_the_reading(question, author, source):
    with pytest.raises(ValidationError) as refused:
        worded(question, author, source, agrees=False, probability=0.97)
    assert "the opposite of what the author asserts" in refused.value.message_dict["probability"][0]
    assert not Forecast.objects.exists()


@pytest.mark.postgres
def test_the_database_refuses_a_probability_that_contradicts_the_reading(question, author, source):
    from django.db import IntegrityError, transaction

    forecast = worded(question, author, source, agrees=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.allow_forecast_writes()
        Forecast.objects.filter(pk=forecast.pk).update(probability=0.97)


def test_correcting_the_direction_flips_the_number_audits_it_and_rescores(
    author, source, editor, eager, django_capture_on_commit_callbacks
):
    # Approved the wrong way round: 97% on "Will the EU meet its target?", which resolved no.
    question = builders.closed_question("heat-pumps", title="Will the EU meet its target?")
    forecast = worded(question, author, source, agrees=True, interval=(0.95, 0.99))
    builders.resolve(question, "no")
    rescoring.rescore_question(question_id=question.pk)
    assert QuestionScore.objects.get(question=question).brier == pytest.approx(0.9409)

    with django_capture_on_commit_callbacks(execute=True):
        ledger.forecast_confirm_direction(
            forecast=forecast,
            question_agrees=False,
            reason="The question asks about meeting the target; she said it will be missed.",
            by=editor,
        )

    forecast.refresh_from_db()
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    assert (forecast.interval_low, forecast.interval_high) == (0.01, 0.05)
    assert audits(forecast) == {
        "question_agrees": ("True", "False"),
        "probability": ("0.97", "0.03"),
        "interval_low": ("0.95", "0.01"),
        "interval_high": ("0.99", "0.05"),
    }
    assert {row.corrected_by for row in ForecastCorrection.objects.all()} == {editor}
    assert QuestionScore.objects.get(question=question).brier == pytest.approx(0.0009)


def test_a_published_direction_changes_only_with_a_reason(question, author, source, editor):
    forecast = worded(question, author, source, agrees=True)
    with pytest.raises(ValidationError) as refused:
        ledger.forecast_confirm_direction(forecast=forecast, question_agrees=False, by=editor)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ledger.forecast_correct(
            forecast=forecast, changes={"question_agrees": None}, reason="Unsure.", by=editor
        )
    assert "can be corrected, not removed" in refused.value.message_dict["question_agrees"][0]
    forecast.refresh_from_db()
    assert forecast.probability == 0.97 and not ForecastCorrection.objects.exists()


def test_an_override_of_p_yes_moves_the_authors_number_with_it(question, author, source, editor):
    forecast = worded(question, author, source, agrees=False)

    ledger.forecast_correct(
        forecast=forecast, changes={"probability": 0.1}, reason="Read as 90%.", by=editor
    )

    forecast.refresh_from_db()
    assert (forecast.probability, forecast.stated_probability) == (0.1, 0.9)
    assert audits(forecast) == {
        "probability": ("0.03", "0.1"),
        "stated_probability": ("0.97", "0.9"),
    }


def test_a_forecast_given_as_a_number_gains_a_reading_when_corrected(
    question, author, source, editor
):
    # Entered as 0.97 on "Will the EU meet its target?" from "will almost certainly miss".
    forecast = builders.forecast(question, author, source=source, probability=0.97)

    ledger.forecast_correct(
        forecast=forecast,
        changes={"question_agrees": False, "stated_outcome": MISSED},
        reason="She said it will be missed; the question asks whether it is met.",
        by=editor,
    )

    forecast.refresh_from_db()
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    assert forecast.asks_the_opposite

"""Numeric and date drafts: an article's or a list's stated quantities drafted as numeric and
date questions with the author's values; thresholds stay yes/no questions."""

from datetime import UTC, date, datetime

import pytest

from forecasts import ledger
from forecasts.drafting import drafts, list_import
from forecasts.models import Forecast, Question
from forecasts.models.quantity import day_number
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
PUBLISHED = date(2026, 3, 2)

# An op-ed written for these tests: one paragraph per kind of claim.
ARTICLE = """The drawdown has begun in earnest, and the numbers will keep moving.

US troops in Europe are likely to number between 70,000 and 90,000 by the end of 2027.

Inflation will be back near 2% by next summer.

There will very likely be a ceasefire by spring 2027.

The garrison in Poland will fall below 8,000 soldiers.

Unemployment is unlikely to be between 4% and 5% next year.
"""


@pytest.fixture
def op_ed(db):
    author = builders.author("Nora Quill", slug="quill")
    return builders.source(
        author,
        title="After the drawdown",
        full_text=ARTICLE,
        published_on=PUBLISHED,
        scale="icd203",
    )


def _drafted(source) -> dict[str, Forecast]:
    forecasts = Forecast.objects.filter(source=source).select_related("question")
    return {f.quote.split()[0]: f for f in forecasts}


def test_an_interval_claim_is_drafted_as_a_numeric_question_with_the_hedges_coverage(op_ed):
    drafts.draft_claims_from_source(source=op_ed)

    troops = _drafted(op_ed)["US"]
    assert troops.question.kind == Question.Kind.NUMERIC
    assert troops.question.state == Question.State.DRAFT
    assert (troops.value_low, troops.value_high) == (70_000, 90_000)
    # ICD 203 reads "likely" as 55%-80%, scored at 67.5%: the interval's coverage.
    assert (troops.coverage, troops.scale, troops.interval_low, troops.interval_high) == (
        0.675,
        "icd203",
        0.55,
        0.8,
    )
    assert troops.probability is None and troops.value is None
    assert "between 70,000 and 90,000" in troops.conversion_note
    assert "Set its range" in troops.question.editor_notes


def test_a_point_claim_is_drafted_as_a_point_forecast_without_a_probability(op_ed):
    drafts.draft_claims_from_source(source=op_ed)

    inflation = _drafted(op_ed)["Inflation"]
    assert (inflation.question.kind, inflation.question.unit) == (Question.Kind.NUMERIC, "%")
    assert (inflation.value, inflation.value_low, inflation.coverage) == (2.0, None, None)
    assert inflation.probability is None and inflation.scale_point is None
    assert "states no probability" in inflation.conversion_note


def test_a_ceasefire_by_spring_is_a_date_question_from_the_claim_to_the_end_of_spring(op_ed):
    drafts.draft_claims_from_source(source=op_ed)

    ceasefire = _drafted(op_ed)["There"]
    question = ceasefire.question
    assert question.kind == Question.Kind.DATE
    assert (ceasefire.value_low, ceasefire.value_high) == (
        day_number(PUBLISHED),
        day_number(date(2027, 5, 31)),
    )
    # ICD 203: "very likely" is 80%-95%, scored at 87.5%.
    assert ceasefire.coverage == 0.875
    assert (question.range_low, question.range_high) == (
        day_number(PUBLISHED),
        day_number(date(2028, 5, 30)),
    )
    assert question.range_low_closed and question.range_high_closed
    assert question.resolve_by >= datetime(2028, 5, 30, tzinfo=UTC)


def test_a_threshold_and_a_negated_interval_stay_yes_no_questions(op_ed):
    drafts.draft_claims_from_source(source=op_ed)

    forecasts = _drafted(op_ed)
    for first_word in ("The", "Unemployment"):
        forecast = forecasts[first_word]
        assert forecast.question.kind == Question.Kind.BINARY
        assert forecast.probability is not None and forecast.value_low is None


def test_the_preview_shows_each_claims_quantity(op_ed):
    report = drafts.plan_drafts(source=op_ed)

    shown = {
        drafts.claim_as_dict(c)["sentence"].split()[0]: drafts.claim_as_dict(c)["quantity"]
        for c in report.to_draft
    }
    assert shown["There"] == {
        "form": "interval",
        "kind": "date",
        "unit": "",
        "low": None,
        "high": "2027-05-31",
        "value": None,
        "words": "by spring 2027",
    }
    assert shown["The"]["form"] == "threshold"


LIST = """1. Unemployment between 4% and 5% at the end of 2026: 80%
2. Bitcoin above $100,000: 60%
3. CPI about 3%: 70%
4. Ceasefire agreed by spring: 60%
"""


def test_a_lists_interval_is_drafted_numeric_with_the_lists_number_as_its_coverage(db, editor):
    author = builders.author("Lin Ledger", slug="lin")
    plan = list_import.plan_list(
        author=author,
        url="https://example.org/predictions-2026",
        published_on=date(2026, 1, 2),
        text=LIST,
    )

    _, questions = list_import.import_list(plan=plan, by=editor)

    unemployment, bitcoin, cpi, ceasefire = questions
    forecast = unemployment.forecasts.get()
    assert (unemployment.kind, unemployment.unit) == (Question.Kind.NUMERIC, "%")
    assert (forecast.value_low, forecast.value_high, forecast.coverage) == (4, 5, 0.8)
    assert "“80%”" in forecast.conversion_note
    assert [bitcoin.kind, cpi.kind] == [Question.Kind.BINARY, Question.Kind.BINARY]
    assert bitcoin.forecasts.get().probability == 0.6
    assert ceasefire.kind == Question.Kind.DATE
    assert ceasefire.forecasts.get().value_high == day_number(date(2026, 5, 31))


def test_a_drafted_numeric_question_can_be_approved_once_worded(op_ed):
    drafts.draft_claims_from_source(source=op_ed)
    question = _drafted(op_ed)["US"].question
    question.title = "How many US troops will be stationed in Europe at the end of 2027?"
    question.resolution_criteria = "The count EUCOM reports for 31 December 2027."
    question.save()

    ledger.question_approve(question=question)

    question.refresh_from_db()
    assert question.state == Question.State.LIVE

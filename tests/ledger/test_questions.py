"""Questions: created with their options, tags and condition; drafts approved once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Question, Tag
from tests import builders

STATED = datetime(2024, 11, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_approves_a_draft_only_once(question):
    Question.objects.filter(pk=question.pk).update(state=Question.State.DRAFT)
    ledger.question_approve(question=question)
    question.refresh_from_db()
    assert question.state == Question.State.LIVE
    with pytest.raises(ValidationError):
        ledger.question_approve(question=question)


def create_question(**overrides):
    fields = {
        "title": "Who wins the vote?",
        "slug": "who-wins-the-vote",
        "resolution_criteria": "The official result.",
        "opens_at": STATED,
        "closes_at": STATED + timedelta(days=30),
        "resolve_by": STATED + timedelta(days=60),
        "kind": Question.Kind.MULTIPLE_CHOICE,
        "options": [" Red ", "Blue"],
    }
    return ledger.question_create(**{**fields, **overrides})


def test_it_creates_a_question_with_its_options_tags_and_condition(question, editor):
    economy = Tag.objects.create(name="Economy", slug="economy")
    created = create_question(
        tags=[economy], condition_question=question, condition_outcome="yes", by=editor
    )
    assert [(o.label, o.position) for o in created.options.order_by("position")] == [
        ("Red", 0),
        ("Blue", 1),
    ]
    assert list(created.tags.all()) == [economy]
    assert (created.condition_question, created.condition_outcome) == (question, "yes")
    assert (created.state, created.created_by) == (Question.State.LIVE, editor)


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        (
            {"closes_at": STATED},
            {"closes_at": ["A question must close after it opens."]},
        ),
        (
            {"resolve_by": STATED + timedelta(days=29)},
            {"resolve_by": ["The outcome cannot be due before the question closes."]},
        ),
        (
            {"kind": Question.Kind.BINARY},
            {"options": ["A binary question has no options (its outcome is yes or no)."]},
        ),
        (
            {"options": ["Red", "Red "]},
            {"options": ["Option labels must differ."]},
        ),
        (
            {"state": Question.State.RESOLVED},
            {"state": ["A new question is live or a draft."]},
        ),
        (
            {"condition_outcome": "yes"},
            {"condition_question": ["Name the question the condition is on."]},
        ),
    ],
)
def test_it_refuses_a_question_it_could_not_ask_and_writes_nothing(db, overrides, refusal):
    with pytest.raises(ValidationError) as refused:
        create_question(**overrides)
    assert refused.value.message_dict == refusal
    assert not Question.objects.exists()


def test_it_refuses_an_edit_that_would_drop_forecasts_or_change_a_used_kind(question, author):
    stated = datetime(2025, 3, 1, 9, tzinfo=UTC)
    builders.raw_forecast(question, author, stated_at=stated)

    with pytest.raises(ValidationError) as early:
        ledger.question_change_check(
            question=question, kind="binary", closes_at=stated - timedelta(seconds=1)
        )
    with pytest.raises(ValidationError) as kind:
        ledger.question_change_check(
            question=question, kind="multiple_choice", closes_at=question.closes_at
        )

    assert (
        "1 forecast(s) were stated while the question was open"
        in (early.value.message_dict["closes_at"][0])
    )
    assert (
        "has forecasts given as binary; its kind cannot change"
        in (kind.value.message_dict["kind"][0])
    )
    # A close at the forecast's moment keeps it counted.
    ledger.question_change_check(question=question, kind="binary", closes_at=stated)


def test_it_moves_the_close_before_forecasts_only_as_an_audited_correction(
    question, author, editor
):
    early = builders.raw_forecast(question, author, stated_at=datetime(2025, 1, 10, tzinfo=UTC))
    late = builders.raw_forecast(question, author, stated_at=datetime(2025, 3, 1, 9, tzinfo=UTC))
    new_close = datetime(2025, 2, 1, tzinfo=UTC)

    with pytest.raises(ValidationError) as no_reason:
        ledger.question_close_correct(question=question, closes_at=new_close, reason=" ", by=editor)
    correction = ledger.question_close_correct(
        question=question, closes_at=new_close, reason="The deadline was 1 February.", by=editor
    )

    assert "Say why the close moves" in no_reason.value.message_dict["reason"][0]
    question.refresh_from_db()
    assert question.closes_at == new_close
    assert (correction.field, correction.old_value, correction.new_value) == (
        "closes_at",
        "2025-06-30T00:00:00+00:00",
        "2025-02-01T00:00:00+00:00",
    )
    assert correction.effect == (
        f"1 forecast(s) stop counting (stated after the new close): Ada Pundit "
        f"(2025-03-01 09:00 UTC, #{late.pk}). "
        "The scored days now end on 2025-02-01 instead of 2025-06-30."
    )
    assert (correction.reason, correction.corrected_by) == ("The deadline was 1 February.", editor)
    assert f"#{early.pk}" not in correction.effect

"""Resolutions: outcomes recorded with evidence, corrected with history, annulled; and the
questions conditional on them following."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.models import Question, Resolution
from tests import builders

STATED = datetime(2024, 11, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


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
    _condition_fails(question, resolver)
    conditional.refresh_from_db()
    annulment = conditional.resolutions.get(is_current=True)
    assert conditional.state == Question.State.ANNULLED
    assert annulment.is_automatic and "Condition not met" in annulment.reason


def test_it_reopens_an_automatically_annulled_question_when_the_condition_is_corrected(
    question, conditional, resolver
):
    _condition_fails(question, resolver)
    _condition_corrected_to_yes(question, resolver)
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
        ledger.forecast_create(
            question=question, author=author, source=source, stated_at=STATED, probability=0.7
        )
    assert "annulled" in caught.value.message_dict["question"][0]


def _resolve_own(conditional, resolver, outcome="no"):
    return ledger.question_resolve(
        question=conditional,
        outcome=outcome,
        outcome_known_at=STATED + timedelta(days=4),
        evidence_url="https://example.org/own",
        by=resolver,
    )


def test_it_annuls_a_resolved_conditional_question_when_its_condition_then_fails(
    question, conditional, resolver
):
    own = _resolve_own(conditional, resolver)
    _condition_fails(question, resolver)
    conditional.refresh_from_db()
    annulment = conditional.resolutions.get(is_current=True)
    assert conditional.state == Question.State.ANNULLED
    assert annulment.is_automatic and annulment.supersedes == own  # audited: history kept
    assert annulment.reason == (
        "Condition not met: “Will it happen by 2025?” resolved no. Its own resolution (no) "
        "no longer counts; it comes back if the condition is corrected."
    )
    assert annulment.resolved_by == resolver
    assert Question.objects.needing_rescore().filter(pk=conditional.pk).exists()


def test_it_annuls_a_resolved_conditional_question_when_its_condition_is_corrected(
    question, conditional, resolver
):
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=3),
        evidence_note="It happened.",
        by=resolver,
    )
    _resolve_own(conditional, resolver, outcome="yes")
    ledger.resolution_correct(
        question=question,
        outcome="no",
        outcome_known_at=STATED + timedelta(days=3),
        reason="Misreported.",
        by=resolver,
    )
    conditional.refresh_from_db()
    assert conditional.state == Question.State.ANNULLED
    assert conditional.resolutions.get(is_current=True).is_automatic


def test_it_restores_the_conditional_questions_own_resolution_when_the_condition_holds_again(
    question, conditional, resolver
):
    own = _resolve_own(conditional, resolver)
    _condition_fails(question, resolver)
    _condition_corrected_to_yes(question, resolver)
    conditional.refresh_from_db()
    restored = conditional.resolutions.get(is_current=True)
    assert conditional.state == Question.State.RESOLVED
    assert (restored.outcome, restored.outcome_known_at, restored.evidence_url) == (
        own.outcome,
        own.outcome_known_at,
        own.evidence_url,
    )
    assert restored.is_automatic and "its own resolution is restored" in restored.reason
    # own -> automatic annulment -> restored: every step stays in history
    assert restored.supersedes.supersedes == own
    assert conditional.resolutions.count() == 3


def test_it_leaves_an_annulled_conditional_question_as_it_is_when_its_condition_fails(
    question, conditional, resolver
):
    ledger.question_annul(question=conditional, reason="Ambiguous wording.", by=resolver)
    _condition_fails(question, resolver)
    assert conditional.resolutions.count() == 1
    assert conditional.resolutions.get().reason == "Ambiguous wording."


def test_it_refuses_a_plain_resolution_when_one_is_current_even_if_the_state_says_live(
    question, resolver
):
    builders.resolve(question, "yes", known_at=STATED, by=resolver)
    # Some other write (a fixture reload did, once) put the state back to live.
    Question.objects.filter(pk=question.pk).update(state=Question.State.LIVE)

    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="no",
            outcome_known_at=STATED,
            evidence_note="Seen.",
            by=resolver,
        )

    assert "record a correction" in caught.value.message_dict["question"][0]
    assert list(question.resolutions.values_list("outcome", "is_current")) == [("yes", True)]


def test_it_refuses_an_outcome_known_before_the_question_opened(question, resolver):
    with pytest.raises(ValidationError) as caught:
        ledger.question_resolve(
            question=question,
            outcome="no",
            outcome_known_at=datetime(1900, 1, 1, tzinfo=UTC),
            evidence_note="Seen.",
            by=resolver,
        )

    message = caught.value.message_dict["outcome_known_at"][0]
    assert "before the question opened (2024-11-01 00:00 UTC)" in message
    assert not Resolution.objects.exists()


def _condition_fails(question, resolver):
    """The condition resolves no: its conditional questions are annulled."""
    return ledger.question_resolve(
        question=question,
        outcome="no",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="Did not happen.",
        by=resolver,
    )


def _condition_corrected_to_yes(question, resolver):
    """The condition's outcome is corrected to yes: the conditional questions count again."""
    return ledger.resolution_correct(
        question=question,
        outcome="yes",
        outcome_known_at=STATED + timedelta(days=5),
        evidence_note="It did, after all.",
        reason="Wrong report.",
        by=resolver,
    )

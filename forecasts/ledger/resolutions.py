"""Resolutions: what happened, corrected with history kept, or the question annulled;
a conditional question follows the outcome of the question it is conditional on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts.ledger import quantities, rules
from forecasts.ledger.questions import queue_rescore
from forecasts.models import Option, Question, Resolution


@transaction.atomic
def question_resolve(
    *,
    question: Question,
    outcome: str,
    outcome_known_at: datetime,
    option: Option | None = None,
    value: float | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    by=None,
) -> Resolution:
    """Record what happened. A resolved question is changed with resolution_correct.

    A numeric or date question resolves with ``outcome="value"`` and the
    ``value`` reported (a date question's as a day number); one beyond a closed
    end of the range resolves to the bound, keeps the reported value and says
    so in the evidence note.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state == Question.State.DRAFT:
        raise ValidationError({"question": "A draft question cannot be resolved."})
    # The current resolution is checked as well as the state: a question whose
    # state was put back to "live" by some other write (a fixture reload did,
    # once) must still not have its outcome replaced without a reason.
    if (
        question.state != Question.State.LIVE
        or question.resolutions.filter(is_current=True).exists()
    ):
        raise ValidationError(
            {
                "question": "Already resolved or annulled; record a correction instead "
                "(it keeps the current resolution in the history and needs a reason)."
            }
        )
    if outcome != Resolution.Outcome.ANNULLED and not (evidence_url or evidence_note):
        raise ValidationError({"evidence_url": "Give evidence: a URL, a note, or both."})
    return _write_resolution(
        question=question,
        outcome=outcome,
        option=option,
        value=value,
        outcome_known_at=outcome_known_at,
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        reason="",
        by=by,
    )


@transaction.atomic
def resolution_correct(
    *,
    question: Question,
    outcome: str,
    outcome_known_at: datetime,
    reason: str,
    option: Option | None = None,
    value: float | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    by=None,
) -> Resolution:
    """Correct a recorded outcome: the old resolution stays in history, scores follow."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state not in (Question.State.RESOLVED, Question.State.ANNULLED):
        raise ValidationError(
            {"question": "Nothing to correct: the question has no resolution yet."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the resolution is corrected."})
    return _write_resolution(
        question=question,
        outcome=outcome,
        option=option,
        value=value,
        outcome_known_at=outcome_known_at,
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        reason=reason,
        by=by,
    )


@transaction.atomic
def question_annul(
    *,
    question: Question,
    reason: str,
    outcome_known_at: datetime | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    by=None,
) -> Resolution:
    """Annul a question (ambiguous, or its premise failed); its forecasts stop counting."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state == Question.State.DRAFT:
        raise ValidationError(
            {"question": "A draft question cannot be annulled; delete it instead."}
        )
    if question.state == Question.State.ANNULLED:
        raise ValidationError({"question": "This question is already annulled."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the question is annulled."})
    return _write_resolution(
        question=question,
        outcome=Resolution.Outcome.ANNULLED,
        option=None,
        outcome_known_at=outcome_known_at or timezone.now(),
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        reason=reason,
        by=by,
    )


def _write_resolution(
    *,
    question: Question,
    outcome: str,
    option: Option | None,
    outcome_known_at: datetime,
    evidence_url: str,
    evidence_note: str,
    reason: str,
    by,
    automatic: bool = False,
    value: float | None = None,
) -> Resolution:
    """Replace the current resolution (if any) with a new one, keeping history."""
    rules.check_outcome(question, outcome, option, value)
    rules.check_known_by(outcome_known_at, now=timezone.now())
    rules.check_known_after_opening(outcome_known_at, question=question)
    scored, reported = (None, None)
    if outcome == Resolution.Outcome.VALUE:
        scored, reported = rules.clamp_outcome(value, question=question)
        evidence_note = _with_note(
            evidence_note, quantities.clamped_note(question, value=scored, reported=reported)
        )
        rules.check_text_length(evidence_note, "evidence_note")
    previous = question.resolutions.select_for_update().filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    resolution = Resolution(
        question=question,
        outcome=outcome,
        option=option,
        value=scored,
        reported_value=reported,
        outcome_known_at=outcome_known_at,
        evidence_url=evidence_url,
        evidence_note=evidence_note,
        reason=reason,
        resolved_by=by if getattr(by, "pk", None) else None,
        supersedes=previous,
        is_automatic=automatic,
    )
    resolution.full_clean(exclude=["question", "option", "supersedes", "resolved_by"])
    resolution.save()
    question.state = (
        Question.State.ANNULLED
        if outcome == Resolution.Outcome.ANNULLED
        else Question.State.RESOLVED
    )
    question.save(update_fields=["state"])
    changed = [question.pk, *_propagate_to_conditionals(question, resolution, by)]
    mark_resolution_changed(changed)
    return resolution


def _with_note(evidence_note: str, note: str) -> str:
    """The evidence note with the clamping note added once (a restored resolution has it)."""
    if not note or note in evidence_note:
        return evidence_note
    return f"{evidence_note.rstrip()}\n\n{note}" if evidence_note.strip() else note


def _condition_held(dependent: Question, resolution: Resolution) -> bool | None:
    """Did the condition of ``dependent`` happen, given its parent's resolution?"""
    if resolution.is_annulled:
        return False
    wanted = dependent.condition_outcome
    if wanted == Question.ConditionOutcome.OPTION:
        return resolution.option_id == dependent.condition_option_id
    return resolution.outcome == wanted


def _propagate_to_conditionals(parent: Question, resolution: Resolution, by) -> list[int]:
    """Make each conditional question follow its condition, whatever its own state.

    A failed condition annuls the dependent question (an automatic
    resolution, with the reason, superseding whatever it had, even its own
    outcome: a question whose premise failed is never scored). A condition
    that holds again withdraws that automatic annulment: the dependent's own
    resolution, if it had one, is restored (a new automatic row copying it,
    so history shows each step); otherwise it is open to resolution again.
    """
    changed: list[int] = []
    for dependent in parent.conditional_questions.select_for_update().exclude(
        state=Question.State.DRAFT
    ):
        current = dependent.resolutions.filter(is_current=True).first()
        held = _condition_held(dependent, resolution)
        if not held and (current is None or not current.is_annulled):
            _write_resolution(
                question=dependent,
                outcome=Resolution.Outcome.ANNULLED,
                option=None,
                outcome_known_at=resolution.outcome_known_at,
                evidence_url=resolution.evidence_url,
                evidence_note="",
                reason=_condition_failed_reason(parent, resolution, current),
                by=by,
                automatic=True,
            )
            changed.append(dependent.pk)
        elif held and current is not None and current.is_automatic and current.is_annulled:
            _withdraw_condition_annulment(dependent, current, parent, by)
            changed.append(dependent.pk)
    return changed


def _condition_failed_reason(parent: Question, resolution: Resolution, current) -> str:
    reason = f"Condition not met: “{parent.title}” resolved {resolution.outcome}."
    if current is not None:
        reason += (
            f" Its own resolution ({current.outcome}) no longer counts; it comes back if "
            "the condition is corrected."
        )
    return reason


def _withdraw_condition_annulment(
    dependent: Question, annulment: Resolution, parent: Question, by
) -> None:
    """The condition holds again: restore the dependent's own resolution, or reopen it."""
    own = annulment.supersedes
    if own is not None and not own.is_annulled:
        _write_resolution(
            question=dependent,
            outcome=own.outcome,
            option=own.option,
            value=own.reported_value if own.is_clamped else own.value,
            outcome_known_at=own.outcome_known_at,
            evidence_url=own.evidence_url,
            evidence_note=own.evidence_note,
            reason=f"Condition met after all (“{parent.title}” corrected): "
            "its own resolution is restored.",
            by=by,
            automatic=True,
        )
        return
    # No own outcome to restore: withdraw the automatic annulment (it stays in
    # history) and let the question be resolved.
    annulment.is_current = False
    annulment.save(update_fields=["is_current"])
    dependent.state = Question.State.LIVE
    dependent.save(update_fields=["state"])


def mark_resolution_changed(question_ids: Sequence[int]) -> None:
    """Stamp the questions and score them once the transaction commits.

    The stamp makes them stale (``Question.objects.needing_rescore()``) until a
    rescore has seen this change, so reconciliation catches a lost task.
    """
    if not question_ids:
        return
    Question.objects.filter(pk__in=question_ids).update(resolution_changed_at=timezone.now())
    queue_rescore(question_ids)

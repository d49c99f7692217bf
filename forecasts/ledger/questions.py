"""Questions: created with their options, tags and condition; drafts approved; and
rescored when something their scores depend on changes (their tags, say)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from forecasts.ledger import rules
from forecasts.models import (
    Forecast,
    ForecastQuantile,
    Option,
    Question,
    QuestionCorrection,
    QuestionScore,
    Resolution,
)

# Titles of questions drafted from an article start with this until an editor
# rewrites them; a draft whose title still carries it cannot be approved.
DRAFT_TITLE_MARK = "[Draft: rewrite]"

# Set inside ``rescoring_deferred``: the questions whose rescore a bulk writer
# takes over, instead of one queued task per question.
_deferred_rescores: ContextVar[set[int] | None] = ContextVar("deferred_rescores", default=None)


@transaction.atomic
def question_create(
    *,
    title: str,
    resolution_criteria: str,
    opens_at: datetime,
    closes_at: datetime,
    resolve_by: datetime,
    slug: str,
    kind: str = Question.Kind.BINARY,
    state: str = Question.State.LIVE,
    background: str = "",
    tags: Sequence = (),
    options: Sequence[str] = (),
    condition_question: Question | None = None,
    condition_outcome: str = "",
    condition_option_id: int | None = None,
    unit: str = "",
    range_low: float | None = None,
    range_high: float | None = None,
    range_low_closed: bool = False,
    range_high_closed: bool = False,
    log_scale: bool = False,
    by=None,
) -> Question:
    """Create a question with its options, tags and condition in one go.

    A numeric or date question may have a unit, a range (a date question's as
    day numbers) with open or closed ends, and a log scale (``rules.check_quantity_settings``).
    """
    rules.check_schedule(opens_at=opens_at, closes_at=closes_at, resolve_by=resolve_by)
    if state not in (Question.State.LIVE, Question.State.DRAFT):
        raise ValidationError({"state": "A new question is live or a draft."})
    labels = [label.strip() for label in options]
    rules.check_option_labels(kind, labels)
    if kind in rules.QUANTITY_KINDS and labels:
        raise ValidationError({"options": "A numeric or date question has no options."})
    settings = rules.check_quantity_settings(
        kind=kind,
        unit=unit,
        range_low=range_low,
        range_high=range_high,
        range_low_closed=range_low_closed,
        range_high_closed=range_high_closed,
        log_scale=log_scale,
    )
    condition_option = _check_condition(condition_question, condition_outcome, condition_option_id)
    question = Question(
        title=title,
        slug=slug,
        kind=kind,
        state=state,
        resolution_criteria=resolution_criteria,
        background=background,
        opens_at=opens_at,
        closes_at=closes_at,
        resolve_by=resolve_by,
        condition_question=condition_question,
        condition_outcome=condition_outcome,
        condition_option=condition_option,
        created_by=by if getattr(by, "pk", None) else None,
        **settings.as_fields(),
    )
    question.full_clean(exclude=["condition_question", "condition_option", "created_by"])
    question.save()
    question.tags.set(tags)
    Option.objects.bulk_create(
        Option(question=question, label=label, position=position)
        for position, label in enumerate(labels)
    )
    return question


def _check_condition(parent: Question | None, outcome: str, option_id: int | None) -> Option | None:
    """The condition names an outcome its parent question can have."""
    if parent is None:
        if outcome or option_id:
            raise ValidationError({"condition_question": "Name the question the condition is on."})
        return None
    if parent.is_quantity:
        raise ValidationError(
            {
                "condition_question": "A condition is on a yes/no or multiple-choice outcome; "
                "for a threshold on a numeric or date question, ask a yes/no question about it."
            }
        )
    if parent.is_binary and outcome not in (
        Question.ConditionOutcome.YES,
        Question.ConditionOutcome.NO,
    ):
        raise ValidationError({"condition_outcome": "For a binary question choose yes or no."})
    if not parent.is_binary and outcome != Question.ConditionOutcome.OPTION:
        raise ValidationError(
            {"condition_outcome": "For a multiple-choice question choose option."}
        )
    if outcome != Question.ConditionOutcome.OPTION:
        if option_id:
            raise ValidationError(
                {"condition_option": "Only an 'option' condition names an option."}
            )
        return None
    option = parent.options.filter(pk=option_id).first() if option_id else None
    if option is None:
        raise ValidationError(
            {"condition_option": "Choose one of the condition question's options."}
        )
    return option


@transaction.atomic
def question_approve(*, question: Question, by=None) -> Question:
    """Publish a draft question (e.g. one drafted from an article) after review."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state != Question.State.DRAFT:
        raise ValidationError({"question": "Only a draft can be approved."})
    if not question.resolution_criteria.strip():
        raise ValidationError(
            {"resolution_criteria": "Write resolution criteria before approving."}
        )
    if question.title.startswith(DRAFT_TITLE_MARK):
        raise ValidationError(
            {"title": "Rewrite the drafted title as a question (and drop the mark) first."}
        )
    unconfirmed = (
        question.forecasts.filter(question_agrees__isnull=True, stated_probability__isnull=False)
        .exclude(stated_outcome="")
        .select_related("author")
        .first()
    )
    if unconfirmed is not None:
        claim = unconfirmed
        raise ValidationError(
            {
                "direction": f"Confirm which way {claim.author} leaned: does YES on “"
                f"{question.title}” mean “{claim.stated_outcome}”, or the opposite?"
            }
        )
    late = question.forecasts.filter(stated_at__gt=question.closes_at).first()
    if late is not None:
        raise ValidationError(
            {
                "closes_at": f"The question would close before {late.author}'s forecast "
                f"({late.stated_at:%Y-%m-%d}) was stated; move the close later."
            }
        )
    question.state = Question.State.LIVE
    question.save(update_fields=["state"])
    queue_rescore([question.pk])  # its claims now count on their authors' cards
    return question


def question_change_check(*, question: Question, kind: str, closes_at: datetime | None) -> None:
    """Refuse an edit of a stored question that would silently change what is scored.

    The kind is fixed once the question has forecasts or a resolution, and the
    close may not move before forecasts stated while it was open (PostgreSQL's
    ``question_guard`` trigger refuses both as well). The admin's question form
    checks with this, so SQLite gets the same message.
    """
    stored = Question.objects.get(pk=question.pk)
    rules.check_kind_unchanged(
        old=stored.kind,
        new=kind,
        has_forecasts=stored.forecasts.exists(),
        has_resolution=stored.resolutions.exists(),
    )
    # A draft's close may move while it is reviewed: question_approve checks its claims.
    if (
        stored.state != Question.State.DRAFT
        and closes_at is not None
        and closes_at < stored.closes_at
    ):
        dropped = stored.forecasts.filter(
            stated_at__gt=closes_at, stated_at__lte=stored.closes_at
        ).values_list("stated_at", flat=True)
        rules.check_close_keeps_forecasts(closes_at, dropped=list(dropped))


def question_range_check(*, question: Question, **settings) -> rules.QuantitySettings:
    """Check new quantity settings (unit, range, closed ends, log scale) of a stored question.

    Besides the rules for any such question (``rules.check_quantity_settings``),
    every value already stated on it must stay possible: inside any closed end,
    above zero on a log scale. A current value outcome must not lie beyond a
    newly closed end (correct the resolution first). The admin's form checks
    with this, so SQLite gets the same message as the service.
    """
    checked = rules.check_quantity_settings(kind=question.kind, **settings)
    if not question.is_quantity or question.pk is None:
        return checked
    probe = Question(kind=question.kind, **checked.as_fields())
    stated = Forecast.objects.filter(question_id=question.pk)
    for field in ("value", "value_low", "value_high"):
        for number in _extremes(stated.exclude(**{f"{field}__isnull": True}), field):
            _still_possible(probe, number, field)
    quantiles = ForecastQuantile.objects.filter(forecast__question_id=question.pk)
    for number in _extremes(quantiles, "value"):
        _still_possible(probe, number, "quantiles")
    current = question.resolutions.filter(is_current=True, outcome=Resolution.Outcome.VALUE).first()
    if current is not None and current.value is not None:
        reported = current.reported_value if current.reported_value is not None else current.value
        if rules.clamp_outcome(reported, question=probe)[0] != current.value:
            raise ValidationError(
                {
                    _end_at_fault(probe, reported): "The resolved value would move to this "
                    "closed end: correct the resolution, with a reason, instead."
                }
            )
    return checked


def _extremes(rows, field: str) -> list[float]:
    bounds = rows.aggregate(low=Min(field), high=Max(field))
    return [v for v in (bounds["low"], bounds["high"]) if v is not None]


def _end_at_fault(probe: Question, number: float) -> str:
    """Which of the new settings rules ``number`` out."""
    if probe.log_scale and number <= 0:
        return "log_scale"
    if probe.range_low_closed and probe.range_low is not None and number < probe.range_low:
        return "range_low"
    return "range_high"


def _still_possible(probe: Question, number: float, field: str) -> None:
    try:
        rules.check_within_range(number, field, question=probe)
    except ValidationError as exc:
        message = exc.message_dict[field][0]
        raise ValidationError(
            {_end_at_fault(probe, number): f"Already stated on this question: {message}"}
        ) from None


@transaction.atomic
def question_range_change(*, question: Question, by=None, **settings) -> Question:
    """Change a numeric or date question's unit, range, closed ends or log scale.

    Checked by ``question_range_check``; the question is rescored once the
    change commits when it has an outcome, since its unit-free scores are
    computed on the range.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    checked = question_range_check(question=question, **settings)
    for name, value in checked.as_fields().items():
        setattr(question, name, value)
    question.save(update_fields=list(checked.as_fields()))
    if question.state == Question.State.RESOLVED:
        Question.objects.filter(pk=question.pk).update(resolution_changed_at=timezone.now())
        queue_rescore([question.pk])
    return question


@transaction.atomic
def question_close_correct(
    *, question: Question, closes_at: datetime, reason: str, by=None
) -> QuestionCorrection:
    """Move a question's close, even before forecasts stated while it was open: audited.

    The forecasts stated after the new close stop counting; the correction row
    names them (``effect``), keeps the reason and the old close, and the
    question is rescored. This is the one writer allowed past the database's
    ``question_guard``, for its own transaction only.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the close moves (kept in the audit trail)."})
    rules.check_schedule(
        opens_at=question.opens_at, closes_at=closes_at, resolve_by=question.resolve_by
    )
    old = question.closes_at
    correction = QuestionCorrection(
        question=question,
        field="closes_at",
        old_value=old.isoformat(),
        new_value=closes_at.isoformat(),
        reason=reason,
        effect=_close_effect(question, old=old, new=closes_at),
        corrected_by=by if getattr(by, "pk", None) else None,
    )
    _allow_question_changes()
    question.closes_at = closes_at
    question.save(update_fields=["closes_at"])
    correction.save()
    if question.state in (Question.State.RESOLVED, Question.State.ANNULLED):
        # Stale until rescored, so reconciliation catches a lost task.
        Question.objects.filter(pk=question.pk).update(resolution_changed_at=timezone.now())
    queue_rescore([question.pk])
    return correction


def _close_effect(question: Question, *, old: datetime, new: datetime) -> str:
    """In words: which forecasts stop (or start) counting when the close moves."""
    if new < old:
        moved = question.forecasts.filter(stated_at__gt=new, stated_at__lte=old)
        verb = "stop counting (stated after the new close)"
    else:
        moved = question.forecasts.filter(stated_at__gt=old, stated_at__lte=new)
        verb = "start counting (stated before the new close)"
    listed = [
        f"{f.author} ({f.stated_at:%Y-%m-%d %H:%M} UTC, #{f.pk})"
        for f in moved.select_related("author").order_by("stated_at", "pk")
    ]
    days = f"The scored days now end on {new:%Y-%m-%d} instead of {old:%Y-%m-%d}."
    if not listed:
        return f"No forecast changes whether it counts. {days}"
    return f"{len(listed)} forecast(s) {verb}: {', '.join(listed)}. {days}"


def _allow_question_changes() -> None:
    """Lift the database's question guard for the current transaction only (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_question_change', 'on', true)")


def rescore_retagged(*, question_ids: Iterable[int]) -> None:
    """Rescore those of the questions that have scores, after their tags changed, so
    their scores move to the new tags' scorecards (``forecasts.receivers`` calls this).

    Questions with no stored scores are left alone: their first rescore reads
    the tags as they are then.
    """
    queue_rescore(
        QuestionScore.objects.filter(question_id__in=list(question_ids))
        .order_by("question_id")
        .values_list("question_id", flat=True)
        .distinct()
    )


def queue_rescore(question_ids: Iterable[int]) -> None:
    """Rescore the questions once the transaction commits (nothing if it rolls back).

    Inside ``rescoring_deferred`` they are collected for the caller instead.
    """
    from forecasts import tasks  # tasks import the ledger (via reminders): import late

    ids = list(question_ids)
    deferred = _deferred_rescores.get()
    if deferred is not None:
        deferred.update(ids)
        return
    if ids:
        transaction.on_commit(lambda: tasks.enqueue_rescore(ids))


@contextmanager
def rescoring_deferred() -> Iterator[set[int]]:
    """Collect, rather than queue, the rescores that writes in the block ask for.

    For bulk loads (the public records: hundreds of resolutions) that score
    everything once at the end with ``rescore_all``, instead of a task per
    question. The questions stay stamped as changed (``needing_rescore``), so
    if the caller never rescores, reconciliation still does.
    """
    collected: set[int] = set()
    token = _deferred_rescores.set(collected)
    try:
        yield collected
    finally:
        _deferred_rescores.reset(token)

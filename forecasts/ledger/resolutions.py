"""Writes that span several models. The admin, the API and Celery all call these.

Every function is keyword-only, runs in one transaction and raises Django's
ValidationError with a dict keyed by field name, so a caller can show each
message next to the field it is about and nothing is half-written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from forecasts.models import (
    Author,
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    Option,
    Question,
    QuestionScore,
    Resolution,
    Source,
)

SUM_TOLERANCE = 1e-6
# A claim stated more than this long before it is recorded is "historical"
# and must cite a dated source (DESIGN.md, no hindsight).
HISTORICAL_GRACE = timedelta(days=1)
# Titles of questions drafted from an article start with this until an editor
# rewrites them; a draft whose title still carries it cannot be approved.
DRAFT_TITLE_MARK = "[Draft: rewrite]"
CORRECTABLE_FORECAST_FIELDS = (
    "probability",
    "stated_at",
    "quote",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "conversion_note",
    "source",
)


def check_probability(value: object, field: str) -> float:
    """``value`` as a float if it is a real number in [0, 1].

    NaN, infinities, booleans and strings are refused with a ValidationError
    keyed by ``field``. The admin, the API and the CSV import all check
    probabilities here, so they accept and refuse the same numbers.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = type(value).__name__
        raise ValidationError({field: f"Enter a number between 0 and 1 (not {kind})."})
    value = float(value)
    if not math.isfinite(value):
        raise ValidationError(
            {field: "Enter a finite number between 0 and 1 (not NaN or infinity)."}
        )
    if value > 1.0:
        message = f"Probability must be between 0 and 1: less than or equal to 1, not {value}."
        raise ValidationError({field: message})
    if value < 0.0:
        message = f"Probability must be between 0 and 1: greater than or equal to 0, not {value}."
        raise ValidationError({field: message})
    return value


def _check_aware(value: datetime, field: str) -> None:
    if value is None or timezone.is_naive(value):
        raise ValidationError({field: "Give a date and time with a time zone."})


def _option_probabilities(
    question: Question, given: Mapping[int, float] | Sequence[float] | None
) -> list[tuple[Option, float]]:
    """Pair each option of a multiple-choice question with its probability."""
    if question.pk is None:
        raise ValidationError(
            {"option_probabilities": "Save the question with its options before adding forecasts."}
        )
    options = list(question.options.order_by("position", "pk"))
    if len(options) < 2:
        raise ValidationError(
            {"question": "A multiple-choice question needs at least two options."}
        )
    if given is None:
        raise ValidationError({"option_probabilities": "Give one probability per option."})
    if isinstance(given, Mapping):
        unknown = set(given) - {o.pk for o in options}
        if unknown:
            raise ValidationError(
                {"option_probabilities": f"Unknown options for this question: {sorted(unknown)}."}
            )
        values = [given.get(o.pk) for o in options]
    else:
        values = list(given)
    if len(values) != len(options) or any(v is None for v in values):
        message = f"Give exactly one probability for each of the {len(options)} options."
        raise ValidationError({"option_probabilities": message})
    checked = [check_probability(v, "option_probabilities") for v in values]
    total = math.fsum(checked)
    if abs(total - 1.0) > SUM_TOLERANCE:
        message = f"Option probabilities must sum to 1; they sum to {total:.6g}."
        raise ValidationError({"option_probabilities": message})
    return list(zip(options, checked, strict=True))


def _check_timing(*, question: Question, stated_at: datetime, now: datetime) -> None:
    """No hindsight: stated before close, before the outcome was known, not in the future."""
    _check_aware(stated_at, "stated_at")
    if stated_at > now:
        raise ValidationError({"stated_at": "A forecast cannot be stated in the future."})
    if stated_at > question.closes_at:
        raise ValidationError(
            {
                "stated_at": f"The question closed at {question.closes_at:%Y-%m-%d %H:%M} UTC; "
                "forecasts stated after that do not count."
            }
        )
    if question.pk is None:
        return
    current = question.resolutions.filter(is_current=True).first()
    if current is not None and current.is_annulled:
        raise ValidationError({"question": "This question was annulled; it takes no forecasts."})
    if current is not None and stated_at >= current.outcome_known_at:
        raise ValidationError({"stated_at": "The outcome was already known when this was stated."})


@dataclass(frozen=True)
class CheckedForecast:
    """A forecast's numbers after validation, ready to be written."""

    probability: float | None
    option_pairs: list[tuple[Option, float]]
    interval_low: float | None
    interval_high: float | None
    scale_point: float | None


def forecast_check(
    *,
    question: Question,
    stated_at: datetime,
    probability: float | None = None,
    option_probabilities: Mapping[int, float] | Sequence[float] | None = None,
    source: Source | None = None,
    interval: tuple[float, float] | None = None,
    scale_point: float | None = None,
    allow_draft: bool = False,
    now: datetime | None = None,
) -> CheckedForecast:
    """Validate a would-be forecast without writing anything (forms call this too)."""
    now = now or timezone.now()
    if question.state == Question.State.DRAFT and not allow_draft:
        raise ValidationError({"question": "This question is a draft; approve it first."})
    _check_timing(question=question, stated_at=stated_at, now=now)
    if stated_at < now - HISTORICAL_GRACE and (source is None or source.published_on is None):
        raise ValidationError({"source": "A historical claim must cite a source with a date."})
    pairs: list[tuple[Option, float]] = []
    if question.is_binary:
        if option_probabilities:
            raise ValidationError(
                {"option_probabilities": "A binary question takes one probability."}
            )
        if probability is None:
            raise ValidationError({"probability": "This field is required."})
        probability = check_probability(probability, "probability")
    else:
        if probability is not None:
            raise ValidationError(
                {"probability": "Give option probabilities for a multiple-choice question."}
            )
        pairs = _option_probabilities(question, option_probabilities)
    low, high = _check_interval(interval)
    if scale_point is not None:
        scale_point = check_probability(scale_point, "scale_point")
    return CheckedForecast(probability, pairs, low, high, scale_point)


@transaction.atomic
def forecast_create(
    *,
    question: Question,
    author: Author,
    stated_at: datetime,
    probability: float | None = None,
    option_probabilities: Mapping[int, float] | Sequence[float] | None = None,
    source: Source | None = None,
    quote: str = "",
    phrase: str = "",
    scale: str = "numeric",
    interval: tuple[float, float] | None = None,
    scale_point: float | None = None,
    conversion_note: str = "",
    entered_by=None,
    allow_draft: bool = False,
    rescore: bool = True,
) -> Forecast:
    """Record a new forecast; the only way a forecast comes into being.

    Once the transaction commits, the question is rescored so that its
    author's cards count the claim; a caller recording many claims at once
    passes ``rescore=False`` and calls ``queue_rescore`` once per question.
    """
    now = timezone.now()
    # Lock the question so a resolution cannot slip in between check and write.
    question = Question.objects.select_for_update().get(pk=question.pk)
    checked = forecast_check(
        question=question,
        stated_at=stated_at,
        probability=probability,
        option_probabilities=option_probabilities,
        source=source,
        interval=interval,
        scale_point=scale_point,
        allow_draft=allow_draft,
        now=now,
    )
    forecast = Forecast(
        question=question,
        author=author,
        source=source,
        stated_at=stated_at,
        recorded_at=now,
        probability=checked.probability,
        quote=quote,
        phrase=phrase,
        scale=scale,
        interval_low=checked.interval_low,
        interval_high=checked.interval_high,
        scale_point=checked.scale_point,
        conversion_note=conversion_note,
        entered_by=entered_by if getattr(entered_by, "pk", None) else None,
    )
    forecast.full_clean(exclude=["question", "author", "source", "entered_by"])
    forecast.save()
    ForecastProbability.objects.bulk_create(
        ForecastProbability(forecast=forecast, option=option, probability=p)
        for option, p in checked.option_pairs
    )
    if rescore and question.state != Question.State.DRAFT:
        # The author's cards count the claim at once: pending until the question
        # resolves, or left out as hindsight if its outcome was already known.
        queue_rescore([question.pk])
    return forecast


def _check_interval(interval: tuple[float, float] | None) -> tuple[float | None, float | None]:
    if interval is None:
        return None, None
    low = check_probability(interval[0], "interval_low")
    high = check_probability(interval[1], "interval_high")
    if low > high:
        raise ValidationError({"interval_high": "The interval's upper end is below its lower end."})
    return low, high


def forecast_correction_check(
    *, forecast: Forecast, changes: Mapping[str, object], reason: str
) -> dict[str, object]:
    """Validate a correction without writing; returns the cleaned changes."""
    if not reason.strip():
        raise ValidationError({"reason": "Say what was mistyped."})
    unknown = set(changes) - set(CORRECTABLE_FORECAST_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be corrected."})
    cleaned = dict(changes)
    for field in ("probability", "interval_low", "interval_high", "scale_point"):
        if cleaned.get(field) is not None:
            cleaned[field] = check_probability(cleaned[field], field)
    if forecast.question.is_binary and "probability" in cleaned and cleaned["probability"] is None:
        raise ValidationError({"probability": "A binary forecast needs a probability."})
    if "stated_at" in cleaned:
        _check_timing(
            question=forecast.question, stated_at=cleaned["stated_at"], now=forecast.recorded_at
        )
    low = cleaned.get("interval_low", forecast.interval_low)
    high = cleaned.get("interval_high", forecast.interval_high)
    if low is not None and high is not None and low > high:
        raise ValidationError({"interval_high": "The interval's upper end is below its lower end."})
    return cleaned


@transaction.atomic
def forecast_correct(
    *, forecast: Forecast, changes: Mapping[str, object], reason: str, by
) -> Forecast:
    """Fix a typing mistake in a forecast, leaving an audit row per changed field.

    Forecasts are otherwise immutable (a database trigger refuses updates on
    PostgreSQL); this service lifts that guard for its own transaction only.
    """
    forecast = Forecast.objects.select_for_update().select_related("question").get(pk=forecast.pk)
    changes = forecast_correction_check(forecast=forecast, changes=changes, reason=reason)
    audits = []
    for field, new in changes.items():
        old = getattr(forecast, field)
        if old == new:
            continue
        audits.append(
            ForecastCorrection(
                forecast=forecast,
                field=field,
                old_value=_text(old),
                new_value=_text(new),
                reason=reason,
                corrected_by=by if getattr(by, "pk", None) else None,
            )
        )
        setattr(forecast, field, new)
    if not audits:
        return forecast
    forecast.full_clean(exclude=["question", "author", "source", "entered_by"])
    _allow_forecast_writes()
    forecast.save()
    ForecastCorrection.objects.bulk_create(audits)
    # Only a question with an outcome has scores to redo (a draft or live one has none).
    if forecast.question.state in (Question.State.RESOLVED, Question.State.ANNULLED):
        _mark_resolution_changed([forecast.question_id])
    return forecast


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _allow_forecast_writes() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")


def _mark_resolution_changed(question_ids: Sequence[int]) -> None:
    """Stamp the questions and score them once the transaction commits.

    The stamp makes them stale (``Question.objects.needing_rescore()``) until a
    rescore has seen this change, so reconciliation catches a lost task.
    """
    if not question_ids:
        return
    Question.objects.filter(pk__in=question_ids).update(resolution_changed_at=timezone.now())
    queue_rescore(question_ids)


def queue_rescore(question_ids: Iterable[int]) -> None:
    """Rescore the questions once the transaction commits (nothing if it rolls back)."""
    from forecasts import tasks  # tasks import services; import late to avoid a cycle

    ids = list(question_ids)
    if ids:
        transaction.on_commit(lambda: tasks.enqueue_rescore(ids))


def rescore_retagged(*, instance, action: str, reverse: bool, pk_set, **_) -> None:
    """Receiver of ``m2m_changed`` for ``Question.tags``: rescore scored questions
    whose tags change, so their scores move to the new tags' scorecards.

    Questions with no stored scores are left alone: their first rescore reads
    the tags as they are then.
    """
    if action == "pre_clear" and reverse:  # a tag taken off every question: which ones?
        question_ids = list(instance.questions.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove") and pk_set:
        question_ids = list(pk_set) if reverse else [instance.pk]
    elif action == "post_clear" and not reverse:
        question_ids = [instance.pk]
    else:
        return
    queue_rescore(
        QuestionScore.objects.filter(question_id__in=question_ids)
        .order_by("question_id")
        .values_list("question_id", flat=True)
        .distinct()
    )


def _check_outcome(question: Question, outcome: str, option: Option | None) -> None:
    allowed = {Resolution.Outcome.ANNULLED}
    allowed |= (
        {Resolution.Outcome.YES, Resolution.Outcome.NO}
        if question.is_binary
        else {Resolution.Outcome.OPTION}
    )
    if outcome not in allowed:
        raise ValidationError(
            {"outcome": f"For this question choose one of: {', '.join(sorted(allowed))}."}
        )
    if outcome == Resolution.Outcome.OPTION:
        if option is None:
            raise ValidationError({"option": "Choose the option that happened."})
        if option.question_id != question.pk:
            raise ValidationError({"option": "That option belongs to another question."})
    elif option is not None:
        raise ValidationError({"option": "Only an 'option' outcome names an option."})


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
) -> Resolution:
    """Replace the current resolution (if any) with a new one, keeping history."""
    _check_outcome(question, outcome, option)
    _check_aware(outcome_known_at, "outcome_known_at")
    if outcome_known_at > timezone.now():
        raise ValidationError(
            {"outcome_known_at": "The outcome cannot become known in the future."}
        )
    previous = question.resolutions.select_for_update().filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    resolution = Resolution(
        question=question,
        outcome=outcome,
        option=option,
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
    _mark_resolution_changed(changed)
    return resolution


def _condition_held(dependent: Question, resolution: Resolution) -> bool | None:
    """Did the condition of ``dependent`` happen, given its parent's resolution?"""
    if resolution.is_annulled:
        return False
    wanted = dependent.condition_outcome
    if wanted == Question.ConditionOutcome.OPTION:
        return resolution.option_id == dependent.condition_option_id
    return resolution.outcome == wanted


def _propagate_to_conditionals(parent: Question, resolution: Resolution, by) -> list[int]:
    """Annul questions whose condition failed; reopen ones annulled by a condition now met."""
    changed: list[int] = []
    for dependent in parent.conditional_questions.select_for_update().exclude(
        state=Question.State.DRAFT
    ):
        current = dependent.resolutions.filter(is_current=True).first()
        held = _condition_held(dependent, resolution)
        if not held and current is None:
            _write_resolution(
                question=dependent,
                outcome=Resolution.Outcome.ANNULLED,
                option=None,
                outcome_known_at=resolution.outcome_known_at,
                evidence_url=resolution.evidence_url,
                evidence_note="",
                reason=f"Condition not met: “{parent.title}” resolved {resolution.outcome}.",
                by=by,
                automatic=True,
            )
            changed.append(dependent.pk)
        elif held and current is not None and current.is_automatic and current.is_annulled:
            # The condition was corrected and now holds: withdraw the automatic
            # annulment (it stays in history) and let the question be resolved.
            current.is_current = False
            current.save(update_fields=["is_current"])
            dependent.state = Question.State.LIVE
            dependent.save(update_fields=["state"])
            changed.append(dependent.pk)
    return changed


@transaction.atomic
def question_resolve(
    *,
    question: Question,
    outcome: str,
    outcome_known_at: datetime,
    option: Option | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    by=None,
) -> Resolution:
    """Record what happened. A resolved question is changed with resolution_correct."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state == Question.State.DRAFT:
        raise ValidationError({"question": "A draft question cannot be resolved."})
    if question.state != Question.State.LIVE:
        raise ValidationError(
            {"question": "Already resolved or annulled; record a correction instead."}
        )
    if outcome != Resolution.Outcome.ANNULLED and not (evidence_url or evidence_note):
        raise ValidationError({"evidence_url": "Give evidence: a URL, a note, or both."})
    return _write_resolution(
        question=question,
        outcome=outcome,
        option=option,
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
    by=None,
) -> Question:
    """Create a question with its options, tags and condition in one go."""
    for field, value in (
        ("opens_at", opens_at),
        ("closes_at", closes_at),
        ("resolve_by", resolve_by),
    ):
        _check_aware(value, field)
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "A question must close after it opens."})
    if resolve_by < closes_at:
        raise ValidationError(
            {"resolve_by": "The outcome cannot be due before the question closes."}
        )
    if state not in (Question.State.LIVE, Question.State.DRAFT):
        raise ValidationError({"state": "A new question is live or a draft."})
    labels = [label.strip() for label in options]
    if kind == Question.Kind.BINARY and labels:
        raise ValidationError(
            {"options": "A binary question has no options (its outcome is yes or no)."}
        )
    if kind == Question.Kind.MULTIPLE_CHOICE:
        if len(labels) < 2 or any(not label for label in labels):
            raise ValidationError(
                {"options": "A multiple-choice question needs two or more labelled options."}
            )
        if len(set(labels)) != len(labels):
            raise ValidationError({"options": "Option labels must differ."})
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

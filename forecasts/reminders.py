"""Reminding resolvers that questions are due, each reminder step exactly once.

The schedule: a first reminder when ``resolve_by`` passes (step 0), then one at
each day in ``RECKON_REMINDER_STEPS_DAYS``, then every
``RECKON_REMINDER_REPEAT_DAYS``. Only the step current at the time of a sweep
is recorded, so a beat that was down for a month sends one reminder, not five.

Exactly once per step rests on the database, not on Celery:

* ``ResolutionPrompt`` has a unique (question, step) constraint, so concurrent
  sweeps (two beats by mistake) record a step once.
* A send first *claims* the prompt in its own committed transaction
  (pending → sending, with the row locked). A second delivery of the same task,
  or a second sweep's task, finds it claimed or sent and does nothing.
* If the SMTP server refuses, we know nothing went out: the prompt goes back
  to pending with the error, and is retried with backoff up to
  ``RECKON_REMINDER_MAX_ATTEMPTS``, then marked failed.
* With nobody to send to (no resolver with an email address, no
  ``RECKON_RESOLVER_EMAILS``) reminders wait as pending, marked with the reason,
  and one warning is logged when a reminder starts waiting, not one error per
  reminder at every sweep. The first sweep after someone is added sends them.
* If the worker dies mid-send, the prompt stays "sending" and nobody knows
  whether the message left. After ``RECKON_REMINDER_LEASE_SECONDS`` a sweep
  retries it ONCE; a second loss marks it failed for a person to look at.
  The window in which a message was accepted but "sent" not yet written is one
  UPDATE long, while a crash before or during the SMTP conversation (the
  likely case) sent nothing, so retrying once gives one email in the cases we
  can tell apart, and at worst two, never an unbounded stream or silence. The
  Message-ID is fixed per prompt, so a duplicate is recognisable as one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from forecasts.ledger.roles import RESOLVERS
from forecasts.models import Question, ResolutionPrompt

logger = logging.getLogger(__name__)

NO_RECIPIENTS = (
    "No recipients: add a user with an email to Resolvers, or set RECKON_RESOLVER_EMAILS."
)

_FINAL_STATES = {
    ResolutionPrompt.State.SENT,
    ResolutionPrompt.State.FAILED,
    ResolutionPrompt.State.SKIPPED,
}


def step_offset(step: int) -> timedelta:
    """How long after resolve-by reminder ``step`` falls due."""
    steps = settings.RECKON_REMINDER_STEPS_DAYS
    if step < len(steps):
        return timedelta(days=steps[step])
    return timedelta(
        days=steps[-1] + settings.RECKON_REMINDER_REPEAT_DAYS * (step - len(steps) + 1)
    )


def current_step(question: Question, now: datetime | None = None) -> int | None:
    """The latest reminder step that has fallen due for a question, or None."""
    overdue = (now or timezone.now()) - question.resolve_by
    steps = settings.RECKON_REMINDER_STEPS_DAYS
    reached = [i for i, days in enumerate(steps) if overdue >= timedelta(days=days)]
    if not reached:
        return None
    step = reached[-1]
    repeat = settings.RECKON_REMINDER_REPEAT_DAYS
    if step == len(steps) - 1 and repeat > 0:
        step += (overdue - timedelta(days=steps[-1])) // timedelta(days=repeat)
    return step


def record_due_prompts(now: datetime | None = None) -> list[int]:
    """Record the current step of every due question; return the prompts to send.

    Safe to run concurrently: the unique constraint drops a step already recorded.
    """
    now = now or timezone.now()
    due = list(Question.objects.due(now).only("pk", "resolve_by"))
    prompts = [
        ResolutionPrompt(question=q, step=step, due_at=q.resolve_by + step_offset(step))
        for q in due
        if (step := current_step(q, now)) is not None
    ]
    ResolutionPrompt.objects.bulk_create(prompts, ignore_conflicts=True)
    waiting = ResolutionPrompt.objects.to_send(now).filter(question__in=Question.objects.due(now))
    prompt_ids = list(waiting.order_by("due_at", "pk").values_list("pk", flat=True))
    if prompt_ids and not resolver_emails():
        _hold_for_recipients(prompt_ids)
        return []
    return prompt_ids


def _hold_for_recipients(prompt_ids: list[int]) -> None:
    """Keep reminders pending with the reason; warn once for those that just started waiting."""
    newly_waiting = (
        ResolutionPrompt.objects.filter(pk__in=prompt_ids)
        .exclude(last_error=NO_RECIPIENTS)
        .update(last_error=NO_RECIPIENTS)
    )
    if newly_waiting:
        logger.warning(
            "%s resolution reminder(s) waiting (%s in all) and nobody to send them to. %s "
            "They go out at the first sweep after that; until then this is not logged again.",
            newly_waiting,
            len(prompt_ids),
            NO_RECIPIENTS,
        )


def resolver_emails() -> list[str]:
    """Active users in the Resolvers group with an address, plus RECKON_RESOLVER_EMAILS."""
    users = (
        get_user_model()
        .objects.filter(groups__name=RESOLVERS, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    seen: dict[str, str] = {}
    for address in [*users, *settings.RECKON_RESOLVER_EMAILS]:
        seen.setdefault(address.strip().lower(), address.strip())
    return list(seen.values())


def prompt_send(*, prompt_id: int) -> bool:
    """Send one reminder if nobody else has; True when this call sent it.

    Raises the mail backend's error after recording it, so the task retries.
    """
    prompt = _claim(prompt_id)
    if prompt is None:
        return False
    try:
        prompt_message(prompt).send()
    except Exception as exc:
        _release(prompt, exc)
        raise
    # Guarded by attempts: a worker whose lease was taken over must not
    # overwrite the newer claim's outcome.
    ResolutionPrompt.objects.filter(
        pk=prompt.pk, state=ResolutionPrompt.State.SENDING, attempts=prompt.attempts
    ).update(state=ResolutionPrompt.State.SENT, sent_at=timezone.now(), last_error="")
    logger.info(
        "Sent reminder %s for question %s to %s",
        prompt.step,
        prompt.question_id,
        ", ".join(prompt.recipients),
    )
    return True


@transaction.atomic
def _claim(prompt_id: int) -> ResolutionPrompt | None:
    """Move a prompt to "sending" under a row lock, or say why it must not be sent."""
    prompt = (
        ResolutionPrompt.objects.select_for_update(of=("self",))
        .select_related("question")
        .filter(pk=prompt_id)
        .first()
    )
    if prompt is None or prompt.state in _FINAL_STATES:
        return None
    now = timezone.now()
    if prompt.state == ResolutionPrompt.State.SENDING:
        if not prompt.lease_expired(now):
            return None  # another worker is sending it right now
        if prompt.lost_sends >= 1:
            return _fail(
                prompt,
                "The worker died twice while sending; the email may or may not "
                "have gone out. Check the mail log, then use “Send again”.",
            )
        prompt.lost_sends += 1
        prompt.last_error = (
            f"Worker lost while sending (claimed {prompt.claimed_at:%Y-%m-%d %H:%M}Z)."
        )
    if current_step(prompt.question, now) != prompt.step or prompt.question.status(now) != "due":
        prompt.state = ResolutionPrompt.State.SKIPPED
        prompt.save(update_fields=["state", "lost_sends", "last_error"])
        return None
    recipients = resolver_emails()
    if not recipients:
        # Stay pending: the next sweep sends it as soon as someone can receive it.
        if prompt.last_error != NO_RECIPIENTS:
            logger.warning("Reminder for question %s waits: %s", prompt.question_id, NO_RECIPIENTS)
        prompt.last_error = NO_RECIPIENTS
        prompt.save(update_fields=["last_error", "lost_sends"])
        return None
    prompt.state = ResolutionPrompt.State.SENDING
    prompt.attempts += 1
    prompt.claimed_at = now
    prompt.recipients = recipients
    prompt.save(
        update_fields=["state", "attempts", "claimed_at", "recipients", "lost_sends", "last_error"]
    )
    return prompt


def _fail(prompt: ResolutionPrompt, error: str) -> None:
    prompt.state = ResolutionPrompt.State.FAILED
    prompt.last_error = error
    prompt.save(update_fields=["state", "last_error"])
    logger.error("Reminder %s for question %s failed: %s", prompt.step, prompt.question_id, error)


def _release(prompt: ResolutionPrompt, exc: Exception) -> None:
    """The mail backend refused: nothing went out, so the prompt may be sent again."""
    error = f"{type(exc).__name__}: {exc}"
    if prompt.attempts >= settings.RECKON_REMINDER_MAX_ATTEMPTS:
        _fail(prompt, f"Gave up after {prompt.attempts} attempts. Last error: {error}")
        return
    ResolutionPrompt.objects.filter(pk=prompt.pk, attempts=prompt.attempts).update(
        state=ResolutionPrompt.State.PENDING, last_error=error
    )
    logger.warning(
        "Reminder for question %s not sent (attempt %s): %s",
        prompt.question_id,
        prompt.attempts,
        error,
    )


@transaction.atomic
def prompt_send_again(*, prompt: ResolutionPrompt) -> bool:
    """Let a failed prompt be sent again (an admin's decision); True if it was reset."""
    updated = ResolutionPrompt.objects.filter(
        pk=prompt.pk, state=ResolutionPrompt.State.FAILED
    ).update(state=ResolutionPrompt.State.PENDING, lost_sends=0, attempts=0, last_error="")
    return bool(updated)


def prompt_message(prompt: ResolutionPrompt) -> EmailMessage:
    """The reminder email: the question, its criteria, the claims at stake, a link."""
    question = prompt.question
    forecasts = (
        question.forecasts.select_related("author", "source")
        .prefetch_related("option_probabilities__option")
        .order_by("author__name", "stated_at", "pk")
    )
    context = {
        "question": question,
        "options": list(question.options.all()) if not question.is_binary else [],
        "claims": [_claim_line(f) for f in forecasts],
        "days_overdue": max((timezone.now() - question.resolve_by).days, 0),
        "step": prompt.step,
        "resolve_url": settings.SITE_URL
        + reverse("admin:forecasts_question_resolve", args=[question.pk]),
        "queue_url": settings.SITE_URL + reverse("admin:forecasts_duequestion_changelist"),
    }
    subject = f"Due for resolution: {question.title}"
    if prompt.step:
        subject = f"Reminder {prompt.step}: {subject}"
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "reckon"
    return EmailMessage(
        subject=subject,
        body=render_to_string("forecasts/email/resolution_prompt.txt", context),
        to=prompt.recipients,
        headers={"Message-ID": f"<resolution-prompt-{prompt.pk}@{domain}>"},
    )


def _claim_line(forecast) -> dict:
    if forecast.probability is not None:
        stated = f"{forecast.probability:.0%} yes"
    else:
        stated = ", ".join(
            f"{p.option.label} {p.probability:.0%}" for p in forecast.option_probabilities.all()
        )
    return {
        "author": forecast.author.name,
        "stated": stated,
        "phrase": forecast.phrase,
        "quote": forecast.quote,
        "stated_at": forecast.stated_at,
        "source": forecast.source.title if forecast.source else "",
    }

"""Resolution prompts: the record that a resolver was reminded about a due question.

One row per (question, reminder step), enforced by the database, so however
many sweeps run and however often a task is delivered, each step is sent once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone

from forecasts.models.ledger import Question, QuestionQuerySet


class ResolutionPromptQuerySet(models.QuerySet):
    def stale_claims(self, now: datetime | None = None) -> ResolutionPromptQuerySet:
        """Prompts left "sending" longer than the lease: their worker most likely died."""
        now = now or timezone.now()
        lease = timedelta(seconds=settings.RECKON_REMINDER_LEASE_SECONDS)
        return self.filter(state=ResolutionPrompt.State.SENDING, claimed_at__lt=now - lease)

    def to_send(self, now: datetime | None = None) -> ResolutionPromptQuerySet:
        """Prompts a sweep should (re)queue: waiting ones and stale claims."""
        now = now or timezone.now()
        return self.filter(
            Q(state=ResolutionPrompt.State.PENDING) | Q(pk__in=self.stale_claims(now).values("pk"))
        )


class ResolutionPrompt(models.Model):
    """A reminder to resolve a question: pending → sending → sent (or failed / skipped)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer due)"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="prompts")
    step = models.PositiveSmallIntegerField(
        help_text="0 when the question fell due, then 1, 2, … per the reminder schedule."
    )
    due_at = models.DateTimeField(help_text="When this reminder step fell due.")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Times a worker claimed this prompt to send it."
    )
    lost_sends = models.PositiveSmallIntegerField(
        default=0, help_text="Times a worker died while sending (retried once, then failed)."
    )
    last_error = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ResolutionPromptQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "step"], name="prompt_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.step} for {self.question}"

    def lease_expired(self, now: datetime | None = None) -> bool:
        if self.state != self.State.SENDING or self.claimed_at is None:
            return False
        lease = timedelta(seconds=settings.RECKON_REMINDER_LEASE_SECONDS)
        return self.claimed_at < (now or timezone.now()) - lease


class DueQuestionQuerySet(QuestionQuerySet):
    def with_prompt_counts(self) -> DueQuestionQuerySet:
        sent = Q(prompts__state=ResolutionPrompt.State.SENT)
        return self.annotate(
            prompts_sent=Count("prompts", filter=sent),
            last_prompted_at=Max("prompts__sent_at"),
        )


class DueQuestion(Question):
    """The resolvers' queue in the admin: due questions, oldest first."""

    objects = DueQuestionQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "question due for resolution"
        verbose_name_plural = "questions due for resolution"

    def days_overdue(self, now: datetime | None = None) -> int:
        return max(((now or timezone.now()) - self.resolve_by).days, 0)

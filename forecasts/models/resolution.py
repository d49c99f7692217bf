"""Outcomes of questions; a correction adds a row and keeps the old one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts.models.ledger import Option, Question


class ResolutionQuerySet(models.QuerySet):
    def current(self) -> ResolutionQuerySet:
        return self.filter(is_current=True)


class Resolution(models.Model):
    class Outcome(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        OPTION = "option", "Option"
        VALUE = "value", "A value (numeric and date questions)"
        ANNULLED = "annulled", "Annulled"

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="resolutions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.FloatField(
        null=True,
        blank=True,
        help_text="Numeric and date questions: the value scored (a date: days since "
        "1970-01-01), after a closed bound is applied.",
    )
    reported_value = models.FloatField(
        null=True,
        blank=True,
        help_text="The value as reported when it lay beyond a closed bound of the range "
        "(the question then resolves to the bound); empty otherwise.",
    )
    outcome_known_at = models.DateTimeField(help_text="When the outcome became public knowledge.")
    evidence_url = models.URLField(blank=True, max_length=1000)
    evidence_note = models.TextField(blank=True)
    reason = models.TextField(
        blank=True, help_text="Why it was corrected or annulled (required for those)."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(default=timezone.now, editable=False)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_automatic = models.BooleanField(
        default=False, help_text="Recorded by Reckon itself, e.g. a failed condition."
    )

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["question", "-resolved_at", "-pk"]
        indexes = [
            # The home page's recently resolved: read newest first, a few rows, never
            # sorted whole.
            models.Index(
                fields=["-resolved_at", "-id"],
                name="resolution_newest",
                condition=Q(is_current=True),
            ),
            # The API's list of every resolution, history included, newest first.
            models.Index(fields=["-resolved_at", "-id"], name="resolution_listed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_current=True),
                name="resolution_one_current_per_question",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="option") & Q(option__isnull=False))
                | (~Q(outcome="option") & Q(option__isnull=True)),
                name="resolution_option_iff_option_outcome",
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome="value")
                    & Q(value__isnull=False)
                    & Q(value__gt=-1e308)
                    & Q(value__lt=1e308)
                )
                | (~Q(outcome="value") & Q(value__isnull=True)),
                name="resolution_value_iff_value_outcome",
                violation_error_message="A value outcome needs a finite value, and only it.",
            ),
            models.CheckConstraint(
                condition=Q(reported_value__isnull=True)
                | (
                    Q(value__isnull=False)
                    & Q(reported_value__gt=-1e308)
                    & Q(reported_value__lt=1e308)
                ),
                name="resolution_reported_value_only_when_clamped",
                violation_error_message="A reported value is kept only beside a clamped value.",
            ),
        ]

    def __str__(self) -> str:
        shown = (
            self.option.label
            if self.outcome == self.Outcome.OPTION and self.option
            else self.outcome
        )
        return f"{self.question}: {shown}"

    @property
    def is_annulled(self) -> bool:
        return self.outcome == self.Outcome.ANNULLED

    @property
    def recorded_by(self) -> str:
        """Who recorded it, as the public pages say it: the resolver's full name if
        their account has one, else their role. Never the login, which is half of
        what an attacker needs to sign in."""
        user = self.resolved_by
        if user is None:
            return ""
        full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
        return full_name or "a resolver"

    @property
    def is_clamped(self) -> bool:
        """True when the reported value lay beyond a closed bound and resolved to it."""
        return self.reported_value is not None

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None

    def happened(self) -> bool | None:
        """For a binary question: did 'yes' happen? None when annulled or not binary."""
        if self.outcome == self.Outcome.YES:
            return True
        if self.outcome == self.Outcome.NO:
            return False
        return None


class QuestionCorrection(models.Model):
    """Audit trail of an edit to a question that changes what is scored.

    Moving the close before forecasts stated while the question was open makes
    them stop counting; that is allowed only as a correction with a reason, and
    ``effect`` says what it changes in the scores.
    """

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    effect = models.TextField(help_text="What the change does to the scores.")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-corrected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

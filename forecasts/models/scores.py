"""Stored scores: computed by forecasts.rescoring, never typed in.

The maths lives in forecasts.scoring; see docs/scoring.md for every convention.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts.models.ledger import Author, Question, Tag
from forecasts.models.resolution import Resolution


class QuestionScore(models.Model):
    """One author's score on one resolved question."""

    class Exclusion(models.TextChoices):
        NONE = "", "Counted"
        HINDSIGHT = "hindsight", "Recorded after the outcome was known"
        NO_FORECAST_IN_WINDOW = "no_forecast_in_window", "No forecast before close"

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="question_scores")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="scores")
    resolution = models.ForeignKey(
        Resolution, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    brier = models.FloatField(null=True, help_text="Time-averaged Brier, 0 (best) to 1.")
    brier_final = models.FloatField(null=True, help_text="Brier of the last forecast before close.")
    log_loss = models.FloatField(null=True, help_text="Of the final forecast, nats, clipped.")
    crowd_brier = models.FloatField(null=True)
    relative_brier = models.FloatField(
        null=True, help_text="Author minus crowd; negative is better."
    )
    final_probability = models.FloatField(
        null=True, help_text="Probability the final forecast gave to what happened."
    )
    n_forecasts = models.PositiveIntegerField(default=0)
    n_days = models.PositiveIntegerField(default=0)
    excluded_reason = models.CharField(
        max_length=30, choices=Exclusion.choices, blank=True, default=""
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["author", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "question"], name="score_once_per_author_question"
            ),
            models.CheckConstraint(
                condition=Q(brier__isnull=True) | (Q(brier__gte=0) & Q(brier__lte=1)),
                name="score_brier_in_unit_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.question}: {self.brier}"

    @property
    def counted(self) -> bool:
        return not self.excluded_reason and self.brier is not None


class Scorecard(models.Model):
    """An author's aggregate record, overall (tag empty) and per tag."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="scorecards")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    n_scored = models.PositiveIntegerField(default=0)
    brier = models.FloatField(
        null=True, help_text="Mean time-averaged Brier over scored questions."
    )
    brier_0_2 = models.FloatField(null=True, help_text="Brier's original 0–2 scale: 2 × brier.")
    brier_low = models.FloatField(null=True, help_text="95% interval of the mean Brier, lower end.")
    brier_high = models.FloatField(null=True)
    brier_final = models.FloatField(null=True)
    skill = models.FloatField(null=True, help_text="1 − brier / 0.25 (against the coin flip).")
    log_loss = models.FloatField(null=True)
    relative_brier = models.FloatField(null=True)
    n_pending = models.PositiveIntegerField(default=0)
    n_resolved = models.PositiveIntegerField(default=0)
    n_annulled = models.PositiveIntegerField(default=0)
    n_hindsight = models.PositiveIntegerField(default=0)
    n_better_than_coin = models.PositiveIntegerField(default=0)
    calibration = models.JSONField(default=list, blank=True)
    murphy = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["author", "tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["author"], condition=Q(tag__isnull=True), name="scorecard_one_overall"
            ),
            models.UniqueConstraint(
                fields=["author", "tag"],
                condition=Q(tag__isnull=False),
                name="scorecard_one_per_tag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.tag or 'overall'})"

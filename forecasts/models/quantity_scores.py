"""Stored scores of numeric and date questions: computed by the engine, never typed in.

Kept apart from QuestionScore and Scorecard: a quantity's score (the weighted
interval score, in the question's unit or on its range) is never averaged into
the Brier headline. The maths lives in forecasts.scoring.quantiles; docs/scoring.md
explains the conventions.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts.models.ledger import Author, Question, Tag
from forecasts.models.resolution import Resolution
from forecasts.models.scores import QuestionScore


class StatedForm(models.TextChoices):
    """What the author's final forecast before the close gave."""

    POINT = "point", "A point only (no probability to score)"
    INTERVAL = "interval", "An interval with its coverage"
    QUANTILES = "quantiles", "Quantiles"


class QuantityScoreQuerySet(models.QuerySet):
    def counted(self) -> QuantityScoreQuerySet:
        """Rows with a probabilistic score on the question's range: the numeric record."""
        return self.filter(excluded_reason="", normalised__isnull=False)


class QuantityScore(models.Model):
    """One author's score on one numeric or date question they forecast.

    Every (author, question) pair with a forecast on a published numeric or date
    question has a row; ``excluded_reason`` says why a row does not count, as for
    QuestionScore.
    """

    author = models.ForeignKey(
        Author,
        on_delete=models.CASCADE,
        related_name="quantity_scores",
        db_constraint=False,
        db_index=False,  # the (author, question) unique index serves lookups by author
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="quantity_scores", db_constraint=False
    )
    resolution = models.ForeignKey(
        Resolution,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    form = models.CharField(max_length=10, choices=StatedForm.choices, blank=True, default="")
    outcome = models.FloatField(
        null=True, help_text="The value scored against (a date: days since 1970-01-01)."
    )
    wis = models.FloatField(
        null=True,
        help_text="Time-averaged weighted interval score in the question's unit (days for a "
        "date question); lower is better. Empty for a point alone.",
    )
    wis_final = models.FloatField(null=True, help_text="WIS of the last forecast before close.")
    normalised = models.FloatField(
        null=True,
        help_text="Time-averaged WIS with values mapped onto the question's range (0 to 1, "
        "log range on a log scale): the unit-free score of the numeric record. Empty "
        "without a range or for a point alone.",
    )
    normalised_final = models.FloatField(null=True)
    point = models.FloatField(
        null=True, help_text="The final forecast's point (or median), when it gave one."
    )
    abs_error = models.FloatField(null=True, help_text="|point − outcome|, in the unit.")
    rel_error = models.FloatField(
        null=True, help_text="|point − outcome| / |outcome|; empty when the outcome is 0."
    )
    n_forecasts = models.PositiveIntegerField(default=0)
    n_days = models.PositiveIntegerField(default=0)
    n_hindsight = models.PositiveIntegerField(default=0)
    n_retrospective = models.PositiveIntegerField(default=0)
    excluded_reason = models.CharField(
        max_length=30, choices=QuestionScore.Exclusion.choices, blank=True, default=""
    )
    tag_ids = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = QuantityScoreQuerySet.as_manager()

    class Meta:
        ordering = ["author", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "question"], name="quantity_score_once_per_author_question"
            ),
            models.CheckConstraint(
                condition=Q(wis__isnull=True) | Q(wis__gte=0),
                name="quantity_score_wis_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.question}: {self.normalised}"


class QuantityRecord(models.Model):
    """An author's numeric record, overall (tag empty) and per tag: the mean of the
    counted rows' normalised scores, with N and a 95% t interval."""

    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="quantity_records", db_constraint=False
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    n_scored = models.PositiveIntegerField(default=0, help_text="Questions in the mean.")
    mean = models.FloatField(null=True, help_text="Mean normalised time-averaged WIS.")
    low = models.FloatField(null=True, help_text="95% t interval of the mean, lower end.")
    high = models.FloatField(null=True)
    n_unranged = models.PositiveIntegerField(
        default=0, help_text="Scored in their unit but left out: the question has no range."
    )
    n_points = models.PositiveIntegerField(
        default=0, help_text="Resolved questions where the author gave a point only."
    )
    n_pending = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["author", "tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["author"], condition=Q(tag__isnull=True), name="quantity_record_one_overall"
            ),
            models.UniqueConstraint(
                fields=["author", "tag"],
                condition=Q(tag__isnull=False),
                name="quantity_record_one_per_tag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.tag or 'overall'}): numeric"

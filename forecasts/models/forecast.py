"""Forecasts: an author's probability for a question at a moment, with their words."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from forecasts.models.ledger import Author, Option, Question, Scale, Source


def _probability_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0.0}) & Q(**{f"{field}__lte": 1.0})


class ForecastQuerySet(models.QuerySet):
    def hindsight(self) -> ForecastQuerySet:
        """Forecasts recorded after their question's outcome was known (never scored)."""
        return self.filter(
            question__resolutions__is_current=True,
            recorded_at__gt=F("question__resolutions__outcome_known_at"),
        )


class Forecast(models.Model):
    """Immutable once written: a change of mind is a new forecast.

    ``probability`` is P(yes) for a binary question; a multiple-choice forecast
    keeps one ForecastProbability per option instead.  ``stated_at`` is when the
    author said it (the source's date for a historical claim); ``recorded_at``
    is set by the server when the forecast is entered.
    """

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="forecasts")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="forecasts")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="forecasts"
    )
    stated_at = models.DateTimeField(help_text="When the author made the claim.")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    probability = models.FloatField(
        null=True, blank=True, help_text="P(yes), 0 to 1. Empty for multiple-choice questions."
    )
    quote = models.TextField(blank=True, help_text="The author's exact words.")
    phrase = models.CharField(
        max_length=120, blank=True, help_text='The verbal hedge used, e.g. "likely".'
    )
    scale = models.CharField(max_length=20, choices=Scale.choices, default=Scale.NUMERIC)
    interval_low = models.FloatField(null=True, blank=True)
    interval_high = models.FloatField(null=True, blank=True)
    scale_point = models.FloatField(
        null=True, blank=True, help_text="The point value the scale gives for the phrase."
    )
    conversion_note = models.TextField(
        blank=True, help_text="How the words were turned into the scored number."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_id = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The row id of an imported public record (e.g. zj-2017-026); re-imports skip it.",
    )

    objects = ForecastQuerySet.as_manager()

    class Meta:
        ordering = ["question", "author", "stated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | _probability_range("probability"),
                name="forecast_probability_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(interval_low__isnull=True) | _probability_range("interval_low"),
                name="forecast_interval_low_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(interval_high__isnull=True) | _probability_range("interval_high"),
                name="forecast_interval_high_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(interval_low__isnull=True)
                | Q(interval_high__isnull=True)
                | Q(interval_low__lte=F("interval_high")),
                name="forecast_interval_ordered",
            ),
            models.CheckConstraint(
                condition=Q(scale_point__isnull=True) | _probability_range("scale_point"),
                name="forecast_scale_point_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=Q(stated_at__lte=F("recorded_at")),
                name="forecast_not_stated_in_future",
            ),
            # One forecast per author, question and moment: two would leave the
            # scorer to pick one silently. Its index serves the scorer's reads too.
            models.UniqueConstraint(
                fields=["question", "author", "stated_at"],
                name="forecast_one_per_author_question_moment",
                violation_error_message=(
                    "This author already has a forecast on this question stated at this moment."
                ),
            ),
        ]
        indexes = [models.Index(fields=["author", "question"])]

    def __str__(self) -> str:
        shown = f"{self.probability:.0%}" if self.probability is not None else "options"
        return f"{self.author} on {self.question}: {shown}"

    @property
    def is_overridden(self) -> bool:
        """True when an editor scored a number other than the scale's point value."""
        return (
            self.scale_point is not None
            and self.probability is not None
            and abs(self.scale_point - self.probability) > 1e-9
        )


class ForecastProbability(models.Model):
    """One option's probability within a multiple-choice forecast."""

    forecast = models.ForeignKey(
        Forecast, on_delete=models.CASCADE, related_name="option_probabilities"
    )
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()

    class Meta:
        ordering = ["forecast", "option__position"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "option"], name="forecast_option_once"),
            models.CheckConstraint(
                condition=_probability_range("probability"),
                name="forecast_option_probability_in_unit_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.probability:.0%}"


class ForecastCorrection(models.Model):
    """Audit trail of an editor fixing a typing mistake in a forecast."""

    forecast = models.ForeignKey(Forecast, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

"""Forecasts: an author's probability for a question at a moment, with their words."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Abs, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from forecasts.models.ledger import Author, Option, Question, Scale, Source, finite_or_null


def _probability_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0.0}) & Q(**{f"{field}__lte": 1.0})


# Float noise allowed between P(yes) and the number derived from the author's words.
READING_TOLERANCE = 1e-9


class ClaimDirection(models.TextChoices):
    """Which way the author's sentence leans, as the claim detector read it."""

    AFFIRMS = "affirms", "asserts the event"
    NEGATES = "negates", "asserts its negation (won't, will miss, I don't think…)"


def _reading_agrees() -> Q:
    """P(yes) is the number the words give when the question asks the author's side, and
    its complement when it asks the opposite side."""
    same = LessThanOrEqual(Abs(F("probability") - F("stated_probability")), READING_TOLERANCE)
    opposite = LessThanOrEqual(
        Abs(F("probability") + F("stated_probability") - 1.0), READING_TOLERANCE
    )
    return (
        Q(question_agrees__isnull=True)
        | Q(stated_probability__isnull=True)
        | Q(probability__isnull=True)
        | (Q(question_agrees=True) & Q(same))
        | (Q(question_agrees=False) & Q(opposite))
    )


class ForecastQuerySet(models.QuerySet):
    def stated_in_time(self, *, closes_at, outcome_known_at) -> ForecastQuerySet:
        """The SQL twin of ``forecasts.scoring.stated_in_time``: the forecasts that count.

        ``closes_at`` and ``outcome_known_at`` are expressions (``F``,
        ``OuterRef``): stated by the close and by the time the outcome was
        known, and recorded by then too, or proved by a source with a URL and
        a publication date no earlier than the (UTC) day it was stated.
        """
        proved = (
            Q(source__published_on__isnull=False)
            & ~Q(source__url="")
            & Q(_stated_day__lte=F("source__published_on"))
        )
        return (
            self.alias(_stated_day=TruncDate("stated_at", tzinfo=UTC))
            .filter(stated_at__lte=closes_at)
            .filter(stated_at__lte=outcome_known_at)
            .filter(Q(recorded_at__lte=outcome_known_at) | proved)
        )


class Forecast(models.Model):
    """Immutable once written: a change of mind is a new forecast.

    ``probability`` is P(yes) for a binary question; a multiple-choice forecast
    keeps one ForecastProbability per option instead. A numeric or date forecast
    keeps what the author stated: a point (``value``), a central interval
    (``value_low``–``value_high`` with its ``coverage``), either or both, and/or
    a set of quantiles (ForecastQuantile rows). Date values are UTC days since
    1970-01-01.  ``stated_at`` is when the
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
    # Whether its author or its question is synthetic, kept here by database triggers
    # (migration 0028) so the forecast list can put real records first from an index
    # instead of sorting every forecast joined to both. Read ``is_synthetic``, which
    # asks the author and the question themselves, everywhere else.
    listed_synthetic = models.BooleanField(default=False, editable=False)
    probability = models.FloatField(
        null=True, blank=True, help_text="P(yes), 0 to 1. Empty for multiple-choice questions."
    )
    value = models.FloatField(
        null=True,
        blank=True,
        help_text="Numeric and date questions: the point the author gave (“about 3%”), "
        "read as their median.",
    )
    value_low = models.FloatField(
        null=True, blank=True, help_text="The low end of the author's stated interval."
    )
    value_high = models.FloatField(
        null=True, blank=True, help_text="The high end of the author's stated interval."
    )
    coverage = models.FloatField(
        null=True,
        blank=True,
        help_text="How sure the author is that the outcome falls in the interval, "
        "between 0 and 1 exclusive (stated, or the scale's number for their hedge).",
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
    direction = models.CharField(
        max_length=8,
        choices=ClaimDirection.choices,
        blank=True,
        default="",
        db_default="",  # bulk COPY writers (demo world, imports) leave it out
        help_text="Which way the author's sentence leans, as the claim detector read it.",
    )
    stated_probability = models.FloatField(
        null=True,
        blank=True,
        help_text="The number the author's words give to the outcome they assert "
        "(“will almost certainly miss” is 97% on missing).",
    )
    stated_outcome = models.CharField(
        "what the author asserts",
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="That outcome in words, e.g. “the Commission will miss its heat-pump target”.",
    )
    question_agrees = models.BooleanField(
        null=True,
        blank=True,
        help_text="Confirmed by an editor: the question's YES is the outcome the author asserts "
        "(yes) or the opposite (no; P(yes) is then 1 − the stated number). Empty: not confirmed.",
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
                violation_error_message="The probability must be between 0% and 100%.",
            ),
            models.CheckConstraint(
                condition=Q(interval_low__isnull=True) | _probability_range("interval_low"),
                name="forecast_interval_low_in_unit_interval",
                violation_error_message="The interval's low end must be between 0% and 100%.",
            ),
            models.CheckConstraint(
                condition=Q(interval_high__isnull=True) | _probability_range("interval_high"),
                name="forecast_interval_high_in_unit_interval",
                violation_error_message="The interval's high end must be between 0% and 100%.",
            ),
            models.CheckConstraint(
                condition=Q(interval_low__isnull=True)
                | Q(interval_high__isnull=True)
                | Q(interval_low__lte=F("interval_high")),
                name="forecast_interval_ordered",
                violation_error_message="The interval's low end must not be above its high end.",
            ),
            models.CheckConstraint(
                condition=Q(scale_point__isnull=True) | _probability_range("scale_point"),
                name="forecast_scale_point_in_unit_interval",
                violation_error_message="The scale's point value must be between 0% and 100%.",
            ),
            models.CheckConstraint(
                condition=Q(stated_probability__isnull=True)
                | _probability_range("stated_probability"),
                name="forecast_stated_probability_in_unit_interval",
                violation_error_message="The author's number must be between 0% and 100%.",
            ),
            models.CheckConstraint(
                condition=_reading_agrees(),
                name="forecast_probability_follows_the_reading",
                violation_error_message=(
                    "The probability must be the author's number when the question asks the "
                    "side they assert, and 100% minus it when it asks the opposite side."
                ),
            ),
            models.CheckConstraint(
                condition=Q(stated_at__lte=F("recorded_at")),
                name="forecast_not_stated_in_future",
                violation_error_message=(
                    "A claim cannot be stated after it was recorded: "
                    "the stated date is in the future."
                ),
            ),
            models.CheckConstraint(
                condition=finite_or_null("value")
                & finite_or_null("value_low")
                & finite_or_null("value_high"),
                name="forecast_values_finite",
                violation_error_message="A forecast's values must be finite numbers.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(value_low__isnull=True)
                    & Q(value_high__isnull=True)
                    & Q(coverage__isnull=True)
                )
                | (
                    Q(value_low__isnull=False)
                    & Q(value_high__isnull=False)
                    & Q(coverage__gt=0.0)
                    & Q(coverage__lt=1.0)
                    & Q(value_low__lte=F("value_high"))
                ),
                name="forecast_value_interval_complete",
                violation_error_message=(
                    "An interval needs both ends, the low end not above the high end, and a "
                    "coverage strictly between 0% and 100%."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | Q(value_low__isnull=True)
                | (Q(value_low__lte=F("value")) & Q(value__lte=F("value_high"))),
                name="forecast_value_inside_interval",
                violation_error_message="The point value must lie inside the stated interval.",
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=True) & Q(value_low__isnull=True))
                | Q(probability__isnull=True),
                name="forecast_value_or_probability",
                violation_error_message="A forecast is a probability or a value, not both.",
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
        indexes = [
            models.Index(fields=["author", "question"]),
            # The home page's newest claims: read newest first, a few rows, never sorted whole.
            models.Index(fields=["-recorded_at", "-id"], name="forecast_newest"),
            # The forecast list's own order (real records first, newest first).
            models.Index(fields=["listed_synthetic", "-stated_at", "-id"], name="forecast_listed"),
        ]

    def __str__(self) -> str:
        if self.probability is not None:
            shown = f"{self.probability:.0%}"
        elif self.value is not None or self.value_low is not None:
            shown = "a value"
        else:
            shown = "options"
        return f"{self.author} on {self.question}: {shown}"

    @property
    def is_synthetic(self) -> bool:
        """Part of the synthetic demo world: by a synthetic author or on a synthetic question."""
        return self.author.is_synthetic or self.question.is_synthetic

    @property
    def has_reading(self) -> bool:
        """True when the author's words carry a number for a side they assert."""
        return self.stated_probability is not None and bool(self.stated_outcome)

    @property
    def asks_the_opposite(self) -> bool:
        """True when the question's YES is the opposite of what the author asserted."""
        return self.has_reading and self.question_agrees is False

    @property
    def words_interval(self) -> tuple[float | None, float | None]:
        """The scale's interval for the phrase as the author used it, on their side.

        Stored numbers are P(yes); when the question asks the opposite side,
        "almost certainly" still reads 95–99% on what the author asserted.
        """
        low, high = self.interval_low, self.interval_high
        if not self.asks_the_opposite or low is None or high is None:
            return low, high
        return round(1 - high, 6), round(1 - low, 6)

    @property
    def words_point(self) -> float | None:
        """The scale's point value on the author's side (see ``words_interval``)."""
        if not self.asks_the_opposite or self.scale_point is None:
            return self.scale_point
        return round(1 - self.scale_point, 6)

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
                violation_error_message="Each option's probability must be between 0% and 100%.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.probability:.0%}"


class ForecastQuantile(models.Model):
    """One quantile of a numeric or date forecast: P(outcome ≤ value) = level."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="quantiles")
    level = models.FloatField(help_text="Between 0 and 1 exclusive, e.g. 0.05 … 0.95.")
    value = models.FloatField()

    class Meta:
        ordering = ["forecast", "level"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "level"], name="forecast_quantile_once"),
            models.CheckConstraint(
                condition=Q(level__gt=0.0) & Q(level__lt=1.0),
                name="forecast_quantile_level_inside_unit_interval",
                violation_error_message="A quantile's level must be strictly between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(value__gt=-1e308) & Q(value__lt=1e308),
                name="forecast_quantile_value_finite",
                violation_error_message="A quantile's value must be a finite number.",
            ),
        ]

    def __str__(self) -> str:
        return f"q{self.level:g} = {self.value:g}"


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


def forecast_count(outer: str, *, published: bool = False) -> Subquery:
    """How many forecasts name the outer row (``outer``: "question", "author" or "source"), as a
    subquery of each row: ``queryset.annotate(n=forecast_count("author"))``.

    Unlike ``Count("forecasts")``, which joins every forecast and groups them before
    the page is cut, PostgreSQL counts only the rows a page shows when the order does
    not need the count (a list of 2,000 authors over a million forecasts: 554 ms a
    page with the join, measured), and a filter that joins forecasts does not repeat
    them. ``COUNT(*)`` with no GROUP BY (a ``Func``, which Django does not group by)
    gives one row, 0 for none: no COALESCE, a plain aggregate per row. ``published``:
    only the forecasts on questions that are not drafts."""
    rows = Forecast.objects.filter(**{outer: OuterRef("pk")})
    if published:
        rows = rows.exclude(question__state=Question.State.DRAFT)
    counted = rows.order_by().values(
        n=Func(function="COUNT", template="COUNT(*)", output_field=IntegerField())
    )
    return Subquery(counted, output_field=IntegerField())


# The years forecasts were stated in, found a year at a time: for each value of
# ``listed_synthetic`` (the leading column of the ``forecast_listed`` index) the first
# forecast of the first year, then the first one on or after the next year's start.
# Each step is one probe of the index, where a DISTINCT over the years reads every row.
_STATED_YEARS = """
WITH RECURSIVE years(listed, year) AS (
    SELECT kinds.listed, (
        SELECT date_trunc('year', MIN(f.stated_at) AT TIME ZONE %(zone)s)
        FROM forecasts_forecast f WHERE f.listed_synthetic = kinds.listed
    )
    FROM (VALUES (false), (true)) AS kinds(listed)
  UNION ALL
    SELECT y.listed, (
        SELECT date_trunc('year', MIN(f.stated_at) AT TIME ZONE %(zone)s)
        FROM forecasts_forecast f
        WHERE f.listed_synthetic = y.listed
          AND f.stated_at >= (y.year + interval '1 year') AT TIME ZONE %(zone)s
    )
    FROM years y WHERE y.year IS NOT NULL
)
SELECT DISTINCT EXTRACT(year FROM year)::int FROM years WHERE year IS NOT NULL ORDER BY 1
"""


def stated_years(zone: str) -> list[int] | None:
    """The years (in the time zone named) that forecasts were stated in, oldest first:
    what ``Forecast.objects.datetimes("stated_at", "year")`` gives, in a few index
    probes a year instead of a pass over every forecast (240 ms at a million,
    measured; under 2 ms this way). PostgreSQL only: None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_STATED_YEARS, {"zone": zone})
        return [row[0] for row in cursor.fetchall()]

"""Who said it, where, and about what: authors, sources, tags and questions."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone


def finite_or_null(field: str) -> Q:
    """NULL or a finite number: PostgreSQL stores NaN and ±Infinity in float columns."""
    return Q(**{f"{field}__isnull": True}) | (
        Q(**{f"{field}__gt": -1e308}) & Q(**{f"{field}__lt": 1e308})
    )


# Datetimes, or whole microseconds since 1970 (``forecasts.api.written``).
Instant = TypeVar("Instant", datetime, int)


def lifecycle_status(
    state: str, opens_at: Instant, closes_at: Instant, resolve_by: Instant, now: Instant
) -> str:
    """A question's status from its state and dates (``Question.status``; the API's rows),
    given as datetimes or all as microseconds since 1970."""
    if state != "live":
        return state
    if now < opens_at:
        return "upcoming"
    if now < closes_at:
        return "open"
    if now < resolve_by:
        return "closed"
    return "due"


def updated_at_field() -> models.DateTimeField:
    """When the row last changed: indexed, for the API's validators (forecasts.api.conditional)."""
    return models.DateTimeField(
        auto_now=True,
        db_default=Now(),
        db_index=True,
        editable=False,
        help_text="When the row last changed (the API's ETags).",
    )


class Scale(models.TextChoices):
    """Published scales that turn words ("likely") into probabilities."""

    ICD203 = "icd203", "ICD 203 (US intelligence, 2015)"
    KENT1964 = "kent1964", "Kent (1964)"
    IPCC_AR5 = "ipcc_ar5", "IPCC AR5 likelihood language"
    RECKON = "reckon", "Reckon project lexicon"
    NUMERIC = "numeric", "Stated as a number"


class Author(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = models.TextField(blank=True, help_text="Who they are, in a line or two.")
    url = models.URLField(blank=True, max_length=500)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="A linked account may submit forecasts as this author through the API.",
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated demo data, not a real person's record."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = updated_at_field()

    class Meta:
        ordering = ["name"]
        indexes = [
            # By name: the scorecards' list (author's name, then tag) reads its page
            # author by author down this one, not sorting every card (40 -> 0.6 ms of
            # PostgreSQL over 18,000 cards, measured), and the admin's list.
            models.Index(fields=["name", "id"], name="author_by_name"),
            # The API's list of authors, real ones first (``AuthorViewSet.ordering``).
            models.Index(fields=["is_synthetic", "name", "id"], name="author_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("author-detail", kwargs={"slug": self.slug})


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        SPEECH = "speech", "Speech"
        INTERVIEW = "interview", "Interview"
        POST = "post", "Post"
        OTHER = "other", "Other"

    title = models.CharField(max_length=400)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    url = models.URLField(blank=True, max_length=1000)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The byline. Claims by others that the source reports keep their own author.",
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Needed before claims from this source can be dated."
    )
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(blank=True)
    full_text = models.TextField(blank=True)
    scale = models.CharField(
        max_length=20,
        choices=Scale.choices,
        default=Scale.ICD203,
        help_text="The scale used to turn this source's hedges into numbers.",
    )
    # Retrospective entry invites selection (entering only a pundit's misses):
    # a source marked complete has every forward-looking claim in it in the
    # ledger, or dismissed with a reason (forecasts.ledger.sources).
    is_complete = models.BooleanField(
        default=False,
        help_text="Every forward-looking claim in it is in the ledger, or was dismissed with "
        "a reason.",
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated demo data (the synthetic world's source)."
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = updated_at_field()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("source-detail", kwargs={"slug": self.slug})

    def dismissed_by_reason(self) -> dict[str, int]:
        """How many sentences drafted from it were dismissed, by reason code. One query."""
        rows = (
            self.discarded_claims.order_by("reason")
            .values_list("reason")
            .annotate(n=models.Count("pk"))
        )
        return dict(rows)


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    updated_at = updated_at_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    """Lifecycle reads: draft → open → closed → due → resolved / annulled."""

    def published(self) -> QuestionQuerySet:
        return self.exclude(state=Question.State.DRAFT)

    def drafts(self) -> QuestionQuerySet:
        return self.filter(state=Question.State.DRAFT)

    def unresolved(self) -> QuestionQuerySet:
        return self.filter(state=Question.State.LIVE)

    def open(self, now: datetime | None = None) -> QuestionQuerySet:
        now = now or timezone.now()
        return self.unresolved().filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now: datetime | None = None) -> QuestionQuerySet:
        """Closed to forecasts but not yet due for resolution."""
        now = now or timezone.now()
        return self.unresolved().filter(closes_at__lte=now, resolve_by__gt=now)

    def due(self, now: datetime | None = None) -> QuestionQuerySet:
        """Past resolve-by with no resolution: oldest first, as resolvers work through them."""
        now = now or timezone.now()
        return self.unresolved().filter(resolve_by__lte=now).order_by("resolve_by", "pk")

    def resolved(self) -> QuestionQuerySet:
        return self.filter(state=Question.State.RESOLVED)

    def annulled(self) -> QuestionQuerySet:
        return self.filter(state=Question.State.ANNULLED)

    def needing_rescore(self) -> QuestionQuerySet:
        """Questions whose latest resolution change has not been scored yet."""
        return self.filter(resolution_changed_at__isnull=False).filter(
            Q(scores_digest__scored_at__isnull=True)
            | Q(scores_digest__scored_at__lt=models.F("resolution_changed_at"))
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        BINARY = "binary", "Binary (yes / no)"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        NUMERIC = "numeric", "Numeric (a quantity)"
        DATE = "date", "Date (when something happens)"

    class State(models.TextChoices):
        # Open / closed / due are read off the dates of a LIVE question.
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        RESOLVED = "resolved", "Resolved"
        ANNULLED = "annulled", "Annulled"

    class ConditionOutcome(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        OPTION = "option", "A given option"

    title = models.CharField(
        max_length=300, help_text="The question, answerable yes/no or by one option."
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BINARY)
    resolution_criteria = models.TextField(
        help_text="How a stranger decides the outcome: what counts, what does not, which source."
    )
    background = models.TextField(
        blank=True, help_text="Public: shown on the question page and in the API."
    )
    editor_notes = models.TextField(
        blank=True,
        default="",
        db_default="",  # bulk loads (COPY) that name only the public columns still work
        help_text="Editors only (drafting notes, what to check before approving): never shown "
        "on a public page, feed or the public API.",
    )
    # Numeric and date questions (forecasts.models.quantity): values are plain
    # numbers in ``unit``; a date question's values are UTC days since 1970-01-01.
    unit = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text="Numeric questions: what the number counts, e.g. “%”, “troops”, “US$ bn”.",
    )
    range_low = models.FloatField(
        null=True,
        blank=True,
        help_text="Numeric and date questions: the low end of the range forecasts are drawn "
        "on (a date question: days since 1970-01-01). Needed for the unit-free record.",
    )
    range_high = models.FloatField(
        null=True, blank=True, help_text="The high end of the range (see the low end)."
    )
    range_low_closed = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Closed: the outcome cannot be below the low end; a lower reported value "
        "resolves to the bound. Open: it can, and resolves to the value itself.",
    )
    range_high_closed = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Closed: the outcome cannot be above the high end (see the low end).",
    )
    log_scale = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Numeric questions whose values span orders of magnitude: drawn and "
        "normalised on a log scale. Needs a positive range.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    opens_at = models.DateTimeField(help_text="Forecasts count from this moment.")
    closes_at = models.DateTimeField(help_text="No forecast stated after this counts.")
    resolve_by = models.DateTimeField(help_text="When the outcome should be known.")
    condition_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conditional_questions",
        help_text="Annulled automatically if this question resolves the other way.",
    )
    condition_outcome = models.CharField(
        max_length=10, choices=ConditionOutcome.choices, blank=True
    )
    condition_option = models.ForeignKey(
        "Option", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.LIVE, db_index=True
    )
    is_synthetic = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by the resolution services; compared with ``scored_at`` (kept by the
    # scorer in ``ScoresDigest``) it finds questions whose scores are stale
    # (e.g. the broker was down).
    resolution_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = updated_at_field()

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="question_closes_after_opens",
                violation_error_message="The question must close after it opens.",
            ),
            models.CheckConstraint(
                condition=Q(resolve_by__gte=models.F("closes_at")),
                name="question_resolve_by_not_before_close",
                violation_error_message="The resolve-by date must not be before the close.",
            ),
            models.CheckConstraint(
                condition=(Q(condition_question__isnull=True) & Q(condition_outcome=""))
                | (Q(condition_question__isnull=False) & ~Q(condition_outcome="")),
                name="question_condition_complete",
                violation_error_message=(
                    "A condition needs both the question and the outcome it depends on."
                ),
            ),
            models.CheckConstraint(
                condition=Q(condition_option__isnull=True) | Q(condition_outcome="option"),
                name="question_condition_option_only_for_option_outcome",
                violation_error_message=(
                    "Pick a condition option only when the condition's outcome is an option."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["numeric", "date"])
                | (
                    Q(unit="")
                    & Q(range_low__isnull=True)
                    & Q(range_high__isnull=True)
                    & Q(range_low_closed=False)
                    & Q(range_high_closed=False)
                    & Q(log_scale=False)
                ),
                name="question_range_only_for_quantities",
                violation_error_message=(
                    "A unit, a range and a log scale belong to numeric and date questions only."
                ),
            ),
            models.CheckConstraint(
                condition=finite_or_null("range_low") & finite_or_null("range_high"),
                name="question_range_finite",
                violation_error_message="The range's ends must be finite numbers.",
            ),
            models.CheckConstraint(
                condition=Q(range_low__isnull=True)
                | Q(range_high__isnull=True)
                | Q(range_low__lt=models.F("range_high")),
                name="question_range_ordered",
                violation_error_message="The range's low end must be below its high end.",
            ),
            models.CheckConstraint(
                condition=(Q(range_low_closed=False) | Q(range_low__isnull=False))
                & (Q(range_high_closed=False) | Q(range_high__isnull=False)),
                name="question_closed_bound_has_value",
                violation_error_message="A closed end of the range needs a value.",
            ),
            models.CheckConstraint(
                condition=Q(log_scale=False)
                | (Q(kind="numeric") & Q(range_low__gt=0) & Q(range_high__isnull=False)),
                name="question_log_scale_positive_range",
                violation_error_message=(
                    "A log scale needs a numeric question with a range above zero."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "resolve_by"]),
            # With the one above, the API's validator finds the next moment a live
            # question opens, closes or falls due in one index entry each
            # (``forecasts.api.conditional``).
            models.Index(fields=["state", "opens_at"], name="question_state_opens"),
            models.Index(fields=["state", "closes_at"], name="question_state_closes"),
            # The question list's default order (``QuestionViewSet.ordering``): its
            # page is read off the index, not sorted out of every question.
            models.Index(fields=["is_synthetic", "-opens_at", "id"], name="question_list_order"),
            # The public list's order (``pages.views.question_list``): soonest due first.
            models.Index(fields=["is_synthetic", "resolve_by", "id"], name="question_page_order"),
            # The list's other orders (``?ordering=``, either way, the id after): read off
            # an index, ties put in order as they come, not sorted out of every question.
            *(
                models.Index(fields=[field], name=f"question_by_{field}")
                for field in ("opens_at", "closes_at", "resolve_by", "created_at", "title")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("question-detail", kwargs={"slug": self.slug})

    @property
    def scored_at(self) -> datetime | None:
        """When a rescore last brought this question's scores up to date with its resolution.

        Kept in the narrow ``ScoresDigest`` table, not on the question's row: a
        rescore stamps every stale question, and rewriting (and reindexing) the
        wide question rows cost more than the scoring. Select
        ``scores_digest`` with the question to read it without a query.
        """
        digest = getattr(self, "scores_digest", None)  # none until the question is scored
        return None if digest is None else digest.scored_at

    @property
    def rescore_pending_since(self) -> datetime | None:
        """When the resolution changed, while its scores wait for the rescore (else None).

        The same test as ``QuestionQuerySet.needing_rescore``, on this row.
        """
        changed = self.resolution_changed_at
        if changed is None or (self.scored_at is not None and self.scored_at >= changed):
            return None
        return changed

    @property
    def is_binary(self) -> bool:
        return self.kind == self.Kind.BINARY

    @property
    def is_quantity(self) -> bool:
        """Numeric or date: forecasts are values (a point, an interval, quantiles)."""
        return self.kind in (self.Kind.NUMERIC, self.Kind.DATE)

    @property
    def has_range(self) -> bool:
        return self.range_low is not None and self.range_high is not None

    def status(self, now: datetime | None = None) -> str:
        """Where the question is in its lifecycle, for display and filters."""
        return lifecycle_status(
            self.state, self.opens_at, self.closes_at, self.resolve_by, now or timezone.now()
        )


class Option(models.Model):
    """One answer of a multiple-choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = updated_at_field()

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_unique_position"),
            models.UniqueConstraint(fields=["question", "label"], name="option_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label

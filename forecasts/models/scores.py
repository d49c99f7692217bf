"""Stored scores: computed by forecasts.engine.rescoring, never typed in.

The maths lives in forecasts.scoring; see docs/scoring.md for every convention.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from forecasts.models.ledger import Author, Question, Tag
from forecasts.models.resolution import Resolution


class QuestionScoreQuerySet(models.QuerySet):
    def counted(self) -> QuestionScoreQuerySet:
        """Scores that count towards a track record (resolved, not hindsight)."""
        return self.filter(excluded_reason="", brier__isnull=False)

    def excluded(self) -> QuestionScoreQuerySet:
        """Rows that do not count: hindsight, no forecast in time, annulled, pending."""
        return self.exclude(excluded_reason="")

    def settled(self) -> QuestionScoreQuerySet:
        """Rows on resolved or annulled questions (not the pending ones)."""
        return self.exclude(excluded_reason=QuestionScore.Exclusion.PENDING)

    def tagged(self, tag: Tag | None) -> QuestionScoreQuerySet:
        return self if tag is None else self.filter(question__tags=tag)

    def recorded_before_outcome(self, only: bool = True) -> QuestionScoreQuerySet:
        """Rows with no scored forecast entered after the outcome was known (when ``only``).

        The reader's switch "only claims recorded before the outcome was known":
        a row counts in it when every forecast it scored was in the ledger by
        then; a row that scored a retrospective claim (proved by a dated
        source) is left out whole.
        """
        return self.filter(n_retrospective=0) if only else self

    def known_between(self, since=None, until=None) -> QuestionScoreQuerySet:
        """Questions whose outcome became known in [since, until) (either end optional)."""
        qs = self
        if since is not None:
            qs = qs.filter(resolution__outcome_known_at__gte=since)
        if until is not None:
            qs = qs.filter(resolution__outcome_known_at__lt=until)
        return qs


class QuestionScore(models.Model):
    """One author's score on one question they forecast.

    Every (author, question) pair with a forecast on a published question has
    a row; only rows with an empty ``excluded_reason`` carry scores that count
    (see ``QuestionScoreQuerySet.counted``).
    """

    class Exclusion(models.TextChoices):
        NONE = "", "Counted"
        HINDSIGHT = "hindsight", "Recorded after the outcome was known"
        NO_FORECAST_IN_WINDOW = "no_forecast_in_window", "No forecast before close"
        ANNULLED = "annulled", "Question annulled"
        PENDING = "pending", "Not resolved yet"

    # Scores are derived rows, rewritten wholesale by forecasts.engine.rescoring from
    # the ledger it has just read; the database does not check their foreign
    # keys (a full rescore would otherwise spend more time on per-row key
    # checks than on scoring). Django still cascades deletes.
    author = models.ForeignKey(
        Author,
        on_delete=models.CASCADE,
        related_name="question_scores",
        db_constraint=False,
        db_index=False,  # the (author, question) unique index serves lookups by author
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="scores", db_constraint=False
    )
    resolution = models.ForeignKey(
        Resolution,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # resolutions are kept, never deleted: nothing looks scores up by them
    )
    brier = models.FloatField(null=True, help_text="Time-averaged Brier, 0 (best) to 1.")
    brier_final = models.FloatField(null=True, help_text="Brier of the last forecast before close.")
    log_loss = models.FloatField(null=True, help_text="Of the final forecast, nats, clipped.")
    crowd_brier = models.FloatField(null=True)
    relative_brier = models.FloatField(
        null=True, help_text="Author minus crowd; negative is better."
    )
    crowd_size = models.FloatField(
        null=True,
        help_text="Other authors in the crowd, averaged over the days compared (days with "
        "fewer than MIN_CROWD others are not compared).",
    )
    final_probability = models.FloatField(
        null=True, help_text="Probability the final forecast gave to what happened."
    )
    baseline = models.FloatField(
        null=True,
        help_text="Metaculus Baseline score, time-averaged over the window; higher is better.",
    )
    peer = models.FloatField(
        null=True,
        help_text="Metaculus Peer score against the other authors, time-averaged over the "
        "whole window; empty when no other author had a forecast in force on the author's days.",
    )
    # Kept on the row, not only read through ``resolution``: taking a row out of
    # its scorecards' totals needs the outcome it was scored against.
    resolved_yes = models.BooleanField(
        null=True, help_text="Binary questions: whether yes happened, as scored."
    )
    n_forecasts = models.PositiveIntegerField(default=0, help_text="Forecasts that were scored.")
    n_days = models.PositiveIntegerField(default=0)
    n_hindsight = models.PositiveIntegerField(
        default=0, help_text="Forecasts ignored: recorded after the outcome was known."
    )
    n_retrospective = models.PositiveIntegerField(
        default=0,
        help_text="Scored forecasts recorded after the outcome was known, proved by a dated "
        "public source.",
    )
    excluded_reason = models.CharField(
        max_length=30, choices=Exclusion.choices, blank=True, default=""
    )
    tag_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="The question's tags when scored: the tag scorecards it counts in.",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    objects = QuestionScoreQuerySet.as_manager()

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


class ScoresDigest(models.Model):
    """One question's scoring state: a 64-bit digest of its stored QuestionScore rows and
    tags, and when a rescore last brought them up to date with its resolution.

    Written with the rows by forecasts.engine.rescoring (``score_digests.scores_digests``):
    a full rescore rewrites only the questions whose freshly computed rows
    have another digest, instead of reading every stored row back, and
    ``scored_at`` compared with ``Question.resolution_changed_at`` finds the
    questions whose scores are stale (``Question.objects.needing_rescore``).
    A narrow table of its own, so that writing 100,000 digests and stamps does
    not rewrite (and reindex) 100,000 question rows. No row: never scored
    (digest 0, ``scored_at`` empty).
    """

    question = models.OneToOneField(
        Question,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="scores_digest",
        db_constraint=False,
    )
    digest = models.BigIntegerField()
    scored_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.question_id}: {self.digest:016x}"


class ScorecardQuerySet(models.QuerySet):
    def for_tag(self, tag: Tag | None) -> ScorecardQuerySet:
        """Overall scorecards (``tag=None``) or those of one tag."""
        return self.filter(tag__isnull=True) if tag is None else self.filter(tag=tag)


class Scorecard(models.Model):
    """An author's aggregate record, overall (tag empty) and per tag."""

    # Derived rows, like QuestionScore: foreign keys unchecked by the database.
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="scorecards", db_constraint=False
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
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
    crowd_size = models.FloatField(
        null=True, help_text="Mean crowd size (other authors) over the questions compared."
    )
    n_crowd_compared = models.PositiveIntegerField(
        default=0, help_text="Scored questions compared with a crowd of at least MIN_CROWD others."
    )
    n_pending = models.PositiveIntegerField(default=0)
    n_resolved = models.PositiveIntegerField(default=0)
    n_annulled = models.PositiveIntegerField(default=0)
    n_hindsight = models.PositiveIntegerField(default=0)
    n_retrospective = models.PositiveIntegerField(
        default=0, help_text="Scored questions whose claim was entered after the outcome was known."
    )
    n_better_than_coin = models.PositiveIntegerField(default=0)
    # Metaculus's scores (higher is better), means over the counted questions
    # that have one, with a 95% t interval.
    n_baseline = models.PositiveIntegerField(default=0)
    baseline = models.FloatField(null=True, help_text="Mean Metaculus Baseline score.")
    baseline_low = models.FloatField(null=True)
    baseline_high = models.FloatField(null=True)
    n_peer = models.PositiveIntegerField(
        default=0, help_text="Scored questions with a Peer score (another author to compare with)."
    )
    peer = models.FloatField(null=True, help_text="Mean Metaculus Peer score.")
    peer_low = models.FloatField(null=True)
    peer_high = models.FloatField(null=True)
    # The running sums every figure comes from, as float64s in the order of
    # forecasts.engine.card_totals.TOTALS; rescore_question updates them in place. The
    # calibration table and Murphy terms are not stored: readers derive them from these.
    totals = models.BinaryField(
        default=bytes,
        blank=True,
        help_text="Running sums the figures come from (forecasts.engine.card_totals.TOTALS).",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    objects = ScorecardQuerySet.as_manager()

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

"""An author's record as the public pages show it: every claim and where it went.

A scorecard is a handful of numbers; this is the list behind them — the claims
that were scored, those still pending, and those left out (annulled, recorded
in hindsight, no forecast before close) with the reason. It reads the ledger
in a fixed number of queries whatever the author's size.

The whole record is read light (``author_record``): for each claim only the
columns that sort it and sum it up (ids, states, dates, the timing rule's
inputs), as plain rows rather than model instances, since a prolific author
has hundreds of claims and a page shows 25. ``complete`` then reads the full
forecasts, questions and sources of the claims a page prints (one query).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db.models import FilteredRelation, Q

from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    Question,
    QuestionScore,
    Resolution,
    Tag,
)
from forecasts.scoring import is_hindsight
from forecasts.standings.counted import Counted, claim_times, counted_on_question

# Columns of a claim's question and source that the record never shows: the long
# texts, and the bookkeeping times (each timestamp read costs as much as a row's
# other columns together, and a prolific author has hundreds of rows).
DEFERRED = (
    "source__full_text",
    "source__attribution",
    "source__licence",
    "source__publisher",
    "source__completed_at",
    "source__created_at",
    "source__updated_at",
    "question__resolution_criteria",
    "question__background",
    "question__editor_notes",
    "question__opens_at",
    "question__created_at",
    "question__updated_at",
    "entered_by",
    "import_id",
)
# The light read of the whole record: a forecast's columns, then its question's
# (in ``LightQuestion``'s order).
LIGHT_COLUMNS = (
    "pk",
    "question_id",
    "stated_at",
    "recorded_at",
    "probability",
    "source_id",
    "source__url",
    "source__published_on",
    "question__title",
    "question__kind",
    "question__state",
    "question__closes_at",
    "question__resolve_by",
    "question__resolution_changed_at",
    "question__scores_digest__scored_at",
    # Then the current resolution's and the author's score's (``FilteredRelation``s).
    "current__outcome_known_at",
    "own__id",
    "own__brier",
    "own__excluded_reason",
    "own__n_retrospective",
)


@dataclass(slots=True)
class LightQuestion:
    """The columns of a claim's question that sort and sum up the record."""

    pk: int
    title: str
    kind: str
    state: str
    closes_at: datetime
    resolve_by: datetime
    resolution_changed_at: datetime | None
    scored_at: datetime | None

    @property
    def is_quantity(self) -> bool:
        return self.kind in (Question.Kind.NUMERIC, Question.Kind.DATE)


@dataclass(slots=True)
class LightSource:
    """What the timing rule reads of a forecast's source."""

    url: str
    published_on: date | None


@dataclass(slots=True)
class LightForecast:
    """What the timing rule and the choice of the final forecast read of a forecast."""

    pk: int
    author_id: int
    question_id: int
    stated_at: datetime
    recorded_at: datetime
    probability: float | None
    source: LightSource | None


@dataclass(slots=True)
class LightScore:
    """What sorting and summing up read of a claim's stored ``QuestionScore``."""

    pk: int
    brier: float | None
    excluded_reason: str
    n_retrospective: int

    @property
    def counted(self) -> bool:
        return not self.excluded_reason and self.brier is not None


@dataclass
class Claim:
    """One author's forecasts on one question, with its outcome and score.

    Read light by ``author_record``; ``complete`` swaps in the model instances.
    """

    question: Question | LightQuestion
    # ``LightForecast``s as read, ``Forecast``s once completed: the timing rule reads either.
    forecasts: list[Any] = field(default_factory=list)
    resolution: Resolution | None = None
    score: QuestionScore | LightScore | None = None
    # When the outcome was known, as read light (``resolution`` is read by ``complete``).
    known: datetime | None = None
    # The final forecast's (option label, probability) pairs, read by ``with_options``
    # for the claims a page shows (a multiple-choice question's "Scored as").
    options: list[tuple[str, float]] = field(default_factory=list)

    @cached_property
    def counted(self) -> Counted:
        """Which of these forecasts the scores use (the timing rule), and the final one."""
        return counted_on_question(
            self.forecasts, closes_at=self.question.closes_at, outcome_known_at=self.known_at
        )

    @property
    def final(self) -> Forecast:
        """The forecast the final-forecast score used ("Scored as").

        Never one recorded after the outcome was known without a dated source,
        nor one stated after the close. When none counts (a hindsight claim),
        the last one stated by the close, or the last one, is what is shown.
        """
        final_id = next(iter(self.counted.final.values()), None)
        if final_id is not None:
            return next(f for f in self.forecasts if f.pk == final_id)
        before_close = [f for f in self.forecasts if f.stated_at <= self.question.closes_at]
        return (before_close or self.forecasts)[-1]

    @property
    def earlier(self) -> int:
        return len(self.forecasts) - 1

    @property
    def known_at(self) -> datetime | None:
        return self.resolution.outcome_known_at if self.resolution else self.known

    @property
    def outcome(self) -> str:
        r = self.resolution
        if r is None:
            return ""
        if r.outcome == Resolution.Outcome.OPTION and r.option is not None:
            return r.option.label
        return r.get_outcome_display()

    @property
    def is_hindsight(self) -> bool:
        """Recorded after the outcome was known, none proved by a dated source: never scored.

        The forecasts' own times are looked at before the timing rule is applied
        to them all (``counted``): most claims were recorded before their outcome,
        and sorting a record asks this of every claim.
        """
        known = self.known_at
        return (
            known is not None
            and any(
                is_hindsight(
                    t.stated_at,
                    t.recorded_at,
                    outcome_known_at=known,
                    source_url=t.source_url,
                    source_published_on=t.source_published_on,
                )
                for t in map(claim_times, self.forecasts)
            )
            and not self.counted.ids
        )

    @property
    def is_retrospective(self) -> bool:
        """Scored on a claim entered after the outcome was known, proved by a dated source."""
        return self.score is not None and self.score.n_retrospective > 0

    @property
    def is_stale(self) -> bool:
        """The outcome changed after the score was computed: a rescoring is due."""
        q = self.question
        return q.resolution_changed_at is not None and (
            q.scored_at is None or q.scored_at < q.resolution_changed_at
        )


@dataclass
class AuthorRecord:
    scored: list[Claim]
    pending: list[Claim]
    annulled: list[Claim]
    hindsight: list[Claim]
    no_forecast: list[Claim]
    awaiting_score: list[Claim]

    def brier_over_time(self) -> list[dict]:
        """Running mean of the per-question Brier, by the date each outcome was known."""
        points, total = [], 0.0
        ordered = sorted(self.scored, key=lambda c: (c.known_at, c.question.pk))
        for n, claim in enumerate(ordered, start=1):
            brier = claim.score.brier if claim.score else None
            assert brier is not None, "a scored claim has a score"
            total += brier
            points.append(
                {
                    "known_at": claim.known_at,
                    "question": claim.question.title,
                    "brier": brier,
                    "running_mean": total / n,
                }
            )
        return points


def in_period(moment: datetime | None, since: date | None, until: date | None) -> bool:
    """Is a resolution date inside [since, until] (whole UTC days, both inclusive)?"""
    if moment is None:
        return since is None and until is None
    day = moment.date()
    return (since is None or day >= since) and (until is None or day <= until)


def author_record(
    author: Author,
    *,
    tag: Tag | None = None,
    since: date | None = None,
    until: date | None = None,
    recorded_before_outcome: bool = False,
) -> AuthorRecord:
    """Sort an author's published claims into scored, pending and left out (one query).

    The claims come light (``LightQuestion``, ``LightForecast``): ``complete``
    those a page prints.

    ``tag`` keeps questions with that tag; ``since``/``until`` keep resolved and
    annulled questions whose outcome became known in the period (pending claims
    are kept whatever the period: they have no outcome date yet).
    ``recorded_before_outcome`` leaves out the scored claims entered after their
    outcome was known (``QuestionScore.objects.recorded_before_outcome``).
    """
    forecasts = (
        Forecast.objects.filter(author=author)
        .exclude(question__state=Question.State.DRAFT)
        .order_by("question_id", "stated_at", "pk")
    )
    if tag is not None:
        forecasts = forecasts.filter(question__tags=tag)
    forecasts = forecasts.annotate(
        current=FilteredRelation(
            "question__resolutions", condition=Q(question__resolutions__is_current=True)
        ),
        own=FilteredRelation("question__scores", condition=Q(question__scores__author=author)),
    )
    claims: dict[int, Claim] = {}
    for row in forecasts.values_list(*LIGHT_COLUMNS):
        (pk, question_id, stated_at, recorded_at, probability, source_id, url, published_on) = row[
            :8
        ]
        claim = claims.get(question_id)
        if claim is None:
            known, score_id, brier, excluded_reason, n_retrospective = row[15:]
            claim = claims[question_id] = Claim(
                question=LightQuestion(question_id, *row[8:15]),
                known=known,
                score=(
                    None
                    if score_id is None
                    else LightScore(score_id, brier, excluded_reason, n_retrospective)
                ),
            )
        source = LightSource(url, published_on) if source_id is not None else None
        claim.forecasts.append(
            LightForecast(pk, author.pk, question_id, stated_at, recorded_at, probability, source)
        )
    record = _sort(list(claims.values()), since=since, until=until)
    if recorded_before_outcome:
        record.scored = [claim for claim in record.scored if not claim.is_retrospective]
    return record


def complete(author: Author, claims: Sequence[Claim]) -> None:
    """Read the full forecasts, questions, sources, resolutions and scores of these
    claims (one query, none for no claim): what a page prints of the claims it shows.

    The question's current resolution (with its option) and the author's score come
    joined to each forecast row (``FilteredRelation``s, as in ``author_record``),
    rather than in a query each.
    """
    by_question = {
        claim.question.pk: claim for claim in claims if isinstance(claim.question, LightQuestion)
    }
    if not by_question:
        return
    rows = (
        Forecast.objects.filter(author=author, question_id__in=list(by_question))
        .annotate(
            current=FilteredRelation(
                "question__resolutions", condition=Q(question__resolutions__is_current=True)
            ),
            own=FilteredRelation("question__scores", condition=Q(question__scores__author=author)),
        )
        # The type checker's Django plugin knows no filtered relation's name.
        .select_related(  # type: ignore[misc]
            "question__scores_digest", "source", "current__option", "own"
        )
        # The long texts no row shows: a source's whole article is not read once per claim.
        .defer(*DEFERRED)
        .order_by("question_id", "stated_at", "pk")
    )
    full: dict[int, list[Forecast]] = {}
    for forecast in rows:
        full.setdefault(forecast.question_id, []).append(forecast)
    for question_id, forecasts in full.items():
        claim, first = by_question[question_id], forecasts[0]
        claim.question, claim.forecasts = first.question, forecasts
        # A filtered relation that found no row is left unset (Django sets only those found).
        claim.resolution = getattr(first, "current", None)
        claim.score = getattr(first, "own", None)


def with_options(claims: Sequence[Claim]) -> None:
    """Read the option probabilities of these claims' final forecasts (one query).

    Only the claims a page shows need them (a multiple-choice claim's "Scored
    as" lists every option), so they are not read with the whole record; and
    they are read into ``Claim.options`` directly, since a prefetch builds a
    queryset per forecast, which costs more than the rows themselves.
    """
    by_forecast: dict[int, Claim] = {}
    for claim in claims:
        claim.options = []
        final = claim.final
        if final.probability is None and not claim.question.is_quantity:
            by_forecast[final.pk] = claim
    if not by_forecast:
        return
    rows = (
        ForecastProbability.objects.filter(forecast_id__in=list(by_forecast))
        .order_by("forecast_id", "option__position", "option_id")
        .values_list("forecast_id", "option__label", "probability")
    )
    for forecast_id, label, probability in rows:
        by_forecast[forecast_id].options.append((label, probability))


def _sort(claims: list[Claim], *, since: date | None, until: date | None) -> AuthorRecord:
    record = AuthorRecord([], [], [], [], [], [])
    for claim in claims:
        state = claim.question.state
        if state == Question.State.LIVE:
            record.pending.append(claim)
            continue
        if not in_period(claim.known_at, since, until):
            continue
        score = claim.score
        if state == Question.State.ANNULLED:
            record.annulled.append(claim)
        elif claim.is_hindsight or (
            score is not None and score.excluded_reason == QuestionScore.Exclusion.HINDSIGHT
        ):
            record.hindsight.append(claim)
        elif score is None:
            record.awaiting_score.append(claim)
        elif not score.counted:
            record.no_forecast.append(claim)
        else:
            record.scored.append(claim)
    for group in (record.scored, record.annulled, record.hindsight, record.no_forecast):
        group.sort(key=lambda c: (c.known_at, c.question.pk), reverse=True)  # newest first
    record.pending.sort(key=lambda c: (c.question.resolve_by, c.question.pk))
    return record

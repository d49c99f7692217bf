"""Folded calibration and per-source scorecards, read from the stored per-question scores.

Which forecasts count: on every question an author is scored on
(``QuestionScore.objects.counted()``), the author's *final forecast*, the one
the 10-bin calibration table of a scorecard is built from: the last forecast
that counts by the timing rule (stated by the question's close, recorded no
later than the outcome became known or proved by a dated public source;
``docs/scoring.md``). Its probability is read off the
stored row: ``final_probability`` is what it gave to what happened, so P(yes)
is that on a question that resolved yes and one minus it on one that resolved
no. Only binary questions enter a calibration table (``resolved_yes`` set);
multiple-choice questions are left out of the tables, as from the 10-bin one,
but count in a source's mean Brier.

A forecast *cites* a source through ``Forecast.source``. A question belongs to
a source's record when the author's final forecast on it cites that source
(a later forecast citing another source moves the question to that one).

Filters, as on a period's card (``forecasts.standings.periods``): ``tag``
keeps the questions tagged with it now, ``since``/``until`` the questions
whose outcome became known in [since, until). Every read is one query for
the rows (plus two in ``source_scorecards``: the authors and their overall
cards), whatever the
number of questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from forecasts import scoring
from forecasts.models import Author, Forecast, QuestionScore, Scorecard, Source, Tag


@dataclass(frozen=True)
class FoldedRecord:
    """A folded calibration table and the share of forecasts on the right side of 50%."""

    n_forecasts: int  # binary final forecasts in the table
    levels: list[scoring.FoldedLevel]  # [] when there are none
    right_side: scoring.RightSide | None  # None when there are none


NOTHING_FOLDED = FoldedRecord(n_forecasts=0, levels=[], right_side=None)


@dataclass(frozen=True)
class SourceCard:
    """One author's record on the questions whose final forecast cites one source."""

    author: Author
    n_scored: int
    brier: float
    brier_low: float | None  # None with a single question: no spread to estimate
    brier_high: float | None
    calibration: list[scoring.CalibrationBin]  # 10 equal bins; [] with no binary question
    folded: FoldedRecord
    overall: Scorecard | None  # the author's stored overall card, to show beside this one


def final_forecast(field: str = "pk") -> Subquery:
    """``field`` of the final forecast of a score row's (author, question), as a subquery.

    The final forecast is the one the final-forecast score used: the last that
    counts by the timing rule (``ForecastQuerySet.stated_in_time``, the SQL
    twin of ``forecasts.scoring.final_counted``), so never one recorded in
    hindsight, and a retrospective one proved by its dated source may be it.
    """
    finals = (
        Forecast.objects.filter(author=OuterRef("author_id"), question=OuterRef("question_id"))
        .stated_in_time(
            closes_at=OuterRef("question__closes_at"),
            outcome_known_at=OuterRef("resolution__outcome_known_at"),
        )
        .order_by("-stated_at", "-pk")
    )
    return Subquery(finals.values(field)[:1])


def final_forecast_source() -> Subquery:
    """The source of the final forecast of a score row's (author, question), as a subquery."""
    return final_forecast("source_id")


def counted_scores(
    *,
    author: Author | None = None,
    source: Source | None = None,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
) -> QuerySet[QuestionScore]:
    """The counted score rows kept by the filters (``source``: the final forecast cites it)."""
    scores = (
        QuestionScore.objects.counted()
        .known_between(since, until)
        .recorded_before_outcome(recorded_before_outcome)
        .tagged(tag)
    )
    if author is not None:
        scores = scores.filter(author=author)
    if source is not None:
        scores = scores.alias(final_source=final_forecast_source()).filter(final_source=source.pk)
    return scores


def folded_record(
    author: Author,
    *,
    source: Source | None = None,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
) -> FoldedRecord:
    """The author's folded calibration table and right-side share, for the filters. One query."""
    rows = counted_scores(
        author=author,
        source=source,
        tag=tag,
        since=since,
        until=until,
        recorded_before_outcome=recorded_before_outcome,
    )
    # Unordered: the table counts, whatever the order (the default order joins the
    # author and the question only to sort).
    return folded_rows(rows.order_by().values_list("final_probability", "resolved_yes"))


def folded_rows(rows) -> FoldedRecord:
    """The folded table of counted score rows' (final probability, whether yes happened)."""
    return _folded(_binary(rows))


def source_scorecards(source: Source) -> list[SourceCard]:
    """A card for each author with a scored question whose final forecast cites the source.

    The source's byline author first, then by name. Brier is the mean of the
    per-question time-averaged Brier (``QuestionScore.brier``) over those
    questions, with its bounded interval (``scoring.score_interval``, as on the
    author cards); the tables are over their binary questions. Each card
    carries the author's stored overall scorecard (``overall``) to show beside
    it. Three queries: the rows, the authors, their overall cards.
    """
    rows = list(
        counted_scores(source=source)
        .order_by("author_id", "question_id")
        .values_list("author_id", "brier", "final_probability", "resolved_yes")
    )
    by_author: dict[int, list[tuple]] = {}
    for author_id, *fields in rows:
        by_author.setdefault(author_id, []).append(tuple(fields))
    authors = Author.objects.in_bulk(list(by_author))
    overall = {
        card.author_id: card
        for card in Scorecard.objects.for_tag(None).filter(author_id__in=list(by_author))
    }
    for card in overall.values():
        card.author = authors[card.author_id]  # already read: no query per card
    cards = [
        _source_card(authors[pk], author_rows, overall.get(pk))
        for pk, author_rows in by_author.items()
    ]
    byline = source.author_id
    return sorted(cards, key=lambda c: (c.author.pk != byline, c.author.name, c.author.pk))


def _source_card(author: Author, rows: list[tuple], overall: Scorecard | None) -> SourceCard:
    brier, low, high = scoring.score_interval([row[0] for row in rows])
    binary = _binary((given, yes) for _, given, yes in rows)
    calibration = (
        scoring.calibration_table([p for p, _ in binary], [o for _, o in binary]) if binary else []
    )
    return SourceCard(
        author=author,
        n_scored=len(rows),
        brier=brier,
        brier_low=low,
        brier_high=high,
        calibration=calibration,
        folded=_folded(binary),
        overall=overall,
    )


def _binary(rows) -> list[tuple[float, bool]]:
    """(P(yes) of the final forecast, whether yes happened) of the binary rows."""
    return [
        (given if yes else 1.0 - given, yes)
        for given, yes in rows
        if yes is not None and given is not None
    ]


def _folded(binary: list[tuple[float, bool]]) -> FoldedRecord:
    if not binary:
        return NOTHING_FOLDED
    forecasts, outcomes = [p for p, _ in binary], [o for _, o in binary]
    return FoldedRecord(
        n_forecasts=len(binary),
        levels=scoring.folded_calibration(forecasts, outcomes),
        right_side=scoring.right_side_share(forecasts, outcomes),
    )

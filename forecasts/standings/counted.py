"""Which stored forecasts the scores used: the timing rule, read for pages and exports.

The rule is ``forecasts.scoring.timing`` (``counts``, ``final_counted``); the
engine applies the same rule to the whole ledger. The author pages ("Scored
as"), the forecast export (``counted``, ``final``) and the crowd drawn on a
question page take it from here, so that each shows exactly the forecasts the
scores used: none recorded in hindsight, none stated after the close.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from forecasts.models import Forecast, Question, Resolution
from forecasts.scoring import ClaimTimes, counts, final_counted


@dataclass
class Counted:
    """The forecasts the scores used, by id, and each pair's final one."""

    ids: set[int] = field(default_factory=set)
    # (author id, question id) -> id of the forecast the final-forecast score used
    final: dict[tuple[int, int], int] = field(default_factory=dict)

    def update(self, other: Counted) -> None:
        self.ids |= other.ids
        self.final.update(other.final)


def claim_times(forecast: Forecast) -> ClaimTimes:
    """The times the rule reads (load ``source`` with the forecast)."""
    source = forecast.source
    return ClaimTimes(
        stated_at=forecast.stated_at,
        recorded_at=forecast.recorded_at,
        source_url=source.url if source else "",
        source_published_on=source.published_on if source else None,
    )


def known_at(resolution: Resolution | None) -> datetime | None:
    """When the outcome was known, or None while the question is unresolved."""
    return resolution.outcome_known_at if resolution is not None else None


def counted_on_question(
    forecasts: Iterable[Forecast], *, closes_at: datetime, outcome_known_at: datetime | None
) -> Counted:
    """Which of one question's forecasts count, and each author's final one.

    Give the forecasts in entry order (by ``stated_at``, then id), as the
    engine orders them. While no outcome is known, everything stated by the
    close counts so far.
    """
    by_author: dict[int, list[Forecast]] = defaultdict(list)
    for forecast in forecasts:
        by_author[forecast.author_id].append(forecast)
    out = Counted()
    for own in by_author.values():
        times = [claim_times(f) for f in own]
        out.ids.update(
            f.pk
            for f, t in zip(own, times, strict=True)
            if counts(t, closes_at=closes_at, outcome_known_at=outcome_known_at)
        )
        final = final_counted(times, closes_at=closes_at, outcome_known_at=outcome_known_at)
        if final is not None:
            out.final[(own[final].author_id, own[final].question_id)] = own[final].pk
    return out


def counted_in_pairs(
    pairs: Sequence[tuple[int, int]],
    *,
    closes: Mapping[int, datetime] | None = None,
    known: Mapping[int, datetime] | None = None,
) -> Counted:
    """The same for every forecast of the given (author id, question id) pairs.

    One query for the pairs' forecasts, and two more unless the caller, who
    often has them, gives each question's ``closes_at`` (``closes``) and its
    current resolution's ``outcome_known_at`` (``known``; absent: unresolved).
    """
    question_ids = {q for _, q in pairs}
    wanted = set(pairs)
    forecasts = (
        Forecast.objects.filter(question_id__in=question_ids, author_id__in={a for a, _ in pairs})
        .select_related("source")
        .only(
            "pk",
            "author_id",
            "question_id",
            "stated_at",
            "recorded_at",
            "source__url",
            "source__published_on",
        )
        .order_by("question_id", "stated_at", "pk")
    )
    by_question: dict[int, list[Forecast]] = defaultdict(list)
    for forecast in forecasts:
        if (forecast.author_id, forecast.question_id) in wanted:
            by_question[forecast.question_id].append(forecast)
    if closes is None:
        closes = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "closes_at"))
    if known is None:
        known = dict(
            Resolution.objects.filter(question_id__in=question_ids, is_current=True).values_list(
                "question_id", "outcome_known_at"
            )
        )
    out = Counted()
    for question_id, own in by_question.items():
        out.update(
            counted_on_question(
                own, closes_at=closes[question_id], outcome_known_at=known.get(question_id)
            )
        )
    return out

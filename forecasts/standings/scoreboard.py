"""Scorecards and leaderboards as the public pages read them.

Without a period the stored scorecards are read (overall, or per tag). With a
period the record is rebuilt from the stored per-question scores by the same
code the API uses (forecasts.standings.scorecards), so a page and the API always give
the same numbers and a page does no scoring maths of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from forecasts.models import Author, Scorecard, Tag
from forecasts.standings import scorecards


def period_bounds(
    since: date | None, until: date | None
) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days, both ends included, as the API's [since, until) datetimes."""
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None
    return start, end


def _period_card(card: dict, tag: Tag | None) -> Scorecard:
    """An unsaved Scorecard holding a period's record (no calibration: see docs/pages.md)."""
    fields = {
        k: card[k] for k in scorecards.FIGURES if k in card and k not in ("calibration", "murphy")
    }
    return Scorecard(author=card["author"], tag=tag, computed_at=None, **fields)


def scorecard_for(
    author: Author, *, tag: Tag | None, since: date | None, until: date | None
) -> Scorecard | None:
    """The author's scorecard for a topic and period, or None if never scored."""
    if since or until:
        start, end = period_bounds(since, until)
        card = scorecards.author_scorecard(author, tag=tag, since=start, until=end)
        return _period_card(card, tag) if card["n_scored"] else None
    return Scorecard.objects.filter(author=author, tag=tag).first()


@dataclass
class Row:
    author: Author
    card: Scorecard | None
    rank: int | None = None


def leaderboard_rows(
    *, tag: Tag | None, since: date | None, until: date | None, min_n: int
) -> dict:
    """Ranked rows (at least ``min_n`` scored questions, best mean Brier first) and the rest.

    Authors below the minimum are listed apart and unranked: with three
    questions a lucky guesser's interval is too wide to compare.
    """
    if since or until:
        start, end = period_bounds(since, until)
        entries = scorecards.leaderboard(tag=tag, since=start, until=end, min_n=min_n)
        cards = [_period_card(entry, tag) for entry in entries]
    else:
        cards = list(Scorecard.objects.filter(tag=tag).select_related("author"))
    ranked = sorted(
        (c for c in cards if c.brier is not None and c.n_scored >= min_n),
        key=lambda c: (c.brier, -c.n_scored, c.author.name),
    )
    rows = [Row(author=c.author, card=c, rank=i) for i, c in enumerate(ranked, start=1)]
    unranked = [
        Row(author=c.author, card=c)
        for c in sorted(cards, key=lambda c: (-c.n_scored, c.author.name))
        if c not in ranked
    ]
    if tag is None and not (since or until):
        # Authors on record who have no scorecard at all yet.
        unscored = Author.objects.filter(forecasts__isnull=False, scorecards__isnull=True)
        unranked += [Row(author=a, card=None) for a in unscored.distinct().order_by("name")]
    stamp = max((c.computed_at for c in cards if c.computed_at), default=None)
    return {"ranked": rows, "unranked": unranked, "stamp": stamp or "period"}


def chart_row(row: Row) -> dict:
    """What the leaderboard chart plots for one ranked author."""
    label = f"{row.rank}. {row.author.name}" + (" (synthetic)" if row.author.is_synthetic else "")
    return {
        "name": label,
        "brier": row.card.brier,
        "brier_low": row.card.brier_low,
        "brier_high": row.card.brier_high,
    }


MURPHY_TERMS = [
    (
        "reliability",
        "Reliability (calibration error)",
        "How far the probabilities given were from how often such things happened, bin by bin. "
        "0 is perfect calibration; lower is better.",
    ),
    (
        "resolution",
        "Resolution (discrimination)",
        "How well the forecasts told apart what happened from what did not: how far each bin's "
        "outcome rate is from the overall rate. Higher is better, and it is subtracted.",
    ),
    (
        "uncertainty",
        "Uncertainty (how hard the questions were)",
        "Base rate × (1 − base rate): the Brier score of always forecasting the base rate. "
        "No forecaster controls it.",
    ),
    ("base_rate", "Base rate", "The share of these questions whose answer was yes."),
    (
        "within_bin_variance",
        "Within-bin variance",
        "How much the forecasts inside each bin differ from the bin's mean forecast "
        "(a correction because forecasts are grouped into bins); added.",
    ),
    (
        "within_bin_covariance",
        "Within-bin covariance",
        "How forecasts and outcomes move together inside each bin (the second binning "
        "correction); subtracted.",
    ),
    (
        "brier",
        "Brier score of the decomposed forecasts",
        "Reliability − resolution + uncertainty + within-bin variance − within-bin covariance.",
    ),
]


def murphy_terms(murphy: dict) -> list[dict]:
    """Each term of the Murphy decomposition with its value and a line in plain words."""
    return [
        {"key": key, "name": name, "value": murphy.get(key), "explanation": text}
        for key, name, text in MURPHY_TERMS
        if key in murphy
    ]

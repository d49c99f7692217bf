"""The leaderboard: authors ranked by mean Brier, the one ranking the pages and the API show.

Authors with at least ``min_n`` scored questions are ranked, best (lowest)
mean Brier first, or by one of Metaculus's mean scores (``ORDERS``: Baseline
or Peer, highest first, counting the questions that have that score); equal
scores share a rank and the next rank skips
("1, 1, 3": ``competition_ranks``). Authors with fewer are listed apart,
unranked: with three questions a lucky guesser's interval is too wide to
compare. Without a period the stored scorecards are read (one query); with
one, the cards are rebuilt by ``forecasts.standings.periods`` (two queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q

from forecasts.models import Author, Scorecard, Tag
from forecasts.scoring.ranks import competition_ranks
from forecasts.standings import periods

# The scores a board can rank by: (card field, its N, whether higher is better).
ORDERS = {
    "brier": ("brier", "n_scored", False),
    "baseline": ("baseline", "n_baseline", True),
    "peer": ("peer", "n_peer", True),
}


@dataclass(frozen=True)
class Standing:
    """One author's line on the leaderboard: their card (None if never scored) and rank."""

    author: Author
    card: Scorecard | None
    rank: int | None = None  # None: not ranked


@dataclass(frozen=True)
class Leaderboard:
    """The ranked authors, best first, and those listed apart without a rank."""

    ranked: list[Standing]
    unranked: list[Standing]

    @property
    def computed_at(self) -> datetime | None:
        """When its newest stored card was computed; None for a period's board."""
        stamps = [s.card.computed_at for s in self.ranked + self.unranked if s.card]
        return max((stamp for stamp in stamps if stamp), default=None)


def leaderboard(
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_n: int | None = None,
    with_unscored: bool = False,
    recorded_before_outcome: bool = False,
    order: str = "brier",
    synthetic: bool | None = None,
) -> Leaderboard:
    """The board overall or for one tag; for [since, until) when either is given.

    ``min_n`` defaults to ``RECKON_LEADERBOARD_MIN_N`` (at least 1). Ranked:
    lowest mean Brier first, then most scored questions, then by name.
    Unranked: most scored questions first, then by name; stored cards with
    nothing scored yet (only pending questions) are among them, a period
    lists only authors with something scored in it. ``with_unscored`` (the
    overall, all-time board) adds, unranked and last, the authors on record
    with no scorecard at all. ``recorded_before_outcome`` ranks on the claims
    entered before their outcome was known only (cards rebuilt, as for a period).
    ``order`` names the score that ranks (``ORDERS``): ``baseline`` and ``peer``
    rank highest first, only authors with at least ``min_n`` such scores.
    ``synthetic`` keeps only the synthetic demo authors (True) or the real ones
    (False), ranked among themselves; None keeps everyone.
    """
    field, count, higher_better = ORDERS[order]
    min_n = max(settings.RECKON_LEADERBOARD_MIN_N if min_n is None else min_n, 1)
    stored = since is None and until is None and not recorded_before_outcome
    if stored:
        stored_cards = (
            Scorecard.objects.for_tag(tag)
            .defer("totals")  # the board shows no calibration or Murphy terms
            .select_related("author")
        )
        if synthetic is not None:  # the other kind's cards are not read at all
            stored_cards = stored_cards.filter(author__is_synthetic=synthetic)
        cards = list(stored_cards)
    else:
        cards = periods.period_cards(
            since=since, until=until, tag=tag, recorded_before_outcome=recorded_before_outcome
        )
        if synthetic is not None:
            cards = [c for c in cards if c.author.is_synthetic == synthetic]
    sign = -1.0 if higher_better else 1.0
    eligible = sorted(
        (c for c in cards if getattr(c, field) is not None and getattr(c, count) >= min_n),
        key=lambda c: board_order(
            sign * getattr(c, field), getattr(c, count), c.author.name, c.author_id
        ),
    )
    ranks = competition_ranks([getattr(c, field) for c in eligible])
    ranked = [Standing(c.author, c, rank) for c, rank in zip(eligible, ranks, strict=True)]
    chosen = {id(c) for c in eligible}
    unranked = [
        Standing(c.author, c)
        for c in sorted(cards, key=lambda c: (-c.n_scored, c.author.name, c.author_id))
        if id(c) not in chosen
    ]
    if with_unscored and tag is None and stored:
        unranked += [
            Standing(author, None)
            for author in _unscored_authors()
            if synthetic is None or author.is_synthetic == synthetic
        ]
    return Leaderboard(ranked=ranked, unranked=unranked)


def stored_ranks(*, min_n: int | None = None) -> dict[tuple[int, int | None], int]:
    """Every stored card's rank on its board, by (author id, tag id or None), in one query.

    The same rule as ``leaderboard``: only cards with at least ``min_n`` scored
    questions are ranked, each tag's board (and the overall one) on its own.
    For listings of many cards at once, such as the scorecard export.
    """
    min_n = max(settings.RECKON_LEADERBOARD_MIN_N if min_n is None else min_n, 1)
    boards: dict[int | None, list[tuple[float, int, str, int]]] = {}
    rows = Scorecard.objects.filter(brier__isnull=False, n_scored__gte=min_n).values_list(
        "tag_id", "brier", "n_scored", "author__name", "author_id"
    )
    for tag_id, brier, n_scored, name, author_id in rows:
        if brier is not None:  # always, by the filter; this tells the type checker
            boards.setdefault(tag_id, []).append((brier, n_scored, name, author_id))
    ranks: dict[tuple[int, int | None], int] = {}
    for board, lines in boards.items():
        lines.sort(key=lambda line: board_order(*line))
        places = competition_ranks([line[0] for line in lines])
        for line, rank in zip(lines, places, strict=True):
            ranks[(line[3], board)] = rank
    return ranks


@dataclass(frozen=True)
class Place:
    """A stored card's place on its board: its rank, how many are ranked, how many worse."""

    rank: int
    n_ranked: int
    n_worse: int


def stored_place(
    card: Scorecard, *, min_n: int | None = None, synthetic: bool | None = None
) -> Place | None:
    """Where a stored card stands on its board (overall or its tag's), in one query.

    The same rule as ``leaderboard``'s Brier order, counted in the database from
    the stored cards instead of reading the whole board: the rank is one more
    than the cards with a lower mean Brier (equal scores share a rank). None
    when the card is not ranked (too few scored questions, or no score); the
    query runs all the same, so a page's query count does not depend on it.
    ``synthetic`` is ``leaderboard``'s: the board of the real authors (False) or
    of the synthetic demo ones (True) only; None, everyone's.
    """
    min_n = max(settings.RECKON_LEADERBOARD_MIN_N if min_n is None else min_n, 1)
    brier = card.brier if card.brier is not None else 0.0
    board = Scorecard.objects.filter(brier__isnull=False, n_scored__gte=min_n)
    if synthetic is not None:
        board = board.filter(author__is_synthetic=synthetic)
    tag_id = card.tag_id
    board = board.filter(tag__isnull=True) if tag_id is None else board.filter(tag_id=tag_id)
    counts = board.aggregate(
        n=Count("pk"),
        better=Count("pk", filter=Q(brier__lt=brier)),
        worse=Count("pk", filter=Q(brier__gt=brier)),
    )
    if card.brier is None or card.n_scored < min_n:
        return None
    return Place(rank=counts["better"] + 1, n_ranked=counts["n"], n_worse=counts["worse"])


def board_order(brier: float, n_scored: int, name: str, author_id: int) -> tuple:
    """Best mean Brier first; among equals, most scored questions, then by name."""
    return (brier, -n_scored, name, author_id)


def _unscored_authors() -> list[Author]:
    """Authors on record (with a claim) who have no scorecard at all yet."""
    authors = Author.objects.filter(forecasts__isnull=False, scorecards__isnull=True)
    return list(authors.distinct().order_by("name"))

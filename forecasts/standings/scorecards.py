"""Reading track records: an author's scorecard and the leaderboard.

These are the two entry points the API and the pages use:

* ``author_scorecard(author, tag=None, since=None, until=None) -> dict``
* ``leaderboard(tag=None, since=None, until=None, min_n=...) -> list[dict]``

Without a period they read the stored Scorecards (one query). With a period
(``since`` and/or ``until``) they aggregate the stored QuestionScore rows of
the questions whose current resolution's ``outcome_known_at`` falls in
``[since, until)``, with the same code that builds the stored Scorecards.
Either way the number of queries does not grow with the number of authors.

The rows come from ``forecasts.engine.score_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.conf import settings
from django.utils import timezone

from forecasts.engine.card_totals import cards_from_rows, stored_binned_figures
from forecasts.engine.score_rows import question_tags, stored_rows
from forecasts.models import Author, Scorecard, Tag

# The figures of a scorecard, as read from Scorecard and returned by both helpers
# (calibration and Murphy are derived from Scorecard.totals, not stored).
FIGURES = (
    "n_scored",
    "brier",
    "brier_0_2",
    "brier_low",
    "brier_high",
    "brier_final",
    "skill",
    "log_loss",
    "relative_brier",
    "n_pending",
    "n_resolved",
    "n_annulled",
    "n_hindsight",
    "n_better_than_coin",
    "calibration",
    "murphy",
)
_LISTED = FIGURES[:-2]  # leaderboard entries leave out calibration and Murphy


@dataclass(frozen=True)
class BinnedFigures:
    """A card's calibration table and Murphy terms: derived from its totals, never stored."""

    calibration: list[dict]  # scoring.calibration_table rows, 10 equal bins; [] if none
    murphy: dict  # scoring.murphy_decomposition(n_bins=10) terms; {} if none


NOTHING_BINNED = BinnedFigures(calibration=[], murphy={})


def binned_figures(cards: Sequence[Scorecard]) -> list[BinnedFigures]:
    """The calibration table and Murphy terms of each card, in one vectorised pass.

    Worked out from ``Scorecard.totals``: call it once for a list of cards (a
    page of the API) rather than card by card. Missing or legacy totals
    (another FIGURES_VERSION) give an empty table and no terms. The cards'
    totals must be loaded: a deferred ``totals`` costs one query per card.
    """
    tables, terms = stored_binned_figures([card.totals for card in cards])
    return [BinnedFigures(t, m) for t, m in zip(tables, terms, strict=True)]


def author_scorecard(
    author: Author,
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict:
    """An author's record, overall or for one tag, all time or for a period.

    Returns every name in ``FIGURES`` plus ``author``, ``tag``, ``since``,
    ``until`` and ``computed_at``. An author with nothing scored gets zeros
    and ``None`` scores. For a period, ``n_pending`` is ``None`` (pending
    questions have no outcome date) and the figures are computed on the fly.
    """
    base = {"author": author, "tag": tag, "since": since, "until": until}
    if since is None and until is None:
        card = Scorecard.objects.for_tag(tag).filter(author=author).first()
        if card is None:
            return {**base, **_empty(), "computed_at": None}
        (binned,) = binned_figures([card])
        return {
            **base,
            **{name: getattr(card, name) for name in _LISTED},
            "calibration": binned.calibration,
            "murphy": binned.murphy,
            "computed_at": card.computed_at,
        }
    rows = stored_rows([author.pk], since=since, until=until)
    cards = _period_cards(rows, tag)
    card = cards[0] if cards else _empty()
    if cards:  # derived from the period's totals, as the stored cards' are
        (card["calibration"],), (card["murphy"],) = stored_binned_figures([card["totals"]])
    return {
        **base,
        **{name: card[name] for name in FIGURES},
        "n_pending": None,
        "computed_at": timezone.now(),
    }


def leaderboard(
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_n: int | None = None,
) -> list[dict]:
    """Authors by mean Brier (best first), with N and the 95% interval.

    Authors with at least ``min_n`` scored questions (default
    ``RECKON_LEADERBOARD_MIN_N``) are ranked 1, 2, ... (equal scores share a
    rank); authors with fewer follow, best first, with ``ranked`` false and
    ``rank`` None. Authors with nothing scored are left out. Each entry has
    ``rank``, ``ranked``, ``author`` (the Author), ``author_id``, ``n`` and
    the scorecard figures except calibration and Murphy.
    """
    min_n = settings.RECKON_LEADERBOARD_MIN_N if min_n is None else min_n
    if since is None and until is None:
        cards = [
            {"author": card.author, **{name: getattr(card, name) for name in _LISTED}}
            for card in Scorecard.objects.for_tag(tag)
            .filter(n_scored__gt=0)
            .defer("totals")  # calibration and Murphy (derived from it) are not listed
            .select_related("author")
            .ranked()
        ]
    else:
        computed = [
            c
            for c in _period_cards(stored_rows(None, since=since, until=until), tag)
            if c["n_scored"] > 0
        ]
        authors = Author.objects.in_bulk([c["author_id"] for c in computed])
        cards = sorted(
            (
                {"author": authors[c["author_id"]], **{name: c[name] for name in _LISTED}}
                for c in computed
            ),
            key=lambda c: (c["brier"], -c["n_scored"], c["author"].name),
        )
    return _ranked(cards, min_n)


def _ranked(cards: list[dict], min_n: int) -> list[dict]:
    entries, rank, previous = [], 0, None
    eligible = [c for c in cards if c["n_scored"] >= min_n]
    for position, card in enumerate(eligible, start=1):
        if card["brier"] != previous:
            rank, previous = position, card["brier"]
        entries.append(_entry(card, rank))
    entries += [_entry(c, None) for c in cards if c["n_scored"] < min_n]
    return entries


def _entry(card: dict, rank: int | None) -> dict:
    figures = {name: card[name] for name in _LISTED}
    return {
        "rank": rank,
        "ranked": rank is not None,
        "author": card["author"],
        "author_id": card["author"].pk,
        "n": card["n_scored"],
        **figures,
    }


def _empty() -> dict:
    return {
        name: (
            []
            if name == "calibration"
            else {}
            if name == "murphy"
            else 0
            if name.startswith("n_")
            else None
        )
        for name in FIGURES
    }


def _period_cards(rows: dict, tag: Tag | None) -> list[dict]:
    if tag is not None:  # the question's tags now, not when it was scored
        tags = question_tags(np.unique(rows["question"]))
        tagged = np.isin(rows["question"], tags["question"][tags["tag"] == tag.pk])
        rows = {name: values[tagged] for name, values in rows.items()}
    return cards_from_rows(rows, None)

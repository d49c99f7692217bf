"""An author's scorecards, stored or for a period, and the figures derived from their totals.

A card is a ``Scorecard``: a stored one (written by ``forecasts.engine.rescoring``;
overall when ``tag`` is None, else for that tag), or for a period an unsaved
one rebuilt from the stored per-question scores by
``forecasts.standings.periods`` (``computed_at`` None). Either way its
figures are named by ``FIGURES``. The calibration table and the Murphy terms
are not stored: ``binned_figures`` derives them from a card's totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from forecasts.engine.card_totals import stored_binned_figures
from forecasts.models import Author, Scorecard, Tag
from forecasts.standings import periods

# The figures of a card, as the API, the pages and the exports name them.
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
)


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


def scorecard(
    author: Author,
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Scorecard | None:
    """The author's card, overall or for one tag; for [since, until) when either is given.

    None when there is none: no stored card, or nothing scored in the period.
    One query.
    """
    if since is None and until is None:
        return Scorecard.objects.for_tag(tag).filter(author=author).first()
    cards = periods.period_cards(since=since, until=until, tag=tag, author=author)
    return cards[0] if cards else None


def author_scorecards(
    author: Author, *, since: datetime | None = None, until: datetime | None = None
) -> tuple[Scorecard | None, list[Scorecard]]:
    """The author's overall card (None if none) and one card per tag, by tag slug.

    Stored, or for [since, until) when either is given (then only the tags of
    questions scored in the period). One query stored, three for a period.
    """
    if since is None and until is None:
        cards = list(Scorecard.objects.filter(author=author).select_related("author", "tag"))
    else:
        cards = periods.author_period_cards(author, since=since, until=until)
    overall = next((c for c in cards if c.tag_id is None), None)
    by_tag = sorted(
        (c for c in cards if c.tag_id is not None), key=lambda c: c.tag.slug if c.tag else ""
    )
    return overall, by_tag

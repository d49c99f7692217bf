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
from typing import Any

from django.db.models import Exists, OuterRef

from forecasts.engine.card_totals import stored_binned_figures, stored_murphy
from forecasts.models import Author, Forecast, Scorecard, Tag

# Conventions the pages and the API state beside the figures (re-exported for them).
from forecasts.scoring import MIN_CROWD as MIN_CROWD
from forecasts.scoring.bounded import INTERVAL_METHOD as INTERVAL_METHOD
from forecasts.scoring.bounded import INTERVAL_METHOD_TEXT as INTERVAL_METHOD_TEXT
from forecasts.standings import folded, periods

LOG_SCORE_FIGURES = tuple(
    f"{prefix}{name}{suffix}"
    for name in ("baseline", "peer")
    for prefix, suffix in (("n_", ""), ("", ""), ("", "_low"), ("", "_high"))
)
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
    "crowd_size",
    "n_crowd_compared",
    "n_pending",
    "n_resolved",
    "n_annulled",
    "n_hindsight",
    "n_retrospective",
    "n_better_than_coin",
    # Metaculus's Baseline and Peer scores (higher is better): N, mean, 95% interval.
    *LOG_SCORE_FIGURES,
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


def murphy_terms(cards: Sequence[Scorecard]) -> list[dict]:
    """``binned_figures``'s Murphy terms alone, for readers that show no table."""
    return stored_murphy([card.totals for card in cards])


def scorecard(
    author: Author,
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
) -> Scorecard | None:
    """The author's card, overall or for one tag; for [since, until) when either is given.

    ``recorded_before_outcome``: only the claims entered before their outcome
    was known (rebuilt, as a period's card). None when there is none: no
    stored card, or nothing scored in the selection. One query.
    """
    if is_stored_selection(since, until, recorded_before_outcome):
        return Scorecard.objects.for_tag(tag).filter(author=author).first()
    cards = periods.period_cards(
        since=since,
        until=until,
        tag=tag,
        author=author,
        recorded_before_outcome=recorded_before_outcome,
    )
    return cards[0] if cards else None


def is_stored_selection(
    since: datetime | None, until: datetime | None, recorded_before_outcome: bool
) -> bool:
    """Whether the stored cards answer: all time, every counted claim."""
    return since is None and until is None and not recorded_before_outcome


def author_scorecards(
    author: Author,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
) -> tuple[Scorecard | None, list[Scorecard]]:
    """The author's overall card (None if none) and one card per tag, by tag slug.

    Stored, or for [since, until) when either is given, or only the claims
    recorded before their outcome was known (then only the tags of questions
    scored in the selection). One query stored, three otherwise.
    """
    if is_stored_selection(since, until, recorded_before_outcome):
        cards = list(Scorecard.objects.filter(author=author).select_related("author", "tag"))
    else:
        cards = periods.author_period_cards(
            author, since=since, until=until, recorded_before_outcome=recorded_before_outcome
        )
    return overall_and_by_tag(cards)


def overall_and_by_tag(cards: list[Scorecard]) -> tuple[Scorecard | None, list[Scorecard]]:
    """An author's cards as ``author_scorecards`` gives them: overall, then by tag slug."""
    overall = next((c for c in cards if c.tag_id is None), None)
    by_tag = sorted(
        (c for c in cards if c.tag_id is not None), key=lambda c: c.tag.slug if c.tag else ""
    )
    return overall, by_tag


def from_complete_sources(
    author: Author,
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
) -> int:
    """How many of the author's scored questions cite a source marked complete. One query.

    A question counts when one of the author's forecasts on it cites a source
    whose every forward-looking claim is in the ledger or was dismissed with a
    reason (``Source.is_complete``): the answer to "were only the misses
    entered?". Completeness is an editor's mark that changes without any
    rescore, so it is read now rather than stored on the cards.
    """
    return complete_sources_scores(
        author, tag=tag, since=since, until=until, recorded_before_outcome=recorded_before_outcome
    ).count()


def complete_sources_scores(
    author: Author,
    *,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before_outcome: bool = False,
):
    """The scores ``from_complete_sources`` counts."""
    scores = folded.counted_scores(
        author=author,
        tag=tag,
        since=since,
        until=until,
        recorded_before_outcome=recorded_before_outcome,
    )
    return scores.filter(_cites_complete())


def folded_and_complete_sources(
    author: Author, **selection: Any
) -> tuple[folded.FoldedRecord, int]:
    """``folded.folded_record`` and ``from_complete_sources`` for the same filters
    (``selection``: theirs, by name), in one query (the author page shows both): each
    counted score row with whether it cites a complete source."""
    rows = list(
        folded.counted_scores(author=author, **selection)
        .order_by()  # counted, whatever the order
        .annotate(cites_complete=_cites_complete())
        .values_list("final_probability", "resolved_yes", "cites_complete")
    )
    table = folded.folded_rows((given, yes) for given, yes, _ in rows)
    return table, sum(1 for *_, cites in rows if cites)


def _cites_complete() -> Exists:
    """Whether one of the score's author's forecasts on its question cites a complete source."""
    return Exists(
        Forecast.objects.filter(
            author=OuterRef("author_id"), question=OuterRef("question_id"), source__is_complete=True
        )
    )

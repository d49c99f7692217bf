"""Reading track records: an author's scorecard and the leaderboard.

These are the two entry points the API and the pages use:

* ``author_scorecard(author, tag=None, since=None, until=None) -> dict``
* ``leaderboard(tag=None, since=None, until=None, min_n=...) -> list[dict]``

Without a period they read the stored Scorecards (one query). With a period
(``since`` and/or ``until``) they aggregate the stored QuestionScore rows of
the questions whose current resolution's ``outcome_known_at`` falls in
``[since, until)``, with the same code that builds the stored Scorecards.
Either way the number of queries does not grow with the number of authors.

The array readers below (``stored_rows``, ``question_tags``) also feed
``forecasts.engine.rescoring``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from forecasts.engine.bulkload import in_ids, read_columns
from forecasts.engine.card_totals import cards_from_rows, stored_binned_figures
from forecasts.engine.pair_scores import EXCLUSIONS
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
        return {
            **base,
            **{name: getattr(card, name) for name in FIGURES},
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


# --- arrays for forecasts.engine.card_totals ------------------------------------------


def _ids_clause(column: str, ids: Sequence[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    condition, params = in_ids(connection, column, ids)
    return f" AND {condition}", params


def _nan_or(expression: str) -> str:
    # COPY BINARY rows must be fixed-width (no NULL); SQLite's NULL becomes NaN in NumPy.
    if connection.vendor == "postgresql":
        return f"COALESCE({expression}, 'NaN'::float8)"
    return expression


def stored_rows(author_ids: Sequence[int] | None, *, since=None, until=None) -> dict:
    """Stored QuestionScore rows of the given authors (all: None) as arrays.

    ``since``/``until`` keep the questions whose outcome became known in
    [since, until). Keys as ``forecasts.engine.card_totals.build_scorecards`` reads.
    """
    where, params = _ids_clause("s.author_id", author_ids)
    if since is not None:
        where, params = where + " AND r.outcome_known_at >= %s", [*params, since]
    if until is not None:
        where, params = where + " AND r.outcome_known_at < %s", [*params, until]
    excluded = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(EXCLUSIONS))
    nan = "'NaN'::float8" if connection.vendor == "postgresql" else "NULL"
    sql = (
        f"SELECT s.author_id, s.question_id, CASE s.excluded_reason {excluded} ELSE 1 END, "
        f"{_nan_or('s.brier')}, {_nan_or('s.brier_final')}, {_nan_or('s.log_loss')}, "
        f"{_nan_or('s.relative_brier')}, {_nan_or('s.final_probability')}, "
        f"CASE WHEN s.resolved_yes THEN 1.0 WHEN NOT s.resolved_yes THEN 0.0 ELSE {nan} END, "
        "s.n_hindsight "
        "FROM forecasts_questionscore s LEFT JOIN forecasts_resolution r ON r.id = s.resolution_id "
        f"WHERE TRUE{where}"
    )
    return read_columns(
        connection,
        sql,
        {
            "author": "int8",
            "question": "int8",
            "excluded": "int4",
            "brier": "float8",
            "brier_final": "float8",
            "log_loss": "float8",
            "relative_brier": "float8",
            "final_given": "float8",
            "outcome_yes": "float8",
            "n_hindsight": "int4",
        },
        params,
    )


def question_tags(question_ids: Sequence[int]) -> dict:
    """(question, tag) pairs of the given questions."""
    where, params = _ids_clause("question_id", question_ids)
    sql = f"SELECT question_id, tag_id FROM forecasts_question_tags WHERE TRUE{where}"
    return read_columns(connection, sql, {"question": "int8", "tag": "int8"}, params)

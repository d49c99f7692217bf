"""Author records for the API, read through forecasts.standings.scorecards.

Without a period everything comes from the stored Scorecard rows, which
change only when forecasts.engine.rescoring runs; the leaderboard is then ranked and
paginated in SQL. With ``since``/``until`` the records are rebuilt from the
stored per-question scores of questions whose outcome became known in that
window (``since`` inclusive, ``until`` exclusive) by the same code that builds
the stored scorecards, in a fixed number of queries.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db.models import F, Window
from django.db.models.functions import Rank

from forecasts.engine import score_rows
from forecasts.models import Author, Scorecard, Tag
from forecasts.standings import scorecards


def stored_leaderboard(*, tag: Tag | None, min_n: int):
    """Ranked stored scorecards, lowest mean Brier first; equal scores share a rank."""
    cards = Scorecard.objects.filter(n_scored__gte=max(min_n, 1), brier__isnull=False)
    cards = cards.filter(tag=tag) if tag is not None else cards.filter(tag__isnull=True)
    return (
        cards.select_related("author", "tag")
        .annotate(rank=Window(Rank(), order_by=[F("brier").asc()]))
        .order_by("brier", "-n_scored", "author__name", "author_id")
    )


def period_leaderboard(
    *, since: datetime | None, until: datetime | None, tag: Tag | None, min_n: int
) -> list[dict]:
    """Ranked records for the window: only authors with at least ``min_n`` scored questions."""
    entries = scorecards.leaderboard(tag=tag, since=since, until=until, min_n=max(min_n, 1))
    return [entry for entry in entries if entry["ranked"]]


def period_author_cards(
    author: Author, *, since: datetime | None, until: datetime | None
) -> tuple[dict | None, list[dict]]:
    """An author's overall record and one per tag (by tag slug) for the window."""
    rows = score_rows.stored_rows([author.pk], since=since, until=until)
    if rows["question"].size == 0:
        return None, []
    tags = score_rows.question_tags(np.unique(rows["question"]).tolist())
    cards = [c for c in scorecards.cards_from_rows(rows, tags) if c["n_scored"] > 0]
    slugs = dict(
        Tag.objects.filter(pk__in={c["tag_id"] for c in cards if c["tag_id"]}).values_list(
            "pk", "slug"
        )
    )
    overall = next((c for c in cards if c["tag_id"] is None), None)
    by_tag = sorted(
        ({**c, "tag": slugs[c["tag_id"]], "author": author} for c in cards if c["tag_id"]),
        key=lambda c: c["tag"],
    )
    return ({**overall, "author": author} if overall else None), by_tag

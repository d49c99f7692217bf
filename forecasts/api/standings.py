"""Author records for the API: stored scorecards, or a period's record computed from scores.

Without a period, everything comes from the stored Scorecard rows, which
change only when forecasts.rescoring runs. With ``since``/``until`` the
record is rebuilt from the stored per-question scores of questions whose
outcome became known in that window (``since`` inclusive, ``until``
exclusive), with the same conventions (mean Brier, 95% t interval).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import F, Window
from django.db.models.functions import Rank

from forecasts import scoring
from forecasts.models import Author, QuestionScore, Scorecard, Tag

CARD_FIELDS = (
    "n_scored", "brier", "brier_0_2", "brier_low", "brier_high", "brier_final", "skill",
    "log_loss", "relative_brier",
)


def stored_leaderboard(*, tag: Tag | None, min_n: int):
    """Ranked stored scorecards: lowest mean Brier first, ties share a rank."""
    cards = Scorecard.objects.filter(n_scored__gte=max(min_n, 1), brier__isnull=False)
    cards = cards.filter(tag=tag) if tag is not None else cards.filter(tag__isnull=True)
    return cards.select_related("author", "tag").annotate(
        rank=Window(Rank(), order_by=[F("brier").asc()])
    ).order_by("brier", "author__name", "author_id")


def _counted_scores(*, since, until, tag=None, author=None):
    scores = QuestionScore.objects.filter(excluded_reason="", brier__isnull=False)
    if since is not None:
        scores = scores.filter(resolution__outcome_known_at__gte=since)
    if until is not None:
        scores = scores.filter(resolution__outcome_known_at__lt=until)
    if tag is not None:
        scores = scores.filter(question__tags=tag)
    if author is not None:
        scores = scores.filter(author=author)
    return scores


SCORE_COLUMNS = ("brier", "brier_final", "log_loss", "relative_brier")


def period_cards(
    *, since: datetime | None, until: datetime | None, tag: Tag | None = None,
    author: Author | None = None,
) -> list[dict]:
    """One record per author from the counted scores of questions resolved in the window."""
    scores = _counted_scores(since=since, until=until, tag=tag, author=author)
    by_author: dict[int, list[tuple]] = defaultdict(list)
    for author_id, *row in scores.values_list("author_id", *SCORE_COLUMNS):
        by_author[author_id].append(row)
    authors = Author.objects.in_bulk(list(by_author))
    return [_card(authors[author_id], rows) for author_id, rows in by_author.items()]


def period_tag_cards(*, author: Author, since: datetime | None, until: datetime | None) -> list[dict]:
    """One record per tag for one author in the window, in tag order."""
    scores = _counted_scores(since=since, until=until, author=author).filter(question__tags__isnull=False)
    by_tag: dict[int, list[tuple]] = defaultdict(list)
    for tag_id, *row in scores.values_list("question__tags", *SCORE_COLUMNS):
        by_tag[tag_id].append(row)
    tags = Tag.objects.in_bulk(list(by_tag))
    cards = [{**_card(author, rows), "tag": tags[tag_id].slug} for tag_id, rows in by_tag.items()]
    return sorted(cards, key=lambda card: card["tag"])


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _card(author: Author, rows: list[tuple]) -> dict:
    briers = [row[0] for row in rows]
    brier, low, high = scoring.mean_with_interval(briers)
    return {
        "author": author,
        "n_scored": len(rows),
        "brier": brier,
        "brier_0_2": scoring.brier_0_2(brier),
        "brier_low": low,
        "brier_high": high,
        "brier_final": _mean([row[1] for row in rows]),
        "skill": scoring.brier_skill_score(brier),
        "log_loss": _mean([row[2] for row in rows]),
        "relative_brier": _mean([row[3] for row in rows]),
    }


def period_leaderboard(
    *, since: datetime | None, until: datetime | None, tag: Tag | None, min_n: int
) -> list[dict]:
    """Ranked period records (ties share a rank), only authors with at least ``min_n`` scores."""
    cards = [c for c in period_cards(since=since, until=until, tag=tag) if c["n_scored"] >= max(min_n, 1)]
    cards.sort(key=lambda c: (c["brier"], c["author"].name, c["author"].pk))
    rank, previous = 0, None
    for position, card in enumerate(cards, start=1):
        if card["brier"] != previous:
            rank, previous = position, card["brier"]
        card["rank"] = rank
    return cards

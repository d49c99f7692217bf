"""Records for a period (or a selection), rebuilt from the stored per-question scores.

A period keeps the questions whose outcome became known in [since, until),
either end optional: the outcome each score was computed against
(``QuestionScore.resolution``). Their rows are read with the ORM
(``QuestionScore.objects.known_between``), so the bounds compare as
timestamps on SQLite and on PostgreSQL alike, and they are summed by the
code that sums the stored scorecards (``forecasts.engine.card_totals``): a
period's card holds the figures, and the totals, that a stored card would
hold if only those questions counted. A read costs one query for the rows,
one for their questions' tags when cards per tag are asked for, and one for
the authors or tags it names, whatever the number of authors or questions.

The same rebuild serves the reader's switch "only claims recorded before the
outcome was known" (``recorded_before_outcome``), alone or with a period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from forecasts.engine import card_totals, score_rows
from forecasts.models import Author, QuestionScore, Scorecard, Tag


def period_bounds(
    since: date | None, until: date | None
) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days, both ends included (as the pages filter), as [since, until) bounds."""
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None
    return start, end


def period_cards(
    *,
    since: datetime | None,
    until: datetime | None,
    tag: Tag | None = None,
    author: Author | None = None,
    recorded_before_outcome: bool = False,
) -> list[Scorecard]:
    """Each author's card for the period: overall, or for ``tag`` (the questions' tags now).

    Only authors with at least one question scored in the period get a card;
    ``author`` keeps that author's. The cards are unsaved Scorecards:
    ``computed_at`` is None and ``totals`` holds the period's totals.
    ``recorded_before_outcome`` keeps only the rows whose claims were all
    entered before the outcome was known (``QuestionScore.objects.recorded_before_outcome``).
    """
    scores = _scores(since, until, author, recorded_before_outcome).tagged(tag)
    cards = _cards(score_rows.stored_rows(scores), None)
    if author is not None:
        authors = {author.pk: author}
    else:
        authors = Author.objects.in_bulk({fields["author_id"] for fields in cards})
    return [_card(fields, authors[fields["author_id"]], tag) for fields in cards]


def author_period_cards(
    author: Author,
    *,
    since: datetime | None,
    until: datetime | None,
    recorded_before_outcome: bool = False,
) -> list[Scorecard]:
    """The author's overall card for the period and one per tag of the questions scored in it.

    Unsaved Scorecards as ``period_cards`` gives them; none if nothing was scored.
    """
    scores = _scores(since, until, author, recorded_before_outcome)
    cards = _cards(score_rows.stored_rows(scores), score_rows.question_tags(scores))
    tags = Tag.objects.in_bulk({fields["tag_id"] for fields in cards if fields["tag_id"]})
    return [_card(fields, author, tags.get(fields["tag_id"])) for fields in cards]


def _scores(
    since: datetime | None,
    until: datetime | None,
    author: Author | None,
    recorded_before_outcome: bool = False,
):
    scores = QuestionScore.objects.known_between(since, until).recorded_before_outcome(
        recorded_before_outcome
    )
    return scores if author is None else scores.filter(author=author)


def _cards(rows: dict, tags: dict | None) -> list[dict]:
    """Scorecard fields of every (author, tag) group of the rows that has something scored."""
    return [c for c in card_totals.cards_from_rows(rows, tags) if c["n_scored"] > 0]


def _card(fields: dict, author: Author, tag: Tag | None) -> Scorecard:
    # Unsaved, and computed_at None: a period's card is worked out on request, never stored.
    figures = {k: v for k, v in fields.items() if k not in ("author_id", "tag_id")}
    return Scorecard(author=author, tag=tag, **{**figures, "computed_at": None})

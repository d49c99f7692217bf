"""Whether an author's stored scores are being brought up to date.

A resolution recorded, corrected or annulled stamps its question's
``resolution_changed_at``; the rescore that follows stamps ``scored_at`` with
the moment it started. Until that rescore lands, the question's stored scores
(and the cards they count in) are stale: ``Question.objects.needing_rescore()``.
Pages and the API say "updating" for such an author, with when the resolution
changed. It is read from those two columns, so any process (web, API, worker)
gives the same answer, whatever queued the rescore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from forecasts.models import Author, Question


@dataclass(frozen=True)
class Updating:
    """Scores waiting for a rescore: how many questions, and the latest resolution change."""

    n_questions: int
    resolution_changed_at: datetime


def updating(author_ids: list[int]) -> dict[int, Updating]:
    """The authors (of ``author_ids``) with a question waiting for its rescore. One query."""
    return from_rows(updating_rows(author_ids))


def updating_rows(author_ids: list[int]):
    """``updating``'s query: a row per author with a question waiting."""
    return (
        Question.objects.needing_rescore()
        .filter(forecasts__author_id__in=author_ids)
        .values("forecasts__author_id")
        .annotate(n=Count("pk", distinct=True), changed=Max("resolution_changed_at"))
        .order_by()
    )


def from_rows(rows) -> dict[int, Updating]:
    return {row["forecasts__author_id"]: Updating(row["n"], row["changed"]) for row in rows}


def author_updating(author: Author) -> Updating | None:
    """``updating`` for one author: None when every score is up to date."""
    return updating([author.pk]).get(author.pk)

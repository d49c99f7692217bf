"""The numeric record: reads of the stored scores of numeric and date questions.

Written by the engine (``forecasts.engine.quantity_tables``), read here for
the pages, the API and the exports. The numeric record is kept apart from the
Brier scorecards and never averaged into them.

* ``author_quantity_records(author=...)``: an author's QuantityRecords, the
  overall one (tag None) first, then one per tag by tag name;
* ``author_quantity_record(author=..., tag=None)``: one of them, or None;
* ``question_quantity_scores(question=...)``: a question's QuantityScore rows
  with their authors, counted rows first, best (lowest) normalised score
  first, then by WIS in the unit, then by author name.
"""

from __future__ import annotations

from django.db.models import F, QuerySet

from forecasts.models import Author, QuantityRecord, QuantityScore, Question, Tag


def author_quantity_records(*, author: Author | int) -> list[QuantityRecord]:
    """The author's numeric records: overall first, then per tag by name (one query)."""
    records = QuantityRecord.objects.filter(author=author).select_related("tag")
    return sorted(records, key=lambda r: (r.tag is not None, r.tag.name if r.tag else ""))


def author_quantity_record(
    *, author: Author | int, tag: Tag | int | None = None
) -> QuantityRecord | None:
    """The author's overall numeric record (or for ``tag``); None when there is none."""
    records = QuantityRecord.objects.filter(author=author)
    records = records.filter(tag__isnull=True) if tag is None else records.filter(tag=tag)
    return records.first()


def question_quantity_scores(*, question: Question | int) -> QuerySet[QuantityScore]:
    """The question's stored numeric scores, one per author, in the order of a results table."""
    return (
        QuantityScore.objects.filter(question=question)
        .select_related("author")
        .order_by(
            F("excluded_reason").asc(),
            F("normalised").asc(nulls_last=True),
            F("wis").asc(nulls_last=True),
            "author__name",
            "author_id",
        )
    )

"""Search over the published ledger: authors, questions, sources and quotes.

On PostgreSQL, full-text search in English (``websearch_to_tsquery``: quoted
phrases, ``or``, ``-word``), ranked by ``ts_rank``; the vectors below are the
expressions migration 0016 indexes (GIN), so the planner can use the index.
Names and titles also match on any part of a word ("alex" finds Scott
Alexander). On SQLite, every word of the query must appear (case-insensitive)
in one of the searched fields; results are ordered by name or date.

Synthetic demo records come after real ones unless asked for
(``records="synthetic"``), or are left out (``records="real"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from forecasts.models.forecast import Forecast
from forecasts.models.ledger import Author, Question, Source

CONFIG = "english"
MAX_LENGTH = 200
MAX_WORDS = 8
RECORDS = ("", "real", "synthetic")  # all (real first), real only, synthetic only

# The fields each kind is searched on, in order of weight.
FIELDS = {
    "authors": ("name", "description"),
    "questions": ("title",),
    "sources": ("title", "publisher"),
    "quotes": ("quote", "phrase"),
}
# What makes a record of each kind synthetic.
SYNTHETIC = {
    "authors": Q(is_synthetic=True),
    "questions": Q(is_synthetic=True),
    "sources": Q(is_synthetic=True),
    "quotes": Q(author__is_synthetic=True) | Q(question__is_synthetic=True),
}
# How each kind is listed when ranks are equal (or on SQLite, where there are none).
ORDER = {
    "authors": ("name", "pk"),
    "questions": ("-opens_at", "pk"),
    "sources": ("-published_on", "title", "pk"),
    "quotes": ("-stated_at", "pk"),
}


class SearchError(ValueError):
    """A query that cannot be searched; the message names the ``q`` field."""


@dataclass
class SearchResults:
    query: str
    records: str
    limit: int
    authors: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    quotes: list = field(default_factory=list)

    def groups(self) -> list[tuple[str, list]]:
        return [(kind, getattr(self, kind)) for kind in FIELDS]

    @property
    def total(self) -> int:
        return sum(len(found) for _, found in self.groups())


def clean_query(text: str | None) -> str:
    """The query, stripped; raises ``SearchError`` on text the database cannot take."""
    text = (text or "").strip()
    if "\x00" in text or len(text) > MAX_LENGTH:
        raise SearchError(f"q: Search text must be under {MAX_LENGTH} plain characters.")
    return text


def _bases() -> dict[str, QuerySet]:
    published = ~Q(question__state=Question.State.DRAFT)
    # Only what a result shows: the rows of the ledger are wide.
    return {
        "authors": Author.objects.only("name", "slug", "description", "is_synthetic"),
        "questions": Question.objects.published().only(
            "title", "slug", "state", "resolve_by", "opens_at", "is_synthetic"
        ),
        "sources": Source.objects.select_related("author").only(
            "title",
            "slug",
            "publisher",
            "published_on",
            "is_synthetic",
            "author__name",
            "author__slug",
            "author__is_synthetic",
        ),
        "quotes": Forecast.objects.filter(published)
        .exclude(quote="")
        .select_related("author", "question")
        .only(
            "quote",
            "phrase",
            "stated_at",
            "author__name",
            "author__slug",
            "author__is_synthetic",
            "question__title",
            "question__slug",
            "question__is_synthetic",
        ),
    }


def vector(kind: str):
    """The full-text vector of a kind, as migration 0016 indexes it (PostgreSQL only)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*FIELDS[kind], config=CONFIG)


def search_ledger(text: str, *, records: str = "", limit: int = 20) -> SearchResults:
    """Up to ``limit`` matches of each kind, best first, real records before synthetic ones."""
    text = clean_query(text)
    if records not in RECORDS:
        raise SearchError("records: Choose real or synthetic, or leave it empty for both.")
    results = SearchResults(query=text, records=records, limit=limit)
    if not text:
        return results
    postgres = connection.vendor == "postgresql"
    for kind, queryset in _bases().items():
        synthetic = SYNTHETIC[kind]
        if records == "real":
            queryset = queryset.exclude(synthetic)
        elif records == "synthetic":
            queryset = queryset.filter(synthetic)
        queryset = queryset.annotate(
            synthetic=Case(
                When(synthetic, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        matched = _full_text(kind, queryset, text) if postgres else _words(kind, queryset, text)
        setattr(results, kind, list(matched[:limit]))
    return results


def _full_text(kind: str, queryset: QuerySet, text: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    matches = Q(document=query)
    if kind in ("authors", "sources"):  # short names: a part of a word finds them too
        matches |= Q(**{f"{FIELDS[kind][0]}__icontains": text})
    return (
        queryset.annotate(document=vector(kind), rank=SearchRank(F("document"), query))
        .filter(matches)
        .order_by("synthetic", "-rank", *ORDER[kind])
    )


def _words(kind: str, queryset: QuerySet, text: str) -> QuerySet:
    words = re.findall(r"\w+", text)[:MAX_WORDS]
    if not words:
        return queryset.none()
    for word in words:
        anywhere = Q()
        for name in FIELDS[kind]:
            anywhere |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(anywhere)
    return queryset.order_by("synthetic", *ORDER[kind])

"""Conditional reads: every JSON GET carries an ETag, and a client that sends it back
(``If-None-Match``) gets ``304 Not Modified`` while nothing it could see has changed.

The validator is computed before any of the route's own work, in one query of
cheap aggregates over the data's own change marks, never by rendering the body:

- the small tables (questions, authors, sources, tags, options, question tags,
  resolutions, scorecards): their row count (a deletion) and the largest of
  their indexed ``updated_at`` (or ``computed_at``) and id (an edit, an insert);
  questions also the largest ``resolution_changed_at`` and ``scored_at`` (a
  resolution change, and the rescore that rewrites the question's score rows);
- the big append-mostly tables (forecasts, their option probabilities and
  quantiles, corrections, per-question scores, dismissed claims): the largest
  id, with deletions from them logged in ``RowDeletion`` (its largest id);
- the clock: how many live questions have opened, closed and fallen due by now,
  since a question's status moves with time alone.

With the request's URL (scheme, host, path and query: pagination links are
absolute), whether the client is an editor (who also sees drafts) and the
format, it is hashed into a weak ETag. The validator covers every table any
route reads, so a write anywhere changes every ETag: a poll may get a 200 it
did not need, never a 304 it should not. One limit: two transactions updating
rows of the same small table, where the one that stamped its rows earlier
commits later, can leave the largest ``updated_at`` unchanged at the second
commit; the next write to that table (or the count, for an insert or a
deletion) moves it.

An anonymous read answered from the public cache (``caching``) carries the
ETag its body was served with, so a poll costs no query there either.
"""

from __future__ import annotations

import functools
import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.response import Response

from forecasts.api import caching
from forecasts.ledger.roles import is_editor
from forecasts.models import (
    Author,
    DiscardedClaim,
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    ForecastQuantile,
    Option,
    Question,
    QuestionScore,
    Resolution,
    RowDeletion,
    Scorecard,
    Source,
    Tag,
)

# (model, counted?, the columns whose largest value is read)
SMALL_TABLES = (
    (Question, ("updated_at", "resolution_changed_at", "scored_at", "id")),
    (Author, ("updated_at", "id")),
    (Source, ("updated_at", "id")),
    (Tag, ("updated_at", "id")),
    (Option, ("updated_at", "id")),
    (Question.tags.through, ("id",)),
    (Resolution, ("id",)),
    (Scorecard, ("computed_at", "id")),
)
BIG_TABLES = (
    Forecast,
    ForecastProbability,
    ForecastQuantile,
    ForecastCorrection,
    QuestionScore,
    DiscardedClaim,
    RowDeletion,
)
# Deleting from these logs a RowDeletion (forecasts.receivers.row_deleted).
LOGGED_DELETIONS = (
    Forecast,
    ForecastProbability,
    ForecastQuantile,
    ForecastCorrection,
    DiscardedClaim,
)
VARY = ("Accept", "Authorization", "Cookie")


@functools.cache
def _sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    parts = []
    for model, columns in SMALL_TABLES:
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts += [f"(SELECT MAX({quote(c)}) FROM {table})" for c in columns]
    for big in BIG_TABLES:
        parts.append(f"(SELECT MAX({quote('id')}) FROM {quote(big._meta.db_table)})")
    questions = quote(Question._meta.db_table)
    for column in ("opens_at", "closes_at", "resolve_by"):
        parts.append(
            f"(SELECT COUNT(*) FROM {questions} WHERE {quote('state')} = 'live' "
            f"AND {quote(column)} <= %s)"
        )
    return "SELECT " + ", ".join(parts)


def stamps() -> tuple:
    """The data's change marks and the clock's question transitions: one query."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [now, now, now])
        return tuple(cursor.fetchone())


def applies(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return request.method in ("GET", "HEAD") and getattr(renderer, "format", None) == "json"


def etag_for(request) -> str | None:
    """This request's ETag (computed once and kept on the request); None if not a JSON GET."""
    if not applies(request):
        return None
    found = getattr(request, "_reckon_etag", None)
    if found is None:
        seed = "|".join(
            [
                request.build_absolute_uri(),
                "editor" if is_editor(request.user) else "public",
                request.accepted_renderer.format,
                repr(stamps()),
            ]
        )
        found = 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:40] + '"'
        request._reckon_etag = found
    return found


class NotModified(Exception):
    """Raised once the client's ETag is found current; answered 304."""


class ConditionalMixin:
    """For API views: ETag on every JSON GET, 304 to an ``If-None-Match`` that matches."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        hit = caching.cached_entry(request, self)
        if hit is not None and hit[0] and applies(request):
            request._reckon_etag = hit[0]  # the cached body's own ETag: no query
        tag = etag_for(request)
        sent = request.headers.get("If-None-Match")
        if tag and sent and (sent.strip() == "*" or tag in parse_etags(sent)):
            raise NotModified

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        tag = getattr(request, "_reckon_etag", None)
        if tag and response.status_code in (200, 304):
            response["ETag"] = tag
            patch_vary_headers(response, VARY)
            if not response.has_header("Cache-Control"):
                # Stored, but checked with the server before each reuse.
                if request.user.is_authenticated:
                    patch_cache_control(response, private=True, no_cache=True)
                else:
                    patch_cache_control(response, no_cache=True)
        return response

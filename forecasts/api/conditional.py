"""Conditional reads: every JSON GET carries an ETag, and a client that sends it back
(``If-None-Match``) gets ``304 Not Modified`` while nothing it could see has changed.

The validator is computed before any of the route's own work, in one small
query, never by rendering the body. It reads the change stamp
(``forecasts.models.changes``: database triggers move it on every write to a
table a response shows, and on PostgreSQL it names the writers in progress,
so a late commit moves it too) and the clock: the next moment a live
question opens, closes or falls due, since a question's status moves with
time alone.

With the request's URL (scheme, host, path and query: pagination links are
absolute), whether the client is an editor (who also sees drafts) and the
format, it is hashed into a weak ETag. The stamp covers every table any
route reads, so a write anywhere changes every ETag: a poll may get a 200 it
did not need, never a 304 it should not. A table added to what the API
shows needs its trigger (``tests/api/test_conditional.py`` checks that every
table of the app has one or is listed as unread).

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
from forecasts.models import Question
from forecasts.models.changes import STAMP_COLUMNS, prepared_cursor, read_once, remember

VARY = ("Accept", "Authorization", "Cookie")
# The statuses' next change: the first live question to open, close or fall due after now.
TRANSITIONS = ("opens_at", "closes_at", "resolve_by")


@functools.cache
def _sql(vendor: str) -> str:
    """The stamp's columns, then for each transition the first moment after now: a
    subquery each, which the question table's index on (state, that column) answers by
    reading one entry (``Question.Meta.indexes``). One scan of the live questions for
    the three cost every request a read of each live question: 17 ms at 12,000."""
    quote = connection.ops.quote_name
    questions = quote(Question._meta.db_table)
    nexts = ", ".join(
        f"(SELECT MIN({quote(column)}) FROM {questions} "
        f"WHERE {quote('state')} = 'live' AND {quote(column)} > %s)"
        for column in TRANSITIONS
    )
    return f"SELECT {STAMP_COLUMNS[vendor]}, {nexts}"


def stamps() -> tuple:
    """The change stamp and the clock's next transitions: one query, planned once."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with prepared_cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [now] * len(TRANSITIONS))
        found = tuple(cursor.fetchone())
    remember(found[:2])  # the route's own cache keys read it again (``changes.read_once``)
    return found


def applies(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return request.method in ("GET", "HEAD") and getattr(renderer, "format", None) == "json"


def etag_for(request) -> str | None:
    """This request's ETag (computed once and kept on the request); None if not a JSON GET."""
    if not applies(request):
        return None
    found = getattr(request, "_reckon_etag", None)
    if found is None:
        current = request._reckon_stamps = stamps()  # also keys the list's count (pagination)
        seed = "|".join(
            [
                request.build_absolute_uri(),
                "editor" if is_editor(request.user) else "public",
                request.accepted_renderer.format,
                repr(current),
            ]
        )
        found = 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:40] + '"'
        request._reckon_etag = found
    return found


class NotModified(Exception):
    """Raised once the client's ETag is found current; answered 304."""


class ConditionalMixin:
    """For API views: ETag on every JSON GET, 304 to an ``If-None-Match`` that matches."""

    def dispatch(self, request, *args, **kwargs):
        with read_once():  # the stamp read for the ETag serves the whole request
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

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

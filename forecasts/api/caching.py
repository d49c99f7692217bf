"""A short-lived cache of public reads: anonymous GETs of the busiest endpoints.

Anonymous clients (the public, scrapers, dashboards) get a response cached
for RECKON_API_CACHE_SECONDS (0 switches it off), keyed by the full URL,
scheme and host included: responses carry absolute links (pagination), so
an answer to http://a.example must never be served to https://b.example.
Signed-in users always get fresh data, so editors see their writes at once;
the public sees them within that many seconds. The cache is Django's default
cache (Redis when REDIS_URL is set), so every worker shares it.

A request answered from this cache is not counted against the rate limits
(``forecasts.api.throttling``): they protect the database from expensive
reads, and a cached answer costs one cache lookup. The throttles look the
response up once and leave it on the request for the view.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

KEY_PREFIX = "reckon:api:public:v2:"  # v2: (ETag, body) pairs
_MISS = object()


def _key(request) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return KEY_PREFIX + digest


def _cacheable(request) -> bool:
    return (
        settings.RECKON_API_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and request.accepted_renderer.format == "json"
    )


def cached_response(request, view) -> bytes | None:
    """The cached body for this request if its view caches publicly and has one."""
    entry = cached_entry(request, view)
    return None if entry is None else entry[1]


def cached_entry(request, view) -> tuple[str | None, bytes] | None:
    """The cached (ETag, body) for this request if its view caches publicly and has one.

    The ETag is the one the body was served with (``forecasts.api.conditional``):
    a hit answers a poll with it, touching no database. Looked up at most once
    per request (the result is kept on the request).
    """
    found = getattr(request, "_public_cache_hit", None)
    if found is None:
        handler = getattr(view, getattr(view, "action", None) or request.method.lower(), None)
        found = _MISS
        if getattr(handler, "public_cache", False) and _cacheable(request):
            hit = cache.get(_key(request))
            found = hit if isinstance(hit, tuple) and len(hit) == 2 else _MISS
        request._public_cache_hit = found
    return None if found is _MISS else found


def public_cache(handler):
    """Decorate a DRF view method so anonymous JSON GETs are served from the cache."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        if not _cacheable(request):
            return handler(view, request, *args, **kwargs)
        seconds = settings.RECKON_API_CACHE_SECONDS
        hit = cached_response(request, view)
        if hit is not None:
            response = HttpResponse(hit, content_type="application/json")
        else:
            response = handler(view, request, *args, **kwargs)
            if response.status_code != 200:
                return response
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = view.get_renderer_context()
            response.render()
            etag = getattr(request, "_reckon_etag", None)
            cache.set(_key(request), (etag, response.content), seconds)
        response["Cache-Control"] = f"public, max-age={seconds}"
        return response

    wrapper.public_cache = True
    return wrapper

"""A short-lived cache of public reads: anonymous GETs of the busiest endpoints.

Anonymous clients (the public, scrapers, dashboards) get a response cached
for RECKON_API_CACHE_SECONDS (0 switches it off), keyed by the full URL.
Signed-in users always get fresh data, so editors see their writes at once;
the public sees them within that many seconds. The cache is Django's default
cache (Redis when REDIS_URL is set), so every worker shares it.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

KEY_PREFIX = "reckon:api:public:v1:"


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return KEY_PREFIX + digest


def public_cache(handler):
    """Decorate a DRF view method so anonymous JSON GETs are served from the cache."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        seconds = settings.RECKON_API_CACHE_SECONDS
        cacheable = (
            seconds > 0
            and request.method == "GET"
            and not request.user.is_authenticated
            and request.accepted_renderer.format == "json"
        )
        if not cacheable:
            return handler(view, request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key)
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
            cache.set(key, response.content, seconds)
        response["Cache-Control"] = f"public, max-age={seconds}"
        return response

    return wrapper

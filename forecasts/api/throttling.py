"""Rate limits for anonymous and signed-in clients: one round trip to Redis a request.

The limits are DRF's: a sliding log of each client's requests per scope,
``anon`` (an anonymous client, by address) and ``user`` (a signed-in user, by
id; an anonymous client by address too, as DRF's stock ``UserRateThrottle``
counts it), with the rates read per request from ``DEFAULT_THROTTLE_RATES``
(so a change of settings, in tests say, takes effect). A request is refused
while any of its scopes is full, and counted in each scope that let it in;
the wait it is told (``Retry-After``) is DRF's.

DRF's classes read and write each log as a pickled list: two cache round
trips a scope, four for an anonymous read. On Redis
(``config.redis_cache.RedisCache.sliding_windows``) every scope of a request is
checked and counted in one atomic script. Redis being down lets the request
through uncounted, as before. Other caches (the local memory of a
development install) keep the lists as DRF did.

A request the public cache answers (``forecasts.api.caching``) is let through
without being counted: the limits guard the database, which it never reaches.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from config.clients import client_ip
from forecasts.api.caching import cached_response

KEY = "throttle_{scope}_{ident}"  # DRF's, so an old log and a new one are the same key


def windows(request) -> list[tuple[str, int, int]]:
    """(cache key, requests allowed, seconds) of each scope this request counts in."""
    rates = api_settings.DEFAULT_THROTTLE_RATES
    signed_in = bool(request.user and request.user.is_authenticated)
    scopes = [("user", request.user.pk)] if signed_in else [("anon", None), ("user", None)]
    found = []
    for scope, ident in scopes:
        rate = rates.get(scope)
        if rate is None:
            continue
        allowed, seconds = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
        key = KEY.format(scope=scope, ident=client_ip(request) if ident is None else ident)
        found.append((key, allowed, seconds))
    return found


def _log_in_cache(key: str, allowed: int, seconds: int, now: float) -> float | None | bool:
    """DRF's sliding log on any cache: True if let in (and counted), else the wait."""
    history = [t for t in cache.get(key, []) if t > now - seconds]
    if len(history) >= allowed:
        remaining = seconds - (now - history[-1]) if history else seconds
        available = allowed - len(history) + 1
        return remaining / available if available > 0 else None
    cache.set(key, [now, *history], seconds)
    return True


class ClientThrottle(BaseThrottle):
    """Every rate limit a request is subject to, checked and counted together."""

    def __init__(self) -> None:
        self._waits: list[float | None] = []

    def allow_request(self, request, view) -> bool:
        if cached_response(request, view) is not None:
            return True
        found = windows(request)
        if not found:
            return True
        now = time.time()
        sliding = getattr(cache, "sliding_windows", None)
        if sliding is not None:
            answers = sliding(found, now)
        else:
            answers = [_log_in_cache(key, allowed, seconds, now) for key, allowed, seconds in found]
        self._waits = [answer for answer in answers if answer is not True]
        return not self._waits

    def wait(self) -> float | None:
        waits = [w for w in self._waits if w is not None]
        return max(waits) if waits else None

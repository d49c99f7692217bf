"""Django's Redis cache, reusing one redis-py client per pool, and failing open.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every
cache operation. Recent redis-py releases set up each client's table of
response callbacks in its constructor (a few hundred dictionary entries),
so that costs more than the round trip to Redis itself: on the busiest
public API reads (throttle and response cache, several operations per
request) it halved the rate. A client only wraps its connection pool and
is safe to share between threads, so one per pool is kept and reused.

Everything Reckon keeps in this cache can be recomputed (public API
responses, rate-limit counters, rendered charts), so a Redis outage must
not take the site down with it. Each operation fails open: an unreachable
or silent Redis reads as a miss and a write is dropped, after at most the
socket timeouts set in ``OPTIONS`` (``RECKON_CACHE_TIMEOUT_SECONDS``). The
first failure logs one warning and the cache is then bypassed for
``outage_retry_seconds`` (``RECKON_CACHE_RETRY_SECONDS``), so a Redis that
hangs costs one request that timeout, not every request every operation.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger("config.redis_cache")

# How long the cache is bypassed after a failure, unless OPTIONS say otherwise.
DEFAULT_RETRY_SECONDS = 5.0
# Until when (time.monotonic()) each Redis location is bypassed. Module-level:
# Django makes a cache object per thread, and the web server a thread per request.
_bypass_until: dict[str, float] = {}


class PooledRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


def _fail_open(fallback: Callable[..., Any]):
    """Run the cache operation, or answer ``fallback(*args, **kwargs)`` while Redis is out."""

    def decorate(operation):
        @functools.wraps(operation)
        def wrapper(self, *args, **kwargs):
            if self.is_bypassed():
                return fallback(*args, **kwargs)
            try:
                return operation(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                self.trip(exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _no_keys(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


def _all_let_in(windows, *args, **kwargs):
    return [True] * len(windows)


def _missing(key, *args, **kwargs):
    # What Django's incr says of a key that is not there.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


# DRF's sliding log of each window (a list, newest first, kept for the window's
# length): drop what fell out of the window, then either refuse with DRF's wait
# (the window's time left over the requests still available; "none" when there
# are none) or record the request. ARGV: now, then (allowed, seconds) per key.
SLIDING_WINDOWS = """
local now = tonumber(ARGV[1])
local answers = {}
for i, key in ipairs(KEYS) do
  local allowed = tonumber(ARGV[2 * i])
  local seconds = tonumber(ARGV[2 * i + 1])
  local kind = redis.call('TYPE', key)['ok']
  if kind ~= 'list' and kind ~= 'none' then
    redis.call('DEL', key)
  end
  local oldest = redis.call('LINDEX', key, -1)
  while oldest and tonumber(oldest) <= now - seconds do
    redis.call('RPOP', key)
    oldest = redis.call('LINDEX', key, -1)
  end
  local n = redis.call('LLEN', key)
  if n >= allowed then
    local remaining = seconds
    if oldest then remaining = seconds - (now - tonumber(oldest)) end
    local available = allowed - n + 1
    if available > 0 then answers[i] = tostring(remaining / available) else answers[i] = 'none' end
  else
    redis.call('LPUSH', key, ARGV[1])
    redis.call('EXPIRE', key, seconds)
    answers[i] = 'in'
  end
end
return answers
"""


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with pooled clients, failing open."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("outage_retry_seconds", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = PooledRedisCacheClient
        self._location = ",".join(self._servers)  # type: ignore[attr-defined]
        self._scripts: dict[int, Any] = {}

    def is_bypassed(self) -> bool:
        return time.monotonic() < _bypass_until.get(self._location, 0.0)

    def trip(self, exc: BaseException) -> None:
        """Bypass the cache for a while, saying so once per outage rather than per request."""
        _bypass_until[self._location] = time.monotonic() + self.retry_seconds
        logger.warning(
            "The Redis cache is unavailable (%s: %s); serving without it (uncached, "
            "rate limits not counted) and trying again in %.0f s.",
            type(exc).__name__,
            exc,
            self.retry_seconds,
        )

    @_fail_open(_all_let_in)
    def sliding_windows(
        self, windows: list[tuple[str, int, int]], now: float
    ) -> list[float | None | bool]:
        """Rate-limit windows (key, requests allowed, seconds) checked and counted at once.

        For each: True if the request is let in (and recorded), else the wait
        before it would be (None if unknown), as DRF's ``SimpleRateThrottle``
        computes them. One round trip; Redis out, every window lets it in.
        """
        keys = [self.make_and_validate_key(key) for key, _, _ in windows]
        client = self._cache.get_client(keys[0], write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts.setdefault(id(client), client.register_script(SLIDING_WINDOWS))
        args = [repr(now), *(n for _, allowed, seconds in windows for n in (allowed, seconds))]
        answers = script(keys=keys, args=args)
        return [_answer(a) for a in answers]

    get = _fail_open(_default)(django_redis.RedisCache.get)
    get_many = _fail_open(_no_keys)(django_redis.RedisCache.get_many)
    has_key = _fail_open(_false)(django_redis.RedisCache.has_key)
    add = _fail_open(_false)(django_redis.RedisCache.add)
    set = _fail_open(_nothing)(django_redis.RedisCache.set)
    set_many = _fail_open(_all_failed)(django_redis.RedisCache.set_many)
    touch = _fail_open(_false)(django_redis.RedisCache.touch)
    delete = _fail_open(_false)(django_redis.RedisCache.delete)
    delete_many = _fail_open(_nothing)(django_redis.RedisCache.delete_many)
    incr = _fail_open(_missing)(django_redis.RedisCache.incr)
    clear = _fail_open(_false)(django_redis.RedisCache.clear)


def _answer(raw: bytes | str) -> float | None | bool:
    text = raw.decode() if isinstance(raw, bytes) else raw
    if text == "in":
        return True
    return None if text == "none" else float(text)

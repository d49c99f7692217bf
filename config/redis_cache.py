"""Django's Redis cache, reusing one redis-py client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every
cache operation. Recent redis-py releases set up each client's table of
response callbacks in its constructor (a few hundred dictionary entries),
so that costs more than the round trip to Redis itself: on the busiest
public API reads (throttle and response cache, several operations per
request) it halved the rate. A client only wraps its connection pool and
is safe to share between threads, so one per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``PooledRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient

"""Rate limits (forecasts.api.throttling): DRF's sliding logs, one Redis round trip a request."""

import uuid

import pytest
from django.core.cache import cache

from config.redis_cache import RedisCache
from forecasts.api import throttling
from tests.processes import TEST_REDIS_URL

pytestmark = pytest.mark.django_db


def limit(settings, anon=None, user=None) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
    }


def reads(client, n: int, **extra) -> list[int]:
    return [client.get("/api/tags/", **extra).status_code for _ in range(n)]


def test_a_signed_in_user_is_held_to_the_user_rate(api_client, client_for, editor, settings):
    limit(settings, user="2/minute")
    cache.delete(f"throttle_user_{editor.pk}")
    editors = client_for(editor)
    assert reads(editors, 3) == [200, 200, 429]
    refused = editors.get("/api/tags/")
    assert 0 < int(refused["Retry-After"]) <= 60


def test_an_anonymous_client_is_held_to_the_lower_of_both_rates(api_client, settings):
    address = {"REMOTE_ADDR": "192.0.2.81"}
    cache.delete_many(["throttle_anon_192.0.2.81", "throttle_user_192.0.2.81"])
    limit(settings, anon="5/minute", user="2/minute")
    assert reads(api_client, 3, **address) == [200, 200, 429]


def test_each_client_has_its_own_log(api_client, settings):
    limit(settings, anon="1/minute")
    cache.delete_many(["throttle_anon_192.0.2.82", "throttle_anon_192.0.2.83"])
    assert reads(api_client, 2, REMOTE_ADDR="192.0.2.82") == [200, 429]
    assert reads(api_client, 1, REMOTE_ADDR="192.0.2.83") == [200]


def test_reads_go_through_uncounted_while_redis_is_down(api_client, settings, redis_down):
    limit(settings, anon="1/minute")
    assert reads(api_client, 3, REMOTE_ADDR="192.0.2.84") == [200, 200, 200]


def rounded(answers):
    return [[a if a is True else round(a, 6) for a in row] for row in answers]


@pytest.fixture
def redis_cache():
    found = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"})
    yield found
    found.clear()


def test_the_redis_script_answers_as_drf_does(redis_cache, settings, monkeypatch):
    """The same sequence of requests, let in or told to wait, as DRF's log in any cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    windows = [("throttle_anon_a", 3, 60), ("throttle_user_a", 4, 60)]
    times = [1000.0, 1010.0, 1020.0, 1030.0, 1040.0, 1061.0, 1075.0, 1200.0]
    from_redis = [redis_cache.sliding_windows(windows, now) for now in times]
    in_memory = [
        [throttling._log_in_cache(key, allowed, seconds, now) for key, allowed, seconds in windows]
        for now in times
    ]
    assert rounded(from_redis) == rounded(in_memory)
    assert rounded(from_redis[3:6]) == [
        [30.0, True],  # anon full: wait for the first to leave the window; user still counts
        [20.0, 20.0],  # both full
        [True, True],  # the first two left both windows
    ]


def test_the_redis_script_replaces_a_log_drf_left_in_its_own_format(redis_cache):
    redis_cache.set("throttle_anon_b", [999.0, 998.0], 60)  # DRF's pickled list
    assert redis_cache.sliding_windows([("throttle_anon_b", 1, 60)], 1000.0) == [True]
    assert redis_cache.sliding_windows([("throttle_anon_b", 1, 60)], 1001.0) == [
        pytest.approx(59.0)
    ]

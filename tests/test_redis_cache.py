"""The Redis cache fails open: an outage reads as misses, said once, never waited out per call."""

import logging
import time
import uuid

import pytest

from config import redis_cache
from config.redis_cache import RedisCache
from tests.processes import TEST_REDIS_URL, free_port


def cache_at(location: str, **options) -> RedisCache:
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, **options}
    return RedisCache(location, {"OPTIONS": options, "KEY_PREFIX": uuid.uuid4().hex})


@pytest.fixture
def down():
    location = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    yield cache_at(location, outage_retry_seconds=30)
    redis_cache._bypass_until.pop(location, None)


def test_it_reads_an_unreachable_redis_as_a_miss_and_drops_writes(down):
    assert down.get("chart", "default") == "default"
    assert down.set("chart", "<svg/>", 60) is None
    assert down.get_or_set("chart", "<svg/>", 60) == "<svg/>"
    assert down.get_many(["a", "b"]) == {}
    assert down.add("chart", "x") is False
    assert down.delete("chart") is False
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    with pytest.raises(ValueError):
        down.incr("counter")


def test_it_warns_once_per_outage_and_then_stops_trying(down, caplog):
    with caplog.at_level(logging.WARNING, logger="config.redis_cache"):
        down.get("a")
        started = time.monotonic()
        for _ in range(100):
            down.get("a")
            down.set("a", 1)
        elapsed = time.monotonic() - started
    warnings = [r for r in caplog.records if r.name == "config.redis_cache"]
    assert len(warnings) == 1
    assert "The Redis cache is unavailable (ConnectionError" in warnings[0].getMessage()
    assert elapsed < 0.5  # 200 calls, none of them connecting


def test_it_tries_again_once_the_retry_window_passed(down, caplog):
    down.get("a")
    redis_cache._bypass_until[down._location] = time.monotonic() - 1  # the window passed
    with caplog.at_level(logging.WARNING, logger="config.redis_cache"):
        assert down.get("a", "default") == "default"
    assert "The Redis cache is unavailable" in caplog.text


def test_it_works_as_usual_while_redis_answers():
    live = cache_at(TEST_REDIS_URL)
    live.set("chart", "<svg/>", 60)
    assert live.get("chart") == "<svg/>"
    assert live.add("count", 1) is True
    assert live.incr("count", 2) == 3
    live.delete_many(["chart", "count"])
    assert live.get("chart") is None
    assert not live.is_bypassed()

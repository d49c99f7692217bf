"""``manage.py bench pipeline``: it refuses without Redis and reports latencies with it."""

import json
from io import StringIO

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.models import Author, Question
from tests.processes import TEST_REDIS_URL, publishing_to, subprocess_database_url


def test_it_refuses_without_redis(settings, db):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="set REDIS_URL"):
        call_command("bench", "pipeline", stdout=StringIO())
    assert not Question.objects.exists()


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_times_resolutions_through_its_own_worker_and_cleans_up(settings, monkeypatch):
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    settings.REDIS_URL = TEST_REDIS_URL
    # The worker it starts inherits this process's environment.
    monkeypatch.setenv("DATABASE_URL", subprocess_database_url())
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    out = StringIO()
    with publishing_to(TEST_REDIS_URL):
        call_command("bench", "pipeline", "--scale", "0.03", "--pool", "solo", stdout=out)
    figures = json.loads(out.getvalue().splitlines()[-1])
    assert figures["resolutions"] == 3
    assert 0 < figures["latency_p50_s"] <= figures["latency_p95_s"] <= figures["latency_max_s"]
    assert not Question.objects.exists() and not Author.objects.exists()

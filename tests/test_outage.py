"""A Redis outage leaves the site up: the web app served against a Redis that is not there.

The web app runs as a real server (``manage.py runserver``) on the pytest
database, its REDIS_URL pointing at a server of the test's own: a
redis-server it started and stopped (a closed port), or a listener that
accepts connections and never answers (a hung Redis). Public reads, the
pages that draw cached charts, and a resolution through the API must all
succeed: the cache and the rate limits fail open, and the rescoring the broker
could not take is left to reconciliation.

Whether the outage is waited out is counted, not timed: the hung Redis counts the
connections made to it. A cache that notices the outage once and then leaves Redis
alone for its retry window (set longer than the test), plus one publish to the
broker, is a handful of connections; a cache that tried on every read would make
one per request, each waiting out its socket timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from forecasts.engine import reconciliation
from forecasts.models import Question, QuestionScore, Resolution
from tests import builders
from tests.processes import (
    ROOT,
    RedisServer,
    SilentListener,
    free_port,
    subprocess_database_url,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Connections the whole run may make to a hung Redis: the cache's first try (its
# client may open one for reading and one for writing) and the broker's publish.
MOST_CONNECTIONS_TO_A_HUNG_REDIS = 3


@contextmanager
def stopped_redis(tmp_path: Path) -> Iterator[tuple[str, SilentListener | None]]:
    """The URL of a redis-server that ran on a free port and was then stopped."""
    server = RedisServer(tmp_path)
    server.start()
    server.stop()
    yield server.url, None


@contextmanager
def hung_redis() -> Iterator[tuple[str, SilentListener | None]]:
    listener = SilentListener()
    try:
        yield listener.url, listener
    finally:
        listener.close()


@contextmanager
def web_app(tmp_path: Path, redis_url: str) -> Iterator[WebApp]:
    """``manage.py runserver`` on the test database with REDIS_URL=redis_url."""
    port = free_port()
    log_path = tmp_path / "web.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": subprocess_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "RECKON_VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Longer than the test, so that the cache's tries do not depend on its speed.
        "RECKON_CACHE_RETRY_SECONDS": "3600",
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    app = WebApp(f"http://127.0.0.1:{port}", log_path)
    try:
        wait_for(lambda: app.answers() or process.poll() is not None, 60, "the web app to start")
        assert process.poll() is None, f"the web app exited:\n{app.log()}"
        yield app
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@dataclass
class Answer:
    status_code: int
    text: str

    def json(self):
        return json.loads(self.text)


@dataclass
class WebApp:
    base: str
    log_path: Path

    def answers(self) -> bool:
        try:
            return self.request("GET", "/api/health/", timeout=2).status_code == 200
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(
        self, method: str, path: str, *, body=None, headers=None, timeout: float = 30
    ) -> Answer:
        """The answer to one request."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())


@pytest.fixture
def ledger(roles):
    """Two authors' claims on a question that is due, and a resolver with a token."""
    author, other = builders.author(), builders.author("Bo Pundit")
    source = builders.source(author)
    question = builders.question("will-it-happen", title="Will it happen by 2025?")
    recorded = builders.OPENS + timedelta(hours=2)  # recorded while open: it counts
    builders.forecast(question, author, source=source, probability=0.8, at=recorded)
    builders.forecast(
        question, other, source=builders.source(other, title="Later"), probability=0.3, at=recorded
    )
    token = Token.objects.create(user=builders.resolver()).key
    return {"question": question, "author": author, "token": token}


@pytest.mark.parametrize("outage", ["closed port", "hung server"])
def test_it_serves_reads_and_resolutions_while_redis_is_out(tmp_path, ledger, outage):
    question, author = ledger["question"], ledger["author"]
    down = stopped_redis(tmp_path) if outage == "closed port" else hung_redis()
    with down as (redis_url, listener), web_app(tmp_path, redis_url) as app:
        for path in [
            "/api/questions/",
            f"/api/questions/{question.slug}/",
            "/api/authors/",
            "/leaderboard/",
            author.get_absolute_url(),
            question.get_absolute_url(),
            "/api/questions/",  # again, now that the outage is known
        ]:
            response = app.request("GET", path)
            assert response.status_code == 200, (path, response.text[:300])
        listing = app.request("GET", "/api/questions/").json()
        assert [q["slug"] for q in listing["results"]] == [question.slug]

        response = app.request(
            "POST",
            f"/api/questions/{question.slug}/resolve/",
            body={
                "outcome": "yes",
                "outcome_known_at": "2025-07-01T00:00:00Z",
                "evidence_url": "https://example.org/it-happened",
            },
            headers={"Authorization": f"Token {ledger['token']}"},
        )
        assert response.status_code == 201, response.text[:300]
        log = app.log()
        if listener is not None:
            connections = len(listener.accepted)
            assert 1 <= connections <= MOST_CONNECTIONS_TO_A_HUNG_REDIS, (
                f"{connections} connections to the hung Redis: the outage was waited out"
            )
    # The resolution is stored, and the rescoring the broker could not take is
    # marked for reconciliation, which scores it once it runs.
    resolution = Resolution.objects.get(question=question, is_current=True)
    assert resolution.outcome == "yes"
    assert list(Question.objects.needing_rescore()) == [question]
    assert "The Redis cache is unavailable" in log
    assert f"Could not queue rescoring of questions [{question.pk}]" in log
    assert " 500 " not in log
    reconciliation.rescore_stale()
    assert not Question.objects.needing_rescore().exists()
    scored = QuestionScore.objects.get(question=question, author=author)
    assert scored.brier == pytest.approx((1 - 0.8) ** 2)

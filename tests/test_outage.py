"""A Redis outage leaves the site up: the web app served against a Redis that is not there.

The web app runs as a real server (``manage.py runserver``) on the pytest
database, its REDIS_URL pointing at a server of the test's own: a
redis-server it started and stopped (a closed port), or a listener that
accepts connections and never answers (a hung Redis). Public reads, the
pages that draw cached charts, and a resolution through the API must all
succeed, each within a fraction of the old 5–10 s: the cache and the rate
limits fail open, and the rescoring the broker could not take is left to
reconciliation. The 2 s bound detects the outage being waited out; it is not
a benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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

OUTAGE_BOUND_SECONDS = 2.0


@contextmanager
def stopped_redis(tmp_path: Path) -> Iterator[str]:
    """The URL of a redis-server that ran on a free port and was then stopped."""
    server = RedisServer(tmp_path)
    server.start()
    server.stop()
    yield server.url


@contextmanager
def hung_redis() -> Iterator[str]:
    listener = SilentListener()
    try:
        yield listener.url
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
            return self.timed("GET", "/api/health/", timeout=2)[0].status_code == 200
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def timed(
        self, method: str, path: str, *, body=None, headers=None, timeout: float = 30
    ) -> tuple[Answer, float]:
        """The answer to one request, and how long it took."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.read().decode())
        return answer, time.monotonic() - started


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
    with down as redis_url, web_app(tmp_path, redis_url) as app:
        timings = {}
        for path in [
            "/api/questions/",
            f"/api/questions/{question.slug}/",
            "/api/authors/",
            "/leaderboard/",
            author.get_absolute_url(),
            question.get_absolute_url(),
            "/api/questions/",  # again, now that the outage is known
        ]:
            response, timings[path] = app.timed("GET", path)
            assert response.status_code == 200, (path, response.text[:300])
        listing = app.timed("GET", "/api/questions/")[0].json()
        assert [q["slug"] for q in listing["results"]] == [question.slug]

        response, timings["resolve"] = app.timed(
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

    slow = {what: round(took, 2) for what, took in timings.items() if took >= OUTAGE_BOUND_SECONDS}
    assert not slow, f"waited out the outage: {slow}"
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

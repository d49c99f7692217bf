"""Background work through real Celery workers and beats, on a real Redis.

Each test starts its own processes (``tests/processes.py``) against the
pytest-django test database; rows are committed (transactional_db) so the
workers see them. The Redis database of RECKON_TEST_REDIS_URL (default
redis://127.0.0.1:6379/5) is flushed before and after each test; the outage
test runs a redis-server of its own so that it may stop it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from forecasts import reminders, tasks
from forecasts.models import Question, ResolutionPrompt
from tests.processes import (
    ROOT,
    TEST_REDIS_URL,
    CeleryProcess,
    Processes,
    publishing_to,
    wait_for,
)

pytestmark = pytest.mark.worker


@pytest.fixture
def test_redis():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def processes(transactional_db, tmp_path, test_redis):
    started = Processes(tmp_path, TEST_REDIS_URL)
    try:
        with publishing_to(TEST_REDIS_URL):
            yield started
    finally:
        started.close()


def due_question(slug: str, overdue: timedelta) -> Question:
    now = timezone.now()
    return Question.objects.create(
        title=f"Question {slug}",
        slug=slug,
        resolution_criteria="Per the official record.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        resolve_by=now - overdue,
    )


def subjects(emails: list[str]) -> list[str]:
    return sorted(
        line.removeprefix("Subject: ")
        for email in emails
        for line in email.splitlines()
        if line.startswith("Subject: ")
    )


def test_it_sends_one_email_per_step_with_two_beats_and_every_task_delivered_twice(
    processes, test_redis, resolver
):
    due_question("new", timedelta(hours=1))
    due_question("older", timedelta(days=4))
    due_question("oldest", timedelta(days=12))
    prompt_ids = reminders.record_due_prompts()
    assert len(prompt_ids) == 3
    for prompt_id in prompt_ids:
        tasks.send_resolution_prompt.delay(prompt_id)
        tasks.send_resolution_prompt.delay(prompt_id)
    tasks.send_resolution_prompts.delay()
    tasks.send_resolution_prompts.delay()

    # Two workers take the duplicates concurrently while two beats (one too
    # many, as after a botched deploy) sweep every second.
    started = [processes.worker(name, wait=False) for name in ("w1", "w2")]
    started += [
        processes.beat(name, wait=False, RECKON_PROMPT_SWEEP_SECONDS="1") for name in ("b1", "b2")
    ]
    for process in started:
        process.wait_ready()
    wait_for(
        lambda: ResolutionPrompt.objects.filter(state="sent").count() == 3, 30, "three reminders"
    )
    beats = started[2:]
    sweeps = "Sending due task send-resolution-prompts"
    wait_for(lambda: all(b.log().count(sweeps) >= 3 for b in beats), 20, "beats to sweep again")
    for beat in beats:
        beat.stop()
    wait_for(
        lambda: test_redis.llen("celery") == 0 and test_redis.hlen("unacked") == 0,
        30,
        "the queue to drain",
    )

    assert subjects(processes.emails()) == [
        "Due for resolution: Question new",
        "Reminder 1: Due for resolution: Question older",
        "Reminder 2: Due for resolution: Question oldest",
    ]
    assert sorted(ResolutionPrompt.objects.values_list("step", "attempts", "lost_sends")) == [
        (0, 1, 0),
        (1, 1, 0),
        (2, 1, 0),
    ]
    handled = sum(w.log().count("reckon.send_resolution_prompt[") for w in started[:2])
    assert handled >= 2 * 6, "every send task should have reached a worker"


def test_it_runs_worker_and_beat_without_redis_on_sqlite(tmp_path):
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RECKON_VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "RECKON_PROMPT_SWEEP_SECONDS": "1",
        "RECKON_RESOLVER_EMAILS": "desk@example.org",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup = (
        "from datetime import timedelta; from django.utils import timezone;"
        "from forecasts.models import Question; now = timezone.now();"
        "Question.objects.create(title='Embedded one', slug='embedded-one',"
        " resolution_criteria='Clear.', opens_at=now - timedelta(days=9),"
        " closes_at=now - timedelta(days=5), resolve_by=now - timedelta(hours=1))"
    )
    subprocess.run([*manage, "shell", "-c", setup], cwd=ROOT, env=env, check=True)
    worker = CeleryProcess(
        "worker", ["worker", "--concurrency=1", "--loglevel=info"], env, tmp_path / "worker.log"
    )
    beat = CeleryProcess("beat", ["beat", "--loglevel=info"], env, tmp_path / "beat.log")
    try:
        for process in (worker.spawn(), beat.spawn()):
            process.wait_ready()
        assert "filesystem://" in worker.log()
        mail_dir = tmp_path / "mail"
        wait_for(
            lambda: (
                mail_dir.exists()
                and any(
                    "Due for resolution: Embedded one" in p.read_text() for p in mail_dir.iterdir()
                )
            ),
            30,
            "the reminder to go out through the filesystem broker",
        )
    finally:
        beat.stop()
        worker.stop()
    assert (tmp_path / "var" / "celerybeat-schedule").exists() or any(
        p.name.startswith("celerybeat-schedule") for p in (tmp_path / "var").iterdir()
    )

"""Background work through real Celery workers and beats, on a real Redis.

Each test starts its own processes (``tests/processes.py``) against the
pytest-django test database; rows are committed (transactional_db) so the
workers see them. The Redis database of RECKON_TEST_REDIS_URL (default
redis://127.0.0.1:6379/5) is flushed before and after each test; the outage
test runs a redis-server of its own so that it may stop it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import psycopg
import pytest
import redis

from forecasts import reminders, tasks
from forecasts.engine import reconciliation, rescoring
from forecasts.models import Question, QuestionScore, ResolutionPrompt, Scorecard
from tests.builders import closed_question, forecast, resolve
from tests.processes import (
    ROOT,
    TEST_REDIS_URL,
    CeleryProcess,
    Processes,
    RedisServer,
    publishing_to,
    subprocess_database_url,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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


def subjects(emails: list[str]) -> list[str]:
    return sorted(
        line.removeprefix("Subject: ")
        for email in emails
        for line in email.splitlines()
        if line.startswith("Subject: ")
    )


def overall_brier(author) -> float | None:
    card = Scorecard.objects.filter(author=author, tag=None).first()
    return card.brier if card else None


def scored(author, expected: float) -> bool:
    brier = overall_brier(author)
    return brier is not None and abs(brier - expected) < 1e-9


def assert_scores_match_a_full_rescore() -> None:
    """Incremental scoring left exactly what recomputing everything gives."""
    incremental = reconciliation.scores_snapshot()
    rescoring.rescore_all()
    full = reconciliation.scores_snapshot()
    assert reconciliation.snapshot_differences(incremental, full) == []
    assert len(full["scorecard"]) >= 1
    assert not Question.objects.needing_rescore().exists()


@pytest.mark.postgres
def test_it_updates_the_scorecard_when_a_question_is_resolved(processes, author, source):
    question = closed_question("end-to-end")
    forecast(question, author, source=source, probability=0.8)
    processes.worker()
    resolve(question, "yes")
    wait_for(lambda: scored(author, 0.04), 30, "the scorecard to show Brier 0.04")
    resolve_later = closed_question("end-to-end-2")
    forecast(resolve_later, author, source=source, probability=0.3)
    resolve(resolve_later, "yes")
    wait_for(lambda: scored(author, (0.04 + 0.49) / 2), 30, "the scorecard to average both")
    assert_scores_match_a_full_rescore()


@pytest.mark.postgres
def test_it_scores_every_resolution_made_while_redis_was_down(
    transactional_db, tmp_path, author, source, caplog
):
    server = RedisServer(tmp_path)
    server.start()
    processes = Processes(tmp_path, server.url)
    questions = {}
    for slug, p in [("before", 0.8), ("during-1", 0.3), ("during-2", 0.6), ("after", 0.9)]:
        questions[slug] = closed_question(slug)
        forecast(questions[slug], author, source=source, probability=p)
    try:
        with publishing_to(server.url) as reconnect:
            worker = processes.worker()
            resolve(questions["before"], "yes")
            wait_for(lambda: scored(author, 0.04), 30, "scoring before the outage")

            server.stop()
            resolve(questions["during-1"], "no")  # each call returns: the user sees success
            resolve(questions["during-2"], "yes")
            assert set(Question.objects.needing_rescore()) == {
                questions["during-1"],
                questions["during-2"],
            }
            assert "Could not queue rescoring" in caplog.text
            assert overall_brier(author) == pytest.approx(0.04)

            server.start()  # same port, empty: everything queued before is gone
            wait_for(
                lambda: worker.log().count("Connected to redis://") >= 2,
                40,
                "the worker to reconnect",
            )
            reconnect()
            tasks.reconcile_scores.delay()
            expected = (0.04 + 0.09 + 0.16) / 3
            wait_for(lambda: scored(author, expected), 30, "reconciliation to catch up")
            resolve(questions["after"], "yes")
            wait_for(
                lambda: scored(author, (0.04 + 0.09 + 0.16 + 0.01) / 4),
                30,
                "scoring to work again as usual",
            )
        assert_scores_match_a_full_rescore()
    finally:
        processes.close()
        server.stop()


@pytest.mark.postgres
def test_it_runs_a_rescoring_again_when_its_worker_is_killed_mid_task(
    processes, test_redis, author, source
):
    question = closed_question("crash")
    forecast(question, author, source=source, probability=0.8)
    first = processes.worker("w1")
    # The claim queued a rescore of its own (its card counts it as pending): let
    # it finish first, or it would hold the question's row at the lock below
    # and the resolution would wait for it.
    wait_for(
        lambda: Question.objects.filter(
            pk=question.pk, scores_digest__scored_at__isnull=False
        ).exists(),
        30,
        "the claim's rescore",
    )
    # Hold the score tables so the task blocks at its first write: "mid-task",
    # deterministically, with no test hook inside the code under test.
    with psycopg.connect(subprocess_database_url()) as lock:
        lock.execute("LOCK TABLE forecasts_questionscore, forecasts_scorecard IN EXCLUSIVE MODE")
        resolve(question, "yes")
        wait_for(lambda: processes.waiting_on_locks(first.app_name), 30, "the task to block")
        assert test_redis.hlen("unacked") == 1  # taken by the worker, not acknowledged
        first.kill()
        processes.terminate_sessions(first.app_name)
        lock.rollback()
    # Only the claim's pending row: nothing was scored against the resolution.
    assert not QuestionScore.objects.filter(resolution__isnull=False).exists()
    assert list(Question.objects.needing_rescore()) == [question]

    second = processes.worker("w2")
    wait_for(lambda: scored(author, 0.04), 30, "the task to be delivered again and finish")
    assert "reckon.rescore_question[" in second.log()
    wait_for(lambda: test_redis.hlen("unacked") == 0, 10, "the redelivered task to be acked")
    assert_scores_match_a_full_rescore()


@pytest.mark.postgres
def test_it_sends_one_email_per_step_with_two_beats_and_every_task_delivered_twice(
    processes, test_redis, resolver
):
    closed_question("new", overdue=timedelta(hours=1))
    closed_question("older", overdue=timedelta(days=4))
    closed_question("oldest", overdue=timedelta(days=12))
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


EMBEDDED_SETUP = """
from datetime import datetime, timedelta
from django.utils import timezone
from forecasts import ledger
from forecasts.models import Author, Question, Source
now = timezone.now()
for slug in ("embedded-due", "embedded-scored"):
    Question.objects.create(
        title=slug, slug=slug, resolution_criteria="Clear.", opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=5), resolve_by=now - timedelta(hours=1),
    )
author = Author.objects.create(name="Embedded Pundit", slug="embedded-pundit")
source = Source.objects.create(title="Embedded", slug="embedded", published_on=now.date())
ledger.forecast_create(
    question=Question.objects.get(slug="embedded-scored"), author=author, source=source,
    probability=0.8, stated_at=now - timedelta(days=9) + timedelta(hours=1),
)
"""
EMBEDDED_RESOLVE = """
from django.utils import timezone
from forecasts import ledger
from forecasts.models import Question
ledger.question_resolve(
    question=Question.objects.get(slug="embedded-scored"), outcome="yes",
    outcome_known_at=timezone.now(), evidence_note="Seen.",
)
"""


@pytest.mark.standalone  # its own SQLite database and processes, whatever the suite's
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

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)

    def overall_brier() -> float | None:
        with sqlite3.connect(tmp_path / "var" / "reckon.sqlite3") as db:
            row = db.execute(
                "SELECT brier FROM forecasts_scorecard WHERE tag_id IS NULL"
            ).fetchone()
        return row[0] if row else None

    manage("migrate", "-v0")
    manage("shell", "-c", EMBEDDED_SETUP)
    worker = CeleryProcess(
        "worker", ["worker", "--concurrency=1", "--loglevel=info"], env, tmp_path / "worker.log"
    )
    beat = CeleryProcess("beat", ["beat", "--loglevel=info"], env, tmp_path / "beat.log")
    try:
        for process in (worker.spawn(), beat.spawn()):
            process.wait_ready()
        assert "filesystem://" in worker.log()
        manage("shell", "-c", EMBEDDED_RESOLVE)
        wait_for(
            lambda: overall_brier() is not None and abs(overall_brier() - 0.04) < 1e-9,
            30,
            "the worker to score the resolution on SQLite",
        )
        mail_dir = tmp_path / "mail"
        wait_for(
            lambda: (
                mail_dir.exists()
                and any(
                    "Due for resolution: embedded-due" in p.read_text() for p in mail_dir.iterdir()
                )
            ),
            30,
            "the beat's reminder to go out through the filesystem broker",
        )
    finally:
        beat.stop()
        worker.stop()
    assert any(p.name.startswith("celerybeat-schedule") for p in (tmp_path / "var").iterdir())


def test_it_starts_beat_on_a_fresh_clone_creating_its_state_folder(tmp_path):
    """With PostgreSQL and Redis configured nothing else creates var/; beat must not crash."""
    var_dir = tmp_path / "fresh-clone" / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Beat never opens the database; a PostgreSQL URL only keeps settings
        # from creating var/ for an SQLite file.
        "DATABASE_URL": "postgres://reckon@127.0.0.1:5432/reckon",
        "REDIS_URL": TEST_REDIS_URL,
        "RECKON_VAR_DIR": str(var_dir),
    }
    # At debug level beat logs its first tick once its schedule is set up: stopped before
    # that, beat's own signal handler sets the schedule up a second time, inside the
    # first (a race of the test's making, not a crash of beat's).
    beat = CeleryProcess("beat", ["beat", "--loglevel=debug"], env, tmp_path / "beat.log")
    try:
        beat.spawn()
        wait_for(lambda: var_dir.exists() or beat.process.poll() is not None, 30, "beat")
        wait_for(
            lambda: any(var_dir.glob("celerybeat-schedule*")) or beat.process.poll() is not None,
            30,
            "beat to write its schedule",
        )
        wait_for(
            lambda: (
                "beat: Ticking with max interval" in beat.log() or beat.process.poll() is not None
            ),
            30,
            "beat to finish setting its schedule up",
        )
        assert beat.process.poll() is None, beat.log()
    finally:
        beat.stop()
    assert "FileNotFoundError" not in beat.log()
    assert any(p.name.startswith("celerybeat-schedule") for p in var_dir.iterdir())


def _updating(api_client, author) -> dict | None:
    return api_client.get(f"/api/authors/{author.slug}/scorecard/").json()["updating"]


@pytest.mark.postgres  # the worker processes run against the PostgreSQL test database
def test_it_says_updating_until_the_worker_lands_the_rescore(
    processes, author, source, api_client, client
):
    question = closed_question("updating")
    forecast(question, author, source=source, probability=0.8)
    first = processes.worker()
    wait_for(lambda: Scorecard.objects.filter(author=author).exists(), 30, "the first scoring")
    first.stop()  # no worker: the rescore the resolution queues waits in Redis
    resolve(question, "yes")
    question.refresh_from_db()
    changed = question.resolution_changed_at
    assert changed is not None and (question.scored_at is None or question.scored_at < changed)
    pending = _updating(api_client, author)
    assert pending["n_questions"] == 1
    assert datetime.fromisoformat(pending["resolution_changed_at"]) == changed
    score = api_client.get("/api/scores/", {"question": question.pk}).json()["results"][0]
    assert datetime.fromisoformat(score["updating_since"]) == changed
    assert 'data-field="updating"' in client.get(author.get_absolute_url()).content.decode()
    assert overall_brier(author) is None  # the stored card still counts the question as pending

    worker = processes.worker("w2")  # picks the queued rescore up and runs it
    wait_for(lambda: scored(author, 0.04), 30, "the worker to rescore the question")
    assert "reckon.rescore_question" in worker.log()
    assert _updating(api_client, author) is None
    assert (
        api_client.get("/api/scores/", {"question": question.pk}).json()["results"][0][
            "updating_since"
        ]
        is None
    )
    assert 'data-field="updating"' not in client.get(author.get_absolute_url()).content.decode()

"""Celery tasks in-process: names, queueing on commit, broker outages, reconciliation, audit."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from forecasts import ledger, tasks
from forecasts.engine import reconciliation, rescoring
from forecasts.models import Question, QuestionScore, ResolutionPrompt, Scorecard
from forecasts.transfer import imports
from tests import builders
from tests.processes import SilentListener, free_port, publishing_to

TASK_NAMES = {
    "reckon.rescore_question",
    "reckon.reconcile_scores",
    "reckon.audit_scores",
    "reckon.send_resolution_prompts",
    "reckon.send_resolution_prompt",
}


@pytest.fixture
def broker_down():
    """Nothing listens on this port: publishing fails like a stopped Redis."""
    with publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        yield


@pytest.fixture
def scored_ledger(author, source):
    """Three questions Ada forecast: 80% (yes happens), 30% (no), 60% (yes)."""
    questions = []
    for slug, p in [("alpha", 0.8), ("beta", 0.3), ("gamma", 0.6)]:
        question = builders.closed_question(slug)
        builders.forecast(question, author, source=source, probability=p)
        questions.append(question)
    return questions


def overall(author) -> Scorecard:
    return Scorecard.objects.get(author=author, tag=None)


def test_it_registers_every_task_under_a_stable_name():
    assert TASK_NAMES <= set(celery_app.tasks)
    for name in TASK_NAMES:
        task = celery_app.tasks[name]
        assert task.acks_late is True, name
        assert task.retry_backoff and task.retry_jitter, name


def test_it_schedules_only_registered_tasks_and_expires_missed_runs(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "reckon.send_resolution_prompts",
        "reckon.reconcile_scores",
        "reckon.audit_scores",
    }
    assert all(entry["options"]["expires"] > 0 for entry in schedule.values())


def test_it_retries_rescoring_and_sends_with_backoff_within_time_limits(settings):
    rescore = celery_app.tasks["reckon.rescore_question"]
    send = celery_app.tasks["reckon.send_resolution_prompt"]
    assert rescore.autoretry_for == (Exception,) and rescore.max_retries == 10
    assert send.max_retries == 8 and send.time_limit < settings.RECKON_REMINDER_LEASE_SECONDS
    assert settings.CELERY_TASK_TIME_LIMIT < 3600  # below the Redis visibility timeout


def test_it_queues_rescoring_only_once_the_resolution_commits(
    question, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        tasks.rescore_question, "apply_async", lambda args, **_: queued.append(*args)
    )
    question.resolve_by = question.closes_at
    question.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        builders.resolve(question, "yes")
        assert queued == []
    assert len(callbacks) == 1
    assert queued == [question.pk]


def test_it_queues_nothing_when_the_resolution_rolls_back(
    question, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        tasks.rescore_question, "apply_async", lambda args, **_: queued.append(*args)
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            builders.resolve(question, "yes")
            raise RuntimeError("the request failed after resolving")
    assert queued == []
    assert not question.resolutions.exists()


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_queuing_at_once_when_the_broker_hangs(scored_ledger, caplog):
    """A broker that accepts the connection and never answers costs a resolution
    RECKON_BROKER_PUBLISH_TIMEOUT_SECONDS, not Celery's retries (it took 5-10 s)."""
    alpha = scored_ledger[0]
    listener = SilentListener()
    try:
        with publishing_to(listener.url), caplog.at_level(logging.ERROR, logger="forecasts.tasks"):
            started = time.monotonic()
            builders.resolve(alpha, "yes")
            took = time.monotonic() - started
    finally:
        listener.close()
    assert took < 2.0, f"the resolution waited {took:.1f} s for a hung broker"
    assert list(Question.objects.needing_rescore()) == [alpha]
    assert "Could not queue rescoring of questions" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_it_saves_the_resolution_when_the_broker_is_down(scored_ledger, broker_down, caplog):
    alpha = scored_ledger[0]
    with caplog.at_level(logging.ERROR, logger="forecasts.tasks"):
        resolution = builders.resolve(alpha, "yes")  # the caller sees success
    assert resolution.pk and Question.objects.get(pk=alpha.pk).state == "resolved"
    assert list(Question.objects.needing_rescore()) == [alpha]
    assert f"Could not queue rescoring of questions [{alpha.pk}]" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_it_reconciles_scores_lost_to_a_broker_outage(scored_ledger, author, broker_down):
    alpha, beta, gamma = scored_ledger
    builders.resolve(alpha, "yes")
    builders.resolve(beta, "no")
    assert not QuestionScore.objects.exists()
    assert tasks.reconcile_scores() == 2
    assert not Question.objects.needing_rescore().exists()
    assert overall(author).n_scored == 2
    assert overall(author).brier == pytest.approx((0.04 + 0.09) / 2)
    assert tasks.reconcile_scores() == 0


@pytest.mark.django_db(transaction=True)
def test_it_keeps_reconciling_the_others_when_one_question_fails(
    scored_ledger, author, broker_down, monkeypatch, caplog
):
    alpha, beta, _ = scored_ledger
    builders.resolve(alpha, "yes")
    builders.resolve(beta, "no")
    real = rescoring.rescore_question

    def flaky(*, question_id):
        if question_id == alpha.pk:
            raise RuntimeError("scoring bug")
        real(question_id=question_id)

    monkeypatch.setattr(rescoring, "rescore_question", flaky)
    assert reconciliation.rescore_stale() == [beta.pk]
    assert list(Question.objects.needing_rescore()) == [alpha]
    assert "Reconciliation could not rescore question" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_it_audits_incremental_against_full_scoring(scored_ledger, author, eager, caplog):
    for question, outcome in zip(scored_ledger, ["yes", "no", "yes"], strict=True):
        builders.resolve(question, outcome)
    assert overall(author).brier == pytest.approx((0.04 + 0.09 + 0.16) / 3)
    with caplog.at_level(logging.INFO, logger="forecasts.engine.reconciliation"):
        figures = tasks.audit_scores()
    assert figures["differences"] == 0 and figures["scorecards"] >= 1
    assert "agree" in caplog.text

    # A stored score that incremental scoring got wrong is found, named and fixed.
    alpha = scored_ledger[0]
    QuestionScore.objects.filter(author=author, question=alpha).update(brier=0.5)
    caplog.clear()
    figures = tasks.audit_scores()
    assert figures["differences"] == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(
        f"question score ({author.pk}, {alpha.pk}) differs" in e and "'brier': (0.5, " in e
        for e in errors
    )
    assert any("disagree" in e for e in errors)
    assert QuestionScore.objects.get(author=author, question=alpha).brier == pytest.approx(0.04)


@pytest.mark.django_db(transaction=True)
def test_it_rescores_after_a_correction_and_an_annulment(scored_ledger, author, eager):
    alpha = scored_ledger[0]
    builders.resolve(alpha, "yes")
    assert overall(author).brier == pytest.approx(0.04)
    ledger.resolution_correct(
        question=alpha, outcome="no", outcome_known_at=timezone.now(), reason="Misread the record."
    )
    assert overall(author).brier == pytest.approx(0.64)
    ledger.question_annul(question=alpha, reason="The premise failed.")
    card = overall(author)
    assert (card.n_scored, card.n_annulled) == (0, 1)
    assert not Question.objects.needing_rescore().exists()


@pytest.mark.django_db(transaction=True)
def test_it_scores_on_resolution_when_tasks_run_eagerly(scored_ledger, author, eager):
    builders.resolve(scored_ledger[0], "no")
    assert overall(author).brier == pytest.approx(0.64)
    assert not Question.objects.needing_rescore().exists()


def test_it_sends_due_reminders_from_the_beat_task(
    question, resolver, eager, django_capture_on_commit_callbacks
):
    with time_machine.travel(question.resolve_by + timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_resolution_prompts.delay().get() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_resolution_prompts.delay().get() == 0
    assert len(mail.outbox) == 1
    assert ResolutionPrompt.objects.get().state == "sent"


def test_it_retries_a_refused_send_until_it_gives_up(question, resolver, eager, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.RefusingBackend"
    settings.RECKON_REMINDER_MAX_ATTEMPTS = 3
    ResolutionPrompt.objects.create(question=question, step=0, due_at=question.resolve_by)
    prompt = ResolutionPrompt.objects.get()
    with time_machine.travel(question.resolve_by + timedelta(hours=1), tick=False):
        tasks.send_resolution_prompt.apply(args=[prompt.pk])
    prompt.refresh_from_db()
    assert (prompt.state, prompt.attempts) == ("failed", 3)
    assert mail.outbox == []


def test_it_does_not_hold_up_the_sweep_when_the_broker_is_down(
    question, resolver, broker_down, caplog, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now(), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_resolution_prompts() == 1
    assert "Could not queue reminder" in caplog.text
    assert ResolutionPrompt.objects.get().state == "pending"  # the next sweep sends it


@pytest.fixture
def open_question(db):
    """Opened 10 days ago, closes in 30."""
    return builders.open_question(
        "rain-reykjavik",
        title="Will it rain in Reykjavik on New Year's Day?",
        resolution_criteria="Yes if the Icelandic Met Office records rain there that day.",
    )


def test_a_new_claim_reaches_its_authors_cards_as_pending_once_it_commits(
    open_question, author, source, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ledger.forecast_create(
            question=open_question,
            author=author,
            source=source,
            probability=0.7,
            stated_at=timezone.now() - timedelta(hours=1),
        )
        assert not Scorecard.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    card = overall(author)
    assert (card.n_pending, card.n_scored, card.n_resolved) == (1, 0, 0)


def test_an_imported_file_rescores_each_question_once(
    open_question, author, source, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        tasks.rescore_question, "apply_async", lambda args, **_: queued.append(*args)
    )
    # Three forecasts by one author, a minute apart (one per author, question and moment).
    rows = "".join(
        f"rain-reykjavik,ada-pundit,{(timezone.now() - timedelta(hours=2, minutes=i)).isoformat()},"
        f"0.{i},,,,\n"
        for i in range(1, 4)
    )
    header = "question,author,stated_at,probability,option_probabilities,source,phrase,scale\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.import_forecasts(header + rows) == 3
    assert queued == [open_question.pk]


def test_approving_a_draft_rescores_it_so_its_claims_count(
    open_question, monkeypatch, django_capture_on_commit_callbacks
):
    open_question.state = Question.State.DRAFT
    open_question.save()
    queued = []
    monkeypatch.setattr(
        tasks.rescore_question, "apply_async", lambda args, **_: queued.append(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ledger.question_approve(question=open_question)
    assert queued == [open_question.pk]

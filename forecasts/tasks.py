"""Celery tasks: thin wrappers that take ids and call services.

Task names are explicit (``reckon.<name>``) so queued messages and the beat
schedule survive moving code around. Every task is safe to run twice: the
broker acknowledges late, so a worker that dies mid-task means a second run.
Callers queue tasks only after their transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from smtplib import SMTPException

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction

from forecasts import reminders
from forecasts.engine import parallel as parallel_engine
from forecasts.engine import reconciliation, rescoring

logger = logging.getLogger(__name__)

# Late ack plus retries that back off (with jitter) up to five minutes apart.
RELIABLE = {
    "acks_late": True,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


@shared_task(name="reckon.rescore_question", autoretry_for=(Exception,), max_retries=10, **RELIABLE)
def rescore_question(question_id: int) -> None:
    """Recompute one question's scores and the scorecards of its authors."""
    rescoring.rescore_question(question_id=question_id)


@shared_task(name="reckon.reconcile_scores", **RELIABLE)
def reconcile_scores() -> int:
    """Rescore questions whose scores are older than their latest resolution."""
    return len(reconciliation.rescore_stale())


@shared_task(name="reckon.audit_scores", soft_time_limit=2700, time_limit=3000, **RELIABLE)
def audit_scores() -> dict[str, int]:
    """Nightly: rescore everything, log loudly where incremental scoring disagreed.

    With RECKON_AUDIT_PARALLEL set to N, the verifying rescore is fanned out
    as chunk tasks over the workers instead (``start_parallel_rescore``) and
    its merge logs what it had to rewrite.
    """
    workers = settings.RECKON_AUDIT_PARALLEL
    if workers:
        run = start_parallel_rescore(parallel=workers, verify=True)
        return {"chunks": run.n_chunks}
    return reconciliation.audit_full_rescore()


def start_parallel_rescore(*, parallel: int, verify: bool = False, chunk_questions=None):
    """Record a full rescore cut into chunks and queue one task per chunk; returns the run."""
    run = parallel_engine.start_run(
        parallel=parallel, verify=verify, chunk_questions=chunk_questions
    )
    publish(rescore_chunk, [(str(run.pk), index) for index in range(run.n_chunks)])
    return run


@shared_task(
    name="reckon.rescore_chunk",
    autoretry_for=(Exception,),
    max_retries=10,
    soft_time_limit=1800,
    time_limit=2000,
    **RELIABLE,
)
def rescore_chunk(run_id: str, index: int) -> None:
    """Score one chunk of a parallel full rescore; the last chunk in queues the merge."""
    if parallel_engine.score_run_chunk(run_id, index):
        publish(merge_rescore, [(run_id,)])


@shared_task(name="reckon.merge_rescore", autoretry_for=(Exception,), max_retries=10, **RELIABLE)
def merge_rescore(run_id: str) -> dict | None:
    """Add a parallel rescore's chunk totals into the scorecards (once every chunk is in)."""
    summary = parallel_engine.merge_run(run_id)
    if summary and summary.get("verify") and summary.get("question_scores_written"):
        logger.error("Score audit: the full rescore rewrote stored scores: %s", summary)
    elif summary:
        logger.info("Parallel rescore %s merged: %s", run_id, summary)
    return summary


@shared_task(name="reckon.send_resolution_prompts", **RELIABLE)
def send_resolution_prompts() -> int:
    """Record the reminders that fell due and queue one send per reminder."""
    prompt_ids = reminders.record_due_prompts()
    for prompt_id in prompt_ids:
        transaction.on_commit(lambda pk=prompt_id: queue_prompt_send(pk))
    return len(prompt_ids)


@shared_task(
    name="reckon.send_resolution_prompt",
    autoretry_for=(SMTPException, OSError),
    max_retries=8,
    soft_time_limit=120,
    time_limit=150,
    **RELIABLE,
)
def send_resolution_prompt(prompt_id: int) -> bool:
    """Send one reminder unless it was already sent or is being sent."""
    return reminders.prompt_send(prompt_id=prompt_id)


def publish(task, args_list: list[tuple]) -> None:
    """Send ``task`` once per argument tuple, all on one connection.

    Callers run in a web request (on commit), so a broker that is down or
    silent must cost the user a fraction of a second, not Celery's default
    connection retries (seconds) or the workers' socket timeouts: one
    connection of its own with RECKON_BROKER_PUBLISH_TIMEOUT_SECONDS timeouts,
    and no retry. Whatever was not sent is left to the periodic jobs, which
    find it in the database. Raises what the broker raised (what was sent
    before stays sent: every task is safe to run twice).
    """
    if current_app.conf.task_always_eager:
        for args in args_list:
            task.apply_async(args)
        return
    timeout = settings.RECKON_BROKER_PUBLISH_TIMEOUT_SECONDS
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
    with current_app.connection_for_write(
        connect_timeout=timeout, transport_options=options
    ) as connection:
        for args in args_list:
            task.apply_async(args, connection=connection, retry=False)


def queue_prompt_send(prompt_id: int) -> None:
    """Queue a reminder; if the broker is down, the next sweep queues it again."""
    try:
        publish(send_resolution_prompt, [(prompt_id,)])
    except Exception:
        logger.exception("Could not queue reminder %s; the next sweep will.", prompt_id)


def enqueue_rescore(question_ids: Iterable[int]) -> None:
    """Queue rescoring; if the broker is unreachable, the reconciliation job catches up."""
    ids = list(question_ids)
    try:
        publish(rescore_question, [(question_id,) for question_id in ids])
    except Exception as exc:
        # Broker down: the resolution is saved and scoring is only delayed.
        logger.error(
            "Could not queue rescoring of questions %s (%s: %s); reconciliation will "
            "within RECKON_RECONCILE_SECONDS of the broker coming back.",
            ids,
            type(exc).__name__,
            exc,
        )

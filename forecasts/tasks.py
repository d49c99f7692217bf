"""Celery tasks: thin wrappers that take ids and call services."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task

from forecasts import rescoring

logger = logging.getLogger(__name__)


@shared_task(
    name="reckon.rescore_question",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def rescore_question(question_id: int) -> None:
    rescoring.rescore_question(question_id=question_id)


def enqueue_rescore(question_ids: Iterable[int]) -> None:
    """Queue rescoring; if the broker is unreachable, the reconciliation job catches up."""
    for question_id in question_ids:
        try:
            rescore_question.delay(question_id)
        except Exception:  # broker down: the resolution is saved, scoring is only delayed
            logger.exception(
                "Could not queue rescoring of question %s; reconciliation will.", question_id
            )

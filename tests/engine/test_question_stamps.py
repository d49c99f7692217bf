"""A rescore's stamps (``ScoresDigest.scored_at``) go with the digests: no question row
is rewritten, a resolution changed meanwhile stays stale, and a cold start stamps
every question with a resolution."""

from datetime import timedelta

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from forecasts.engine import rescoring
from forecasts.engine.ledger_arrays import IdRange, read_ledger
from forecasts.engine.score_digests import (
    stamped,
    stamps,
    store_digests,
    unstamp_changed,
)
from forecasts.engine.score_tables import microseconds
from forecasts.models import Question, QuestionScore, ScoresDigest
from tests.builders.random_ledgers import random_ledger

pytestmark = pytest.mark.django_db


def _question_updates() -> int:
    """Rows of the question table this transaction updated so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relid = 'forecasts_question'::regclass"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_a_full_rescore_rewrites_no_question_row():
    random_ledger(51, n_authors=6, n_questions=40)
    stale = Question.objects.needing_rescore().count()
    assert stale > 20
    updated = _question_updates()
    rescoring.rescore_all(chunk_questions=7)
    assert not Question.objects.needing_rescore().exists()
    assert _question_updates() == updated
    assert ScoresDigest.objects.exclude(scored_at=None).count() == stale


@pytest.mark.postgres
def test_the_question_table_fills_its_pages():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'forecasts_question'::regclass")
        assert cursor.fetchone()[0] is None


def test_a_resolution_changed_after_the_read_is_not_stamped():
    random_ledger(53, n_authors=4, n_questions=12)
    ledger = read_ledger(IdRange(None, None))
    assert ledger.stale.sum() >= 2
    moved, kept = ledger.question_id[ledger.stale][:2]
    # A resolver records a change between the scorer's read and its stamps.
    Question.objects.filter(pk=moved).update(
        resolution_changed_at=timezone.now() - timedelta(days=1)
    )
    at = timezone.now()
    stamp = stamped(ledger)
    store_digests(ledger.question_id, ledger.scores_digest, scored_us=stamps(ledger, stamp, at))
    unstamp_changed(ledger, stamp, at)
    stale = set(Question.objects.needing_rescore().values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        assert moved in stale and kept not in stale
    else:  # one writer at a time: nothing changes between the read and the stamps
        assert kept not in stale


def test_a_chunk_with_nothing_stale_sends_no_check(django_assert_num_queries):
    random_ledger(52, n_authors=4, n_questions=9)
    rescoring.rescore_all(chunk_questions=4)
    ledger = read_ledger(IdRange(None, None))
    assert ledger.question_id.size == 9 and not ledger.stale.any()
    with django_assert_num_queries(0):
        unstamp_changed(ledger, stamped(ledger), timezone.now())


def test_a_cold_start_stamps_every_question_with_a_resolution():
    random_ledger(54, n_authors=5, n_questions=15)
    first = timezone.now() + timedelta(hours=1)  # after every resolution change
    with time_machine.travel(first, tick=False):
        rescoring.rescore_all(chunk_questions=4)
    stamped_first = set(
        ScoresDigest.objects.exclude(scored_at=None).values_list("question", flat=True)
    )
    resolved = set(
        Question.objects.exclude(resolution_changed_at=None).values_list("pk", flat=True)
    )
    assert stamped_first == resolved and resolved
    QuestionScore.objects.all().delete()  # a restore without its scores: a cold start
    again = first + timedelta(days=1)
    with time_machine.travel(again, tick=False):
        summary = rescoring.rescore_all(chunk_questions=4)
    assert summary["cold_start"]
    assert not Question.objects.needing_rescore().exists()
    after = dict(ScoresDigest.objects.exclude(scored_at=None).values_list("question", "scored_at"))
    assert set(after) == resolved and set(after.values()) == {again}  # all scored afresh


def test_rescoring_one_question_stamps_it_without_touching_its_row():
    random_ledger(55, n_authors=4, n_questions=6)
    question = Question.objects.needing_rescore().first()
    moment = timezone.now() + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        rescoring.rescore_question(question_id=question.pk)
    fresh = Question.objects.select_related("scores_digest").get(pk=question.pk)
    assert fresh.scored_at == moment and fresh.rescore_pending_since is None
    assert fresh.updated_at == question.updated_at
    assert not Question.objects.needing_rescore().filter(pk=question.pk).exists()
    np.testing.assert_array_equal(read_ledger([question.pk]).scored_us, [microseconds(moment)])

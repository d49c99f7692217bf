"""A rescore's stamps on the questions it scored leave the question table's indexes alone."""

import pytest
from django.db import connection
from django.utils import timezone

from forecasts.engine import rescoring
from forecasts.engine.ledger_arrays import IdRange, read_ledger
from forecasts.engine.score_tables import stamp_scored
from forecasts.models import Question
from tests.builders.random_ledgers import random_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _question_updates() -> tuple[int, int]:
    """Rows of the question table this transaction updated so far: all, and heap-only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relid = 'forecasts_question'::regclass"
        )
        return cursor.fetchone()


def test_the_question_table_leaves_half_of_each_page_free():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'forecasts_question'::regclass")
        assert cursor.fetchone()[0] == ["fillfactor=50"]


def test_the_stamps_of_a_full_rescore_are_heap_only_updates():
    random_ledger(51, n_authors=6, n_questions=40)
    stale = Question.objects.needing_rescore().count()
    assert stale > 20
    updated, hot = _question_updates()
    rescoring.rescore_all(chunk_questions=7)
    assert not Question.objects.needing_rescore().exists()
    after_updated, after_hot = _question_updates()
    assert after_updated - updated == stale  # each stale question stamped once
    assert after_hot - hot == stale  # and none of them added an index entry


def test_a_chunk_with_nothing_stale_sends_no_stamp(django_assert_num_queries):
    random_ledger(52, n_authors=4, n_questions=9)
    rescoring.rescore_all(chunk_questions=4)
    ledger = read_ledger(IdRange(None, None))
    assert ledger.question_id.size == 9 and not ledger.stale.any()
    with django_assert_num_queries(0):
        stamp_scored(ledger, timezone.now())

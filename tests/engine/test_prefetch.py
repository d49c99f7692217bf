"""A full rescore reads the next chunk on a second connection while it scores this one."""

import threading

import pytest

from forecasts.engine import prefetch, rescoring
from forecasts.models import QuestionScore, Scorecard, ScoresDigest
from tests.builders.random_ledgers import random_ledger
from tests.engine.test_chunks import WHOLE, assert_bit_identical, stored_state

# Outside a test transaction, so that the rescore's own transaction can
# export its snapshot to the reader's connection, as in production.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _empty_scores() -> None:
    for model in (QuestionScore, ScoresDigest, Scorecard):
        model.objects.all().delete()


def _counting_readers(monkeypatch) -> list[int]:
    started = []
    run = prefetch._Reader.run

    def counted(reader):
        started.append(len(reader.ranges))
        run(reader)

    monkeypatch.setattr(prefetch._Reader, "run", counted)
    return started


def test_chunks_read_ahead_store_the_same_bits_as_one_chunk(monkeypatch):
    random_ledger(31, n_authors=8, n_questions=21)
    readers = _counting_readers(monkeypatch)
    whole = rescoring.rescore_all(chunk_questions=WHOLE)  # one chunk: nothing to read ahead
    expected = stored_state()
    assert whole["cold_start"] and expected[0] and readers == []
    _empty_scores()
    cold = rescoring.rescore_all(chunk_questions=2)
    assert cold["cold_start"] and readers == [11]
    assert_bit_identical(stored_state(), expected)
    again = rescoring.rescore_all(chunk_questions=3, verify=True)
    assert readers == [11, 7]
    assert again["question_scores_written"] == 0 and again["scorecards_written"] == 0
    assert_bit_identical(stored_state(), expected)
    assert not any(t.name == "reckon-ledger-reader" for t in threading.enumerate())


def test_a_failed_read_ahead_fails_the_rescore_and_leaves_nothing_behind(monkeypatch):
    random_ledger(32, n_authors=6, n_questions=12)
    build, calls = prefetch.build_ledger, []

    def failing(results):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the reader's connection went away")
        return build(results)

    monkeypatch.setattr(prefetch, "build_ledger", failing)
    with pytest.raises(RuntimeError, match="went away"):
        rescoring.rescore_all(chunk_questions=2)
    assert not QuestionScore.objects.exists() and not ScoresDigest.objects.exists()
    assert not any(t.name == "reckon-ledger-reader" for t in threading.enumerate())

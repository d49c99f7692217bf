"""A full rescore writes one chunk's rows on its own connection, in a thread, while it
scores the next: the same stored bits, one transaction, nothing left after a failure."""

import threading

import pytest
from django.db import connection

from forecasts.engine import chunks, rescoring
from forecasts.models import (
    QuantityRecord,
    QuantityScore,
    QuestionScore,
    Scorecard,
    ScoresDigest,
)
from tests.builders.random_ledgers import random_ledger
from tests.builders.random_quantities import random_quantity_ledger
from tests.engine import test_quantities
from tests.engine.test_chunks import WHOLE, _constraints, assert_bit_identical, stored_state

# Outside a test transaction, so that the rescore's own transaction can share its
# snapshot with the reader and its connection with the writer, as in production.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCORE_MODELS = (QuestionScore, ScoresDigest, Scorecard, QuantityScore, QuantityRecord)


def quantity_state() -> tuple[dict, dict]:
    """Every stored numeric and date row and record, but ids and times."""
    rows = {
        (r.pop("author_id"), r.pop("question_id")): r
        for r in QuantityScore.objects.values()
        if r.pop("id") and r.pop("computed_at")
    }
    records = {
        (r.pop("author_id"), r.pop("tag_id")): r
        for r in QuantityRecord.objects.values()
        if r.pop("id") and r.pop("computed_at")
    }
    return rows, records


def _empty_scores() -> None:
    for model in SCORE_MODELS:
        model.objects.all().delete()


def _writer_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("reckon-chunk-writer")]


def _recording_writes(monkeypatch) -> list[str]:
    """The name of the thread each chunk's writes ran on."""
    threads, real = [], chunks.write_chunk

    def recorded(chunk, started, **options):
        threads.append(threading.current_thread().name)
        return real(chunk, started, **options)

    monkeypatch.setattr(chunks, "write_chunk", recorded)
    return threads


def test_a_cold_start_written_in_a_thread_stores_what_one_chunk_stores(monkeypatch):
    random_ledger(41, n_authors=7, n_questions=15)
    random_quantity_ledger(42, n_questions=9)
    threads = _recording_writes(monkeypatch)
    whole = rescoring.rescore_all(chunk_questions=WHOLE)  # one chunk: written where scored
    assert whole["cold_start"] and threads == [threading.current_thread().name]
    expected, expected_quantities = stored_state(), quantity_state()
    assert expected[0] and expected_quantities[0] and expected_quantities[1]
    _empty_scores()
    threads.clear()
    cold = rescoring.rescore_all(chunk_questions=3)
    assert cold["cold_start"] and cold["chunks"] == len(threads) == 9
    assert set(threads) == {"reckon-chunk-writer_0"}
    assert cold["question_scores_written"] == whole["question_scores_written"]
    assert cold["quantity_scores_written"] == whole["quantity_scores_written"] > 0
    assert_bit_identical(stored_state(), expected)
    assert quantity_state() == expected_quantities
    test_quantities.assert_matches_library()
    # Replacing, with the writes in the thread too: nothing to change.
    again = rescoring.rescore_all(chunk_questions=2, verify=True)
    assert (again["question_scores_written"], again["quantity_scores_written"]) == (0, 0)
    assert again["scorecards_written"] == again["quantity_records_written"] == 0
    assert _writer_threads() == []


def test_a_cold_start_encodes_its_rows_where_it_scores_them_and_the_writer_sends_them(
    monkeypatch,
):
    random_ledger(45, n_authors=6, n_questions=12)
    random_quantity_ledger(46, n_questions=6)
    encoded_on, sent = [], []
    real_encode, real_fresh, real_write = (
        chunks.encode_question_scores,
        chunks.score_fresh,
        chunks.write_chunk,
    )

    def encode(rows, at):
        encoded_on.append(("scores", threading.current_thread().name))
        return real_encode(rows, at)

    def fresh(ledger, at):
        encoded_on.append(("quantities", threading.current_thread().name))
        return real_fresh(ledger, at)

    def write(chunk, started, **options):
        sent.append(
            chunk.encoded is not None
            and chunk.encoded.n_rows == chunk.rows["author"].size
            and chunk.fresh_quantities is not None
        )
        return real_write(chunk, started, **options)

    monkeypatch.setattr(chunks, "encode_question_scores", encode)
    monkeypatch.setattr(chunks, "score_fresh", fresh)
    monkeypatch.setattr(chunks, "write_chunk", write)
    cold = rescoring.rescore_all(chunk_questions=3)
    n = cold["chunks"]
    assert cold["cold_start"] and len(sent) == n >= 6
    here = threading.current_thread().name
    assert all(sent) and encoded_on == [("scores", here), ("quantities", here)] * n
    assert cold["quantity_scores_written"] == QuantityScore.objects.count() > 0
    expected, expected_quantities = stored_state(), quantity_state()
    again = rescoring.rescore_all(chunk_questions=WHOLE, verify=True)
    assert not again["cold_start"] and again["question_scores_written"] == 0
    assert again["quantity_scores_written"] == 0  # what was sent is what the scorer stores
    assert len(sent) == n + 1 and not sent[-1]  # replacing: nothing encoded ahead
    assert_bit_identical(stored_state(), expected)
    assert quantity_state() == expected_quantities
    test_quantities.assert_matches_library()


def test_a_write_that_fails_in_the_thread_fails_the_rescore_and_leaves_nothing_behind(
    monkeypatch,
):
    random_ledger(43, n_authors=6, n_questions=12)
    random_quantity_ledger(44, n_questions=6)
    before = _constraints()
    real, calls = chunks.write_chunk, []

    def failing(chunk, started, **options):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:  # the rows of two chunks are in by now
            raise RuntimeError("the disk is full")
        return real(chunk, started, **options)

    monkeypatch.setattr(chunks, "write_chunk", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        rescoring.rescore_all(chunk_questions=2)
    assert set(calls) == {"reckon-chunk-writer_0"}
    for model in SCORE_MODELS:
        assert not model.objects.exists(), model
    assert _constraints() == before
    assert _writer_threads() == []
    assert not connection.in_atomic_block
    monkeypatch.undo()
    assert rescoring.rescore_all(chunk_questions=2)["cold_start"]  # the connection is sound
    test_quantities.assert_matches_library()

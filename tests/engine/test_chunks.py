"""A full rescore in chunks of questions: the same stored bits as the whole ledger at once."""

import math

import numpy as np
import pytest
from django.db import connection

from forecasts.engine import card_totals, chunks, cold_start, rescoring
from forecasts.engine.ledger_arrays import IdRange
from forecasts.models import Author, Question, QuestionScore, Scorecard, ScoresDigest
from tests.builders.random_ledgers import random_ledger
from tests.engine.test_card_totals import random_rows
from tests.engine.test_rescoring import assert_matches_library

WHOLE = 10**9  # questions per chunk: the whole ledger in one


def stored_state() -> tuple[dict, dict, dict]:
    """Every stored row, card (totals as bytes) and digest, but ids and times."""
    rows = {
        (r.pop("author_id"), r.pop("question_id")): r
        for r in QuestionScore.objects.values()
        if r.pop("id") and r.pop("computed_at")
    }
    cards = {}
    for c in Scorecard.objects.values():
        c.pop("id"), c.pop("computed_at")
        c["totals"] = bytes(c["totals"])
        cards[(c.pop("author_id"), c.pop("tag_id"))] = c
    digests = dict(ScoresDigest.objects.values_list("question_id", "digest"))
    return rows, cards, digests


# Card figures NumPy derives with transcendental functions (the intervals'
# bounds: t quantiles, square roots of spreads): its SIMD loops may round the last bit of an element
# differently by where it falls in the array, so a card written in another
# batch (another process) can differ there by an ulp. The totals they come
# from must still be bit for bit the same.
LAST_BIT_FIGURES = {
    f"{name}_{end}" for name in ("brier", "baseline", "peer") for end in ("low", "high")
}


def assert_bit_identical(a: tuple, b: tuple, *, across_processes: bool = False) -> None:
    """Equal, NaN for NaN, floats compared by their bits through repr."""
    for left, right in zip(a, b, strict=True):
        assert set(left) == set(right)
        for key, value in left.items():
            if not isinstance(value, dict):
                assert repr(value) == repr(right[key]), key
                continue
            differ = [f for f in value if repr(value[f]) != repr(right[key][f])]
            if across_processes:
                assert set(differ) <= LAST_BIT_FIGURES, (key, differ)
                for name in differ:
                    assert math.isclose(value[name], right[key][name], rel_tol=1e-13), (key, name)
            else:
                assert not differ, (key, differ)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [21, 22])
def test_chunked_and_whole_ledger_store_the_same_bits(seed):
    random_ledger(seed, n_authors=9, n_questions=23)
    whole = rescoring.rescore_all(chunk_questions=WHOLE)
    assert whole["chunks"] == 1 and whole["cold_start"]
    expected = stored_state()
    assert expected[0] and expected[1]
    # Rows still stored, digests and cards gone: every question rewritten, chunk by chunk.
    ScoresDigest.objects.all().delete()
    Scorecard.objects.all().delete()
    chunked = rescoring.rescore_all(chunk_questions=3)
    assert chunked["chunks"] == 8 and not chunked["cold_start"]
    assert chunked["question_scores_written"] == whole["question_scores_written"]
    assert_bit_identical(stored_state(), expected)
    # Everything gone: the cold start, in chunks of two questions.
    for model in (QuestionScore, ScoresDigest, Scorecard):
        model.objects.all().delete()
    cold = rescoring.rescore_all(chunk_questions=2)
    assert cold["cold_start"] and cold["chunks"] == 12
    assert_bit_identical(stored_state(), expected)
    verified = rescoring.rescore_all(verify=True, chunk_questions=5)
    assert (verified["question_scores_written"], verified["scorecards_written"]) == (0, 0)
    assert verified["questions"] == Question.objects.count()
    assert_matches_library()


@pytest.mark.django_db
def test_a_verifying_chunked_rescore_deletes_rows_of_questions_gone_in_every_chunk():
    random_ledger(23, n_questions=12)
    rescoring.rescore_all(chunk_questions=4)
    scored = sorted(set(QuestionScore.objects.values_list("question_id", flat=True)))
    first, last = scored[0], scored[-1]
    # Rows no question owns any more, as a restore gone wrong might leave them.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forecasts_questionscore SET question_id = question_id + 1000000 "
            "WHERE question_id = %s",
            [last],
        )
        cursor.execute(
            "UPDATE forecasts_questionscore SET question_id = -question_id WHERE question_id = %s",
            [first],
        )
    rescoring.rescore_all(verify=True, chunk_questions=4)
    assert_matches_library()


def _part(keys, totals, **counts) -> chunks.ChunkResult:
    return chunks.ChunkResult(np.array(keys, np.int64), np.array(totals, np.float64), counts)


def test_merged_totals_do_not_depend_on_the_order_of_the_chunks():
    rng = np.random.default_rng(5)
    width = card_totals.WIDTH
    parts = [
        _part(
            rng.choice(40, 25, replace=False),
            rng.integers(-(2**40), 2**40, (25, width)),
            questions=i,
        )
        for i in range(6)
    ]
    merged = chunks.merge_totals(parts)
    again = chunks.merge_totals(parts[::-1])
    assert np.array_equal(merged.keys, again.keys)
    assert merged.totals.tobytes() == again.totals.tobytes()
    assert merged.counts == {"questions": 15}
    by_hand = np.zeros(width)
    for part in parts:
        by_hand += part.totals[part.keys == merged.keys[0]].sum(axis=0)
    assert np.array_equal(merged.totals[0], by_hand)
    # Added one chunk at a time (in place once a card is known), in either order: the same bits.
    for order in (parts, parts[::-1]):
        total = chunks.TotalsSum()
        for part in order:
            total.add(part)
        summed = total.result()
        assert np.array_equal(summed.keys, merged.keys)
        assert np.asarray(summed.totals).tobytes() == merged.totals.tobytes()
        assert summed.counts == merged.counts
        for first, last in ((0, 1), (1, 3), (2, 2)):  # read a slice of cards at a time
            assert summed.totals[first:last].tobytes() == merged.totals[first:last].tobytes()
    columns = total.totals.columns
    before = [column.copy() for column in columns]
    total.add(parts[2])  # every card known: added where it is, in the same arrays
    again = total.result()
    assert np.array_equal(again.keys, summed.keys) and again.counts == {"questions": 17}
    assert all(a is b for a, b in zip(total.totals.columns, columns, strict=True))
    assert any(not np.array_equal(a, b) for a, b in zip(columns, before, strict=True))
    empty = chunks.merge_totals([])
    assert empty.keys.size == 0 and empty.totals.shape == (0, width)


def test_chunks_rows_added_straight_into_the_sum_are_their_merged_totals_bit_for_bit():
    rng = np.random.default_rng(8)
    pieces = []
    for first in (0, 10, 20):  # three chunks of ten questions, sharing most authors
        rows = random_rows(rng, 200)
        rows["author"] = rng.integers(1, 40, 200)
        rows["question"] = rng.integers(first, first + 10, 200)
        tag_question = np.arange(first, first + 10).repeat(2)
        tags = {"question": tag_question, "tag": rng.integers(1, 4, tag_question.size)}
        pieces.append((rows, tags))
    parts = []
    for rows, tags in pieces:
        author, tag, totals = card_totals.totals_from_rows(rows, tags)
        parts.append(chunks.ChunkResult(chunks.card_keys(author, tag), totals))
    merged = chunks.merge_totals(parts)
    for order in (pieces, pieces[::-1]):
        total = chunks.TotalsSum()
        for rows, tags in order:
            total.add_rows(rows, tags)
        summed = total.result()
        assert np.array_equal(summed.keys, merged.keys)
        assert np.asarray(summed.totals).tobytes() == merged.totals.tobytes()
    total.add(parts[0])  # a chunk's totals added to rows added: the same sums
    twice = chunks.merge_totals([*parts, parts[0]])
    assert np.asarray(total.result().totals).tobytes() == twice.totals.tobytes()


@pytest.mark.django_db
def test_question_ranges_cover_every_question_once_and_refuse_a_size_below_one():
    random_ledger(24, n_questions=10)
    ids = sorted(Question.objects.values_list("pk", flat=True))
    ranges = chunks.question_ranges(4)
    assert [(r.low, r.high) for r in ranges] == [(None, ids[4]), (ids[4], ids[8]), (ids[8], None)]
    inside = [
        [i for i in ids if (r.low is None or i >= r.low) and (r.high is None or i < r.high)]
        for r in ranges
    ]
    assert sum(inside, []) == ids
    assert chunks.question_ranges(WHOLE) == [IdRange(None, None)]
    with pytest.raises(ValueError, match="chunk_questions must be at least 1, not 0"):
        chunks.question_ranges(0)


def _constraints() -> dict:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, cold_start.TABLE)
    return {name: sorted((k, str(v)) for k, v in c.items()) for name, c in found.items()}


@pytest.mark.django_db
def test_a_cold_start_leaves_the_indexes_as_they_were():
    random_ledger(25, n_questions=8)
    before = _constraints()
    assert any(c for c in before.values() if ("unique", "True") in c)
    assert rescoring.rescore_all(chunk_questions=3)["cold_start"]
    assert _constraints() == before
    assert_matches_library()


def test_the_columns_a_cold_start_analyses_are_the_score_table_s():
    columns = {f.column for f in QuestionScore._meta.concrete_fields}
    assert cold_start.TABLE == QuestionScore._meta.db_table
    assert set(cold_start.ANALYZED[cold_start.TABLE]) <= columns


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_cold_start_leaves_statistics_on_the_columns_readers_filter_on():
    random_ledger(28, n_questions=8)
    assert rescoring.rescore_all(chunk_questions=3)["cold_start"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE tablename = %s AND schemaname = current_schema()",
            [cold_start.TABLE],
        )
        analysed = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [cold_start.TABLE]
        )
        counted = cursor.fetchone()[0]
    assert analysed >= set(cold_start.ANALYZED[cold_start.TABLE])
    assert counted == QuestionScore.objects.count() > 0


@pytest.mark.django_db
def test_a_cold_start_that_fails_half_way_leaves_nothing_behind(monkeypatch):
    random_ledger(26, n_questions=9)
    before = _constraints()
    real = chunks.write_chunk
    calls = []

    def failing(chunk, started, **options):  # the second chunk's writes fail
        calls.append(chunk.questions)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real(chunk, started, **options)

    monkeypatch.setattr(chunks, "write_chunk", failing)
    with pytest.raises(RuntimeError, match="worker lost"):
        rescoring.rescore_all(chunk_questions=3)
    assert not QuestionScore.objects.exists() and not ScoresDigest.objects.exists()
    assert _constraints() == before


@pytest.mark.django_db
def test_cards_replaced_a_few_authors_at_a_time_end_as_a_fresh_rescore_leaves_them(monkeypatch):
    random_ledger(27, n_authors=9, n_questions=14)
    rescoring.rescore_all()
    expected = stored_state()
    # Cards gone, cards wrong, and a card of an author with nothing scored any more.
    cards = list(Scorecard.objects.order_by("author_id", "tag_id"))
    Scorecard.objects.filter(pk__in=[cards[0].pk, cards[-1].pk]).delete()
    Scorecard.objects.filter(pk=cards[len(cards) // 2].pk).update(totals=b"\x00" * 8)
    stray = Author.objects.create(name="Nobody", slug="nobody-27")
    Scorecard.objects.create(author=stray, n_scored=3)
    monkeypatch.setattr(rescoring, "CARD_AUTHORS", 2)
    again = rescoring.rescore_all(chunk_questions=4)
    assert again["scorecards_written"] == 3
    assert_bit_identical(stored_state(), expected)
    assert not Scorecard.objects.filter(author=stray).exists()

"""How much a record depends on how words were read, from the stored ledger.

The ledger is ``tests.builders.worded``: its docstring works out the headlines.
"""

import functools
import uuid

import pytest

from config.redis_cache import RedisCache
from forecasts.drafting import readings
from forecasts.engine import rescoring
from forecasts.models import Scorecard
from forecasts.standings.leaderboard import leaderboard
from tests import builders
from tests.builders.worded import worded_world
from tests.processes import free_port

pytestmark = pytest.mark.django_db

approx = pytest.approx


@pytest.fixture
def world():
    return worded_world()


def card(author) -> Scorecard:
    return Scorecard.objects.get(author=author, tag=None)


def by_scale(record) -> dict:
    return {line.scale: line for line in record.scales}


def test_the_headline_is_recomputed_under_each_scale(world):
    ada = card(world["authors"]["Ada"])
    assert ada.brier == approx(0.0978125)
    record = readings.author_words(ada)
    lines = by_scale(record)
    assert lines["icd203"].brier == ada.brier  # the scale it was read with: exactly the headline
    assert lines["kent1964"].brier == approx((0.0625 + 0.09) / 2)
    assert lines["ipcc_ar5"].brier == approx((0.0484 + 0.09) / 2)
    assert lines["reckon"].brier == ada.brier  # no "likely" in the lexicon: ICD 203's reading
    assert (lines["reckon"].n_fallback, lines["reckon"].n_affected) == (1, 0)
    assert (lines["kent1964"].n_worded, lines["kent1964"].n_affected) == (1, 1)
    assert (record.n_scored, record.n_questions) == (2, 1)


def test_best_and_worst_move_each_phrase_within_its_interval(world):
    bounds = readings.author_words(card(world["authors"]["Ada"])).bounds
    assert bounds.best == approx((0.04 + 0.09) / 2)  # 80%
    assert bounds.worst == approx((0.2025 + 0.09) / 2)  # 55%
    assert bounds.n_moved == 1


def test_an_editors_number_is_kept_and_counted(world):
    cy = card(world["authors"]["Cy"])
    record = readings.author_words(cy)
    kent = by_scale(record)["kent1964"]
    assert (kent.n_worded, kent.n_overridden, kent.n_affected) == (2, 1, 1)
    # q1 stays at 0.16; q2's "unlikely" reads 30% under Kent: 0.09.
    assert kent.brier == approx((0.16 + 0.09) / 2)
    assert record.n_overridden == 1
    assert record.bounds.best == approx((0.16 + 0.04) / 2)  # only "unlikely" moves, to 20%


def test_an_author_without_words_is_unchanged_under_every_scale(world):
    bob = card(world["authors"]["Bob"])
    record = readings.author_words(bob)
    assert {line.brier for line in record.scales} == {bob.brier}
    assert (record.n_worded, record.n_questions) == (0, 0)
    assert (record.bounds.best, record.bounds.worst) == (bob.brier, bob.brier)


def test_it_reads_three_times_then_once_from_the_cache(world, django_assert_num_queries):
    ada = card(world["authors"]["Ada"])
    with django_assert_num_queries(3):  # the stamp, the scored pairs, their forecasts
        first = readings.author_words(ada)
    with django_assert_num_queries(1):  # the stamp
        assert readings.author_words(ada) == first


def test_a_correction_is_seen_at_once(world):
    ada = world["authors"]["Ada"]
    assert readings.author_words(card(ada)).n_overridden == 0
    builders.correct_forecast(world["forecasts"][("Ada", "q1")], probability=0.8)
    rescoring.rescore_all()
    record = readings.author_words(card(ada))
    assert record.n_overridden == 1
    assert by_scale(record)["kent1964"].brier == card(ada).brier


def unreachable_redis() -> RedisCache:
    return RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2}, "KEY_PREFIX": uuid.uuid4().hex},
    )


def test_a_redis_outage_computes_without_the_cache(world, monkeypatch):
    ada = card(world["authors"]["Ada"])
    expected = readings.author_words(ada)
    readings.forget()  # a process that has not read it yet
    monkeypatch.setattr(readings, "django_cache", unreachable_redis())
    assert readings.author_words(ada) == expected


def test_a_result_read_once_is_kept_in_the_process(world, monkeypatch, django_assert_num_queries):
    ada = card(world["authors"]["Ada"])
    first = readings.author_words(ada)
    monkeypatch.setattr(readings, "django_cache", unreachable_redis())
    with django_assert_num_queries(1):  # the stamp: not computed again, Redis not asked
        assert readings.author_words(ada) == first


def test_another_process_takes_it_from_redis_and_keeps_it(
    world, monkeypatch, django_assert_num_queries
):
    ada = card(world["authors"]["Ada"])
    first = readings.author_words(ada)
    readings.forget()
    with django_assert_num_queries(1):  # the stamp; the record comes from Redis
        assert readings.author_words(ada) == first
    monkeypatch.setattr(readings, "django_cache", unreachable_redis())
    with django_assert_num_queries(1):
        assert readings.author_words(ada) == first


def test_the_process_keeps_a_bounded_number(world, monkeypatch, django_assert_num_queries):
    assert readings._kept_words.cache_info().maxsize == readings.LOCAL_ENTRIES
    monkeypatch.setattr(readings, "_kept_words", functools.lru_cache(maxsize=2)(readings._words))
    cards = [card(world["authors"][name]) for name in ("Ada", "Bob", "Cy")]
    for each in cards:
        readings.author_words(each)
    monkeypatch.setattr(readings, "django_cache", unreachable_redis())
    with django_assert_num_queries(2):  # the last two are kept: the stamp only, each
        readings.author_words(cards[2])
        readings.author_words(cards[1])
    with django_assert_num_queries(3):  # the first was dropped: worked out again
        readings.author_words(cards[0])


def test_the_board_says_who_moves_under_which_scale(world, django_assert_num_queries):
    board = leaderboard(min_n=1)
    assert [s.author.name for s in board.ranked] == ["Bob", "Ada", "Cy"]
    with django_assert_num_queries(3):
        moves = readings.board_under_scales(board.ranked)
    with django_assert_num_queries(1):
        assert readings.board_under_scales(board.ranked) == moves
    ada = {line.scale: (line.rank, line.places) for line in moves[world["authors"]["Ada"].pk]}
    bob = {line.scale: (line.rank, line.places) for line in moves[world["authors"]["Bob"].pk]}
    assert ada == {"icd203": (2, 0), "kent1964": (1, 1), "ipcc_ar5": (1, 1), "reckon": (2, 0)}
    assert bob["kent1964"] == (2, -1)


def test_the_boards_readings_are_not_kept_in_the_process(
    world, monkeypatch, django_assert_num_queries
):
    """They grow with the number of authors: Redis only, so a process's memory stays small."""
    ranked = leaderboard(min_n=1).ranked
    first = readings.board_under_scales(ranked)
    monkeypatch.setattr(readings, "django_cache", unreachable_redis())
    with django_assert_num_queries(3):  # the stamp, then worked out again: not from memory
        assert readings.board_under_scales(ranked) == first

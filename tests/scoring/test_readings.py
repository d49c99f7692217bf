"""Tests for forecasts.scoring.readings and .ranks: the record under other readings of words.

Pure maths, no database. Hand-worked cases first, then properties.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring import (
    PhrasePoint,
    WordedForecast,
    WordedQuestion,
    brier_bounds,
    brier_under_scale,
    competition_ranks,
    rank_moves,
    read_under,
    time_averaged_brier,
)

approx = pytest.approx
JAN_1, JAN_10 = date(2024, 1, 1), date(2024, 1, 10)
BEFORE = datetime(2023, 12, 20, tzinfo=UTC)
# "likely" as the shipped scales read it, on the side the words assert.
LIKELY = {
    "icd203": PhrasePoint("icd203", 0.675),
    "kent1964": PhrasePoint("kent1964", 0.75),
    "ipcc_ar5": PhrasePoint("ipcc_ar5", 0.78),
    "reckon": PhrasePoint("icd203", 0.675),  # the project scale lacks it: ICD 203 reads it
}
UNLIKELY = {
    "icd203": PhrasePoint("icd203", 0.325),
    "kent1964": PhrasePoint("kent1964", 0.3),
    "ipcc_ar5": PhrasePoint("ipcc_ar5", 0.215),
    "reckon": PhrasePoint("icd203", 0.325),
}


def likely(p: float = 0.675, point: float = 0.675, interval=(0.55, 0.8), at=BEFORE):
    return WordedForecast(at, p, point, interval, LIKELY["icd203"], LIKELY)


def one_question(*forecasts, outcome=True) -> list[WordedQuestion]:
    return [WordedQuestion(list(forecasts), JAN_1, JAN_10, outcome)]


def test_likely_that_happened_reads_under_each_scale():
    # One question, "likely" before it opened, it happened: (1 − 0.675)² = 0.105625.
    questions = one_question(likely())
    kent = brier_under_scale(questions, "kent1964", headline=0.105625, n_scored=1)
    assert kent.brier == approx(0.0625)  # (1 − 0.75)²
    assert (kent.n_worded, kent.n_affected, kent.n_fallback) == (1, 1, 0)
    ipcc = brier_under_scale(questions, "ipcc_ar5", headline=0.105625, n_scored=1)
    assert ipcc.brier == approx(0.0484)  # (1 − 0.78)²


def test_a_phrase_the_scale_lacks_falls_back_and_is_counted():
    reckon = brier_under_scale(one_question(likely()), "reckon", headline=0.105625, n_scored=1)
    assert reckon.brier == 0.105625
    assert (reckon.n_affected, reckon.n_fallback) == (0, 1)


def test_time_averaging_is_the_headlines_and_other_questions_stay():
    # Open 1–10 January, it did not happen. 50% (a number) before it opened, then
    # "unlikely" (ICD 203: 32.5%) on 6 January: 5 days at 0.25, 5 at 0.105625.
    # Another scored question, with no words, scored 0.01.
    numeric = WordedForecast(BEFORE, 0.5)
    unlikely = WordedForecast(
        datetime(2024, 1, 6, 10, tzinfo=UTC),
        0.325,
        0.325,
        (0.2, 0.45),
        UNLIKELY["icd203"],
        UNLIKELY,
    )
    questions = one_question(numeric, unlikely, outcome=False)
    headline = ((5 * 0.25 + 5 * 0.105625) / 10 + 0.01) / 2  # 0.09390625
    kent = brier_under_scale(questions, "kent1964", headline=headline, n_scored=2)
    assert kent.brier == approx(((1.25 + 5 * 0.09) / 10 + 0.01) / 2)  # 0.09
    assert kent.brier == approx(0.09)
    assert (kent.n_worded, kent.n_affected) == (1, 1)
    bounds = brier_bounds(questions, headline=headline, n_scored=2)
    assert bounds.best == approx(((1.25 + 5 * 0.04) / 10 + 0.01) / 2)  # 0.2 → 0.0775
    assert bounds.worst == approx(((1.25 + 5 * 0.2025) / 10 + 0.01) / 2)  # 0.45 → 0.118125
    assert (bounds.best, bounds.worst) == (approx(0.0775), approx(0.118125))
    assert bounds.n_moved == 1


def test_the_question_asking_the_other_side_takes_the_complement():
    # "likely" that the deal fails, on "Will the deal pass?": P(yes) = 1 − 0.675.
    flipped = likely(p=0.325, point=0.325, interval=(0.2, 0.45))
    assert read_under(flipped, "kent1964") == (0.25, "read")
    assert read_under(flipped, "ipcc_ar5") == (approx(0.22), "read")


def test_an_editors_override_is_kept_everywhere_and_counted():
    overridden = likely(p=0.6)
    assert read_under(overridden, "kent1964") == (0.6, "overridden")
    questions = one_question(overridden)
    kent = brier_under_scale(questions, "kent1964", headline=0.16, n_scored=1)
    assert (kent.brier, kent.n_overridden, kent.n_affected) == (0.16, 1, 0)
    bounds = brier_bounds(questions, headline=0.16, n_scored=1)
    assert (bounds.best, bounds.worst, bounds.n_moved, bounds.n_overridden) == (0.16, 0.16, 0, 1)


def test_words_that_do_not_give_the_recorded_point_are_kept():
    odd = likely(p=0.5, point=0.5)  # the recorded point is neither 67.5% nor 32.5%
    assert read_under(odd, "kent1964") == (0.5, "kept")
    no_hedge = WordedForecast(BEFORE, 0.7, 0.7, (0.6, 0.8), None, {})
    assert read_under(no_hedge, "kent1964") == (0.7, "kept")


def test_a_number_is_never_read():
    assert read_under(WordedForecast(BEFORE, 0.7), "kent1964") == (0.7, "number")


def test_bounds_widen_an_interval_that_misses_the_scored_number():
    outside = likely(p=0.9, point=0.9, interval=(0.55, 0.8))
    bounds = brier_bounds(one_question(outside), headline=0.01, n_scored=1)
    assert (bounds.best, bounds.worst) == (0.01, approx(0.2025))


def test_no_scored_questions_is_refused():
    with pytest.raises(ValueError, match="n_scored"):
        brier_under_scale(one_question(likely()), "kent1964", headline=0.1, n_scored=0)


def test_rank_moves_with_ties():
    before = {"a": (0.10, "a"), "b": (0.12, "b"), "c": (0.20, "c")}
    after = {"a": (0.15, "a"), "b": (0.12, "b"), "c": (0.12, "c")}
    # Before: a 1, b 2, c 3. After: b and c tie at 1, a is 3.
    assert rank_moves(before, after) == {"a": -2, "b": 1, "c": 2}
    assert competition_ranks([0.1, 0.1, 0.2]) == [1, 1, 3]
    with pytest.raises(ValueError, match="same keys"):
        rank_moves(before, {"a": (0.1,)})


# --- Properties -------------------------------------------------------------

points = st.floats(0.0, 1.0).map(lambda p: round(p, 6))


@st.composite
def worded_forecasts(draw, day: int):
    stated_at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
        days=day, hours=draw(st.integers(0, 23))
    )
    if draw(st.booleans()):
        return WordedForecast(stated_at, draw(points))
    low, high = sorted((draw(points), draw(points)))
    point = draw(st.floats(low, high).map(lambda p: min(max(round(p, 6), low), high)))
    flipped = draw(st.booleans())
    recorded = PhrasePoint("icd203", round(1 - point, 6) if flipped else point)
    readings = {
        "icd203": recorded,
        "kent1964": PhrasePoint("kent1964", draw(points)),
        "reckon": PhrasePoint("icd203", recorded.point),
    }
    return WordedForecast(stated_at, point, point, (low, high), recorded, readings)


@st.composite
def questions(draw):
    days = sorted(draw(st.sets(st.integers(-3, 9), min_size=1, max_size=4)))
    forecasts = [draw(worded_forecasts(day)) for day in days]
    return WordedQuestion(forecasts, JAN_1, JAN_10, draw(st.booleans()))


def headline_of(qs, others: int) -> tuple[float, int]:
    scores = [
        time_averaged_brier(
            [(f.stated_at, f.probability) for f in q.forecasts], q.opens, q.closes, q.outcome
        )
        for q in qs
    ]
    return (sum(scores) + 0.04 * others) / (len(qs) + others), len(qs) + others


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4), st.integers(0, 3))
def test_best_is_at_most_the_headline_and_worst_at_least(qs, others):
    headline, n = headline_of(qs, others)
    bounds = brier_bounds(qs, headline=headline, n_scored=n)
    assert bounds.best <= headline + 1e-12
    assert headline <= bounds.worst + 1e-12


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4), st.integers(0, 3))
def test_the_recorded_scale_gives_the_headline_exactly(qs, others):
    headline, n = headline_of(qs, others)
    assert brier_under_scale(qs, "icd203", headline=headline, n_scored=n).brier == headline
    assert brier_under_scale(qs, "reckon", headline=headline, n_scored=n).brier == headline


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4), st.integers(0, 3))
def test_numbers_without_words_never_change(qs, others):
    numbers = [
        WordedQuestion(
            [WordedForecast(f.stated_at, f.probability) for f in q.forecasts],
            q.opens,
            q.closes,
            q.outcome,
        )
        for q in qs
    ]
    headline, n = headline_of(numbers, others)
    for scale in ("icd203", "kent1964", "ipcc_ar5"):
        under = brier_under_scale(numbers, scale, headline=headline, n_scored=n)
        assert (under.brier, under.n_worded, under.n_affected) == (headline, 0, 0)
    bounds = brier_bounds(numbers, headline=headline, n_scored=n)
    assert (bounds.best, bounds.worst, bounds.n_moved) == (headline, headline, 0)
    for q in qs:
        for f in q.forecasts:
            if f.point is None:
                assert read_under(f, "kent1964") == (f.probability, "number")


@settings(max_examples=200, deadline=None)
@given(questions())
def test_a_questions_time_average_is_the_libraries(q):
    pairs = [(f.stated_at, f.probability) for f in q.forecasts]
    expected = time_averaged_brier(pairs, q.opens, q.closes, q.outcome)
    assert q.time_averaged([f.probability for f in q.forecasts]) == expected


def test_a_question_without_a_forecast_by_its_close_is_refused():
    late = WordedForecast(datetime(2024, 2, 1, tzinfo=UTC), 0.7, 0.7, (0.6, 0.8))
    with pytest.raises(ValueError, match="no forecast in force"):
        brier_bounds(one_question(late), headline=0.1, n_scored=1)

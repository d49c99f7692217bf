"""Tests for Metaculus's Baseline and Peer scores: reference values, then properties.

Pure maths, no database: run with
``pytest tests/scoring/test_log_scores.py -p no:django --noconftest``.
The published figures are from Metaculus's Scores FAQ
(https://www.metaculus.com/help/scores-faq/), as docs/scoring.md cites them.
"""

import math
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts.scoring import (
    baseline_score,
    baseline_score_multi,
    mean_with_t_interval,
    peer_scores,
    peer_scores_multi,
    time_averaged_baseline,
    time_averaged_baseline_multi,
    time_averaged_peer,
    time_averaged_peer_multi,
)

approx = pytest.approx
JAN_1, JAN_10 = date(2024, 1, 1), date(2024, 1, 10)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


def log_score_from_baseline(baseline: float) -> float:
    """The natural log score ln(q) behind a binary Baseline score."""
    return (baseline / 100 - 1) * math.log(2)


# --- Baseline, one forecast ---------------------------------------------------


@pytest.mark.parametrize(
    ("p", "outcome", "expected"),
    [
        (0.5, True, 0.0),
        (0.5, False, 0.0),
        (0.8, True, 100 * (math.log2(0.8) + 1)),  # +67.807
        (0.8, False, 100 * (math.log2(0.2) + 1)),  # −132.193
        (0.25, False, 100 * (math.log2(0.75) + 1)),  # +58.496
        (1.0, True, 100 * (math.log2(0.999) + 1)),  # clipped: +99.856, not +100
        (1.0, False, 100 * (math.log2(0.001) + 1)),  # clipped: −896.578, not −infinity
        (0.0, False, 100 * (math.log2(0.999) + 1)),
    ],
)
def test_baseline_score_reference_values(p, outcome, expected):
    assert baseline_score(p, outcome) == approx(expected, abs=1e-12)


def test_baseline_score_worked_by_hand():
    assert baseline_score(0.8, True) == approx(67.807, abs=5e-4)
    assert baseline_score(0.8, False) == approx(-132.193, abs=5e-4)
    assert baseline_score(0.0, True) == approx(-896.578, abs=5e-4)


@pytest.mark.parametrize(
    ("p", "outcome", "published_log_score"),
    # Metaculus Scores FAQ, "What is the log score?": 99% and 99.9% on Yes.
    [(0.99, True, -0.01), (0.999, True, -0.001), (0.99, False, -4.6), (0.999, False, -6.9)],
)
def test_baseline_score_rests_on_the_published_log_scores(p, outcome, published_log_score):
    log_score = log_score_from_baseline(baseline_score(p, outcome))
    assert log_score == approx(published_log_score, abs=0.05)


def test_the_published_die_example_is_proper_in_baseline_points():
    # Metaculus Scores FAQ, "What is a proper scoring rule?": on "will I roll a 6?"
    # the expected log scores of 5%, 17% and 30% are -0.54, -0.45 and -0.51 (the FAQ
    # averages its rows rounded to 2 decimals: -0.51 is -0.498 unrounded).
    def expected(p):
        return (baseline_score(p, True) + 5 * baseline_score(p, False)) / 6

    published = {0.05: -0.54, 0.17: -0.45, 0.30: -0.51}
    for p, log_score in published.items():
        assert log_score_from_baseline(expected(p)) == approx(log_score, abs=0.015)
    assert expected(0.17) > expected(0.30) > expected(0.05)


@pytest.mark.parametrize(
    ("probabilities", "outcome_index", "expected"),
    [
        ((0.25, 0.25, 0.25, 0.25), 2, 0.0),
        ((0.5, 0.25, 0.25), 0, 100 * math.log(1.5) / math.log(3)),  # +36.907
        ((0.5, 0.25, 0.25), 1, 100 * math.log(0.75) / math.log(3)),  # −26.186
        ((0.2, 0.8), 1, 100 * (math.log2(0.8) + 1)),  # two options: as binary
        ((1.0, 0.0, 0.0), 1, 100 * math.log(3 * 0.001) / math.log(3)),  # clipped
    ],
)
def test_baseline_score_multi_reference_values(probabilities, outcome_index, expected):
    assert baseline_score_multi(probabilities, outcome_index) == approx(expected, abs=1e-12)


def test_baseline_refuses_bad_input_naming_it():
    with pytest.raises(ValueError, match="p = 1.5"):
        baseline_score(1.5, True)
    with pytest.raises(ValueError, match="sum"):
        baseline_score_multi([0.5, 0.6], 0)
    with pytest.raises(ValueError, match="outcome_index"):
        baseline_score_multi([0.5, 0.5], 2)


# --- Peer, one instant --------------------------------------------------------


def test_peer_scores_worked_by_hand():
    # 100/(n-1) · Σ_{j≠i} (ln q_i − ln q_j), with 80%, 60% and 50% on what happened.
    scores = peer_scores([0.8, 0.6, 0.5], True)
    ln = math.log
    assert scores[0] == approx(50 * ((ln(0.8) - ln(0.6)) + (ln(0.8) - ln(0.5))))  # +37.884
    assert scores[1] == approx(50 * ((ln(0.6) - ln(0.8)) + (ln(0.6) - ln(0.5))))  # −5.268
    assert scores[2] == approx(50 * ((ln(0.5) - ln(0.8)) + (ln(0.5) - ln(0.6))))  # −32.616
    assert scores[0] == approx(37.884, abs=5e-4)


def test_peer_score_is_against_the_geometric_mean_of_the_others():
    # Metaculus Scores FAQ, "Peer score math": 100 · (ln p − ln GM(p_i)) over the others.
    others = [0.6, 0.5, 0.9]
    geometric_mean = math.prod(others) ** (1 / len(others))
    assert peer_scores([0.7, *others], True)[0] == approx(100 * math.log(0.7 / geometric_mean))


def test_peer_scores_use_the_probability_given_to_what_happened():
    expected = [100 * math.log(0.8 / 0.6), 100 * math.log(0.6 / 0.8)]
    assert peer_scores([0.2, 0.4], False) == approx(expected)
    assert peer_scores_multi([[0.2, 0.8], [0.4, 0.6]], 0) == approx(peer_scores([0.8, 0.6], False))


def test_a_lone_forecaster_scores_zero_and_nobody_is_refused():
    assert peer_scores([0.9], True) == [0.0]
    with pytest.raises(ValueError, match="at least one"):
        peer_scores([], True)


# --- Over the window ----------------------------------------------------------


def test_time_averaged_baseline_worked_example():
    # docs/scoring.md: open 1–10 January, it happened; 20% then 60% on 3 January,
    # 90% on 6 January, 0% on 11 January (after the close). Days 1–2 score 0.
    forecasts = [(at(3, 10), 0.2), (at(3, 18), 0.6), (at(6), 0.9), (at(11), 0.0)]
    expected = (3 * baseline_score(0.6, True) + 5 * baseline_score(0.9, True)) / 10
    assert time_averaged_baseline(forecasts, JAN_1, JAN_10, True) == approx(expected)
    assert expected == approx(50.291, abs=5e-4)


def test_time_averaged_baseline_counts_every_day_and_needs_a_forecast():
    assert time_averaged_baseline([(at(6), 0.8)], JAN_1, JAN_10, True) == approx(
        baseline_score(0.8, True) / 2
    )
    assert time_averaged_baseline([(at(11), 0.8)], JAN_1, JAN_10, True) is None
    assert time_averaged_baseline([], JAN_1, JAN_10, True) is None
    closes = datetime(2024, 1, 10, 12, tzinfo=UTC)  # the close is a moment
    assert time_averaged_baseline([(at(10, 18), 0.8)], JAN_1, closes, True) is None


def test_time_averaged_baseline_multi():
    forecasts = [(at(1), [0.5, 0.3, 0.2]), (at(6), [0.2, 0.2, 0.6])]
    before, after = [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]
    expected = (5 * baseline_score_multi(before, 2) + 5 * baseline_score_multi(after, 2)) / 10
    assert time_averaged_baseline_multi(forecasts, JAN_1, JAN_10, 2) == approx(expected)


def test_the_worked_example_of_the_about_page():
    # Open 1–10 January, resolved yes: Ben says 50% on 1 January, Ana 80% on 6 January.
    ana, ben, late = [(at(6), 0.8)], [(at(1), 0.5)], [(at(11), 0.9)]  # late: after the close
    assert time_averaged_baseline(ana, JAN_1, JAN_10, True) == approx(33.904, abs=5e-4)
    assert time_averaged_baseline(ben, JAN_1, JAN_10, True) == 0.0
    scores = time_averaged_peer([ana, ben, late], JAN_1, JAN_10, True)
    assert scores[0] == approx(5 * 100 * math.log(0.8 / 0.5) / 10)  # +23.500
    assert scores[0] == approx(23.500, abs=5e-4)
    assert scores[1] == approx(-scores[0])
    assert scores[2] is None
    assert time_averaged_peer([ana], JAN_1, JAN_10, True) == [None]  # never compared


def test_time_averaged_peer_multi_matches_the_daily_scores():
    a = [(at(1), [0.6, 0.3, 0.1])]
    b = [(at(1), [0.2, 0.5, 0.3]), (at(4), [0.1, 0.1, 0.8])]
    first = peer_scores_multi([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]], 1)
    then = peer_scores_multi([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]], 1)
    scores = time_averaged_peer_multi([a, b], JAN_1, JAN_10, 1)
    assert scores[0] == approx((3 * first[0] + 7 * then[0]) / 10)
    assert scores[1] == approx((3 * first[1] + 7 * then[1]) / 10)


def test_mean_with_t_interval_is_not_clipped():
    mean, low, high = mean_with_t_interval([10.0, 20.0, 30.0])
    half = 4.302652729911275 * 10.0 / math.sqrt(3)  # t(0.975, 2) · s / √N
    assert (mean, low, high) == approx((20.0, 20.0 - half, 20.0 + half))
    assert mean_with_t_interval([-300.0]) == (-300.0, None, None)


# --- Properties ---------------------------------------------------------------

probability = st.floats(0.0, 1.0)


@given(st.lists(probability, min_size=1, max_size=30), st.booleans())
def test_peer_scores_sum_to_zero(probabilities, outcome):
    scores = peer_scores(probabilities, outcome)
    assert len(scores) == len(probabilities)
    assert sum(scores) == approx(0.0, abs=1e-9 * len(scores) * 1000)


@given(st.integers(2, 12), st.data())
def test_the_baseline_of_a_uniform_forecast_is_zero(k, data):
    outcome_index = data.draw(st.integers(0, k - 1))
    assert baseline_score_multi([1.0 / k] * k, outcome_index) == approx(0.0, abs=1e-9)
    assert baseline_score(0.5, data.draw(st.booleans())) == 0.0


@settings(max_examples=300)
@given(st.floats(0.001, 0.999), st.floats(0.0, 1.0))
def test_baseline_is_proper_in_expectation(belief, report):
    def expected(r):
        return belief * baseline_score(r, True) + (1 - belief) * baseline_score(r, False)

    assert expected(report) <= expected(belief) + 1e-9


@settings(max_examples=300)
@given(st.floats(0.001, 0.999), st.floats(0.0, 1.0), st.lists(probability, min_size=1, max_size=5))
def test_peer_is_proper_in_expectation_whatever_the_others_say(belief, report, others):
    def expected(r):
        yes = peer_scores([r, *others], True)[0]
        no = peer_scores([r, *others], False)[0]
        return belief * yes + (1 - belief) * no

    assert expected(report) <= expected(belief) + 1e-9

"""Numeric and date forecasts: properties of the quantile scores, on random inputs.

Pure maths, no database: run with
``pytest tests/scoring/test_quantile_properties.py -p no:django --noconftest``.
Propriety is checked exactly on discrete distributions (the expected loss is a
finite sum), so no check depends on sampling noise.
"""

import math
from datetime import UTC, date, datetime, timedelta
from statistics import NormalDist

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from forecasts.scoring import (
    StatedValues,
    interval_score,
    normalised,
    pinball_loss,
    stated_score,
    time_averaged_stated_score,
    unit_scale,
    weighted_interval_score,
)

approx = pytest.approx
values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
gaps = st.floats(0.0, 100.0, allow_nan=False, allow_infinity=False)


@st.composite
def median_and_intervals(draw):
    """A median and up to four nested central intervals with distinct coverages."""
    median = draw(values)
    percents = sorted(draw(st.lists(st.integers(1, 99), unique=True, max_size=4)))
    intervals, low, high = [], median, median
    for percent in percents:
        low -= draw(gaps)
        high += draw(gaps)
        intervals.append((percent / 100, low, high))
    return median, intervals


def quantiles_of(median, intervals):
    """The same forecast as sorted (levels, values): the 2K + 1 quantiles."""
    pairs = [(0.5, median)]
    for coverage, low, high in intervals:
        pairs += [((1 - coverage) / 2, low), ((1 + coverage) / 2, high)]
    pairs.sort()
    return [level for level, _ in pairs], [value for _, value in pairs]


def stated_from(median, intervals):
    """The same forecast as an author's quantiles, median included."""
    levels, qs = quantiles_of(median, intervals)
    return StatedValues(point=median, quantiles=tuple(zip(levels, qs, strict=True)))


@st.composite
def forecast_and_outcome(draw):
    """A forecast and an outcome; often the outcome is one of the quantiles (a tie)."""
    median, intervals = draw(median_and_intervals())
    on_a_quantile = st.sampled_from(quantiles_of(median, intervals)[1])
    y = draw(st.one_of(values, on_a_quantile))
    return median, intervals, y


# --- Identities -------------------------------------------------------------------


@given(forecast_and_outcome())
@example((2.0, [(0.8, 1.5, 2.5)], 2.5))  # the outcome on the upper bound
def test_wis_is_twice_the_mean_pinball_loss(case):
    median, intervals, y = case
    levels, qs = quantiles_of(median, intervals)
    expected = 2 * pinball_loss(levels, qs, y)
    assert weighted_interval_score(median, intervals, y) == approx(expected, rel=1e-9, abs=1e-9)


@given(forecast_and_outcome())
def test_stated_score_is_the_wis_of_the_same_quantiles(case):
    median, intervals, y = case
    stated = stated_from(median, intervals)
    expected = weighted_interval_score(median, intervals, y)
    assert stated_score(stated, y) == approx(expected, rel=1e-9, abs=1e-9)


@given(values, gaps, st.integers(1, 99), values)
def test_interval_score_is_at_least_the_width_and_equals_it_inside(low, width, percent, y):
    high = low + width
    score = interval_score(low, high, percent / 100, y)
    assert score >= high - low
    alpha = 1 - percent / 100
    if low <= y <= high:
        assert score == high - low
    else:  # the width plus 2/α per unit missed
        miss = low - y if y < low else y - high
        assert miss > 0
        assert score == approx(high - low + 2 / alpha * miss, rel=1e-12, abs=1e-12)
    # (α/2) · IS is the sum of the pinball losses of its two quantiles
    pair = 2 * pinball_loss([alpha / 2, 1 - alpha / 2], [low, high], y)
    assert alpha / 2 * score == approx(pair, rel=1e-9, abs=1e-9)


# --- Propriety: the truth minimises the expected score ----------------------------


@st.composite
def discrete_distribution(draw):
    """Support points (strictly increasing) with positive probabilities."""
    points = sorted(draw(st.lists(values, min_size=1, max_size=8, unique=True)))
    weights = draw(st.lists(st.integers(1, 20), min_size=len(points), max_size=len(points)))
    total = sum(weights)
    return points, [w / total for w in weights]


def true_quantile(points, probabilities, tau):
    """The smallest support point x with P(Y ≤ x) ≥ τ."""
    cumulative = 0.0
    for x, p in zip(points, probabilities, strict=True):
        cumulative += p
        if cumulative >= tau - 1e-12:
            return x
    return points[-1]


def expected(score, points, probabilities):
    return sum(p * score(y) for y, p in zip(points, probabilities, strict=True))


@given(discrete_distribution(), st.integers(1, 99), st.lists(values, min_size=1, max_size=10))
def test_the_expected_pinball_loss_is_least_at_the_true_quantile(distribution, percent, guesses):
    points, probabilities = distribution
    tau = percent / 100
    truth = true_quantile(points, probabilities, tau)
    best = expected(lambda y: pinball_loss([tau], [truth], y), points, probabilities)
    candidates = guesses + points + [x + 0.5 for x in points] + [x - 0.5 for x in points]
    for q in candidates:
        loss = expected(lambda y, q=q: pinball_loss([tau], [q], y), points, probabilities)
        assert loss >= best - 1e-9


@given(discrete_distribution(), st.integers(1, 99), values, gaps)
def test_the_expected_interval_score_is_least_at_the_true_central_interval(
    distribution, percent, low, width
):
    points, probabilities = distribution
    coverage = percent / 100
    truth = (
        true_quantile(points, probabilities, (1 - coverage) / 2),
        true_quantile(points, probabilities, (1 + coverage) / 2),
    )
    best = expected(lambda y: interval_score(*truth, coverage, y), points, probabilities)
    other = expected(lambda y: interval_score(low, low + width, coverage, y), points, probabilities)
    assert other >= best - 1e-9


# A normal belief, as 1,000 equally likely points at the midpoints of its quantiles.
NORMAL = [NormalDist().inv_cdf((i + 0.5) / 1000) for i in range(1000)]
EQUAL = [1 / 1000] * 1000


@pytest.mark.parametrize("tau", [0.05, 0.1, 0.25, 0.5, 0.9])
def test_for_a_normal_belief_the_best_quantile_is_the_normal_quantile(tau):
    truth = NormalDist().inv_cdf(tau)
    offsets = [-0.5, -0.2, -0.05, -0.01, 0.0, 0.01, 0.05, 0.2, 0.5]
    losses = [
        expected(lambda y, q=truth + d: pinball_loss([tau], [q], y), NORMAL, EQUAL) for d in offsets
    ]
    assert losses.index(min(losses)) == offsets.index(0.0)


@pytest.mark.parametrize(
    ("coverage", "expected_score"),
    # E[(α/2)·IS] at the true quantiles of N(0, σ²) is 2σ·φ(z), z the (1 + c)/2 quantile:
    # φ(0.6745) = 0.3178, φ(1.2816) = 0.1755, φ(1.6449) = 0.1031, φ(1.9600) = 0.0584
    [(0.5, 0.6356), (0.8, 0.3510), (0.9, 0.2063), (0.95, 0.1169)],
)
def test_a_wider_stated_coverage_scores_lower_for_the_same_belief(coverage, expected_score):
    # The limit docs/scoring.md states: WIS is proper for the levels given, but an
    # interval's level is part of what was said. The same belief, N(0, 1), stated at
    # 90% scores about a third of what it scores stated at 50%.
    z = NormalDist().inv_cdf((1 + coverage) / 2)
    assert 2 * NormalDist().pdf(z) == approx(expected_score, abs=5e-5)
    said = StatedValues(lower=-z, upper=z, coverage=coverage)
    mean_score = expected(lambda y: stated_score(said, y), NORMAL, EQUAL)
    assert mean_score == approx(expected_score, abs=2e-3)


# --- The unit-free score ------------------------------------------------------------


@given(
    forecast_and_outcome(),
    st.floats(0.01, 1000.0),
    st.floats(-1e4, 1e4),
    st.floats(-1e3, 1e3),
    st.floats(1.0, 1e3),
)
def test_the_normalised_score_ignores_the_unit_and_the_origin(case, a, b, low, width):
    # Measure the same question in another unit (x → a·x + b, a > 0): range, forecast and
    # outcome all move, the normalised score does not.
    median, intervals, y = case
    high = low + width
    stated = stated_from(median, intervals)
    moved = StatedValues(
        point=a * median + b, quantiles=tuple((t, a * v + b) for t, v in stated.quantiles)
    )
    score = stated_score(normalised(stated, low, high), unit_scale(y, low, high))
    in_other_unit = stated_score(
        normalised(moved, a * low + b, a * high + b),
        unit_scale(a * y + b, a * low + b, a * high + b),
    )
    assert in_other_unit == approx(score, rel=1e-6, abs=1e-9)
    # on a linear range it is the score in the unit divided by the width
    assert score == approx(stated_score(stated, y) / width, rel=1e-6, abs=1e-9)


@given(
    st.lists(st.floats(0.1, 1e4), min_size=3, max_size=3),
    st.floats(0.1, 1e4),
    st.floats(1e-3, 1e3),
    st.sampled_from([0.5, 0.8, 0.9]),
)
def test_a_log_scale_score_ignores_the_unit(three, y, k, coverage):
    # On a log range only ratios matter: multiplying every value by k changes nothing.
    lower, median, upper = sorted(three)
    stated = StatedValues(point=median, lower=lower, upper=upper, coverage=coverage)
    scaled = StatedValues(point=k * median, lower=k * lower, upper=k * upper, coverage=coverage)
    score = stated_score(normalised(stated, 1.0, 1e4, True), unit_scale(y, 1.0, 1e4, True))
    other = stated_score(normalised(scaled, k, k * 1e4, True), unit_scale(k * y, k, k * 1e4, True))
    assert other == approx(score, rel=1e-6, abs=1e-9)


# --- Time-averaging: the mean of the daily scores ------------------------------------

OPENS, CLOSES = date(2027, 1, 1), date(2027, 1, 10)


@st.composite
def forecast_days(draw):
    """Forecasts stated from three days before the open to two after the close."""
    start = datetime(2026, 12, 29, tzinfo=UTC)
    hours = draw(st.lists(st.integers(0, 15 * 24 - 1), max_size=6, unique=True))
    forecasts = []
    for hour in hours:
        median, intervals = draw(median_and_intervals())
        point_alone = draw(st.booleans()) and not intervals
        stated = StatedValues(point=median) if point_alone else stated_from(median, intervals)
        forecasts.append((start + timedelta(hours=hour), stated))
    return forecasts


@given(forecast_days(), values)
def test_time_averaging_is_the_mean_of_the_daily_scores_worked_day_by_day(forecasts, y):
    daily = []
    day = OPENS
    while day <= CLOSES:
        end_of_day = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        in_force = [
            (moment, stated)
            for moment, stated in forecasts
            if moment < end_of_day and stated_score(stated, y) is not None
        ]
        if in_force:
            daily.append(stated_score(max(in_force, key=lambda pair: pair[0])[1], y))
        day += timedelta(days=1)
    got = time_averaged_stated_score(forecasts, OPENS, CLOSES, y)
    if not daily:
        assert got is None
    else:
        assert got == approx(math.fsum(daily) / len(daily), rel=1e-9, abs=1e-9)

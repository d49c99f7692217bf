"""The scorecards' interval (honest coverage with few questions) and skill against 1/K."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts import scoring
from forecasts.engine import card_totals
from forecasts.scoring.bounded import bounded_interval_many
from forecasts.scoring.t_quantiles import t_975


def _calibrated(rng, size, sharpness=1.0):
    """A calibrated forecaster: says the true chance p, and the outcome follows it."""
    p = rng.beta(sharpness, sharpness, size)
    return (p - (rng.random(size) < p)) ** 2


def _overconfident(rng, size):
    """Log-odds stretched four-fold: 0.7 becomes 0.97."""
    p = rng.random(size)
    said = 1.0 / (1.0 + ((1.0 - p) / p) ** 4)
    return (said - (rng.random(size) < p)) ** 2


def _hedger(rng, size):
    p = rng.random(size)
    return (0.5 + 0.4 * (p - 0.5) - (rng.random(size) < p)) ** 2


def _contrarian(rng, size):
    p = rng.random(size)
    return (1.0 - p - (rng.random(size) < p)) ** 2


def _confident_and_often_right(rng, size):
    """Says 0.8 to 0.99 on questions that happen as often as said: skewed towards 0."""
    p = rng.uniform(0.8, 0.99, size)
    return (p - (rng.random(size) < p)) ** 2


def _rare_confident_misses(rng, size):
    """0.01 nine times in ten, 0.81 (a confident miss) otherwise: strongly skewed."""
    return np.where(rng.random(size) < 0.1, 0.81, 0.01)


# Realistic distributions of one author's per-question Brier scores, skewed ones included.
DISTRIBUTIONS = {
    "calibrated": _calibrated,
    "calibrated, sharp": lambda rng, size: _calibrated(rng, size, 0.3),
    "overconfident": _overconfident,
    "hedger": _hedger,
    "contrarian": _contrarian,
    "beta(0.5, 4) scores": lambda rng, size: rng.beta(0.5, 4.0, size),
    "confident and often right": _confident_and_often_right,
    "rare confident misses": _rare_confident_misses,
}


@pytest.mark.parametrize("name", DISTRIBUTIONS)
@pytest.mark.parametrize("n", [3, 5, 10, 30])
def test_it_covers_the_true_mean_at_least_93_percent_of_the_time(name, n):
    rng = np.random.default_rng([n, len(name)])
    draw = DISTRIBUTIONS[name]
    true_mean = draw(rng, 2_000_000).mean()
    samples = draw(rng, 20_000 * n).reshape(-1, n)
    mean, variance = samples.mean(axis=1), samples.var(axis=1, ddof=1)
    c = np.full(mean.size, t_975(np.array([n - 1]))[0])
    low, high = bounded_interval_many(np.full(mean.size, float(n)), mean, variance, c)
    covered = np.mean((low <= true_mean) & (true_mean <= high))
    assert covered >= 0.93, (name, n, covered)
    # The t interval it replaces falls short on the same samples for the skewed ones.
    if name == "rare confident misses" and n <= 10:
        half = c * np.sqrt(variance / n)
        assert np.mean((mean - half <= true_mean) & (true_mean <= mean + half)) < 0.9


def test_it_gives_a_worked_interval():
    mean, low, high = scoring.score_interval([0.01, 0.04, 0.16])
    assert mean == pytest.approx(0.07)
    # s² = 0.0063; pooled with two pseudo-questions at 0.07·0.93 = 0.0651:
    # (2·0.0063 + 2·0.0651) / 4 = 0.0357, a share 0.548387 of the maximum;
    # t(0.975, 2) = 4.302653, a = t²·share/3 = 3.38406, root = √(a(a + 4·0.0651)) = 3.51184;
    # bounds (0.14 + a ∓ root) / (2(1 + a)) = 0.001394 and 0.80244.
    assert (low, high) == pytest.approx((0.001394, 0.80244), abs=2e-5)
    assert 0.0 <= low < mean < high <= 1.0


def test_it_says_nothing_about_a_single_question():
    assert scoring.score_interval([0.09]) == (0.09, None, None)
    assert scoring.bounded_interval(1, 0.09, 0.0) == (None, None)


def test_it_rejects_scores_outside_zero_to_one():
    with pytest.raises(ValueError, match="scores"):
        scoring.score_interval([0.2, 1.5])
    with pytest.raises(ValueError, match="no scores"):
        scoring.score_interval([])


@given(st.lists(st.floats(0, 1), min_size=2, max_size=40))
def test_its_bounds_stay_in_zero_to_one_around_the_mean(scores):
    mean, low, high = scoring.score_interval(scores)
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0


def test_it_measures_skill_against_each_questions_uniform_forecast():
    assert [scoring.uniform_brier(k) for k in (2, 3, 4)] == pytest.approx([0.25, 1 / 3, 0.375])
    # Always 1/K scores exactly the reference: no skill, on any mix of questions.
    uniform = [scoring.uniform_brier(k) for k in (2, 3, 4, 4)]
    assert scoring.skill_against_uniform(uniform, [2, 3, 4, 4]) == pytest.approx(0.0, abs=1e-15)
    assert scoring.brier_multi([1 / 3] * 3, 0) == pytest.approx(scoring.uniform_brier(3))
    # 0.1 on a yes/no question and 0.2 on a four-option one: 1 - 0.3 / 0.625.
    assert scoring.skill_against_uniform([0.1, 0.2], [2, 4]) == pytest.approx(0.52)
    with pytest.raises(ValueError, match="n_options"):
        scoring.uniform_brier(1)


def test_the_engine_reference_is_the_librarys():
    got = card_totals.uniform_reference(np.array([0, 3, 4, 7]))
    assert got.tolist() == [scoring.uniform_brier(k) for k in (2, 3, 4, 7)]

"""The quantile scores checked against an independent implementation: scoringrules.

scoringrules (PyPI, 0.10; a dev dependency only) names things differently:

* ``sr.quantile_score(obs, fct, alpha)`` is the pinball loss of one quantile,
  ``alpha`` being the quantile *level* τ (not a coverage), with the same scale
  as ours: ``pinball_loss(levels, values, y)`` = mean over the levels of
  ``sr.quantile_score(y, values, levels)``.
* ``sr.interval_score(obs, lower, upper, alpha)`` takes α = 1 − coverage:
  ``interval_score(l, u, c, y)`` = ``sr.interval_score(y, l, u, 1 − c)``.
* ``sr.crps_quantile(obs, fct, alpha)`` is twice the mean pinball loss over the
  levels ``alpha``: it equals our ``stated_score`` and, for a median with
  central intervals, our ``weighted_interval_score``.
* ``sr.weighted_interval_score`` in 0.10 (numpy backend, the one used without
  numba) adds ½·m, the median itself, where Bracher et al. (2021) add ½·|y − m|;
  its numba backend adds ½·|y − m|. So the WIS is checked against its interval
  scores and ``crps_quantile`` instead, and a last test pins that difference so
  that an upgrade which fixes it is noticed.

Pure maths, no database: run with
``pytest tests/scoring/test_quantiles_scoringrules.py -p no:django --noconftest``.
"""

import numpy as np
import pytest
import scoringrules as sr

from forecasts.scoring import (
    StatedValues,
    interval_score,
    pinball_loss,
    stated_score,
    weighted_interval_score,
)

approx = pytest.approx
RUNS = 300


def random_forecast(rng):
    """A median and one to four nested central intervals, and an outcome near them."""
    k = int(rng.integers(1, 5))
    coverages = np.sort(rng.choice(np.arange(1, 100), size=k, replace=False)) / 100
    median = float(rng.normal(0, 10))
    lower = median - np.cumsum(rng.exponential(2.0, size=k))
    upper = median + np.cumsum(rng.exponential(2.0, size=k))
    y = float(rng.normal(median, 8))
    if rng.random() < 0.2:  # a tie: the outcome on one of the quantiles
        y = float(rng.choice(np.concatenate([[median], lower, upper])))
    return median, coverages, lower, upper, y


def levels_and_values(median, coverages, lower, upper):
    levels = np.concatenate([(1 - coverages) / 2, [0.5], (1 + coverages) / 2])
    values = np.concatenate([lower, [median], upper])
    order = np.argsort(levels)
    return levels[order], values[order]


def test_pinball_loss_matches_its_quantile_score():
    rng = np.random.default_rng(19)
    for _ in range(RUNS):
        levels, values = levels_and_values(*random_forecast(rng)[:4])
        y = float(rng.normal(0, 10))
        theirs = float(np.mean(sr.quantile_score(y, values, levels)))
        assert pinball_loss(list(levels), list(values), y) == approx(theirs, rel=1e-12, abs=1e-12)


def test_interval_score_matches_with_alpha_one_minus_coverage():
    rng = np.random.default_rng(20)
    for _ in range(RUNS):
        low = float(rng.normal(0, 10))
        high = low + float(rng.exponential(3.0))
        coverage = float(rng.integers(1, 100)) / 100
        y = float(rng.choice([rng.normal(low, 10), low, high]))
        theirs = float(sr.interval_score(y, low, high, 1 - coverage))
        assert interval_score(low, high, coverage, y) == approx(theirs, rel=1e-12, abs=1e-12)


def test_weighted_interval_score_matches_their_interval_scores_and_quantile_crps():
    rng = np.random.default_rng(21)
    for _ in range(RUNS):
        median, coverages, lower, upper, y = random_forecast(rng)
        intervals = list(zip(coverages, lower, upper, strict=True))
        ours = weighted_interval_score(median, intervals, y)
        # Bracher et al. (2021): (½·|y − m| + Σ (α/2)·IS_α) / (K + ½), from their IS
        alphas = 1 - coverages
        each = np.asarray(sr.interval_score(y, lower, upper, alphas))
        by_hand = (0.5 * abs(y - median) + np.sum(alphas / 2 * each)) / (len(alphas) + 0.5)
        assert ours == approx(by_hand, rel=1e-12, abs=1e-12)
        levels, values = levels_and_values(median, coverages, lower, upper)
        theirs = float(sr.crps_quantile(y, values, levels))
        assert ours == approx(theirs, rel=1e-9, abs=1e-12)
        stated = StatedValues(quantiles=tuple(zip(levels, values, strict=True)))
        assert stated_score(stated, y) == approx(theirs, rel=1e-9, abs=1e-12)


def test_their_numpy_wis_adds_the_median_where_the_paper_adds_its_error():
    # 0.10, numpy backend: (½·m + Σ (α/2)·IS) / (K + ½). The docs' example, m = 2, y = 3.1:
    # theirs (0.5 × 2.0 + 0.7) / 1.5 = 1.1333, ours (0.5 × 1.1 + 0.7) / 1.5 = 0.8333.
    rng = np.random.default_rng(22)
    for _ in range(RUNS):
        median, coverages, lower, upper, y = random_forecast(rng)
        ours = weighted_interval_score(median, list(zip(coverages, lower, upper, strict=True)), y)
        theirs = float(
            sr.weighted_interval_score(y, median, lower, upper, 1 - coverages, backend="numpy")
        )
        difference = 0.5 * (median - abs(y - median)) / (len(coverages) + 0.5)
        assert theirs == approx(ours + difference, rel=1e-9, abs=1e-9)

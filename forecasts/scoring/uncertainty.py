"""How sure a score is: Wilson intervals, t quantiles, and a mean with its 95% interval."""

import math
import numbers
import operator
from collections.abc import Sequence

import numpy as np

from forecasts.scoring.inputs import WILSON_Z_95, FloatArray, _probabilities, _probability

_BOOTSTRAP_BATCH = 1_000_000  # resampled values held in memory at once


def _count(value: int, name: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, not a bool")
    number = operator.index(value)
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {number}")
    return number


def wilson_interval(k: int, n: int, z: float = WILSON_Z_95) -> tuple[float, float]:
    """Wilson (1927) score interval for a proportion k/n, no continuity correction.

    ``(k + z²/2 ± z sqrt(k(n-k)/n + z²/4)) / (n + z²)``, with the default
    z = 1.959963984540054 giving a 95% interval. The bounds always lie in
    [0, 1] and contain k/n (the lower bound is exactly 0 when k = 0, the upper
    exactly 1 when k = n). ``n = 0`` raises ``ValueError``: with no trials
    there is nothing to estimate (calibration tables show ``None`` instead).
    ``k > n`` or negative counts raise ``ValueError``.
    """
    k, n = _count(k, "k"), _count(n, "n")
    if n == 0:
        raise ValueError("n = 0: a proportion of nothing has no interval")
    if k > n:
        raise ValueError(f"k = {k} is more than n = {n}")
    if isinstance(z, bool) or not isinstance(z, numbers.Real) or not 0 < z < math.inf:
        raise ValueError(f"z must be a positive finite number, got {z!r}")
    z2 = z * z
    centre, spread = k + z2 / 2.0, z * math.sqrt(k * (n - k) / n + z2 / 4.0)
    lower = 0.0 if k == 0 else max(0.0, (centre - spread) / (n + z2))
    upper = 1.0 if k == n else min(1.0, (centre + spread) / (n + z2))
    return lower, upper


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300

    def step(coefficient: float, c: float, d: float) -> tuple[float, float, float]:
        d = 1.0 + coefficient * d
        c = 1.0 + coefficient / c
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = c if abs(c) > tiny else tiny
        return c, d, c * d

    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 100_000):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        c, d, factor = step(even, c, d)
        result *= factor
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        c, d, factor = step(odd, c, d)
        result *= factor
        if abs(factor - 1.0) < 1e-15:
            return result
    raise ArithmeticError("incomplete beta continued fraction did not converge")


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):  # the fraction converges fast only below
        return 1.0 - _incomplete_beta(1.0 - x, b, a)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    return math.exp(log_front) * _beta_continued_fraction(x, a, b) / a


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for t >= 0 under Student's t with df degrees of freedom.

    Near the centre the tail is written as 1/2 minus the central mass,
    ``I_{t²/(df+t²)}(1/2, df/2) / 2``: the argument ``df/(df+t²)`` of the
    tail form is then within rounding of 1, where it loses the digits that
    a small quantile needs.
    """
    if t * t < df:
        return 0.5 - 0.5 * _incomplete_beta(t * t / (df + t * t), 0.5, df / 2.0)
    return 0.5 * _incomplete_beta(df / (df + t * t), df / 2.0, 0.5)


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t distribution, computed numerically.

    The CDF comes from the regularized incomplete beta function,
    ``P(T > t) = I_{df/(df+t²)}(df/2, 1/2) / 2``, and the quantile is found by
    bisection to floating-point precision. E.g. ``t_quantile(0.975, 9)`` is
    2.2622. No table is hard-coded.
    """
    p = _probability(p)
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if isinstance(df, bool) or not isinstance(df, numbers.Real) or not 0 < df < math.inf:
        raise ValueError(f"df must be a positive finite number, got {df!r}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    tail = 1.0 - p
    low, high = 0.0, 1.0
    while _t_upper_tail(high, df) > tail:
        low, high = high, 2.0 * high
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            return middle
        if _t_upper_tail(middle, df) > tail:
            low = middle
        else:
            high = middle


def _bootstrap_means(values: FloatArray, n_resamples: int, seed: int) -> FloatArray:
    rng = np.random.default_rng(seed)
    batch = max(1, _BOOTSTRAP_BATCH // values.size)
    means = []
    for start in range(0, n_resamples, batch):
        size = min(batch, n_resamples - start)
        picks = rng.integers(0, values.size, size=(size, values.size))
        means.append(values[picks].mean(axis=1))
    return np.concatenate(means)


def mean_with_interval(
    scores: Sequence[float],
    level: float = 0.95,
    method: str = "t",
    seed: int = 0,
    n_resamples: int = 10_000,
) -> tuple[float, float | None, float | None]:
    """An author's mean score with a confidence interval: ``(mean, low, high)``.

    ``scores`` are per-question scores in [0, 1] (e.g. Brier). Methods:

    * ``"t"``: ``mean ± t_{(1+level)/2, N-1} · s / sqrt(N)``, s the sample
      standard deviation (N - 1 in the denominator), t from ``t_quantile``.
    * ``"bootstrap"``: percentile bootstrap over questions: ``n_resamples``
      resamples of the N scores with replacement, drawn by numpy's default
      generator seeded with ``seed`` (so the result is reproducible); the
      bounds are the (1-level)/2 and (1+level)/2 quantiles of the resampled
      means (numpy's linear interpolation).

    Bounds are clipped to [0, 1]. With a single score there is no spread to
    estimate, so the result is ``(mean, None, None)``. Empty input raises.
    """
    if method not in ("t", "bootstrap"):
        raise ValueError(f"method must be 't' or 'bootstrap', not {method!r}")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    values = _probabilities(scores, "scores")
    if values.size == 0:
        raise ValueError("no scores to average")
    mean = float(values.mean())
    if values.size == 1:
        return mean, None, None
    if method == "t":
        standard_error = float(values.std(ddof=1)) / math.sqrt(values.size)
        half = t_quantile((1.0 + level) / 2.0, values.size - 1) * standard_error
        low, high = mean - half, mean + half
    else:
        if operator.index(n_resamples) < 1:
            raise ValueError("n_resamples must be at least 1")
        means = _bootstrap_means(values, operator.index(n_resamples), seed)
        low, high = (float(q) for q in np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))
    return mean, min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)

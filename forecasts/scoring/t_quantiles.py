"""Student's t quantiles for many sample sizes at once.

``scoring.t_quantile`` finds one quantile by bisection, in a few
milliseconds; a rescore needs one per distinct number of scored questions,
hundreds at a time. Newton's method on the same tail formula, vectorised,
finds them all in milliseconds, and agrees with ``t_quantile`` to rounding
(tests/engine/test_card_totals.py checks). Results are kept for the process's life.
"""

from __future__ import annotations

import math

import numpy as np

_CACHE: dict[int, float] = {}
_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def t_975(df: np.ndarray) -> np.ndarray:
    """The 0.975 quantile of Student's t for each (integer, positive) degrees of freedom."""
    df = np.asarray(df, dtype=np.int64)
    missing = np.unique(df[~np.isin(df, np.fromiter(_CACHE, np.int64, len(_CACHE)))])
    if missing.size:
        found = _newton_t(missing.astype(np.float64), 0.025)
        _CACHE.update(zip(missing.tolist(), found.tolist(), strict=True))
    return np.array([_CACHE[d] for d in df.tolist()], dtype=np.float64)


def _lg(x: np.ndarray) -> np.ndarray:
    return _lgamma(x).astype(np.float64)


def _newton_t(df: np.ndarray, tail: float) -> np.ndarray:
    """t with P(T > t) = ``tail``, by Newton's method from a close first guess.

    The guess is exact for 1 and 2 degrees of freedom and the Cornish-Fisher
    expansion around the normal quantile above that.
    """
    log_density_scale = _lg((df + 1) / 2) - _lg(df / 2) - 0.5 * np.log(df * math.pi)
    p = 1.0 - tail
    z = -math.sqrt(2.0) * _erfcinv(2.0 * p)
    expansion = (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )
    t = np.select(
        [df == 1, df == 2],
        [
            np.full(df.size, math.tan(math.pi * (p - 0.5))),
            np.full(df.size, (2 * p - 1) / math.sqrt(2 * p * (1 - p))),
        ],
        expansion,
    )
    polish = 2  # rounding noise in the tail keeps the last steps from reaching zero
    for _ in range(200):
        density = np.exp(log_density_scale - (df + 1) / 2 * np.log1p(t * t / df))
        step = (_upper_tail(t, df) - tail) / density
        t = t + step
        if np.all(np.abs(step) <= 1e-13 * t):
            polish -= 1
            if polish == 0:
                break
    return t


def _erfcinv(y: float) -> float:
    """Inverse of math.erfc on (0, 2), by bisection (called once per batch)."""
    low, high = -10.0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if math.erfc(middle) > y:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _upper_tail(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    return 0.5 * _incomplete_beta(df / (df + t * t), df / 2, np.full(df.size, 0.5))


def _incomplete_beta(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Regularised I_x(a, b) by the continued fraction, using the symmetry where it is slow."""
    flip = x > (a + 1) / (a + b + 2)
    xx, aa, bb = np.where(flip, 1 - x, x), np.where(flip, b, a), np.where(flip, a, b)
    front = np.exp(_lg(aa + bb) - _lg(aa) - _lg(bb) + aa * np.log(xx) + bb * np.log1p(-xx))
    value = front * _beta_fraction(xx, aa, bb) / aa
    return np.where(flip, 1 - value, value)


def _beta_fraction(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The incomplete beta continued fraction (modified Lentz), for arrays."""
    tiny = 1e-300

    def guard(v: np.ndarray) -> np.ndarray:
        return np.where(np.abs(v) < tiny, tiny, v)

    c = np.ones_like(x)
    d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0))
    result = d.copy()
    for m in range(1, 100_000):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 / guard(1.0 + even * d)
        c = guard(1.0 + even / c)
        result *= c * d
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 / guard(1.0 + odd * d)
        c = guard(1.0 + odd / c)
        factor = c * d
        result *= factor
        if np.all(np.abs(factor - 1.0) < 1e-15):
            return result
    raise ArithmeticError("incomplete beta continued fraction did not converge")

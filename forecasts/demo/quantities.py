"""The demo world's numeric and date questions: a hidden value, news, and stated ranges.

A share of the yes/no questions (``WorldSpec.quantity_fraction``; two numeric
to one date) become numeric or date questions. Each has a centre and a spread;
the value it resolves to is ``centre + spread · B(1)`` with ``B`` a Brownian
motion, of which the public knows ``B(t)`` at a fraction ``t`` of the window
(half of it by the close, as for yes/no questions), so the calibrated forecast
at ``t`` is a normal with mean ``centre + spread · B(t)`` and standard deviation
``spread · √(1 − t)``. Styles shape it: calibrated (as is, a little noise),
overconfident (a quarter of the spread), contrarian (the mean mirrored about
the centre, half the spread), coin-flipper (the range's middle, very wide), hedger (2.5 times
wider). Each forecast is an 80% interval (45%), five quantiles (40%) or a
point alone (15%). Most numeric questions and every date question have a range
(the centre ± 5 spreads, open ends); a date question's values are UTC day
numbers (``forecasts.models.quantity``), its outcome a whole day.

The draws come from a generator of their own, so a seed's yes/no world is
the same with or without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasts.demo.simulation import (
    INFORMATION_BY_CLOSE,
    OVERCONFIDENCE,
    STYLES,
    US_PER_DAY,
    WorldSpec,
    brownian_paths,
)

NONE, NUMERIC, DATE = 0, 1, 2
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
_Z = np.array([NormalDist().inv_cdf(level) for level in LEVELS])
COVERAGE = 0.8
_Z_INTERVAL = NormalDist().inv_cdf((1 + COVERAGE) / 2)
POINT, INTERVAL, QUANTILES = 0, 1, 2
RANGED_NUMERIC = 0.75
HEDGE_WIDTH = 2.5


@dataclass
class Quantities:
    """Numeric and date questions of a world, and their forecasts' stated values."""

    kind: np.ndarray  # per question: NONE / NUMERIC / DATE
    low: np.ndarray  # per question: the range (NaN: none)
    high: np.ndarray
    value: np.ndarray  # per question: what it resolves to (NaN: not a quantity)
    form: np.ndarray  # per forecast: POINT / INTERVAL / QUANTILES (-1: not a quantity)
    point: np.ndarray  # per forecast (NaN: not given)
    lower: np.ndarray
    upper: np.ndarray
    quantiles: np.ndarray  # per forecast × LEVELS (NaN rows unless QUANTILES)


def build_quantities(
    spec: WorldSpec, n_options, closes, f_q, f_style, tau, crowd_q: int
) -> Quantities:
    """Turn a share of the binary questions into numeric and date ones, with their forecasts."""
    rng = np.random.default_rng([spec.seed, 19])
    n_q = n_options.size
    chosen = (n_options == 0) & (rng.random(n_q) < spec.quantity_fraction)
    if crowd_q >= 0:
        chosen[crowd_q] = False
    kind = np.where(chosen, np.where(rng.random(n_q) < 2 / 3, NUMERIC, DATE), NONE)
    centre = np.where(
        kind == DATE,
        closes // US_PER_DAY + rng.uniform(5, 120, n_q).round(),
        10 ** rng.uniform(1, 5, n_q),
    )
    spread = np.where(kind == DATE, rng.uniform(3, 40, n_q), centre * rng.uniform(0.05, 0.3, n_q))
    ranged = chosen & ((kind == DATE) | (rng.random(n_q) < RANGED_NUMERIC))
    low = np.where(ranged, centre - 5 * spread, np.nan)
    high = np.where(ranged, centre + 5 * spread, np.nan)
    mine = np.flatnonzero(kind[f_q] != NONE)
    walk, final = brownian_paths(rng, f_q[mine], tau[mine] * INFORMATION_BY_CLOSE, n_q)
    value = np.where(chosen, centre + spread * final, np.nan)
    value = np.where(kind == DATE, np.round(value), value)
    q = f_q[mine]
    t = tau[mine] * INFORMATION_BY_CLOSE
    known_mean, known_sd = centre[q] + spread[q] * walk, spread[q] * np.sqrt(1 - t)
    mean, sd = _styled(rng, f_style[mine], known_mean, known_sd, centre[q], spread[q])
    n = f_q.size
    form = np.full(n, -1)
    draw = rng.random(mine.size)
    form[mine] = np.where(draw < 0.45, INTERVAL, np.where(draw < 0.85, QUANTILES, POINT))
    point, lower, upper = (np.full(n, np.nan) for _ in range(3))
    quantiles = np.full((n, len(LEVELS)), np.nan)
    point[mine] = np.where(form[mine] != QUANTILES, mean, np.nan)  # beside an interval too
    interval = form[mine] == INTERVAL
    lower[mine] = np.where(interval, mean - _Z_INTERVAL * sd, np.nan)
    upper[mine] = np.where(interval, mean + _Z_INTERVAL * sd, np.nan)
    by_quantiles = form[mine] == QUANTILES
    quantiles[mine[by_quantiles]] = (mean[:, None] + sd[:, None] * _Z)[by_quantiles]
    return Quantities(kind, low, high, value, form, point, lower, upper, quantiles)


def _styled(rng, style, mean, sd, centre, spread) -> tuple[np.ndarray, np.ndarray]:
    """Each author's stated mean and standard deviation, by style."""
    names = np.array(STYLES)[style]
    noisy = mean + rng.normal(0.0, 0.05, mean.size) * sd
    stated_mean = np.select(
        [names == "contrarian", names == "coin-flipper"], [2 * centre - mean, centre], noisy
    )
    stated_sd = np.select(
        [
            names == "overconfident",
            names == "coin-flipper",
            names == "hedger",
            names == "contrarian",
        ],
        [sd / OVERCONFIDENCE, 2.5 * spread, HEDGE_WIDTH * sd, sd / 2],
        sd,
    )
    return stated_mean, stated_sd

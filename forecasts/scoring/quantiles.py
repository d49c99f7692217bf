"""Numeric and date forecasts: quantile (pinball) loss, interval scores and point errors.

A numeric forecast is what the author stated: a point ("about 3%"), a central
interval with how sure they are ("between 2% and 3%, 80% sure"), or a set of
quantiles (5/25/50/75/95). All three become quantiles: an interval of coverage
c is the pair of quantiles at levels (1 − c)/2 and (1 + c)/2, a point given
beside an interval or quantiles is the median (level 0.5). A point alone says
nothing about how sure the author was: it gets an absolute and a relative
error, and no probabilistic score.

The probabilistic score of a stated forecast is its weighted interval score
(WIS, Bracher et al. 2021), lower is better, in the question's unit (days for a
date question). For a median and K central intervals,

    WIS = 1/(K + 1/2) · (½·|y − m| + Σₖ (αₖ/2) · ISₐₖ)

and it equals twice the mean quantile (pinball) loss over those 2K + 1
quantiles (Gneiting & Raftery 2007), which is how ``stated_score`` computes it
for whatever levels the author gave. Without a median the same rule applies to
the levels given (an interval alone scores (α/2) · IS).

To add questions in different units into one record, the values and the outcome
are first mapped onto the question's range, [low, high] → [0, 1] (on a log
scale for log-scale questions): ``unit_scale``. Quantiles follow any increasing
map, so the normalised score is the same proper score on a common scale.

Every function checks its arguments and raises ``ValueError`` naming the field.
"""

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from forecasts.scoring.daily import Closes, _daily, _mean_or_none, _unzip, _window
from forecasts.scoring.inputs import FloatArray

MEDIAN = 0.5


def _real(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, not {number!r}")
    return number


def _coverage(coverage: float, name: str = "coverage") -> float:
    c = _real(coverage, name)
    if not 0.0 < c < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, not {c!r}")
    return c


def _quantile_set(
    levels: Sequence[float], values: Sequence[float]
) -> tuple[FloatArray, FloatArray]:
    """Levels strictly increasing inside (0, 1), values finite and non-decreasing."""
    if len(levels) != len(values):
        raise ValueError(f"levels has {len(levels)} entries but values has {len(values)}")
    if not levels:
        raise ValueError("levels must not be empty")
    tau = np.array([_real(t, f"levels[{i}]") for i, t in enumerate(levels)])
    q = np.array([_real(v, f"values[{i}]") for i, v in enumerate(values)])
    outside = np.flatnonzero((tau <= 0.0) | (tau >= 1.0))
    if outside.size:
        i = int(outside[0])
        raise ValueError(f"levels[{i}] = {tau[i]!r} must be strictly between 0 and 1")
    if np.any(np.diff(tau) <= 0):
        raise ValueError("levels must be strictly increasing")
    if np.any(np.diff(q) < 0):
        raise ValueError("values must not decrease as the levels increase (unordered quantiles)")
    return tau, q


def pinball_loss(levels: Sequence[float], values: Sequence[float], y: float) -> float:
    """Mean over the quantile levels τ of the quantile (pinball) loss of value q:

        ρ_τ(q, y) = (1{y < q} − τ) · (q − y)

    i.e. τ·(y − q) when the outcome is above q and (1 − τ)·(q − y) when below.
    """
    tau, q = _quantile_set(levels, values)
    outcome = _real(y, "y")
    return float(np.mean(((outcome < q).astype(np.float64) - tau) * (q - outcome)))


def interval_score(lower: float, upper: float, coverage: float, y: float) -> float:
    """(upper − lower) + (2/α)(lower − y)₊ + (2/α)(y − upper)₊ with α = 1 − coverage."""
    low, high = _real(lower, "lower"), _real(upper, "upper")
    if low > high:
        raise ValueError(f"lower ({low!r}) must not be above upper ({high!r})")
    alpha = 1.0 - _coverage(coverage)
    outcome = _real(y, "y")
    return (
        (high - low)
        + (2.0 / alpha) * max(low - outcome, 0.0)
        + (2.0 / alpha) * max(outcome - high, 0.0)
    )


def weighted_interval_score(
    median: float, intervals: Sequence[tuple[float, float, float]], y: float
) -> float:
    """WIS with the weights of Bracher et al. (2021): w₀ = ½ on the median, αₖ/2 on each
    interval, divided by K + ½. ``intervals`` are ``(coverage, lower, upper)``; with
    none, WIS is the absolute error of the median.
    """
    m, outcome = _real(median, "median"), _real(y, "y")
    total = 0.5 * abs(outcome - m)
    for k, interval in enumerate(intervals):
        if len(interval) != 3:
            raise ValueError(f"intervals[{k}] must be (coverage, lower, upper)")
        coverage, lower, upper = interval
        c = _coverage(coverage, f"intervals[{k}] coverage")
        if not _real(lower, f"intervals[{k}] lower") <= m <= _real(upper, f"intervals[{k}] upper"):
            raise ValueError(f"intervals[{k}] must contain the median")
        total += (1.0 - c) / 2.0 * interval_score(lower, upper, c, outcome)
    return total / (len(intervals) + 0.5)


def point_errors(value: float, y: float) -> tuple[float, float | None]:
    """A point forecast's absolute error |x − y| and relative error |x − y| / |y|
    (``None`` when the outcome is 0: no relative error is defined)."""
    x, outcome = _real(value, "value"), _real(y, "y")
    error = abs(x - outcome)
    return error, (None if outcome == 0 else error / abs(outcome))


@dataclass(frozen=True)
class StatedValues:
    """What an author said about a quantity: a point, a central interval, quantiles."""

    point: float | None = None
    lower: float | None = None
    upper: float | None = None
    coverage: float | None = None
    quantiles: tuple[tuple[float, float], ...] = ()  # (level, value) pairs

    def as_quantiles(self) -> tuple[list[float], list[float]] | None:
        """The stated forecast as (levels, values), or ``None`` for a point alone.

        An interval gives levels (1 − c)/2 and (1 + c)/2; the point is the median.
        The same level stated twice must carry the same value; the result is
        checked like any quantile set (ordered, levels inside (0, 1)).
        """
        pairs: dict[float, float] = {}

        def put(level: float, value: float, name: str) -> None:
            v = _real(value, name)
            if level in pairs and pairs[level] != v:
                raise ValueError(f"{name} contradicts another value at level {level:g}")
            pairs[level] = v

        for i, (level, value) in enumerate(self.quantiles):
            put(_real(level, f"quantiles[{i}] level"), value, f"quantiles[{i}] value")
        has_interval = self.lower is not None or self.upper is not None
        if has_interval:
            if self.lower is None or self.upper is None or self.coverage is None:
                raise ValueError("an interval needs lower, upper and coverage")
            c = _coverage(self.coverage)
            if _real(self.lower, "lower") > _real(self.upper, "upper"):
                raise ValueError(f"lower ({self.lower!r}) must not be above upper ({self.upper!r})")
            put((1.0 - c) / 2.0, self.lower, "lower")
            put((1.0 + c) / 2.0, self.upper, "upper")
        elif self.coverage is not None:
            raise ValueError("coverage belongs to an interval: give lower and upper")
        if not pairs:
            if self.point is None:
                raise ValueError("a forecast needs a point, an interval or quantiles")
            _real(self.point, "point")
            return None
        if self.point is not None:
            put(MEDIAN, self.point, "point")
        levels = sorted(pairs)
        values = [pairs[level] for level in levels]
        _quantile_set(levels, values)
        return levels, values


def stated_score(stated: StatedValues, y: float) -> float | None:
    """The WIS of what was stated: twice the mean pinball loss over its quantiles.

    ``None`` for a point alone (no probability to score; see ``point_errors``).
    """
    quantiles = stated.as_quantiles()
    if quantiles is None:
        return None
    return 2.0 * pinball_loss(*quantiles, y)


def unit_scale(x: float, low: float, high: float, log_scale: bool = False) -> float:
    """Map x from the question's range [low, high] onto [0, 1] (beyond it for open bounds).

    On a log scale: (ln x − ln low) / (ln high − ln low); low and x must be > 0.
    """
    value, a, b = _real(x, "x"), _real(low, "low"), _real(high, "high")
    if not a < b:
        raise ValueError(f"low ({a!r}) must be below high ({b!r})")
    if not log_scale:
        return (value - a) / (b - a)
    if a <= 0 or value <= 0:
        raise ValueError("a log scale needs positive values and a positive range")
    return (math.log(value) - math.log(a)) / (math.log(b) - math.log(a))


def normalised(
    stated: StatedValues, low: float, high: float, log_scale: bool = False
) -> StatedValues:
    """The same forecast with every value mapped by ``unit_scale`` (levels unchanged)."""

    def scale(v: float | None) -> float | None:
        return None if v is None else unit_scale(v, low, high, log_scale)

    return StatedValues(
        point=scale(stated.point),
        lower=scale(stated.lower),
        upper=scale(stated.upper),
        coverage=stated.coverage,
        quantiles=tuple(
            (level, unit_scale(v, low, high, log_scale)) for level, v in stated.quantiles
        ),
    )


def time_averaged_stated_score(
    forecasts: Sequence[tuple[datetime, StatedValues]],
    opens: date,
    closes: Closes,
    y: float,
) -> float | None:
    """Mean daily WIS from the author's first forecast to the close, on the binary day rules.

    The forecast in force on a day is the latest stated on or before it; those
    stated after the close never count; days before the first forecast are left
    out. Points alone are not scored and do not end the previous forecast's
    days: they are dropped first. ``None`` when no day is scored.
    """
    scored = [(moment, stated_score(s, y)) for moment, s in forecasts]
    kept = [(moment, score) for moment, score in scored if score is not None]
    if not kept:
        return None
    instants, scores = _unzip(kept)
    daily = _daily(
        instants, np.array(scores, dtype=np.float64)[:, None], _window(opens, closes), None
    )
    return _mean_or_none(daily[:, 0])

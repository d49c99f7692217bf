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
date question). For a median m and K central intervals [lₖ, uₖ] of coverage
1 − αₖ,

    WIS = 1/(K + ½) · (½·|y − m| + Σₖ (αₖ/2) · IS_αₖ(lₖ, uₖ; y))

and it equals twice the mean quantile (pinball) loss over those 2K + 1
quantiles (Gneiting & Raftery 2007), which is how ``stated_score`` computes it
for whatever levels the author gave. Without a median the same rule applies to
the levels given (an interval alone scores (α/2) · IS).

To add questions in different units into one record, the values and the outcome
are first mapped onto the question's range, [low, high] → [0, 1] (on a log
scale for log-scale questions): ``unit_scale``. Quantiles follow any increasing
map, so the normalised score is the same proper score on a common scale; on a
linear range it is exactly the WIS in the unit divided by high − low.

Every function checks its arguments: a wrong type raises ``TypeError``, a bad
value ``ValueError``, each naming the argument (e.g. ``levels[2]``, ``upper``).
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
LEVEL_DIGITS = 9
"""Levels built from a coverage are rounded to this many decimals, so that the
lower level of an 80% interval, (1 − 0.8)/2 = 0.09999999999999998 in floating
point, is the same level as a stated 10% quantile."""


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


def _level(level: float, name: str) -> float:
    tau = _real(level, name)
    if not 0.0 < tau < 1.0:
        raise ValueError(f"{name} = {tau!r} must be strictly between 0 and 1")
    return tau


def _quantile_set(
    levels: Sequence[float], values: Sequence[float]
) -> tuple[FloatArray, FloatArray]:
    """Levels strictly increasing inside (0, 1), values finite and non-decreasing."""
    if len(levels) != len(values):
        raise ValueError(f"levels has {len(levels)} entries but values has {len(values)}")
    if len(levels) == 0:
        raise ValueError("levels must not be empty")
    tau = np.array([_level(t, f"levels[{i}]") for i, t in enumerate(levels)])
    q = np.array([_real(v, f"values[{i}]") for i, v in enumerate(values)])
    for i in range(1, tau.size):
        if tau[i] <= tau[i - 1]:
            raise ValueError(f"levels must be strictly increasing: levels[{i}] = {tau[i]!r}")
        if q[i] < q[i - 1]:
            raise ValueError(
                f"values[{i}] = {q[i]!r} is below values[{i - 1}] = {q[i - 1]!r}: "
                "quantiles must not decrease as the level rises"
            )
    return tau, q


def pinball_loss(levels: Sequence[float], values: Sequence[float], y: float) -> float:
    """Mean over the quantile levels τ of the quantile (pinball) loss of value q:

        ρ_τ(q, y) = (1{y < q} − τ) · (q − y)

    i.e. τ·(y − q) when the outcome is above q, (1 − τ)·(q − y) when below, and
    0 when y = q. ``levels`` must rise strictly inside (0, 1) and ``values``
    must not decrease with them.
    """
    tau, q = _quantile_set(levels, values)
    outcome = _real(y, "y")
    return float(np.mean(((outcome < q).astype(np.float64) - tau) * (q - outcome)))


def interval_score(lower: float, upper: float, coverage: float, y: float) -> float:
    """Interval score of Gneiting & Raftery (2007), in the unit of the values:

        IS = (upper − lower) + (2/α)·(lower − y)₊ + (2/α)·(y − upper)₊,  α = 1 − coverage

    the width, plus a penalty of 2/α per unit by which the outcome missed the
    interval. An outcome on a bound is inside. lower = upper is allowed.
    """
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
    """WIS with the weights of Bracher et al. (2021): ½ on the median's absolute
    error, αₖ/2 on each interval's score, the sum divided by K + ½:

        WIS = (½·|y − m| + Σₖ (αₖ/2) · IS(lₖ, uₖ, 1 − αₖ, y)) / (K + ½)

    ``intervals`` are ``(coverage, lower, upper)``, in any order, with distinct
    coverages; they must form one set of quantiles: each contains the median,
    and a higher coverage is never narrower on either side. With no interval,
    WIS is the absolute error of the median. Equals ``2 · pinball_loss`` over
    the 2K + 1 quantiles.
    """
    m, outcome = _real(median, "median"), _real(y, "y")
    checked: list[tuple[float, float, float, int]] = []
    for k, interval in enumerate(intervals):
        if len(interval) != 3:
            raise ValueError(f"intervals[{k}] must be (coverage, lower, upper)")
        c = _coverage(interval[0], f"intervals[{k}] coverage")
        low = _real(interval[1], f"intervals[{k}] lower")
        high = _real(interval[2], f"intervals[{k}] upper")
        if not low <= m <= high:
            raise ValueError(f"intervals[{k}] ({low!r}, {high!r}) must contain the median ({m!r})")
        checked.append((c, low, high, k))
    checked.sort()
    for (c0, low0, high0, k0), (c1, low1, high1, k1) in zip(checked, checked[1:], strict=False):
        if c1 == c0:
            raise ValueError(f"intervals[{k1}] repeats the coverage of intervals[{k0}] ({c1!r})")
        if low1 > low0 or high1 < high0:
            raise ValueError(
                f"intervals[{k1}] (coverage {c1!r}) must contain intervals[{k0}] "
                f"(coverage {c0!r}): quantiles must not cross"
            )
    total = 0.5 * abs(outcome - m)
    for c, low, high, _ in checked:
        total += (1.0 - c) / 2.0 * interval_score(low, high, c, outcome)
    return total / (len(checked) + 0.5)


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

        An interval gives levels (1 − c)/2 and (1 + c)/2 (rounded to
        ``LEVEL_DIGITS`` decimals, as are the stated levels); the point is the
        median. The same level stated twice must carry the same value. Levels
        lie strictly inside (0, 1) and the values must not decrease as the
        level rises: errors name the fields (``point``, ``upper``,
        ``quantiles[2] value``...).
        """
        pairs: dict[float, tuple[float, str]] = {}

        def put(level: float, value: float, name: str) -> None:
            tau, v = round(level, LEVEL_DIGITS), _real(value, name)
            if tau in pairs and pairs[tau][0] != v:
                other = pairs[tau][1]
                raise ValueError(f"{name} ({v!r}) contradicts {other} at level {tau:g}")
            pairs[tau] = (v, name)

        for i, pair in enumerate(self.quantiles):
            if len(pair) != 2:
                raise ValueError(f"quantiles[{i}] must be a (level, value) pair")
            level = _level(
                round(_real(pair[0], f"quantiles[{i}] level"), LEVEL_DIGITS),
                f"quantiles[{i}] level",
            )
            put(level, pair[1], f"quantiles[{i}] value")
        if self.lower is not None or self.upper is not None:
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
        for below, above in zip(levels, levels[1:], strict=False):
            (v0, name0), (v1, name1) = pairs[below], pairs[above]
            if v1 < v0:
                raise ValueError(
                    f"{name1} ({v1!r}, level {above:g}) is below {name0} ({v0!r}, level "
                    f"{below:g}): quantiles must not decrease as the level rises"
                )
        return levels, [pairs[level][0] for level in levels]


def stated_score(stated: StatedValues, y: float) -> float | None:
    """The WIS of what was stated: twice the mean pinball loss over its quantiles.

    ``None`` for a point alone (no probability to score; see ``point_errors``).
    """
    quantiles = stated.as_quantiles()
    if quantiles is None:
        return None
    return 2.0 * pinball_loss(*quantiles, y)


def _to_unit(value: float, name: str, low: float, high: float, log_scale: bool) -> float:
    x = _real(value, name)
    if not log_scale:
        return (x - low) / (high - low)
    if x <= 0:
        raise ValueError(f"{name} = {x!r}: a log scale needs values above 0")
    return (math.log(x) - math.log(low)) / (math.log(high) - math.log(low))


def _range(low: float, high: float, log_scale: bool) -> tuple[float, float]:
    a, b = _real(low, "low"), _real(high, "high")
    if not a < b:
        raise ValueError(f"low ({a!r}) must be below high ({b!r})")
    if log_scale and a <= 0:
        raise ValueError(f"low = {a!r}: a log scale needs a range above 0")
    return a, b


def unit_scale(x: float, low: float, high: float, log_scale: bool = False) -> float:
    """Map x from the question's range [low, high] onto [0, 1]:

        linear:  (x − low) / (high − low)
        log:     (ln x − ln low) / (ln high − ln low)   (low > 0 and x > 0)

    Beyond the range (an open bound) the result lies beyond [0, 1]: below 0
    under low, above 1 over high; it is not clamped.
    """
    a, b = _range(low, high, log_scale)
    return _to_unit(x, "x", a, b, log_scale)


def normalised(
    stated: StatedValues, low: float, high: float, log_scale: bool = False
) -> StatedValues:
    """The same forecast with every value mapped by ``unit_scale`` (levels and coverage
    unchanged), to be scored against ``unit_scale(outcome)``."""
    a, b = _range(low, high, log_scale)

    def scale(v: float | None, name: str) -> float | None:
        return None if v is None else _to_unit(v, name, a, b, log_scale)

    return StatedValues(
        point=scale(stated.point, "point"),
        lower=scale(stated.lower, "lower"),
        upper=scale(stated.upper, "upper"),
        coverage=stated.coverage,
        quantiles=tuple(
            (level, _to_unit(v, f"quantiles[{i}] value", a, b, log_scale))
            for i, (level, v) in enumerate(stated.quantiles)
        ),
    )


def time_averaged_stated_score(
    forecasts: Sequence[tuple[datetime, StatedValues]],
    opens: date,
    closes: Closes,
    y: float,
) -> float | None:
    """Mean daily WIS from the author's first forecast to the close, on the binary day rules.

    One score per UTC day from the open date to the close day, both included;
    the forecast in force on a day is the latest stated on or before it (the
    last of a day wins; one stated before the open counts from the open day);
    those stated after the close moment never count; days before the first
    forecast are left out. Points alone are not scored and do not end the
    previous forecast's days: they are dropped first. ``None`` when no day is
    scored.
    """
    window = _window(opens, closes)
    scored = [(moment, stated_score(s, y)) for moment, s in forecasts]
    kept = [(moment, score) for moment, score in scored if score is not None]
    if not kept:
        return None
    instants, scores = _unzip(kept)
    daily = _daily(instants, np.array(scores, dtype=np.float64)[:, None], window, None)
    return _mean_or_none(daily[:, 0])

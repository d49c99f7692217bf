"""Reckon's scoring rules, in plain Python and numpy (no Django).

Analysts can score forecasts with this module alone, and every number on a
scorecard can be reproduced by hand from the formulas in the docstrings below.
``docs/scoring.md`` explains the same conventions to readers.

Conventions used throughout:

* A probability is a finite real number in [0, 1]. NaN, infinities and values
  outside [0, 1] raise ``ValueError`` naming the offending value; a
  multiple-choice forecast must also sum to 1 (within ``SUM_TOLERANCE``).
* Outcomes are ``True``/``False`` (``1``/``0`` are accepted too).
* Lower is better for the Brier score and the log loss.
* Empty inputs raise ``ValueError``, except where "nothing" is a normal
  answer: the time-averaged scores (no day scored), ``final_forecast`` (no
  forecast by the close) and the crowd helpers (nobody else) return ``None``.
* Datetimes must be timezone-aware; days are UTC calendar days.
"""

import math
import numbers
import operator
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "COIN_FLIP_BRIER",
    "LOG_LOSS_EPS",
    "SUM_TOLERANCE",
    "WILSON_Z_95",
    "CalibrationBin",
    "brier",
    "brier_0_2",
    "brier_multi",
    "brier_skill_score",
    "calibration_bin_index",
    "calibration_table",
    "crowd_daily",
    "crowd_median",
    "final_forecast",
    "log_loss",
    "log_loss_multi",
    "mean_with_interval",
    "murphy_decomposition",
    "relative_brier",
    "relative_time_averaged_brier",
    "t_quantile",
    "time_averaged_brier",
    "time_averaged_brier_multi",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# A forecast's value: P(yes), or one probability per option.
Value = TypeVar("Value", bound=float | Sequence[float])

WILSON_Z_95 = 1.959963984540054
"""The two-sided 95% normal quantile used for Wilson intervals."""
LOG_LOSS_EPS = 0.001
"""Probabilities are clipped to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] for the log loss."""
COIN_FLIP_BRIER = 0.25
"""The Brier score of a 0.5 forecast, whatever happens: the skill-score reference."""
SUM_TOLERANCE = 1e-6
"""How far a multiple-choice forecast's probabilities may sum from 1."""

_BIN_DECIMALS = 9  # n_bins * p is rounded to this many decimals before flooring
_BOOTSTRAP_BATCH = 1_000_000  # resampled values held in memory at once
_US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_ONE_US = timedelta(microseconds=1)


class CalibrationBin(TypedDict):
    """One row of a calibration table (statistics are ``None`` for an empty bin)."""

    lower: float
    upper: float
    count: int
    n_event: int
    mean_forecast: float | None
    observed_frequency: float | None
    wilson_lower: float | None
    wilson_upper: float | None


# --- validation -------------------------------------------------------------


def _problem(value: float) -> str:
    if math.isnan(value):
        return "is NaN"
    if math.isinf(value):
        return f"is infinite ({value!r})"
    return f"= {value!r} is outside [0, 1]"


def _probability(p: float, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name} must be a real number, not {type(p).__name__}")
    value = float(p)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} {_problem(value)}")
    return value


def _probabilities(values: Sequence[float] | FloatArray, name: str) -> FloatArray:
    array = np.asarray(values)
    if array.size and array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, not {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of probabilities")
    array = array.astype(np.float64)
    bad = ~((array >= 0.0) & (array <= 1.0))  # NaN fails both comparisons
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] {_problem(float(array[i]))}")
    return array


def _distribution(probabilities: Sequence[float], name: str = "probabilities") -> FloatArray:
    array = _probabilities(probabilities, name)
    if array.size < 2:
        raise ValueError(f"{name} needs at least two options, got {array.size}")
    total = float(array.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} sums to {total!r}, not 1")
    return array


def _option(outcome_index: int, n_options: int) -> int:
    if isinstance(outcome_index, bool):
        raise TypeError("outcome_index must be an integer, not a bool")
    index = operator.index(outcome_index)
    if not 0 <= index < n_options:
        raise ValueError(f"outcome_index {index} is not one of the {n_options} options")
    return index


def _outcome(outcome: bool) -> float:
    if isinstance(outcome, bool | np.bool_) or (
        isinstance(outcome, numbers.Integral) and outcome in (0, 1)
    ):
        return 1.0 if outcome else 0.0
    raise ValueError(f"outcome must be True or False, not {outcome!r}")


def _outcomes(outcomes: Sequence[bool], n: int) -> FloatArray:
    array = np.asarray(outcomes)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"forecasts and outcomes differ in length ({n} != {len(array)})")
    if array.size and array.dtype.kind not in "biuf":
        raise TypeError(f"outcomes must be booleans, not {array.dtype}")
    array = array.astype(np.float64)
    if not np.all((array == 0.0) | (array == 1.0)):
        raise ValueError("outcomes must be True or False (or 1 or 0)")
    return array


def _paired(forecasts: Sequence[float], outcomes: Sequence[bool]) -> tuple[FloatArray, FloatArray]:
    f = _probabilities(forecasts, "forecasts")
    o = _outcomes(outcomes, f.size)
    if f.size == 0:
        raise ValueError("no forecasts to score")
    return f, o


def _bin_count(n_bins: int) -> int:
    if isinstance(n_bins, bool):
        raise TypeError("n_bins must be an integer, not a bool")
    count = operator.index(n_bins)
    if count < 1:
        raise ValueError(f"n_bins must be at least 1, got {count}")
    return count


def _finite(values: Sequence[float] | FloatArray, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a flat sequence of finite numbers")
    return array


# --- one question, one forecast ---------------------------------------------


def brier(p: float, outcome: bool) -> float:
    """Binary Brier score ``(p - o)^2``, o = 1 if the event happened else 0.

    ``p`` is the forecast probability of "yes". Range 0 (perfect) to 1; a
    coin-flip forecast of 0.5 always scores 0.25.
    """
    return (_probability(p) - _outcome(outcome)) ** 2


def brier_multi(probabilities: Sequence[float], outcome_index: int) -> float:
    """Multiple-choice Brier score, halved: ``1/2 * sum_k (f_k - E_k)^2``.

    ``E_k`` is 1 for the option that happened (``outcome_index``) and 0
    otherwise. Halving keeps the range 0..1 and makes a two-option question
    score exactly like the binary ``brier``. The probabilities must sum to 1.
    """
    f = _distribution(probabilities)
    expected = np.zeros_like(f)
    expected[_option(outcome_index, f.size)] = 1.0
    return float(0.5 * np.sum((f - expected) ** 2))


def brier_0_2(bs: float) -> float:
    """Brier's original 1950 scale (range 0..2): twice the headline score.

    Brier summed the squared errors over every category without halving; Good
    Judgment Open publishes that scale, so Reckon shows it as a second field.
    """
    return 2.0 * _probability(bs, "bs")


def brier_skill_score(bs: float, reference: float = COIN_FLIP_BRIER) -> float:
    """Skill against a reference score: ``1 - bs / reference``.

    The default reference is the coin flip (0.25). 1 is perfect, 0 is no
    better than the reference, negative is worse.
    """
    reference = _probability(reference, "reference")
    if reference == 0.0:
        raise ValueError("reference must be positive")
    return 1.0 - _probability(bs, "bs") / reference


def _clipped_log_loss(q: float, eps: float) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    return -math.log(min(max(q, eps), 1.0 - eps))


def log_loss(p: float, outcome: bool, eps: float = LOG_LOSS_EPS) -> float:
    """Log loss in nats: ``-ln(q)``, q = the probability given to what happened.

    q is ``p`` if the event happened and ``1 - p`` if not, then clipped to
    ``[eps, 1 - eps]`` (default [0.001, 0.999]) so that a "certain" forecast
    that fails costs ``-ln(0.001)`` ≈ 6.91 rather than infinity. Divide by
    ``ln 2`` for bits.
    """
    p = _probability(p)
    return _clipped_log_loss(p if _outcome(outcome) else 1.0 - p, eps)


def log_loss_multi(
    probabilities: Sequence[float], outcome_index: int, eps: float = LOG_LOSS_EPS
) -> float:
    """Multiple-choice log loss: ``-ln(q)`` for the option that happened.

    q is clipped to ``[eps, 1 - eps]`` exactly as in ``log_loss``.
    """
    f = _distribution(probabilities)
    return _clipped_log_loss(float(f[_option(outcome_index, f.size)]), eps)


# --- which forecast counts on which day -------------------------------------


def _day_number(day: date, name: str) -> int:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime)")
    return day.toordinal() - _EPOCH_ORDINAL


def _window(opens: date, closes: date) -> tuple[int, int]:
    """Day number of the open date and the number of days, both ends included."""
    first, last = _day_number(opens, "opens"), _day_number(closes, "closes")
    if last < first:
        raise ValueError(f"closes ({closes}) is before opens ({opens})")
    return first, last - first + 1


def _instant(moment: datetime, i: int) -> int:
    """Microseconds since the Unix epoch, exact; naive datetimes are refused."""
    if not isinstance(moment, datetime):
        raise TypeError(f"forecast {i} must be stamped with a datetime")
    if moment.utcoffset() is None:
        raise ValueError(f"forecast {i} has a naive datetime ({moment}); give it a timezone")
    return (moment - _EPOCH) // _ONE_US


def _unzip(forecasts: Sequence[tuple[datetime, Value]]) -> tuple[IntArray, list[Value]]:
    instants = [_instant(moment, i) for i, (moment, _) in enumerate(forecasts)]
    return np.array(instants, dtype=np.int64), [value for _, value in forecasts]


def _in_force(instants: IntArray, values: FloatArray, first_day: int, n_days: int) -> IntArray:
    """For each day of the window, the index of the forecast in force (-1: none yet).

    Linear in days + forecasts and independent of input order: the latest
    instant wins each day (forecasts before the window count from its first
    day, those after it are dropped), then days without a new forecast carry
    the previous one forward. Two different forecasts at the instant that
    decides a day are refused: either choice would depend on input order.
    """
    day = instants // _US_PER_DAY - first_day
    kept = np.flatnonzero(day < n_days)
    day = np.maximum(day[kept], 0)
    latest = np.full(n_days, np.iinfo(np.int64).min)
    np.maximum.at(latest, day, instants[kept])
    is_latest = instants[kept] == latest[day]
    winners, winner_days = kept[is_latest], day[is_latest]
    chosen = np.full(n_days, -1)
    chosen[winner_days] = winners
    if np.any(values[winners] != values[chosen[winner_days]]):
        raise ValueError("two different forecasts were made at the same instant")
    last_new = np.maximum.accumulate(np.where(chosen >= 0, np.arange(n_days), -1))
    return np.where(last_new >= 0, chosen[last_new], -1)


def _daily(
    instants: IntArray, values: FloatArray, window: tuple[int, int], fill: FloatArray | None
) -> FloatArray:
    """Forecast scored on each day (rows), NaN where the day is not scored.

    ``values`` has one row per forecast. Days before the first forecast take
    ``fill`` (the crowd) when given; with no forecast in the window at all,
    nothing is scored, crowd or not.
    """
    n_days = window[1]
    index = _in_force(instants, values, *window)
    if np.all(index < 0):
        return np.full((n_days, values.shape[1]), np.nan)
    daily = values[index]
    before = index < 0
    daily[before] = np.nan if fill is None else fill[before]
    return daily


def _binary_crowd(crowd: Sequence[float | None], n_days: int) -> FloatArray:
    if len(crowd) != n_days:
        raise ValueError(f"crowd has {len(crowd)} days, the window has {n_days}")
    days = [np.nan if p is None else _probability(p, f"crowd[{d}]") for d, p in enumerate(crowd)]
    return np.array(days, dtype=np.float64)[:, None]


def _multi_crowd(crowd: Sequence[Sequence[float] | None], n_days: int, k: int) -> FloatArray:
    if len(crowd) != n_days:
        raise ValueError(f"crowd has {len(crowd)} days, the window has {n_days}")
    rows = np.full((n_days, k), np.nan)
    for d, row in enumerate(crowd):
        if row is None:
            continue
        if len(row) != k:
            raise ValueError(f"crowd[{d}] has {len(row)} options, not {k}")
        rows[d] = _distribution(row, f"crowd[{d}]")
    return rows


def _mean_or_none(daily_scores: FloatArray) -> float | None:
    scored = daily_scores[~np.isnan(daily_scores)]
    return float(scored.mean()) if scored.size else None


def _daily_binary(
    forecasts: Sequence[tuple[datetime, float]],
    window: tuple[int, int],
    crowd: Sequence[float | None] | None,
) -> FloatArray:
    fill = None if crowd is None else _binary_crowd(crowd, window[1])
    instants, raw = _unzip(forecasts)
    values = _probabilities(raw, "forecast probabilities")[:, None]
    return _daily(instants, values, window, fill)[:, 0]


def time_averaged_brier(
    forecasts: Sequence[tuple[datetime, float]],
    opens: date,
    closes: date,
    outcome: bool,
    crowd: Sequence[float | None] | None = None,
) -> float | None:
    """Time-averaged (Good Judgment style) Brier score of one author on one question.

    ``forecasts`` are ``(stated_at, p)`` pairs with timezone-aware datetimes,
    in any order. One score per UTC calendar day from ``opens`` to ``closes``
    inclusive; the result is their mean. The forecast in force on day d is the
    latest one made on or before d: one made during day d counts for day d,
    several on one day leave the last (by timestamp), forecasts made before
    the open date count from the open day, and forecasts made after the close
    date are ignored. Days before the author's first forecast are left out,
    unless ``crowd`` (one crowd probability per day of the window, ``None``
    for a day without one) is given: then they score the crowd's forecast.
    Returns ``None`` when no day is scored (in particular when the author made
    no forecast by the close date, whatever the crowd did).
    """
    o = _outcome(outcome)
    daily = _daily_binary(forecasts, _window(opens, closes), crowd)
    return _mean_or_none((daily - o) ** 2)


def time_averaged_brier_multi(
    forecasts: Sequence[tuple[datetime, Sequence[float]]],
    opens: date,
    closes: date,
    outcome_index: int,
    crowd: Sequence[Sequence[float] | None] | None = None,
) -> float | None:
    """Time-averaged multiple-choice Brier score (``brier_multi`` per day).

    Same day rules as ``time_averaged_brier``; each forecast is a probability
    vector over the same options, and ``crowd`` holds one vector (or ``None``)
    per day of the window. With no forecasts at all the result is ``None``.
    """
    window = _window(opens, closes)
    if not forecasts:
        return None
    instants, raw = _unzip(forecasts)
    rows = [_distribution(row, f"forecast {i}") for i, row in enumerate(raw)]
    k = rows[0].size
    if any(row.size != k for row in rows):
        raise ValueError("every forecast must give a probability to the same options")
    values = np.vstack(rows)
    fill = None if crowd is None else _multi_crowd(crowd, window[1], k)
    expected = np.zeros(k)
    expected[_option(outcome_index, k)] = 1.0
    daily = _daily(instants, values, window, fill)
    return _mean_or_none(0.5 * np.sum((daily - expected) ** 2, axis=1))


def final_forecast(
    forecasts: Sequence[tuple[datetime, Value]], closes: date
) -> tuple[datetime, Value] | None:
    """The last forecast made on or before the close date (UTC), or ``None``.

    Returns the ``(stated_at, value)`` pair itself; score its value with
    ``brier`` or ``brier_multi`` for the final-forecast Brier. A forecast made
    during the close day still counts. Two different forecasts at the latest
    instant raise ``ValueError``, as in ``time_averaged_brier``.
    """
    last_day = _day_number(closes, "closes")
    instants, _ = _unzip(forecasts)
    eligible = [i for i, us in enumerate(instants) if us // _US_PER_DAY <= last_day]
    if not eligible:
        return None
    latest = max(instants[i] for i in eligible)
    ties = [forecasts[i] for i in eligible if instants[i] == latest]
    if any(not np.array_equal(tie[1], ties[0][1]) for tie in ties):
        raise ValueError("two different forecasts were made at the same instant")
    return ties[0]


# --- the crowd --------------------------------------------------------------


def _median_by_column(matrix: FloatArray) -> FloatArray:
    """Median of each column ignoring NaN; NaN for a column with no number."""
    ordered = np.sort(matrix, axis=0)  # NaN sorts last
    count = np.sum(~np.isnan(matrix), axis=0)
    columns = np.arange(matrix.shape[1])
    low = ordered[np.maximum((count - 1) // 2, 0), columns]
    high = ordered[count // 2, columns]  # an all-NaN column gives NaN
    return (low + high) / 2.0


def crowd_median(probabilities: Sequence[float]) -> float | None:
    """The crowd forecast: median of the other authors' probabilities in force.

    With an even number of authors it is the mean of the two middle values;
    ``None`` when nobody else has a forecast in force.
    """
    values = _probabilities(probabilities, "probabilities")
    return float(_median_by_column(values[:, None])[0]) if values.size else None


def crowd_daily(
    others: Sequence[Sequence[tuple[datetime, float]]], opens: date, closes: date
) -> list[float | None]:
    """The crowd forecast on each day of the window (binary questions).

    ``others`` holds each other author's forecasts (leave the scored author
    out). Each day, every author's forecast in force is found with the
    ``time_averaged_brier`` day rules and the crowd forecast is their median
    (``crowd_median``); ``None`` on a day when no other author had one. The
    result can be passed as ``crowd`` to ``time_averaged_brier``.
    """
    window = _window(opens, closes)
    if not others:
        return [None] * window[1]
    matrix = np.vstack([_daily_binary(author, window, None) for author in others])
    return [None if math.isnan(p) else float(p) for p in _median_by_column(matrix)]


def relative_brier(
    author_scores: Sequence[float] | FloatArray, crowd_scores: Sequence[float] | FloatArray
) -> float:
    """Author minus crowd, paired score by score: ``mean(author - crowd)``.

    Pass scores for the same days (or questions); negative is better than the
    crowd. Reckon's crowd score is the score of the median forecast, not the
    median of the other authors' scores.
    """
    author, crowd = _finite(author_scores, "author_scores"), _finite(crowd_scores, "crowd_scores")
    if author.size != crowd.size or author.size == 0:
        raise ValueError("author_scores and crowd_scores must pair up, and not be empty")
    return float(np.mean(author - crowd))


def relative_time_averaged_brier(
    forecasts: Sequence[tuple[datetime, float]],
    opens: date,
    closes: date,
    outcome: bool,
    crowd: Sequence[float | None],
) -> float | None:
    """Relative Brier on one question: author's daily Brier minus the crowd's.

    Only days on which both the author (day rules of ``time_averaged_brier``,
    no crowd fill) and the crowd have a forecast are compared; ``crowd`` is
    the per-day crowd forecast, e.g. from ``crowd_daily``, scored with the
    Brier rule (the score of the median forecast). ``None`` if no day pairs up.
    """
    o = _outcome(outcome)
    window = _window(opens, closes)
    author = _daily_binary(forecasts, window, None)
    crowd_days = _binary_crowd(crowd, window[1])[:, 0]
    both = ~np.isnan(author) & ~np.isnan(crowd_days)
    if not both.any():
        return None
    return relative_brier((author[both] - o) ** 2, (crowd_days[both] - o) ** 2)


# --- calibration and the Murphy decomposition -------------------------------


def _uniform_bins(f: FloatArray, n_bins: int) -> IntArray:
    # Rounding n_bins * p to 9 decimals before flooring puts 0.3 in bin 3 and
    # 0.7 in bin 7 even though 10 * 0.7 == 7.000000000000001 in floating point.
    scaled = np.floor(np.round(n_bins * f, _BIN_DECIMALS)).astype(np.int64)
    return np.minimum(scaled, n_bins - 1)


def calibration_bin_index(p: float, n_bins: int = 10) -> int:
    """Equal-width bin of a probability: ``min(floor(n_bins * p), n_bins - 1)``.

    Bins are [k/n, (k+1)/n) for k < n - 1 and the last bin is closed,
    [(n-1)/n, 1]. ``n_bins * p`` is rounded to 9 decimals before flooring, so
    a probability within about 1e-9 bin widths below an edge counts as on the
    edge (0.3 lands in bin 3 and 0.7 in bin 7, despite floating point).
    """
    return int(_uniform_bins(np.array([_probability(p)]), _bin_count(n_bins))[0])


def _quantile_bins(f: FloatArray, n_bins: int) -> IntArray:
    # Sorted position i goes to bin floor(i * n_bins / N); a run of equal
    # forecasts then joins the bin of its first member, so ties never split.
    order = np.argsort(f, kind="stable")
    ordered = f[order]
    position = np.arange(f.size)
    run_start = np.r_[True, ordered[1:] != ordered[:-1]]
    first_of_run = np.maximum.accumulate(np.where(run_start, position, 0))
    bins = np.empty(f.size, dtype=np.int64)
    bins[order] = first_of_run * n_bins // f.size
    return bins


def _calibration_row(lower: float, upper: float, f: FloatArray, o: FloatArray) -> CalibrationBin:
    row = CalibrationBin(
        lower=lower,
        upper=upper,
        count=int(f.size),
        n_event=int(o.sum()),
        mean_forecast=None,
        observed_frequency=None,
        wilson_lower=None,
        wilson_upper=None,
    )
    if f.size:
        row["mean_forecast"] = float(f.mean())
        row["observed_frequency"] = row["n_event"] / row["count"]
        row["wilson_lower"], row["wilson_upper"] = wilson_interval(row["n_event"], row["count"])
    return row


def calibration_table(
    forecasts: Sequence[float],
    outcomes: Sequence[bool],
    n_bins: int = 10,
    strategy: str = "uniform",
) -> list[CalibrationBin]:
    """Calibration table: per bin, how often what was forecast happened.

    ``strategy="uniform"``: ``n_bins`` equal-width bins, [k/n, (k+1)/n) and a
    closed last bin (see ``calibration_bin_index``); every bin is listed, an
    empty one with count 0 and ``None`` statistics. ``strategy="quantile"``:
    up to ``n_bins`` bins of (nearly) equal counts; forecasts are sorted, the
    i-th goes to bin floor(i * n_bins / N), and equal forecasts always share
    the bin of the first of them, so ties can leave fewer or uneven bins.
    Only non-empty quantile bins are listed, with ``lower``/``upper`` the
    smallest and largest forecast inside (both included).

    Each row: ``lower``, ``upper``, ``count``, ``n_event`` (how many happened),
    ``mean_forecast`` (the mean of the forecasts in the bin, not its centre),
    ``observed_frequency`` and the Wilson 95% interval ``wilson_lower``,
    ``wilson_upper`` for that frequency.
    """
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile', not {strategy!r}")
    f, o = _paired(forecasts, outcomes)
    n = _bin_count(n_bins)
    if strategy == "uniform":
        bins = _uniform_bins(f, n)
        return [_calibration_row(k / n, (k + 1) / n, f[bins == k], o[bins == k]) for k in range(n)]
    bins = _quantile_bins(f, n)
    members = [bins == k for k in np.unique(bins)]
    return [_calibration_row(float(f[m].min()), float(f[m].max()), f[m], o[m]) for m in members]


def murphy_decomposition(
    forecasts: Sequence[float], outcomes: Sequence[bool], n_bins: int | None = None
) -> dict[str, float]:
    """Murphy (1973) decomposition of the mean Brier score: REL - RES + UNC.

    With N forecasts, bin k holding n_k of them with mean forecast f_k and
    observed frequency o_k, and base rate o (the overall frequency):

    * reliability ``REL = (1/N) sum_k n_k (f_k - o_k)^2`` (calibration; lower
      is better),
    * resolution ``RES = (1/N) sum_k n_k (o_k - o)^2`` (discrimination; higher
      is better),
    * uncertainty ``UNC = o (1 - o)`` (how hard the questions were).

    Without ``n_bins`` the bins are the distinct forecast values and
    ``brier = REL - RES + UNC`` exactly. With ``n_bins``, equal-width bins as
    in ``calibration_bin_index`` are used and the two within-bin terms of
    Stephenson, Coelho & Jolliffe (2008) are added so that the identity stays
    exact: ``WBV = (1/N) sum (f - f_k)^2`` (within-bin variance) and
    ``WBC = (2/N) sum (f - f_k)(o - o_k)`` (within-bin covariance), giving
    ``brier = REL - RES + UNC + WBV - WBC``.

    Returns ``brier``, ``reliability``, ``resolution``, ``uncertainty``,
    ``base_rate``, and with ``n_bins`` also ``within_bin_variance`` and
    ``within_bin_covariance``.
    """
    f, o = _paired(forecasts, outcomes)
    if n_bins is None:
        distinct, bins = np.unique(f, return_inverse=True)
        size = distinct.size
    else:
        size = _bin_count(n_bins)
        bins = _uniform_bins(f, size)
    count = np.bincount(bins, minlength=size).astype(np.float64)
    used = count > 0
    safe = np.where(used, count, 1.0)
    f_bin = np.bincount(bins, weights=f, minlength=size) / safe
    o_bin = np.bincount(bins, weights=o, minlength=size) / safe
    if n_bins is None:
        f_bin = distinct  # the exact forecast values, not their recomputed means
    base_rate = float(o.mean())
    result = {
        "brier": float(np.mean((f - o) ** 2)),
        "reliability": float(np.sum(count * (f_bin - o_bin) ** 2) / f.size),
        "resolution": float(np.sum(count[used] * (o_bin[used] - base_rate) ** 2) / f.size),
        "uncertainty": base_rate * (1.0 - base_rate),
        "base_rate": base_rate,
    }
    if n_bins is not None:
        spread = f - f_bin[bins]
        result["within_bin_variance"] = float(np.sum(spread**2) / f.size)
        result["within_bin_covariance"] = float(2.0 * np.sum(spread * (o - o_bin[bins])) / f.size)
    return result


# --- uncertainty ------------------------------------------------------------


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

"""Calibration tables (equal-width or quantile bins, with Wilson intervals) and Murphy's terms."""

from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from forecasts.scoring.inputs import FloatArray, IntArray, _bin_count, _paired, _probability
from forecasts.scoring.uncertainty import wilson_interval

_BIN_DECIMALS = 9  # n_bins * p is rounded to this many decimals before flooring


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


_LEVEL_DECIMALS = 9  # folded levels are rounded so that 1 - 0.3 and 0.7 are one level


class FoldedLevel(TypedDict):
    """One row of a folded calibration table: a stated level and how often it was right."""

    level: float
    count: int
    right: int
    wrong: int
    frequency: float
    wilson_lower: float
    wilson_upper: float


class RightSide(TypedDict):
    """How many forecasts leaned (away from 50%) towards what happened."""

    count: int
    right: int
    share: float | None
    wilson_lower: float | None
    wilson_upper: float | None


def _folded(f: FloatArray, o: FloatArray) -> tuple[FloatArray, np.ndarray]:
    below = f < 0.5
    level: FloatArray = np.round(np.where(below, 1.0 - f, f), _LEVEL_DECIMALS).astype(np.float64)
    right = np.where(below, o == 0.0, o == 1.0)
    return level, right


def folded_calibration(forecasts: Sequence[float], outcomes: Sequence[bool]) -> list[FoldedLevel]:
    """The table authors publish when they grade their own lists: per stated level, right/wrong.

    Every forecast p below 0.5 is folded into its opposite: 10% that X is 90%
    that not X, so it counts at level 1 - p and is *right* when X did not
    happen. A forecast of 0.5 or more stays as stated, at level p, right when
    X happened; a 50% forecast therefore counts as a 50% forecast that the
    statement is true (right = it happened), as authors grade them. Levels
    are the distinct folded values, rounded to 9 decimals (so 1 - 0.3 and
    0.7 are one level), in increasing order from 0.5 to 1.0; only levels
    that occur are listed.

    Each row: ``level``, ``count``, ``right``, ``wrong`` (count - right),
    ``frequency`` (right / count) and the Wilson 95% interval
    ``wilson_lower``, ``wilson_upper`` of that frequency
    (``wilson_interval(right, count)``). Empty input raises ``ValueError``.
    """
    f, o = _paired(forecasts, outcomes)
    level, right = _folded(f, o)
    rows: list[FoldedLevel] = []
    for value in np.unique(level):
        members = level == value
        count, k = int(members.sum()), int(right[members].sum())
        low, high = wilson_interval(k, count)
        rows.append(
            FoldedLevel(
                level=float(value),
                count=count,
                right=k,
                wrong=count - k,
                frequency=k / count,
                wilson_lower=low,
                wilson_upper=high,
            )
        )
    return rows


def right_side_share(forecasts: Sequence[float], outcomes: Sequence[bool]) -> RightSide:
    """The share of forecasts on the right side of 50%, leaving out those of exactly 50%.

    A forecast above 0.5 is on the right side when the event happened, one
    below 0.5 when it did not; a forecast of exactly 0.5 leans neither way and
    is left out of both the count and the right ones. ``share`` is right /
    count with its Wilson 95% interval, all ``None`` when every forecast was
    50%. Empty input raises ``ValueError``.
    """
    f, o = _paired(forecasts, outcomes)
    level, right = _folded(f, o)
    leaning = level != 0.5
    count, k = int(leaning.sum()), int(right[leaning].sum())
    if count == 0:
        return RightSide(count=0, right=0, share=None, wilson_lower=None, wilson_upper=None)
    low, high = wilson_interval(k, count)
    return RightSide(count=count, right=k, share=k / count, wilson_lower=low, wilson_upper=high)

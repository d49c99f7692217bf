"""Metaculus's log scores: the Baseline score and the Peer score, one instant or time-averaged.

Both are built on the log score ``ln(q)``, q the probability given to what
happened, clipped to ``[LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]`` = [0.001, 0.999] as
for the log loss (so a "certain" miss costs ``ln(0.001)``, not minus infinity).
Unlike the Brier score and the log loss, **higher is better**.

* Baseline: the log score against chance (uniform over the N options),
  scaled so that certainty on the right answer would score 100:
  ``100 · (ln q − ln(1/N)) / ln N``; for yes/no (N = 2) that is
  ``100 · (log2 q + 1)``. A uniform forecast scores 0.
* Peer: the log score against every other forecaster at the same instant,
  ``100/(n−1) · Σ_{j≠i} (ln q_i − ln q_j)`` for n forecasters; the n scores
  sum to zero. A lone forecaster has nobody to beat and scores 0.

Over a question's window (the day rules of ``forecasts.scoring.daily``) every
day counts, as on Metaculus: days before the author's first forecast score 0,
and so do days on which nobody else has a forecast in force (Peer).
"""

import math
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np

from forecasts.scoring.daily import _daily, _unzip, _window
from forecasts.scoring.inputs import (
    LOG_LOSS_EPS,
    FloatArray,
    _distribution,
    _option,
    _outcome,
    _probabilities,
    _probability,
)
from forecasts.scoring.uncertainty import t_quantile

SCORE_SCALE = 100.0
"""Metaculus's scores are log scores times 100."""


def clipped(q: float) -> float:
    """The probability given to what happened, as scored: within [0.001, 0.999]."""
    return min(max(q, LOG_LOSS_EPS), 1.0 - LOG_LOSS_EPS)


def baseline_score(p: float, outcome: bool) -> float:
    """Binary Baseline score ``100 · (log2(q) + 1)``; q = p if it happened, else 1 − p.

    q is clipped to [0.001, 0.999]: 50% scores 0 whatever happens, 80% on
    what happened +67.8, 80% on what did not −132.2, the clip's floor −896.6.
    """
    p = _probability(p)
    return SCORE_SCALE * (math.log2(clipped(p if _outcome(outcome) else 1.0 - p)) + 1.0)


def baseline_score_multi(probabilities: Sequence[float], outcome_index: int) -> float:
    """Multiple-choice Baseline score ``100 · ln(N · q) / ln(N)`` over the N options.

    q is the (clipped) probability of the option that happened. Equal
    probabilities score 0; two options score exactly as ``baseline_score``.
    """
    f = _distribution(probabilities)
    if f.size < 2:
        raise ValueError("a multiple-choice forecast needs at least two options")
    q = clipped(float(f[_option(outcome_index, f.size)]))
    return SCORE_SCALE * math.log(f.size * q) / math.log(f.size)


def _peer(given: FloatArray) -> list[float]:
    """Peer scores of forecasters who gave ``given`` to what happened (already checked)."""
    n = given.size
    if n == 0:
        raise ValueError("peer scores need at least one forecaster")
    if n == 1:
        return [0.0]
    logs = np.log(np.clip(given, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS))
    return (SCORE_SCALE * (n * logs - logs.sum()) / (n - 1)).tolist()


def peer_scores(probabilities: Sequence[float], outcome: bool) -> list[float]:
    """Peer scores of n forecasters at one instant on a yes/no question, in their order.

    ``probabilities`` are each forecaster's P(yes). Forecaster i scores
    ``100/(n−1) · Σ_{j≠i} (ln q_i − ln q_j)``: 100 times how much their log
    score beats the others' on average, which is ``n/(n−1)`` times their log
    score minus the geometric mean's. The scores sum to zero; one forecaster
    alone scores 0.
    """
    p = _probabilities(probabilities, "probabilities")
    return _peer(p if _outcome(outcome) else 1.0 - p)


def peer_scores_multi(distributions: Sequence[Sequence[float]], outcome_index: int) -> list[float]:
    """``peer_scores`` on a multiple-choice question: one distribution per forecaster."""
    rows = [_distribution(row, f"distributions[{i}]") for i, row in enumerate(distributions)]
    if not rows:
        raise ValueError("peer scores need at least one forecaster")
    if any(row.size != rows[0].size for row in rows):
        raise ValueError("every forecast must give a probability to the same options")
    k = _option(outcome_index, rows[0].size)
    return _peer(np.array([row[k] for row in rows]))


def _daily_given(
    forecasts: Sequence[tuple[datetime, float]], window: tuple[int, int, int], outcome: bool
) -> FloatArray:
    """Probability given to what happened on each day of the window (NaN: no forecast yet)."""
    if not forecasts:
        return np.full(window[1], np.nan)
    instants, raw = _unzip(forecasts)
    p = _daily(instants, _probabilities(raw, "forecast probabilities")[:, None], window, None)
    return p[:, 0] if _outcome(outcome) else 1.0 - p[:, 0]


def _daily_given_multi(
    forecasts: Sequence[tuple[datetime, Sequence[float]]],
    window: tuple[int, int, int],
    outcome_index: int,
    k: int | None = None,
) -> FloatArray:
    if not forecasts:
        return np.full(window[1], np.nan)
    instants, raw = _unzip(forecasts)
    rows = [_distribution(row, f"forecast {i}") for i, row in enumerate(raw)]
    k = rows[0].size if k is None else k
    if any(row.size != k for row in rows):
        raise ValueError("every forecast must give a probability to the same options")
    return _daily(instants, np.vstack(rows), window, None)[:, _option(outcome_index, k)]


def _time_averaged_baseline(given: FloatArray, n_options: int) -> float | None:
    if np.all(np.isnan(given)):
        return None
    q = np.clip(given, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    daily = SCORE_SCALE * np.log(n_options * q) / math.log(n_options)
    return float(np.mean(np.where(np.isnan(given), 0.0, daily)))


def time_averaged_baseline(
    forecasts: Sequence[tuple[datetime, float]], opens: date, closes: date, outcome: bool
) -> float | None:
    """Baseline score averaged over every day of the window, Metaculus's way.

    The forecast in force on each UTC day from ``opens`` to the close day is
    found with the ``time_averaged_brier`` day rules (``closes`` may be the
    close moment, an aware datetime, or a date: the end of that UTC day) and
    scored with ``baseline_score``; days before the author's first forecast
    score 0, and the result is the mean over *all* days of the window. So a
    forecaster who joins halfway through gets at most half the credit.
    ``None`` when there is no forecast by the close.
    """
    return _time_averaged_baseline(_daily_given(forecasts, _window(opens, closes), outcome), 2)


def time_averaged_baseline_multi(
    forecasts: Sequence[tuple[datetime, Sequence[float]]],
    opens: date,
    closes: date,
    outcome_index: int,
) -> float | None:
    """``time_averaged_baseline`` for multiple choice (``baseline_score_multi`` per day)."""
    window = _window(opens, closes)
    if not forecasts:
        return None
    given = _daily_given_multi(forecasts, window, outcome_index)
    return _time_averaged_baseline(given, len(forecasts[0][1]))


def _time_averaged_peer(given: FloatArray) -> list[float | None]:
    """Each author's mean daily Peer score (authors × days matrix of q, NaN: no forecast).

    A day scores ``peer_scores`` among the authors with a forecast in force,
    0 for an author alone or without a forecast yet. ``None`` for an author
    never compared with anyone (no forecast, or nobody else's in force on any
    of their days).
    """
    present = ~np.isnan(given)
    n = present.sum(axis=0)
    logs = np.log(np.clip(np.where(present, given, 0.5), LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS))
    total = np.where(present, logs, 0.0).sum(axis=0)
    compared = present & (n > 1)
    daily = np.where(compared, SCORE_SCALE * (n * logs - total) / np.maximum(n - 1, 1), 0.0)
    return [float(daily[i].mean()) if compared[i].any() else None for i in range(given.shape[0])]


def time_averaged_peer(
    forecasts: Sequence[Sequence[tuple[datetime, float]]],
    opens: date,
    closes: date,
    outcome: bool,
) -> list[float | None]:
    """Peer scores of every author on one yes/no question, averaged over the window.

    ``forecasts`` holds each author's ``(stated_at, p)`` pairs. Each day of
    the window the authors' forecasts in force are found with the
    ``time_averaged_brier`` day rules and scored against each other with
    ``peer_scores``; an author scores 0 on days before their first forecast
    and on days when nobody else has one in force. The result, per author in
    order, is the mean over all days of the window, or ``None`` for an author
    never compared with another (no forecast by the close, or nobody else's in
    force on any of their days).
    """
    window = _window(opens, closes)
    if not forecasts:
        return []
    return _time_averaged_peer(np.vstack([_daily_given(a, window, outcome) for a in forecasts]))


def time_averaged_peer_multi(
    forecasts: Sequence[Sequence[tuple[datetime, Sequence[float]]]],
    opens: date,
    closes: date,
    outcome_index: int,
) -> list[float | None]:
    """``time_averaged_peer`` for multiple choice: each author's (stated_at, distribution)."""
    window = _window(opens, closes)
    sizes = {len(row) for author in forecasts for _, row in author}
    if len(sizes) > 1:
        raise ValueError("every forecast must give a probability to the same options")
    if not forecasts:
        return []
    k = sizes.pop() if sizes else 2
    given = [_daily_given_multi(a, window, outcome_index, k) for a in forecasts]
    return _time_averaged_peer(np.vstack(given))


def mean_with_t_interval(scores: Sequence[float]) -> tuple[float, float | None, float | None]:
    """An author's mean Baseline or Peer score with its 95% t interval: ``(mean, low, high)``.

    ``mean ± t_{0.975, N−1} · s / √N`` (s with N − 1 in the denominator), as
    ``mean_with_interval``'s default but not clipped: these scores have no
    fixed range. A single score has no interval: ``(mean, None, None)``.
    """
    values = np.asarray(scores, dtype=np.float64)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("scores must be a non-empty flat sequence of finite numbers")
    mean = float(values.mean())
    if values.size == 1:
        return mean, None, None
    half = t_quantile(0.975, values.size - 1) * float(values.std(ddof=1)) / math.sqrt(values.size)
    return mean, mean - half, mean + half

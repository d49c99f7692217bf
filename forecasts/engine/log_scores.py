"""Metaculus's Baseline and Peer scores per (author, question), for the whole ledger.

The array twin of ``forecasts.scoring.log_scores`` (a test checks they agree):

* Baseline: each valid forecast's ``100 · ln(N q) / ln(N)`` (N options, 2 for
  yes/no; q the probability it gave to what happened, clipped to
  [0.001, 0.999]), weighted by its days in force and divided by the days of
  the question's whole window: days before the author's first forecast
  score 0.
* Peer: on each crowd segment (``forecasts.engine.crowd``: a run of days over
  which everybody's forecast in force is fixed) with n > 1 members, a member
  scores ``100 · (n ln q_i − Σ ln q) / (n − 1)`` a day. The sums are exact
  (fixed point), so a question's rows come out bit for bit the same whether
  it is scored alone or with the whole ledger. Days alone score 0; a pair
  never in a segment with another author has no Peer score (NaN).
"""

from __future__ import annotations

import numpy as np

from forecasts.engine.ledger_arrays import Ledger
from forecasts.scoring import LOG_LOSS_EPS
from forecasts.scoring.log_scores import SCORE_SCALE


def log_scores(ledger: Ledger, f: dict, n_pairs: int) -> dict[str, np.ndarray]:
    """``baseline`` and ``peer`` of every pair (NaN where not scored).

    ``f`` holds the scorer's forecasts with each one's days in force
    (``start``, ``length``), the probability it gave to what happened
    (``given``) and, once the crowd is computed, its ``timeline``.
    """
    nan = np.full(n_pairs, np.nan)
    v = np.flatnonzero(f["length"] > 0)
    if v.size == 0:
        return {"baseline": nan, "peer": nan.copy()}
    question = f["question"][v]
    window = (ledger.close_day[question] - ledger.open_day[question] + 1).astype(np.float64)
    log_given = np.log(np.clip(f["given"][v], LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS))
    options = np.where(ledger.n_options[question] > 0, ledger.n_options[question], 2)
    baseline = SCORE_SCALE * (log_given + np.log(options)) / np.log(options)
    days = np.bincount(f["pair"][v], weights=f["length"][v], minlength=n_pairs)
    pair_window = np.zeros(n_pairs)
    pair_window[f["pair"][v]] = window
    scored = days > 0
    total = np.bincount(f["pair"][v], weights=f["length"][v] * baseline, minlength=n_pairs)
    peer, compared = _peer_sums(f["timeline"], log_given, n_pairs)
    return {
        "baseline": np.divide(total, pair_window, out=nan.copy(), where=scored),
        "peer": np.divide(peer, pair_window, out=nan, where=scored & compared),
    }


def _peer_sums(t, log_given: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's Peer score summed over its days, and whether it ever met another author.

    ``t`` is the crowd's timeline of the in-force forecasts, which are the
    forecasts of ``log_given`` in the same order. A forecast in force over
    segments [first, stop) with log score l adds ``100 · (l · ΣA − ΣB)``,
    with per segment A = w · n/(n − 1) and B = w · Σ ln q/(n − 1) (w its days,
    0 for a lone member): range sums of prefix sums, linear in forecasts and
    segments. Every sum is taken in 2^-40 fixed point on int64 (wrapping is
    harmless: only differences are used), so it is exact, and a question's
    scores do not depend on the questions scored with it.
    """
    logs = _fixed(log_given)
    change = np.zeros(t.members.size + 1, np.int64)
    np.add.at(change, t.first, logs)
    np.subtract.at(change, t.stop, logs)
    segment_sum = np.cumsum(change[:-1]) * _UNIT
    others = np.maximum(t.members - 1, 1).astype(np.float64)
    a = np.r_[0, np.cumsum(_fixed(t.shared * (t.members / others)))]
    b = np.r_[0, np.cumsum(_fixed(t.shared * segment_sum / others))]
    with np.errstate(over="ignore"):
        a_range, b_range = a[t.stop] - a[t.first], b[t.stop] - b[t.first]
    scores = SCORE_SCALE * (log_given * (a_range * _UNIT) - b_range * _UNIT)
    peer = np.bincount(t.pair, weights=scores, minlength=n_pairs)
    compared = np.bincount(t.pair, weights=t.shared_days, minlength=n_pairs) > 0
    return peer, compared


_UNIT = 2.0**-40


def _fixed(values: np.ndarray) -> np.ndarray:
    """Values as integers of 2^-40 (|values| < 2^23 fit in int64)."""
    return np.rint(values / _UNIT).astype(np.int64)

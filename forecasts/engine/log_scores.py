"""Metaculus's Baseline and Peer scores per (author, question), for the whole ledger.

The array twin of ``forecasts.scoring.log_scores`` (a test checks they agree):

* Baseline: each valid forecast's ``100 · ln(N q) / ln(N)`` (N options, 2 for
  yes/no; q the probability it gave to what happened, clipped to
  [0.001, 0.999]), weighted by its days in force and divided by the days of
  the question's whole window: days before the author's first forecast
  score 0.
* Peer: on each crowd segment (``forecasts.engine.crowd``: a run of days over
  which everybody's forecast in force is fixed) with n > 1 members, a member
  scores ``100 · (n ln q_i − Σ ln q) / (n − 1)``; the sum Σ is taken per
  segment over its members, in the order of the forecasts (question, author,
  time), so a question's rows come out bit for bit the same whether it is
  scored alone or with the whole ledger. Days alone score 0; a pair never in a
  segment with another author has no Peer score (NaN).
"""

from __future__ import annotations

import numpy as np

from forecasts.engine.crowd import ragged_arange
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
    forecasts of ``log_given`` in the same order.
    """
    width = t.stop - t.first
    cell_entry = np.repeat(np.arange(width.size), width)
    cell_segment = t.first[cell_entry] + ragged_arange(width)
    logs = log_given[cell_entry]
    segment_sum = np.bincount(cell_segment, weights=logs, minlength=t.members.size)
    n = t.members[cell_segment].astype(np.float64)
    shared = t.weight[cell_segment] > 0
    daily = np.divide(
        SCORE_SCALE * (n * logs - segment_sum[cell_segment]),
        n - 1.0,
        out=np.zeros(n.size),
        where=shared,
    )
    pair = t.pair[cell_entry]
    peer = np.bincount(pair, weights=daily * t.weight[cell_segment], minlength=n_pairs)
    compared = np.bincount(pair, weights=shared, minlength=n_pairs) > 0
    return peer, compared

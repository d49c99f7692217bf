"""Per (author, question) scores for a whole ledger at once, with NumPy.

This is the set-based twin of ``forecasts.scoring``: the same rules, applied
to arrays instead of one author's forecasts at a time, so that a million
forecasts are scored in seconds. A test checks that both agree.

The rules (SCORING.md):

* Only questions whose current resolution is yes, no or an option are scored.
  A pair on an annulled or unresolved question gets a row marked
  ``annulled`` or ``pending`` and no score (the scorecards count them).
* A forecast recorded after the current resolution's ``outcome_known_at`` is
  hindsight and never counts, not even in the crowd, unless it is
  retrospective: its source has a URL and a publication date, it was stated
  by the end of that day (UTC) and before the outcome was known
  (``forecasts.scoring.timing``); ``n_retrospective`` counts the scored
  forecasts that got in that way. A pair whose forecasts
  are all hindsight gets a row marked ``hindsight``. Forecasts stated after
  the close, and malformed ones, are ignored.
* Time-averaged Brier: one score per UTC day from the later of the open day
  and the author's first forecast to the close day, inclusive; the forecast
  in force on a day is the latest one stated on or before it.
* Final-forecast Brier and log loss (clipped to [0.001, 0.999]) of the last
  forecast; multiple choice uses the halved Brier over all options.
* Crowd: on each day, the median of the other authors' forecasts in force
  (per option for multiple choice, then rescaled to sum to 1); the crowd's
  Brier is the score of that median forecast. Only days on which the author
  and at least one other author have a forecast count, and the relative Brier
  is the author's mean daily Brier minus the crowd's over those same days.
* Metaculus's Baseline and Peer scores (``forecasts.engine.log_scores``),
  averaged over every day of the question's window.
"""

from __future__ import annotations

import numpy as np

from forecasts.engine.crowd import crowd_scores, distinct_codes
from forecasts.engine.ledger_arrays import ANNULLED, DRAFT, PENDING, RESOLVED, US_PER_DAY, Ledger
from forecasts.engine.log_scores import log_scores
from forecasts.scoring import LOG_LOSS_EPS, SUM_TOLERANCE

# Codes of QuestionScore.excluded_reason, in the order of EXCLUSIONS.
COUNTED, HINDSIGHT, NO_FORECAST, ANNULLED_ROW, PENDING_ROW = 0, 1, 2, 3, 4
EXCLUSIONS = ("", "hindsight", "no_forecast_in_window", "annulled", "pending")


def score_pairs(ledger: Ledger) -> dict[str, np.ndarray]:
    """One row per (question, author) pair with a forecast on a published question.

    The QuestionScore rows: scores where they count, otherwise the reason
    (``excluded``: hindsight, no forecast in the window, annulled, pending).
    ``question`` is an index into the ledger's question arrays.
    """
    f = _sorted_forecasts(ledger)
    n_pairs = int(f["pair"][-1]) + 1 if f["pair"].size else 0
    first = np.flatnonzero(f["new_pair"])
    pair_question, pair_author = f["question"][first], f["author"][first]
    _score_forecasts(ledger, f)
    rows = _time_averaged(ledger, f, n_pairs)
    rows.update(crowd_scores(ledger, f, n_pairs))
    rows.update(log_scores(ledger, f, n_pairs))
    rows["question"], rows["author"] = pair_question, pair_author
    rows["n_hindsight"] = np.bincount(f["pair"][f["hindsight"]], minlength=n_pairs)
    scored_late = f["retrospective"] & f["valid"]
    rows["n_retrospective"] = np.bincount(f["pair"][scored_late], minlength=n_pairs)
    status = ledger.status[pair_question]
    reason = np.where(
        rows["n_forecasts"] > 0, COUNTED, np.where(rows["n_hindsight"] > 0, HINDSIGHT, NO_FORECAST)
    )
    reason = np.where(status == ANNULLED, ANNULLED_ROW, reason)
    rows["excluded"] = np.where(status == PENDING, PENDING_ROW, reason)
    rows["resolution"] = ledger.resolution_id[pair_question]
    return rows


def _sorted_forecasts(ledger: Ledger) -> dict[str, np.ndarray]:
    """Forecasts on published questions, ordered by (question, author, stated_at, id)."""
    keep = np.flatnonzero(ledger.status[ledger.f_question] != DRAFT)
    # The ledger's forecasts are in id order: two stable sorts (by stated_at,
    # then by pair) leave them ordered by (question, author, stated_at, id),
    # faster than a four-key lexsort.
    _, author_code = distinct_codes(ledger.f_author[keep])
    pair_key = ledger.f_question[keep].astype(np.int64) * (int(author_code.max(initial=0)) + 1)
    pair_key += author_code
    by_time = np.argsort(ledger.f_stated_us[keep], kind="stable")
    order = keep[by_time[np.argsort(pair_key[by_time], kind="stable")]]
    q, a = ledger.f_question[order], ledger.f_author[order]
    new_pair = np.r_[True, (q[1:] != q[:-1]) | (a[1:] != a[:-1])] if q.size else np.zeros(0, bool)
    return {
        "order": order,
        "question": q,
        "author": a,
        "new_pair": new_pair,
        "pair": np.cumsum(new_pair) - 1,
        "stated": ledger.f_stated_us[order],
        "probability": ledger.f_probability[order],
    }


def _score_forecasts(ledger: Ledger, f: dict) -> None:
    """Each forecast's Brier score and the probability it gave to what happened."""
    q = f["question"]
    n = q.size
    position = np.full(ledger.forecast_id.size, -1)
    position[f["order"]] = np.arange(n)
    p_row = position[ledger.p_forecast]
    rows = np.flatnonzero(p_row >= 0)
    rows = rows[np.lexsort((ledger.p_option[rows], p_row[rows]))]  # by forecast, then option
    p_at, p_k, p_value = p_row[rows], ledger.p_option[rows], ledger.p_probability[rows]
    happened = (p_k == ledger.outcome[q[p_at]]).astype(np.float64)
    count = np.bincount(p_at, minlength=n)
    total = np.bincount(p_at, weights=p_value, minlength=n)
    squared = np.bincount(p_at, weights=(p_value - happened) ** 2, minlength=n)
    given_multi = np.bincount(p_at, weights=p_value * happened, minlength=n)
    multi = ledger.n_options[q] > 0
    outcome = ledger.outcome[q].astype(np.float64)
    p = f["probability"]
    resolved = ledger.status[q] == RESOLVED
    # Recorded after the outcome was known and not proved by a dated source
    # stated before it: hindsight (forecasts.scoring.is_hindsight).
    late = ledger.f_recorded_us[f["order"]] > ledger.known_us[q]
    proved = ledger.f_proved[f["order"]] & (f["stated"] <= ledger.known_us[q])
    f["retrospective"] = resolved & late & proved
    f["hindsight"] = resolved & late & ~proved
    well_formed = np.where(
        multi,
        (count == ledger.n_options[q]) & (np.abs(total - 1.0) <= SUM_TOLERANCE),
        (p >= 0.0) & (p <= 1.0),
    )
    f["valid"] = (
        resolved
        & ~f["hindsight"]
        & well_formed
        & (ledger.outcome[q] >= 0)
        & (f["stated"] <= ledger.closes_us[q])
    )
    f["brier"] = np.where(multi, 0.5 * squared, (p - outcome) ** 2)
    f["given"] = np.where(multi, given_multi, np.where(outcome == 1.0, p, 1.0 - p))
    f["multi"] = multi
    f["p_start"] = np.cumsum(count) - count
    f["p_count"], f["p_option"], f["p_value"] = count, p_k, p_value


def _time_averaged(ledger: Ledger, f: dict, n_pairs: int) -> dict[str, np.ndarray]:
    """Time-averaged and final-forecast scores of every pair, from its valid forecasts."""
    v = np.flatnonzero(f["valid"])
    q, pair = f["question"][v], f["pair"][v]
    start = np.maximum(f["stated"][v] // US_PER_DAY, ledger.open_day[q])
    continues = np.r_[pair[1:] == pair[:-1], False] if v.size else np.zeros(0, bool)
    end = np.where(continues, np.r_[start[1:], 0], ledger.close_day[q] + 1)
    length = (end - start).astype(np.float64)
    f["start"] = np.full(f["pair"].size, -1, np.int64)
    f["start"][v] = start
    f["length"] = np.zeros(f["pair"].size)
    f["length"][v] = length
    days = np.bincount(pair, weights=length, minlength=n_pairs)
    weighted = np.bincount(pair, weights=length * f["brier"][v], minlength=n_pairs)
    last = v[~continues]
    nan = np.full(n_pairs, np.nan)
    rows = {
        "brier": np.divide(weighted, days, out=nan.copy(), where=days > 0),
        "n_days": days.astype(np.int64),
        "n_forecasts": np.bincount(pair, minlength=n_pairs),
        "brier_final": nan.copy(),
        "final_given": nan.copy(),
        "final_yes": nan.copy(),  # P(yes) of the final forecast, binary questions only
    }
    last_pair = f["pair"][last]
    rows["brier_final"][last_pair] = f["brier"][last]
    rows["final_given"][last_pair] = f["given"][last]
    rows["final_yes"][last_pair] = np.where(f["multi"][last], np.nan, f["probability"][last])
    clipped = np.clip(rows["final_given"], LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    rows["log_loss"] = -np.log(clipped)
    return rows

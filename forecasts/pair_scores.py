"""Per (author, question) scores for a whole ledger at once, with NumPy.

This is the set-based twin of ``forecasts.scoring``: the same rules, applied
to arrays instead of one author's forecasts at a time, so that a million
forecasts are scored in seconds. A test checks that both agree.

The rules (SCORING.md):

* Only questions whose current resolution is yes, no or an option are scored.
  A pair on an annulled or unresolved question gets a row marked
  ``annulled`` or ``pending`` and no score (the scorecards count them).
* A forecast recorded after the current resolution's ``outcome_known_at`` is
  hindsight and never counts, not even in the crowd. A pair whose forecasts
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
"""

from __future__ import annotations

import numpy as np

from forecasts.ledger_arrays import ANNULLED, DRAFT, PENDING, RESOLVED, US_PER_DAY, Ledger
from forecasts.scoring import LOG_LOSS_EPS, SUM_TOLERANCE

# Codes of QuestionScore.excluded_reason, in the order of EXCLUSIONS.
COUNTED, HINDSIGHT, NO_FORECAST, ANNULLED_ROW, PENDING_ROW = 0, 1, 2, 3, 4
EXCLUSIONS = ("", "hindsight", "no_forecast_in_window", "annulled", "pending")
_DAY_OFFSET = 1 << 31  # keeps day numbers positive inside packed keys


def _packed(high: np.ndarray, day: np.ndarray) -> np.ndarray:
    return (high.astype(np.int64) << 32) + (day.astype(np.int64) + _DAY_OFFSET)


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
    rows.update(_crowd(ledger, f, n_pairs))
    rows["question"], rows["author"] = pair_question, pair_author
    rows["n_hindsight"] = np.bincount(f["pair"][f["hindsight"]], minlength=n_pairs)
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
    order = keep[
        np.lexsort(
            (
                ledger.forecast_id[keep],
                ledger.f_stated_us[keep],
                ledger.f_author[keep],
                ledger.f_question[keep],
            )
        )
    ]
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
    f["hindsight"] = resolved & (ledger.f_recorded_us[f["order"]] > ledger.known_us[q])
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


def _crowd(ledger: Ledger, f: dict, n_pairs: int) -> dict[str, np.ndarray]:
    """Crowd Brier and relative Brier of every pair (NaN where no other author forecast).

    A question's days split into segments at every day a forecast takes
    effect; within a segment everybody's forecast in force is fixed. A cell
    is one pair in one segment from its first forecast on, and the crowd of
    a cell is the median of the other cells of the same segment.
    """
    e = np.flatnonzero(f["length"] > 0)  # forecasts in force on at least one day
    e_question, e_pair, e_start = f["question"][e], f["pair"][e], f["start"][e]
    segment_key = np.unique(_packed(e_question, e_start))
    segment_question = segment_key >> 32
    segment_start = (segment_key & 0xFFFFFFFF) - _DAY_OFFSET
    is_last = np.r_[segment_question[1:] != segment_question[:-1], True][: segment_key.size]
    segment_end = np.where(
        is_last, ledger.close_day[segment_question] + 1, np.r_[segment_start[1:], 0]
    )
    first = np.r_[True, e_pair[1:] != e_pair[:-1]] if e.size else np.zeros(0, bool)
    cell_from = np.searchsorted(segment_key, _packed(e_question[first], e_start[first]))
    cell_to = np.searchsorted(segment_key, (e_question[first].astype(np.int64) + 1) << 32)
    width = cell_to - cell_from
    cell_pair = np.repeat(e_pair[first], width)
    cell_segment = np.repeat(cell_from, width) + _ragged_arange(width)
    in_force = (
        np.searchsorted(
            _packed(e_pair, e_start), _packed(cell_pair, segment_start[cell_segment]), side="right"
        )
        - 1
    )
    cell_forecast = e[in_force]
    crowd_brier, has_others = _cell_crowd(ledger, f, cell_forecast, cell_segment)
    weight = (segment_end - segment_start)[cell_segment] * has_others
    days = np.bincount(cell_pair, weights=weight, minlength=n_pairs)
    author = np.bincount(cell_pair, weights=weight * f["brier"][cell_forecast], minlength=n_pairs)
    crowd = np.bincount(cell_pair, weights=weight * crowd_brier, minlength=n_pairs)
    nan = np.full(n_pairs, np.nan)
    return {
        "crowd_brier": np.divide(crowd, days, out=nan.copy(), where=days > 0),
        "relative_brier": np.divide(author - crowd, days, out=nan.copy(), where=days > 0),
    }


def _ragged_arange(width: np.ndarray) -> np.ndarray:
    """0..w-1 for every w in ``width``, concatenated."""
    return np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)


def _cell_crowd(ledger: Ledger, f: dict, cell_forecast, cell_segment) -> tuple[np.ndarray, ...]:
    """The crowd's Brier score in each cell, and whether the cell has any other author."""
    multi = f["multi"][cell_forecast]
    counts = np.where(multi, f["p_count"][cell_forecast], 1)
    component_cell = np.repeat(np.arange(cell_forecast.size), counts)
    offset = _ragged_arange(counts)
    component_row = f["p_start"][cell_forecast][component_cell] + offset
    component_multi = multi[component_cell]
    option = np.zeros(component_cell.size, np.int64)
    value = f["probability"][cell_forecast][component_cell]
    option[component_multi] = f["p_option"][component_row[component_multi]]
    value[component_multi] = f["p_value"][component_row[component_multi]]
    group = cell_segment[component_cell].astype(np.int64) * (
        int(ledger.n_options.max(initial=1)) + 1
    )
    median, others = _median_of_others(group + option, value)
    outcome = ledger.outcome[f["question"][cell_forecast]]
    happened = (option == outcome[component_cell]).astype(np.float64)
    n_cells = cell_forecast.size
    total = np.bincount(component_cell, weights=median, minlength=n_cells)
    # Medians of zero for every option (possible with three or more others) mean no
    # preference: the crowd then spreads its probability evenly.
    even = 1.0 / counts[component_cell]
    share = np.divide(median, total[component_cell], out=even, where=total[component_cell] > 0)
    multi_brier = 0.5 * np.bincount(
        component_cell, weights=(share - happened) ** 2, minlength=n_cells
    )
    binary_brier = (
        np.bincount(component_cell, weights=median, minlength=n_cells) - outcome.astype(np.float64)
    ) ** 2
    brier = np.where(multi, multi_brier, binary_brier)
    has_others = np.zeros(n_cells, bool)
    has_others[component_cell] = others > 0
    return np.where(has_others, brier, 0.0), has_others


def _by_group_then_value(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The order sorting by group, then value (in [0, 1]).

    One argsort of ``group + value / 2`` is three times faster than a
    two-key sort, but rounding can tie or swap values less than about 1e-9
    apart within a group; the result is checked, and if that happened the
    exact two-key sort is used instead.
    """
    order = np.argsort(group.astype(np.float64) + value * 0.5)
    g, v = group[order], value[order]
    same = g[1:] == g[:-1]
    if np.any(g[1:] < g[:-1]) or np.any(same & (v[1:] < v[:-1])):
        return np.lexsort((value, group))
    return order


def _median_of_others(group: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element, the median of the other values of its group, and how many there are.

    The middle one or two of the group's sorted values, skipping the element
    itself; the same formula as ``scoring.crowd_median``.
    """
    order = _by_group_then_value(group, value)
    g, v = group[order], value[order]
    starts = np.r_[True, g[1:] != g[:-1]] if g.size else np.zeros(0, bool)
    start_of = np.flatnonzero(starts)
    which = np.cumsum(starts) - 1
    size = np.diff(np.r_[start_of, g.size])[which]
    base = start_of[which]
    rank = np.arange(g.size) - base
    others = size - 1
    low, high = (others - 1) // 2, others // 2
    low_at = base + low + (low >= rank)
    high_at = base + high + (high >= rank)
    ok = others > 0
    median_sorted = np.where(
        ok, (v[np.where(ok, low_at, 0)] + v[np.where(ok, high_at, 0)]) / 2.0, 0.0
    )
    median = np.empty_like(median_sorted)
    median[order] = median_sorted
    counts = np.empty_like(others)
    counts[order] = others
    return median, counts

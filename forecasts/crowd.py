"""The crowd: each day, the median of the other authors' forecasts in force.

A question's days split into *segments* at every day on which some forecast
takes effect; within a segment everybody's forecast in force is fixed, so one
median per segment stands for all its days. A *cell* is one author in one
segment, from the segment of their first forecast on. Cells are laid out
segment by segment, so the members of a segment sit next to each other and
their medians need no global sort: small segments (the vast majority) are
sorted as rows of a small matrix.

For a multiple-choice question the crowd takes the median of each option's
probabilities and rescales them to sum to 1 (evenly spread if all are 0).
"""

from __future__ import annotations

import numpy as np

from forecasts.ledger_arrays import Ledger

_DAY_OFFSET = 1 << 31  # keeps day numbers positive inside packed keys
_ROW_WIDTH = 8  # segments with at most this many authors are sorted as matrix rows


def packed(high: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One sortable int64 per (id, day): the id in the high 32 bits."""
    return (high.astype(np.int64) << 32) + (day.astype(np.int64) + _DAY_OFFSET)


def ragged_arange(width: np.ndarray) -> np.ndarray:
    """0..w-1 for every w in ``width``, concatenated."""
    return np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for integers, by sorting (NumPy 2's hashing is slower here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def distinct_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for integers.

    Ids in a narrow range (authors, tags) are counted with ``np.bincount``
    instead of sorted: linear time.
    """
    if values.size == 0:
        return values.copy(), np.zeros(0, np.int64)
    low, high = int(values.min()), int(values.max())
    if high - low > 4 * values.size + 1_000_000:
        found = distinct(values)
        return found, np.searchsorted(found, values)
    offset = values - low
    present = np.bincount(offset, minlength=high - low + 1) > 0
    code = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(values.dtype) + low, code[offset]


def crowd_scores(ledger: Ledger, f: dict, n_pairs: int) -> dict[str, np.ndarray]:
    """Crowd Brier and relative Brier per pair (NaN where no other author had a forecast).

    ``f`` holds the scorer's forecasts ordered by pair and time, with each
    valid forecast's first day in force (``start``) and number of days in
    force (``length``), its Brier score and its probabilities.
    """
    e = np.flatnonzero(f["length"] > 0)  # forecasts in force on at least one day
    e_question, e_pair, e_start = f["question"][e], f["pair"][e], f["start"][e]
    segment_key = distinct(packed(e_question, e_start))
    segment_question = segment_key >> 32
    segment_start = (segment_key & 0xFFFFFFFF) - _DAY_OFFSET
    is_last = np.r_[segment_question[1:] != segment_question[:-1], True][: segment_key.size]
    segment_end = np.where(
        is_last, ledger.close_day[segment_question] + 1, np.r_[segment_start[1:], 0]
    )
    cell_segment, cell_pair, members = _cells(e_question, e_pair, e_start, segment_key)
    in_force = np.searchsorted(
        packed(e_pair, e_start), packed(cell_pair, segment_start[cell_segment]), side="right"
    )
    cell_forecast = e[in_force - 1]
    crowd_brier = _crowd_brier(ledger, f, cell_forecast, cell_segment, segment_question, members)
    has_others = members[cell_segment] > 1
    weight = (segment_end - segment_start)[cell_segment] * has_others
    days = np.bincount(cell_pair, weights=weight, minlength=n_pairs)
    author = np.bincount(cell_pair, weights=weight * f["brier"][cell_forecast], minlength=n_pairs)
    crowd = np.bincount(
        cell_pair, weights=weight * np.where(has_others, crowd_brier, 0.0), minlength=n_pairs
    )
    nan = np.full(n_pairs, np.nan)
    return {
        "crowd_brier": np.divide(crowd, days, out=nan.copy(), where=days > 0),
        "relative_brier": np.divide(author - crowd, days, out=nan.copy(), where=days > 0),
    }


def _cells(e_question, e_pair, e_start, segment_key) -> tuple[np.ndarray, ...]:
    """Every (segment, pair) cell, segment by segment, and each segment's number of cells.

    Ordering a question's pairs by the segment of their first forecast makes
    the members of each segment a prefix of that order.
    """
    first = np.r_[True, e_pair[1:] != e_pair[:-1]][: e_pair.size]
    pair, question = e_pair[first], e_question[first]
    first_segment = np.searchsorted(segment_key, packed(question, e_start[first]))
    order = np.argsort(first_segment, kind="stable")  # also sorts by question
    pair, question, first_segment = pair[order], question[order], first_segment[order]
    n_segments = segment_key.size
    question_start = np.searchsorted(question, segment_key >> 32)
    members = np.searchsorted(first_segment, np.arange(n_segments), side="right") - question_start
    cell_segment = np.repeat(np.arange(n_segments), members)
    cell_pair = pair[np.repeat(question_start, members) + ragged_arange(members)]
    return cell_segment, cell_pair, members


def _crowd_brier(ledger, f, cell_forecast, cell_segment, segment_question, members):
    """The Brier score of the crowd's forecast in every cell (any value where it has none).

    Binary segments (nearly all of them) take a short path: one value per
    cell, the median of the others' P(yes). Multiple-choice segments go
    through ``_option_crowd_brier``, which works per (cell, option).
    """
    multi_segment = ledger.n_options[segment_question] > 0
    multi = multi_segment[cell_segment]
    brier = np.empty(cell_forecast.size)
    binary = np.flatnonzero(~multi)
    median = median_of_others(f["probability"][cell_forecast[binary]], members[~multi_segment])
    brier[binary] = (median - ledger.outcome[segment_question[cell_segment[binary]]]) ** 2
    if multi_segment.any():
        brier[multi] = _option_crowd_brier(
            ledger, f, cell_forecast[multi], segment_question[multi_segment], members[multi_segment]
        )
    return brier


def _option_crowd_brier(ledger, f, cell_forecast, segment_question, members) -> np.ndarray:
    """``_crowd_brier`` for any segments, binary or not, one group per (segment, option)."""
    n_cells = cell_forecast.size
    cell_start = np.cumsum(members) - members
    n_options = ledger.n_options[segment_question]
    outcome = ledger.outcome[segment_question]
    # One group per binary segment, one per (segment, option) of a multiple-choice one.
    k = np.where(n_options > 0, n_options, 1)
    group_segment = np.repeat(np.arange(members.size), k)
    group_option = ragged_arange(k)
    size = members[group_segment]
    element_cell = np.repeat(cell_start[group_segment], size) + ragged_arange(size)
    element_option = np.repeat(group_option, size)
    forecast = cell_forecast[element_cell]
    multi = np.repeat(n_options[group_segment] > 0, size)
    value = f["probability"][forecast].copy()
    rows = f["p_start"][forecast[multi]] + element_option[multi]
    value[multi] = f["p_value"][rows]
    median = median_of_others(value, size)
    cell_segment = np.repeat(np.arange(members.size), members)
    happened = element_option == np.repeat(np.repeat(outcome, k), size)
    total = np.bincount(element_cell, weights=np.nan_to_num(median), minlength=n_cells)
    even = 1.0 / np.repeat(np.repeat(k, k), size)
    share = np.divide(median, total[element_cell], out=even, where=total[element_cell] > 0)
    squared = np.where(multi, (share - happened) ** 2, 0.0)
    multi_brier = 0.5 * np.bincount(element_cell, weights=squared, minlength=n_cells)
    binary_median = np.bincount(
        element_cell, weights=np.where(multi, 0.0, np.nan_to_num(median)), minlength=n_cells
    )
    binary_brier = (binary_median - outcome[cell_segment]) ** 2
    return np.where(n_options[cell_segment] > 0, multi_brier, binary_brier)


def median_of_others(value: np.ndarray, size: np.ndarray) -> np.ndarray:
    """For each value, the median of the other values of its group (NaN if it is alone).

    Groups are consecutive runs of ``size[g]`` values. The median of the m
    others is the mean of their ((m-1)//2)-th and (m//2)-th smallest, as
    ``scoring.crowd_median`` computes it. With the whole group sorted as S,
    the i-th smallest of the others is S[i] if the value itself sorts after
    position i and S[i + 1] otherwise; comparing the value with S[i] tells
    which (when they are equal, S[i] and S[i + 1] are equal too).
    """
    group = np.repeat(np.arange(size.size), size)
    group_size = size[group]
    result = np.full(value.size, np.nan)  # stays NaN for a value alone in its group
    small = np.flatnonzero((group_size > 1) & (group_size <= _ROW_WIDTH))
    if small.size:
        result[small] = _small_groups(value, size, group, small)
    large = np.flatnonzero(group_size > _ROW_WIDTH)
    if large.size:
        result[large] = _large_groups(group[large], value[large])
    return result


def _median_from_sorted(x, ordered_at, others: np.ndarray) -> np.ndarray:
    """The median of the others, given a lookup of the group's sorted values by position.

    The others' ((m-1)//2)-th and (m//2)-th smallest are the same position
    when m is odd and neighbours when it is even, so three positions of the
    whole group (low, low + 1, low + 2) cover both. Groups have at least two
    values, nine for the large ones, and small ones are padded to eight, so
    every lookup stays inside the group's row or run.
    """
    low = (others - 1) // 2
    at_low, after_low, after_next = ordered_at(low), ordered_at(low + 1), ordered_at(low + 2)
    first = np.where(x <= at_low, after_low, at_low)
    second = np.where(x <= after_low, after_next, after_low)
    return np.where(others % 2 == 0, (first + second) / 2.0, first)


def _small_groups(value, size, group, members) -> np.ndarray:
    """Groups of at most _ROW_WIDTH values: each sorted as one row of a matrix."""
    is_small = (size > 1) & (size <= _ROW_WIDTH)
    row_of_group = np.cumsum(is_small) - 1
    start = np.cumsum(size) - size
    member_group = group[members]
    base = row_of_group[member_group] * _ROW_WIDTH  # each member's row, as a flat offset
    flat = np.full(int(is_small.sum()) * _ROW_WIDTH, np.inf)
    flat[base + members - start[member_group]] = value[members]
    flat.reshape(-1, _ROW_WIDTH).sort(axis=1)
    others = size[member_group] - 1
    return _median_from_sorted(value[members], lambda i: flat[base + i], others)


def _large_groups(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Larger groups: one sort of all their values by (group, value)."""
    order = np.lexsort((value, group))
    ordered = value[order]
    g = group[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    start_of = np.flatnonzero(starts)
    sizes = np.diff(np.r_[start_of, g.size])
    base = np.repeat(start_of, sizes)
    median = np.empty(value.size)
    median[order] = _median_from_sorted(
        ordered, lambda i: ordered[base + i], np.repeat(sizes, sizes) - 1
    )
    return median

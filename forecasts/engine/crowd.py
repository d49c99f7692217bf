"""The crowd: each day, the median of the other authors' forecasts in force.

A question's days split into *segments* at every day on which some forecast
takes effect; within a segment everybody's forecast in force is fixed, so one
median per segment stands for all its days. A segment's *members* are the
authors with a forecast in force in it; a *cell* is one member in one segment.

The median of the others takes at most three values per segment. With the
segment's n members sorted as S and m = n - 1 others, the median of the others
is the mean of their ((m-1)//2)-th and (m//2)-th smallest, and the i-th
smallest of the others is S[i] if the author sorts after position i, S[i + 1]
otherwise. So with low = (m-1)//2, every member at a position up to low gets
the same crowd forecast, the member at low + 1 another, and everybody after a
third: the crowd needs S[low], S[low + 1] and S[low + 2] per segment and each
cell's position, not one median per cell. (Equal values may sort either way:
the values picked are then equal too.)

The sorting is done once per *lane*: a binary question is one lane (P(yes)),
a multiple-choice question one lane per option. Each in-force forecast is
ranked within its lane, and each lane gets a segments-by-ranks grid in one
flat boolean array that marks where a forecast is in force; its marks, read
in order, are the cells segment by segment in rank order (a counting sort).

For a multiple-choice question the crowd takes the median of each option's
probabilities and rescales them to sum to 1 (evenly spread if all are 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasts.engine.ledger_arrays import Ledger
from forecasts.scoring.crowd import rescale_medians
from forecasts.scoring.inputs import MIN_CROWD

_DAY_OFFSET = 1 << 31  # keeps day numbers positive inside packed keys


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
    nan = np.full(n_pairs, np.nan)
    e = np.flatnonzero(f["length"] > 0)  # forecasts in force on at least one day
    if e.size == 0:
        return {"crowd_brier": nan, "relative_brier": nan.copy(), "crowd_size": nan.copy()}
    t = _timeline(ledger, f, e)
    f["timeline"] = t  # the Peer scores (forecasts.engine.log_scores) use it too
    days = np.bincount(t.pair, weights=t.days, minlength=n_pairs)
    author = np.bincount(t.pair, weights=t.days * f["brier"][e], minlength=n_pairs)
    others = np.bincount(t.pair, weights=t.others, minlength=n_pairs)
    crowd = _binary_crowd(ledger, f, e, t, n_pairs) + _multi_crowd(ledger, f, e, t, n_pairs)
    return {
        "crowd_brier": np.divide(crowd, days, out=nan.copy(), where=days > 0),
        "relative_brier": np.divide(author - crowd, days, out=nan.copy(), where=days > 0),
        # Other authors in the crowd, averaged over the days compared.
        "crowd_size": np.divide(others, days, out=nan, where=days > 0),
    }


@dataclass
class _Timeline:
    """The segments, and the run of segments each in-force forecast covers.

    Segments are numbered question by question, in time order. Arrays named
    ``q_*`` are indexed by question (as in the ledger), the other per-forecast
    ones by position among the in-force forecasts ``e``.
    """

    question: np.ndarray
    pair: np.ndarray
    first: np.ndarray  # the segment in which the forecast takes effect
    stop: np.ndarray  # one past its last segment: the pair's next forecast's, or the question's end
    days: np.ndarray  # its days in force on which at least MIN_CROWD others have a forecast
    others: np.ndarray  # the sum over those days of the number of others
    members: np.ndarray  # per segment: authors with a forecast in force
    weight: np.ndarray  # per segment: its days, 0 with fewer than MIN_CROWD + 1 members
    shared: np.ndarray  # per segment: its days, 0 with a single member (Peer scores)
    shared_days: np.ndarray  # per forecast: its days in force with at least one other
    q_forecasts: np.ndarray  # in-force forecasts per question
    q_first_forecast: np.ndarray
    q_segments: np.ndarray
    q_first_segment: np.ndarray


def _timeline(ledger: Ledger, f: dict, e: np.ndarray) -> _Timeline:
    question, pair = f["question"][e], f["pair"][e]
    key = packed(question, f["start"][e])
    order = np.argsort(key, kind="stable")  # nearly sorted already: by question
    ordered = key[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    segment_key = ordered[new]
    first = np.empty(e.size, np.int64)
    first[order] = np.cumsum(new) - 1
    segment_question = segment_key >> 32
    segment_start = (segment_key & 0xFFFFFFFF) - _DAY_OFFSET
    n_segments = segment_key.size
    is_last = np.r_[segment_question[1:] != segment_question[:-1], True]
    segment_end = np.where(
        is_last, ledger.close_day[segment_question] + 1, np.r_[segment_start[1:], 0]
    )
    n_questions = ledger.question_id.size
    q_segments = np.bincount(segment_question, minlength=n_questions)
    q_forecasts = np.bincount(question, minlength=n_questions)
    q_stop = np.cumsum(q_segments)
    continues = np.r_[pair[1:] == pair[:-1], False]
    stop = np.where(continues, np.r_[first[1:], 0], q_stop[question])
    joins = np.bincount(first, minlength=n_segments + 1) - np.bincount(
        stop, minlength=n_segments + 1
    )
    members = np.cumsum(joins)[:n_segments]
    weight = (segment_end - segment_start) * (members > MIN_CROWD)  # the author and MIN_CROWD
    covered = np.r_[0, np.cumsum(weight)]  # integers: exact differences
    crowded = np.r_[0, np.cumsum(weight * (members - 1))]
    shared = (segment_end - segment_start) * (members > 1)
    shared_covered = np.r_[0, np.cumsum(shared)]
    return _Timeline(
        question=question,
        pair=pair,
        first=first,
        stop=stop,
        days=(covered[stop] - covered[first]).astype(np.float64),
        others=(crowded[stop] - crowded[first]).astype(np.float64),
        members=members,
        weight=weight,
        shared=shared,
        shared_days=(shared_covered[stop] - shared_covered[first]).astype(np.float64),
        q_forecasts=q_forecasts,
        q_first_forecast=np.cumsum(q_forecasts) - q_forecasts,
        q_segments=q_segments,
        q_first_segment=q_stop - q_segments,
    )


def _binary_crowd(ledger, f, e, t: _Timeline, n_pairs: int) -> np.ndarray:
    """Each pair's crowd Brier summed over its days with others, binary questions.

    A lane's cells come out segment by segment in rank order, so the crowd's
    Brier of each cell follows from its place: runs of low + 1, 1 and the
    rest of the members. The sums are taken per entry, then per pair.
    """
    questions = np.flatnonzero((t.q_forecasts > 0) & (ledger.n_options == 0))
    if questions.size == 0:
        return np.zeros(n_pairs)
    lanes = _Lanes(t, questions)
    s = _order_statistics(t, lanes, f["probability"][e[lanes.entry]])
    outcome = ledger.outcome[questions][s.lane]
    brier = (s.candidates - outcome[:, None]) ** 2 * t.weight[s.segment][:, None]
    runs = np.stack([s.low + 1, np.ones_like(s.low), s.members - s.low - 2], axis=1)
    by_place = np.bincount(
        s.cells, weights=np.repeat(brier.ravel(), runs.ravel()), minlength=s.order.size
    )
    return np.bincount(t.pair[lanes.entry[s.order]], weights=by_place, minlength=n_pairs)


def _multi_crowd(ledger, f, e, t: _Timeline, n_pairs: int) -> np.ndarray:
    """``_binary_crowd`` for multiple-choice questions, one element per (cell, option).

    Each element's option median is picked by comparing the forecast's place
    in that option's lane with the places of S[low] and S[low + 1].
    """
    questions = np.flatnonzero((t.q_forecasts > 0) & (ledger.n_options > 0))
    if questions.size == 0:
        return np.zeros(n_pairs)
    k = ledger.n_options[questions]
    lanes = _Lanes(t, np.repeat(questions, k))
    rows = f["p_start"][e[lanes.entry]] + np.repeat(ragged_arange(k), lanes.entries)
    s = _order_statistics(t, lanes, f["p_value"][rows])
    q_first_lane = np.zeros(ledger.question_id.size, np.int64)
    q_first_lane[questions] = np.cumsum(k) - k
    # The cells of the multiple-choice forecasts, forecast by forecast.
    forecast = np.flatnonzero(ledger.n_options[t.question] > 0)
    width = t.stop[forecast] - t.first[forecast]
    cell_forecast = np.repeat(forecast, width)
    cell_segment = _progressions(t.first[forecast], 1, width)
    cell_question = t.question[cell_forecast]
    n_options = ledger.n_options[cell_question]
    element_cell = np.repeat(np.arange(cell_forecast.size), n_options)
    option = ragged_arange(n_options)
    lane = q_first_lane[cell_question][element_cell] + option
    segment = cell_segment[element_cell] + lanes.segment_shift[lane]
    at = s.place[cell_forecast[element_cell] + lanes.entry_shift[lane]]
    category = (at > s.low_place[segment]).astype(np.int64) + (at > s.next_place[segment])
    median = s.candidates[segment, category]
    share = rescale_medians(median, element_cell, n_options[element_cell])
    happened = option == ledger.outcome[cell_question][element_cell]
    squared = np.bincount(
        element_cell, weights=(share - happened) ** 2, minlength=cell_forecast.size
    )
    weight = 0.5 * squared * t.weight[cell_segment]
    return np.bincount(t.pair[cell_forecast], weights=weight, minlength=n_pairs)


class _Lanes:
    """Lanes (one per element of ``question``), their entries and their segments.

    A lane's entries are its question's in-force forecasts (``entry``: their
    positions in ``e``), and its segments its question's; both are numbered
    lane by lane. ``entry_shift`` and ``segment_shift`` turn a forecast's or a
    question segment's number into the lane's.
    """

    def __init__(self, t: _Timeline, question: np.ndarray):
        self.question = question
        self.entries = t.q_forecasts[question]
        self.entry_base = np.cumsum(self.entries) - self.entries
        self.entry = _progressions(t.q_first_forecast[question], 1, self.entries)
        self.entry_shift = self.entry_base - t.q_first_forecast[question]
        self.segments = t.q_segments[question]
        self.first_segment = t.q_first_segment[question]
        self.segment_shift = np.cumsum(self.segments) - self.segments - self.first_segment


@dataclass
class _Statistics:
    """What the crowd needs of each lane segment.

    A *place* is an entry's position in ``order``: its lane's first place
    plus its rank in the lane.
    """

    order: np.ndarray  # the entries, lane by lane in rank order
    place: np.ndarray  # per entry: its place
    cells: np.ndarray  # the places of the members, segment by segment in rank order
    lane: np.ndarray
    segment: np.ndarray  # the question segment behind each lane segment
    members: np.ndarray
    low: np.ndarray  # (m - 1) // 2 for the m others; -1 for a lone member
    low_place: np.ndarray  # the places of S[low] and S[low + 1]
    next_place: np.ndarray
    candidates: np.ndarray  # the crowd for a member at or before low, at low + 1, after it


def _order_statistics(t: _Timeline, lanes: _Lanes, value: np.ndarray) -> _Statistics:
    """Rank each lane's values, mark the cells on the grid and read off S[low .. low + 2].

    Each lane has a grid with a row per segment and a column per rank, all
    of them in one flat boolean array (``row_base``: where each lane
    segment's row starts). An entry in force over segments [first, stop)
    marks its column on those rows: an arithmetic progression. The grids
    take a byte per segment and in-force forecast of each lane's question.
    """
    order = _group_order(value, lanes.entries)
    n_lanes = lanes.question.size
    entry_lane = np.repeat(np.arange(n_lanes), lanes.entries)
    place = np.empty(value.size, np.int64)
    place[order] = np.arange(value.size)
    rank = place - lanes.entry_base[entry_lane]
    lane = np.repeat(np.arange(n_lanes), lanes.segments)
    segment = np.arange(lane.size) - lanes.segment_shift[lane]
    area = lanes.segments * lanes.entries
    row_shift = np.cumsum(area) - area - lanes.first_segment * lanes.entries
    first, stop = t.first[lanes.entry], t.stop[lanes.entry]
    step = lanes.entries[entry_lane]
    grid = np.zeros(int(area.sum()), bool)
    grid[_progressions(row_shift[entry_lane] + first * step + rank, step, stop - first)] = True
    cells = np.flatnonzero(grid)
    members = t.members[segment]
    # From grid positions to places: minus the row's start, plus the lane's first place.
    row_base = row_shift[lane] + segment * lanes.entries[lane]
    cells -= np.repeat(row_base - lanes.entry_base[lane], members)
    low = (members - 2) // 2
    cell_base = np.cumsum(members) - members
    low_place = cells[cell_base + np.maximum(low, 0)]
    next_place = cells[cell_base + low + 1]
    last_place = cells[cell_base + np.minimum(low + 2, members - 1)]
    ordered = value[order]
    return _Statistics(
        order=order,
        place=place,
        cells=cells,
        lane=lane,
        segment=segment,
        members=members,
        low=low,
        low_place=low_place,
        next_place=next_place,
        candidates=_candidates(
            ordered[low_place], ordered[next_place], ordered[last_place], members - 1
        ),
    )


def _candidates(v0, v1, v2, others: np.ndarray) -> np.ndarray:
    """The median of the others for a member at or before low, at low + 1 and after it.

    ``v0``, ``v1``, ``v2`` are S[low], S[low + 1], S[low + 2]. With an odd
    number of others the median is their (m-1)//2-th smallest alone: S[low + 1]
    for a member at or before low, S[low] otherwise.
    """
    even = others % 2 == 0
    result = np.empty((even.size, 3))
    result[:, 0] = np.where(even, (v1 + v2) / 2.0, v1)
    result[:, 1] = np.where(even, (v0 + v2) / 2.0, v0)
    result[:, 2] = np.where(even, (v0 + v1) / 2.0, v0)
    return result


def _progressions(first: np.ndarray, step, count: np.ndarray) -> np.ndarray:
    """first, first + step, ... (count terms) for every (first, step, count), concatenated.

    ``step`` is a number or one per progression. Built as one cumulative sum
    of the steps, each progression's first term jumping from the previous
    one's last.
    """
    out = np.repeat(np.broadcast_to(step, count.shape), count)
    present = count > 0
    if present.any():
        first, count = first[present], count[present]
        last = first + (count - 1) * np.broadcast_to(step, present.shape)[present]
        out[np.cumsum(count) - count] = first - np.r_[0, last[:-1]]
        np.cumsum(out, out=out)
    return out


def _group_order(value: np.ndarray, size: np.ndarray) -> np.ndarray:
    """The values' order, group by group: the positions of each group's smallest value first.

    Groups are consecutive runs of ``size[g]`` values; equal values come in
    any order. Groups are sorted as rows of a matrix padded with +inf, one
    matrix per width 2, 4, 8 ... (a group of n values goes to the narrowest
    width of at least n).
    """
    start = np.cumsum(size) - size
    order = np.arange(value.size)
    bucket = np.frexp(np.maximum(size, 1) - 1)[1]  # n values: width 2**bucket >= n
    for b in np.flatnonzero(np.bincount(bucket, minlength=1)[1:]) + 1:  # width 1: sorted
        groups = np.flatnonzero(bucket == b)
        n = size[groups]
        column = ragged_arange(n)
        row = np.repeat(np.arange(groups.size), n)
        at = np.repeat(start[groups], n) + column
        matrix = np.full((groups.size, 1 << b), np.inf)
        matrix[row, column] = value[at]
        ranked = np.argsort(matrix, axis=1).ravel()[row * (1 << b) + column]
        order[at] = np.repeat(start[groups], n) + ranked
    return order

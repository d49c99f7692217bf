"""Scorecard figures from per-question scores, for many authors and tags at once.

A scorecard is kept as running *totals* (``TOTALS`` and, per calibration
bin, ``BIN_TOTALS``), stored in ``Scorecard.totals``; every figure on the
card (mean Brier and its bounded interval, calibration table, Murphy terms...) is
computed from them. That lets ``rescore_question`` update the cards of a
question's authors by taking the question's old rows out of the totals and
putting the new ones in, without reading the authors' other questions.
``totals_from_rows`` builds a set of rows' totals from scratch with one
``np.bincount`` per total over every (author, tag) group; ``rescore_all`` adds
each chunk's rows straight into the sum of every card (``ColumnTotals``).
The scalar figures are stored beside the totals (``figures``); the calibration
table and Murphy terms are not, and are derived from the totals when read
(``binned_figures``, ``stored_binned_figures``).

Rows are QuestionScore-like arrays: ``author``, ``question``, ``excluded``
(codes of ``forecasts.engine.pair_scores``), ``brier``, ``brier_final``,
``log_loss``, ``relative_brier``, ``final_given`` (what the final forecast
gave to what happened), ``outcome_yes`` (1/0 for binary, NaN otherwise) and
``n_hindsight``, ``n_retrospective``, ``crowd_size`` (other authors in the crowd, per
day compared), ``reference`` (the Brier of the uniform forecast on the row's
question, ``scoring.bounded.uniform_brier``) and Metaculus's ``baseline`` and
``peer`` (NaN for none; their means get a t interval, unclipped). The figures
agree with ``forecasts.scoring`` (``score_interval``, ``skill_against_uniform``,
``mean_with_interval``, ``calibration_table``, ``murphy_decomposition``);
tests/engine/test_rescoring.py checks them.

**Exact totals.** Every value a row adds is first rounded to a whole number
of ``UNIT`` (2⁻³²), so each total is a whole number of units held exactly in a
float64 (below 2⁵³: over two million questions per card). Sums of whole numbers
do not depend on their order, so totals updated row by row (``apply_rows``)
are bit for bit those built from scratch (``totals_by_group``), and
``rescore --verify`` finds nothing to rewrite after any sequence of updates.
The rounding moves a mean by at most 2⁻³³ (about 1e-10). The spread of the
Brier scores comes from Σx and Σx² (each rounded the same way). Baseline and
Peer sums are each kept as two totals, coarse and fine (``_LOG_UNITS``): their
values run to hundreds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache

import numpy as np

from forecasts.engine.crowd import distinct_codes
from forecasts.engine.pair_scores import ANNULLED_ROW, COUNTED, PENDING_ROW
from forecasts.scoring import wilson_interval
from forecasts.scoring.bounded import bounded_interval_many
from forecasts.scoring.t_quantiles import t_975

N_BINS = 10
LOG_SCORES = ("baseline", "peer")
LOG_SCORE_TOTALS = tuple(
    total
    for name in LOG_SCORES
    for total in (f"n_{name}", f"{name}_sum", f"{name}_sum_lo", f"{name}_sq", f"{name}_sq_lo")
)
_BIN_DECIMALS = 9  # as scoring.calibration_bin_index: 0.3 lands in bin 3
TOTALS = (
    "n_scored",
    "brier_sum",
    "brier_sq_sum",
    "brier_final_sum",
    "log_loss_sum",
    "relative_n",
    "relative_sum",
    "crowd_size_sum",
    "n_better_than_coin",
    "n_resolved",
    "n_annulled",
    "n_hindsight",
    "n_pending",
    "n_retrospective",
    "reference_sum",
    # Metaculus's Baseline and Peer scores: count, sum and sum of squares each.
    *LOG_SCORE_TOTALS,
)
BIN_TOTALS = ("count", "events", "sum_f", "sum_ff", "sum_fo")
# The totals that are counts: stored on the card as integers. The others are in UNITs.
COUNTS = tuple(name for name in TOTALS if name.startswith("n_") or name == "relative_n")
UNIT = 2.0**-32
WIDTH = len(TOTALS) + N_BINS * len(BIN_TOTALS)
# The arrays of a row that the totals depend on.
ROW_FIELDS = (
    "excluded",
    "brier",
    "brier_final",
    "log_loss",
    "relative_brier",
    "final_given",
    "outcome_yes",
    "n_hindsight",
    "n_retrospective",
    "reference",
    "crowd_size",
    *LOG_SCORES,
)
_AT = {name: i for i, name in enumerate(TOTALS)}
_BINS = len(TOTALS)
_IN_UNITS = [_AT[name] for name in TOTALS if name not in COUNTS]
# Baseline and Peer scores run to hundreds, their squares to about a million:
# each value is split in two whole numbers, a coarse part and the remainder in
# fine units, so both totals stay below 2**53 over two million questions and
# their sum keeps the value to 2**-56 (sums) or 2**-44 (squares). A spread of
# nearly equal scores needs that precision: Σx² − N·mean² cancels.
_LOG_UNITS = {
    **{f"{name}_sum": 2.0**-24 for name in LOG_SCORES},
    **{f"{name}_sum_lo": 2.0**-56 for name in LOG_SCORES},
    **{f"{name}_sq": 2.0**-12 for name in LOG_SCORES},
    **{f"{name}_sq_lo": 2.0**-44 for name in LOG_SCORES},
}
_UNIT_SCALE = np.array([_LOG_UNITS.get(name, UNIT) for name in TOTALS if name not in COUNTS])
_BIN_IN_UNITS = [2, 3, 4]  # Σf, Σf², Σf·o of BIN_TOTALS
# Stored after the totals in Scorecard.totals. Bump it when the way figures are
# derived from the totals changes: rescore_all then rewrites every scorecard
# (it skips cards whose stored totals, version included, did not change). Until
# then, readers derive no calibration table or Murphy terms from other versions.
FIGURES_VERSION = 3.0


def contributions(rows: dict) -> dict[str, np.ndarray]:
    """What each row adds to the totals of every scorecard it counts in."""
    excluded = rows["excluded"]
    counted = excluded == COUNTED
    settled = (excluded != ANNULLED_ROW) & (excluded != PENDING_ROW)
    relative = counted & ~np.isnan(rows["relative_brier"])
    binary = counted & ~np.isnan(rows["outcome_yes"])
    outcome = np.where(binary, rows["outcome_yes"], 0.0)
    given = np.where(binary, rows["final_given"], 0.0)
    yes = np.where(outcome == 1.0, given, 1.0 - given)
    bin_index = np.minimum(np.floor(np.round(N_BINS * yes, _BIN_DECIMALS)), N_BINS - 1)
    zero = lambda mask, values: _units(np.where(mask, values, 0.0))  # noqa: E731
    return {
        "n_scored": counted.astype(np.float64),
        "brier_sum": zero(counted, rows["brier"]),
        "brier_sq_sum": zero(counted, rows["brier"] ** 2),
        "brier_final_sum": zero(counted, rows["brier_final"]),
        "log_loss_sum": zero(counted, rows["log_loss"]),
        "relative_n": relative.astype(np.float64),
        "relative_sum": zero(relative, rows["relative_brier"]),
        "crowd_size_sum": zero(relative, rows["crowd_size"]),
        "reference_sum": zero(counted, rows["reference"]),
        # Better than always giving 1/K on the question (0.25 on a yes/no question).
        "n_better_than_coin": (counted & (rows["brier"] < rows["reference"])).astype(np.float64),
        "n_resolved": settled.astype(np.float64),
        "n_annulled": (excluded == ANNULLED_ROW).astype(np.float64),
        "n_hindsight": (settled & (rows["n_hindsight"] > 0)).astype(np.float64),
        "n_pending": (excluded == PENDING_ROW).astype(np.float64),
        # Scored pairs that count only because a dated public source proves them.
        "n_retrospective": (counted & (rows["n_retrospective"] > 0)).astype(np.float64),
        "binary": binary,
        "bin": bin_index.astype(np.int64),
        # One array per BIN_TOTALS entry: count, events, Σf, Σf², Σf·o.
        "bin_values": [
            binary.astype(np.float64),
            outcome,
            _units(yes * binary),
            _units(yes * yes * binary),
            _units(yes * outcome),
        ],
        **_log_score_contributions(rows, counted),
    }


def _log_score_contributions(rows: dict, counted: np.ndarray) -> dict[str, np.ndarray]:
    """Count, sum and sum of squares of the Baseline and Peer scores of counted rows."""
    found = {}
    for name in LOG_SCORES:
        scored = counted & ~np.isnan(rows[name])
        value = np.where(scored, rows[name], 0.0)
        found[f"n_{name}"] = scored.astype(np.float64)
        for total, values in ((f"{name}_sum", value), (f"{name}_sq", value**2)):
            found[total], found[f"{total}_lo"] = _split_units(
                values, _LOG_UNITS[total], _LOG_UNITS[f"{total}_lo"]
            )
    return found


def totals_by_group(
    rows: dict, group: np.ndarray, n_groups: int, row: np.ndarray | None = None
) -> np.ndarray:
    """Totals of each group from scratch.

    Entry ``i`` adds row ``row[i]`` (default: row ``i``) to group ``group[i]``:
    a row may count several times (overall and under each tag of its
    question), and its contributions are worked out once.
    """
    return _summed(contributions(rows), group, n_groups, row)


def _summed(c: dict, group: np.ndarray, n_groups: int, row: np.ndarray | None) -> np.ndarray:
    """``totals_by_group`` from the rows' contributions."""
    if row is not None:
        c = {
            name: [v[row] for v in values] if isinstance(values, list) else values[row]
            for name, values in c.items()
        }
    totals = np.zeros((n_groups, WIDTH))
    for name in TOTALS:
        totals[:, _AT[name]] = np.bincount(group, weights=c[name], minlength=n_groups)
    cell = group * N_BINS + c["bin"]
    for j, values in enumerate(c["bin_values"]):
        summed = np.bincount(cell, weights=values, minlength=n_groups * N_BINS)
        totals[:, _BINS + j :: len(BIN_TOTALS)] = summed.reshape(n_groups, N_BINS)
    return totals


def apply_rows(totals: np.ndarray, card: np.ndarray, rows: dict, *, sign: int) -> None:
    """Add (sign=1) or take out (sign=-1) rows, row ``i`` to or from card ``card[i]``.

    Each card may appear at most once in ``card``. Every total is a whole
    number of units, so the result is exactly what ``totals_by_group`` gives.
    """
    if card.size == 0:
        return
    c = contributions(rows)
    for name in TOTALS:
        totals[card, _AT[name]] += sign * c[name]
    binary = c["binary"]
    columns = _BINS + c["bin"][binary][:, None] * len(BIN_TOTALS) + np.arange(len(BIN_TOTALS))
    values = np.stack([v[binary] for v in c["bin_values"]], axis=1)
    totals[card[binary][:, None], columns] += sign * values


def uniform_reference(n_options: np.ndarray) -> np.ndarray:
    """Each row's reference Brier from its question's option count (0: a yes/no question).

    ``scoring.bounded.uniform_brier``: (K - 1) / (2K), 0.25 for yes/no.
    """
    k = np.where(n_options == 0, 2, n_options).astype(np.float64)
    return (k - 1.0) / (2.0 * np.maximum(k, 1.0))


def in_units(totals: np.ndarray) -> np.ndarray:
    """The totals with the sums in units turned back into numbers (counts unchanged)."""
    values = totals.copy()
    values[:, _IN_UNITS] *= _UNIT_SCALE
    bins = values[:, _BINS:].reshape(values.shape[0], N_BINS, len(BIN_TOTALS))
    bins[:, :, _BIN_IN_UNITS] *= UNIT
    return values


def _units(values: np.ndarray, unit: float = UNIT) -> np.ndarray:
    """Values rounded to whole units (as float64 holding whole numbers)."""
    return np.round(values / unit)


def _split_units(values: np.ndarray, unit: float, fine: float) -> tuple[np.ndarray, np.ndarray]:
    """Values as whole ``unit``s (rounded down) and the remainder in whole ``fine`` units."""
    coarse = np.floor(values / unit)
    return coarse, np.round((values - coarse * unit) / fine)


def figures(totals: np.ndarray) -> list[dict]:
    """Stored scorecard fields of every row of ``totals``, with the totals as bytes.

    The calibration table and Murphy terms are left out: see ``binned_figures``.
    """
    listed = {
        name: _nones(values) if values.dtype.kind == "f" else values.tolist()
        for name, values in figure_columns(totals).items()
    }
    stored = encode_totals(totals)
    return [
        {**{name: values[i] for name, values in listed.items()}, "totals": stored[i]}
        for i in range(totals.shape[0])
    ]


def figure_columns(totals: np.ndarray) -> dict[str, np.ndarray]:
    """The Scorecard columns of every row of ``totals`` as arrays (NaN for no value).

    What the writers store; ``figures`` gives the same values per card.
    """
    counts = totals
    totals = in_units(totals)
    n = totals[:, _AT["n_scored"]]
    cards = n.size
    mean = np.divide(totals[:, _AT["brier_sum"]], n, out=np.full(cards, np.nan), where=n > 0)
    spread = n > 1
    squares = totals[:, _AT["brier_sq_sum"]] - n * np.nan_to_num(mean) ** 2
    variance = np.divide(squares, n - 1, out=np.zeros(cards), where=spread)
    low, high = bounded_interval_many(
        np.maximum(n, 2),
        np.nan_to_num(mean),
        variance,
        t_975(np.maximum(n - 1, 1).astype(np.int64)),
    )
    reference = totals[:, _AT["reference_sum"]]

    def per_score(name: str, count: str = "n_scored") -> np.ndarray:
        k = totals[:, _AT[count]]
        return np.divide(totals[:, _AT[name]], k, out=np.full(cards, np.nan), where=k > 0)

    return {
        "brier": mean,
        "brier_0_2": 2.0 * mean,
        "skill": 1.0
        - np.divide(
            totals[:, _AT["brier_sum"]], reference, out=np.full(cards, np.nan), where=reference > 0
        ),
        "brier_low": np.where(spread, low, np.nan),
        "brier_high": np.where(spread, high, np.nan),
        "brier_final": per_score("brier_final_sum"),
        "log_loss": per_score("log_loss_sum"),
        "relative_brier": per_score("relative_sum", "relative_n"),
        "crowd_size": per_score("crowd_size_sum", "relative_n"),
        "n_crowd_compared": np.round(counts[:, _AT["relative_n"]]).astype(np.int64),
        **{
            name: np.round(counts[:, _AT[name]]).astype(np.int64)
            for name in COUNTS
            if name.startswith("n_")
        },
        **_log_score_figures(totals),
    }


def _log_score_figures(totals: np.ndarray) -> dict[str, np.ndarray]:
    """Mean Baseline and Peer scores with their 95% t intervals (not clipped: no fixed range).

    The spread comes from the sum of squares: ``s² = (Σx² − (Σx)²/N) / (N − 1)``.
    """
    found = {}
    for name in LOG_SCORES:
        n = totals[:, _AT[f"n_{name}"]]
        total = totals[:, _AT[f"{name}_sum"]] + totals[:, _AT[f"{name}_sum_lo"]]
        squares = totals[:, _AT[f"{name}_sq"]] + totals[:, _AT[f"{name}_sq_lo"]]
        mean = np.divide(total, n, out=np.full(n.size, np.nan), where=n > 0)
        spread = n > 1
        m2 = np.maximum(squares - np.where(n > 0, total * mean, 0.0), 0.0)
        std = np.sqrt(np.divide(m2, n - 1, out=np.zeros(n.size), where=spread))
        half = t_975(np.maximum(n - 1, 1).astype(np.int64)) * std / np.sqrt(np.maximum(n, 1))
        found[name] = mean
        found[f"{name}_low"] = np.where(spread, mean - half, np.nan)
        found[f"{name}_high"] = np.where(spread, mean + half, np.nan)
    return found


def _bins(totals: np.ndarray) -> _Bins:
    cards = totals.shape[0]
    return _Bins(in_units(totals)[:, _BINS:].reshape(cards, N_BINS, len(BIN_TOTALS)))


def binned_figures(totals: np.ndarray) -> tuple[list[list[dict]], list[dict]]:
    """Calibration table and Murphy terms of every row of ``totals``, in one pass.

    Returns the tables (``scoring.calibration_table`` rows, 10 uniform bins)
    and the Murphy dicts (``scoring.murphy_decomposition(n_bins=10)``); a card
    with nothing binned gets ``[]`` and ``{}``. Neither is stored: readers
    derive them from ``Scorecard.totals`` (see ``stored_binned_figures``).
    """
    cards = totals.shape[0]
    if cards == 0:
        return [], []
    bins = _bins(totals)
    return [bins.table(i) for i in range(cards)], [bins.murphy(i) for i in range(cards)]


def _decoded(stored: Sequence[bytes | memoryview | None]) -> tuple[list[int], _Bins | None]:
    """Which stored totals are current (their positions), and their bins."""
    decoded = [decode_totals(value) for value in stored]
    known = [i for i, values in enumerate(decoded) if values is not None]
    return known, _bins(np.stack([decoded[i] for i in known])) if known else None


def stored_binned_figures(
    stored: Sequence[bytes | memoryview | None],
) -> tuple[list[list[dict]], list[dict]]:
    """``binned_figures`` of stored ``Scorecard.totals``; ``[]`` and ``{}`` for legacy ones.

    Totals that are missing, of the wrong length or of another FIGURES_VERSION
    give an empty table and no Murphy terms, as a card with nothing binned.
    """
    known, bins = _decoded(stored)
    tables: list[list[dict]] = [[] for _ in stored]
    murphy: list[dict] = [{} for _ in stored]
    for row, i in enumerate(known):
        tables[i], murphy[i] = bins.table(row), bins.murphy(row)  # type: ignore[union-attr]
    return tables, murphy


def stored_murphy(stored: Sequence[bytes | memoryview | None]) -> list[dict]:
    """The Murphy terms alone of ``stored_binned_figures``: no table is worked out."""
    known, bins = _decoded(stored)
    murphy: list[dict] = [{} for _ in stored]
    for row, i in enumerate(known):
        murphy[i] = bins.murphy(row)  # type: ignore[union-attr]
    return murphy


def encode_totals(totals: np.ndarray) -> list[bytes]:
    """``Scorecard.totals`` of each row: the totals and FIGURES_VERSION as float64 bytes."""
    stored = np.concatenate([totals, np.full((totals.shape[0], 1), FIGURES_VERSION)], axis=1)
    stored = np.ascontiguousarray(stored, "<f8")
    return [row.tobytes() for row in stored]


def decode_totals(stored: bytes | memoryview | None) -> np.ndarray | None:
    """Totals from ``Scorecard.totals``; None when missing or written by other code."""
    if stored is None or len(stored) != (WIDTH + 1) * 8:
        return None
    values = np.frombuffer(bytes(stored), "<f8")
    return values[:WIDTH].copy() if values[WIDTH] == FIGURES_VERSION else None


def is_empty(totals: np.ndarray) -> np.ndarray:
    """Rows of totals with nothing counted at all (their scorecards can go)."""
    counts = [_AT[name] for name in ("n_scored", "n_resolved", "n_annulled", "n_pending")]
    return np.all(np.round(totals[:, counts]) == 0, axis=1)


def _nones(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]  # NaN is the only value != itself


class _Bins:
    """Calibration tables and Murphy terms of many cards, from their bin totals.

    The Murphy terms are worked out at once; the tables' columns (means, observed
    frequencies, Wilson intervals) only when a table is asked for: the API's cards
    carry the terms alone."""

    def __init__(self, bins: np.ndarray):
        self.count = np.round(bins[:, :, 0]).astype(np.int64)
        self.events = np.round(bins[:, :, 1]).astype(np.int64)
        self._sum_f = bins[:, :, 2]
        sum_ff, sum_fo = bins[:, :, 3], bins[:, :, 4]
        used = self.count > 0
        safe = np.where(used, self.count, 1)
        f_k, o_k = np.where(used, self._sum_f / safe, 0.0), self.events / safe
        total = self.count.sum(axis=1)
        safe_total = np.maximum(total, 1)
        base = self.events.sum(axis=1) / safe_total
        n_k = self.count.astype(np.float64)
        self.total = total.tolist()
        self.terms = {
            "brier": (sum_ff.sum(1) - 2.0 * sum_fo.sum(1) + self.events.sum(1)) / safe_total,
            "reliability": np.sum(n_k * (f_k - o_k) ** 2, axis=1) / safe_total,
            "resolution": np.sum(np.where(used, n_k * (o_k - base[:, None]) ** 2, 0.0), axis=1)
            / safe_total,
            "uncertainty": base * (1.0 - base),
            "base_rate": base,
            "within_bin_variance": np.sum(sum_ff - n_k * f_k**2, axis=1) / safe_total,
            "within_bin_covariance": 2.0 * np.sum(sum_fo - n_k * f_k * o_k, axis=1) / safe_total,
        }
        self.terms = {name: values.tolist() for name, values in self.terms.items()}

    @cached_property
    def _columns(self) -> dict[str, list]:
        """The tables' columns, card by bin."""
        used = self.count > 0
        safe = np.where(used, self.count, 1)
        low, high = _wilson_many(self.events, self.count)
        return {
            "count": self.count.tolist(),
            "n_event": self.events.tolist(),
            "mean_forecast": _nones_2d(np.where(used, self._sum_f / safe, np.nan)),
            "observed_frequency": _nones_2d(np.where(used, self.events / safe, np.nan)),
            "wilson_lower": _nones_2d(low),
            "wilson_upper": _nones_2d(high),
        }

    def table(self, i: int) -> list[dict]:
        """``scoring.calibration_table`` rows (uniform bins) for card ``i``."""
        if not self.total[i]:
            return []
        c = self._columns
        count, n_event, mean, frequency = (
            c["count"][i],
            c["n_event"][i],
            c["mean_forecast"][i],
            c["observed_frequency"][i],
        )
        lower, upper = c["wilson_lower"][i], c["wilson_upper"][i]
        return [
            {
                "lower": k / N_BINS,
                "upper": (k + 1) / N_BINS,
                "count": count[k],
                "n_event": n_event[k],
                "mean_forecast": mean[k],
                "observed_frequency": frequency[k],
                "wilson_lower": lower[k],
                "wilson_upper": upper[k],
            }
            for k in range(N_BINS)
        ]

    def murphy(self, i: int) -> dict:
        """``scoring.murphy_decomposition(n_bins=10)`` for card ``i``."""
        if not self.total[i]:
            return {}
        return {name: values[i] for name, values in self.terms.items()}


def _nones_2d(values: np.ndarray) -> list[list]:
    return [[None if v != v else v for v in row] for row in values.tolist()]


def _wilson_many(events: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``scoring.wilson_interval`` for every bin: one call per distinct (k, n)."""
    low, high = np.full(count.shape, np.nan), np.full(count.shape, np.nan)
    used = count > 0
    pairs, where = np.unique((events[used] << 32) + count[used], return_inverse=True)
    bounds = np.array([_wilson(k >> 32, k & 0xFFFFFFFF) for k in pairs.tolist()]).reshape(-1, 2)
    low[used], high[used] = bounds[where, 0], bounds[where, 1]
    return low, high


@lru_cache(maxsize=65536)
def _wilson(events: int, n: int) -> tuple[float, float]:
    return wilson_interval(events, n)


def group_rows(
    author: np.ndarray, question: np.ndarray, tags: dict | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expand rows into (author, tag) groups: once overall (tag 0), once per question tag.

    ``tags`` holds ``question`` and ``tag`` arrays in the same id space as
    ``question`` (None: overall only). Returns, per expanded entry, the row it
    comes from and its group, then each group's author and tag.
    """
    n = author.size
    row, tag = np.arange(n), np.zeros(n, np.int64)
    if tags is not None and tags["question"].size:
        order = np.argsort(tags["question"], kind="stable")
        tag_question, tag_id = tags["question"][order], tags["tag"][order]
        lo = np.searchsorted(tag_question, question, side="left")
        count = np.searchsorted(tag_question, question, side="right") - lo
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        row = np.concatenate([row, np.repeat(np.arange(n), count)])
        tag = np.concatenate([tag, tag_id[np.repeat(lo, count) + within]])
    authors, author_index = distinct_codes(author)
    tag_ids, tag_index = distinct_codes(tag)  # 0 (overall) first
    width = tag_ids.size
    dense = author_index[row] * width + tag_index
    used = np.bincount(dense, minlength=authors.size * width) > 0
    group_of_dense = np.cumsum(used) - 1
    present = np.flatnonzero(used)
    return row, group_of_dense[dense], authors[present // width], tag_ids[present % width]


def totals_from_rows(rows: dict, tags: dict | None) -> tuple[np.ndarray, ...]:
    """Each (author, tag) group's author id, tag id (0 overall) and totals, from rows."""
    row, group, group_author, group_tag, c = grouped_contributions(rows, tags)
    return group_author, group_tag, _summed(c, group, group_author.size, row)


class ColumnTotals:
    """Cards' totals kept column by column, for adding rows into them one by one.

    A large ledger's chunk reaches most of its authors' cards with a row or two
    each; adding its rows to a column of every card (a megabyte or so, in cache)
    costs a fraction of working out a full row of ``WIDTH`` totals per card
    first. Each ``TOTALS`` entry is one array over the cards; each
    ``BIN_TOTALS`` entry one array of ``N_BINS`` values per card. The arrays
    grow one at a time as cards arrive, so growing costs one array's copy at
    most. Every value is a whole number of units: the order of the additions
    changes no bit.
    """

    GROWTH = 1.125  # room kept for cards still to come: at most an eighth more

    def __init__(self) -> None:
        self.size = 0
        self.columns = [np.zeros(0) for _ in TOTALS]
        self.bins = [np.zeros(0) for _ in BIN_TOTALS]

    def reserve(self, size: int) -> None:
        """Room for ``size`` cards (new cards' totals start at zero)."""
        if size <= self.size:
            return
        capacity = self.columns[0].size
        if size > capacity:
            capacity = max(size, int(capacity * self.GROWTH))
            for arrays, per_card in ((self.columns, 1), (self.bins, N_BINS)):
                for i, values in enumerate(arrays):  # one copy at a time
                    arrays[i] = _grown(values, capacity * per_card)
                    del values
        self.size = size

    def add_rows(self, slot: np.ndarray, row: np.ndarray, c: dict) -> None:
        """Add row ``row[i]``'s contributions ``c`` (``contributions``) to card ``slot[i]``.

        A card may appear any number of times."""
        for name in TOTALS:
            np.add.at(self.columns[_AT[name]], slot, c[name][row])
        binary = c["binary"][row]
        row = row[binary]
        cell = slot[binary] * N_BINS + c["bin"][row]
        for j, values in enumerate(c["bin_values"]):
            np.add.at(self.bins[j], cell, values[row])

    def add_totals(self, slot: np.ndarray, totals: np.ndarray) -> None:
        """Add ``totals[i]`` to card ``slot[i]``; each card appears at most once."""
        for j, column in enumerate(self.columns):
            column[slot] += totals[:, j]
        for j, values in enumerate(self.bins):
            _per_card(values)[slot] += totals[:, _BINS + j :: len(BIN_TOTALS)]

    def rows(self, slot: np.ndarray) -> np.ndarray:
        """The totals of cards ``slot``, one row of ``WIDTH`` each."""
        out = np.empty((slot.size, WIDTH))
        for j, column in enumerate(self.columns):
            out[:, j] = column[slot]
        for j, values in enumerate(self.bins):
            out[:, _BINS + j :: len(BIN_TOTALS)] = _per_card(values)[slot]
        return out


def _grown(values: np.ndarray, size: int) -> np.ndarray:
    grown = np.zeros(size)
    grown[: values.size] = values
    return grown


def _per_card(values: np.ndarray) -> np.ndarray:
    return values.reshape(-1, N_BINS)


def grouped_contributions(
    rows: dict, tags: dict | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
    """``group_rows`` of the rows and their ``contributions``: the row and group of each
    entry, each group's author and tag, and what each row adds."""
    row, group, group_author, group_tag = group_rows(rows["author"], rows["question"], tags)
    return row, group, group_author, group_tag, contributions({k: rows[k] for k in ROW_FIELDS})


def cards_from_rows(rows: dict, tags: dict | None) -> list[dict]:
    """Scorecard fields (with ``author_id`` and ``tag_id``, None overall) from rows."""
    group_author, group_tag, totals = totals_from_rows(rows, tags)
    cards = figures(totals)
    for card, author, tag in zip(cards, group_author.tolist(), group_tag.tolist(), strict=True):
        card["author_id"], card["tag_id"] = author, tag or None
    return cards

"""Scorecard figures from per-question scores, for many authors and tags at once.

A scorecard is kept as running *totals* (``TOTALS`` and, per calibration
bin, ``BIN_TOTALS``), stored in ``Scorecard.totals``; every figure on the
card (mean Brier and its t interval, calibration table, Murphy terms...) is
computed from them. That lets ``rescore_question`` update the cards of a
question's authors by taking the question's old rows out of the totals and
putting the new ones in, without reading the authors' other questions.
``rescore_all`` builds the totals from scratch with one ``np.bincount`` per
total over every (author, tag) group.

Rows are QuestionScore-like arrays: ``author``, ``question``, ``excluded``
(codes of ``forecasts.pair_scores``), ``brier``, ``brier_final``,
``log_loss``, ``relative_brier``, ``final_given`` (what the final forecast
gave to what happened), ``outcome_yes`` (1/0 for binary, NaN otherwise) and
``n_hindsight``. The figures agree with ``forecasts.scoring``
(``mean_with_interval``, ``calibration_table``, ``murphy_decomposition``);
tests/test_rescoring.py checks them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from forecasts.pair_scores import ANNULLED_ROW, COUNTED, PENDING_ROW
from forecasts.scoring import COIN_FLIP_BRIER, wilson_interval
from forecasts.t_quantiles import t_975

N_BINS = 10
_BIN_DECIMALS = 9  # as scoring.calibration_bin_index: 0.3 lands in bin 3
TOTALS = (
    "n_scored",
    "brier_sum",
    "brier_m2",
    "brier_final_sum",
    "log_loss_sum",
    "relative_n",
    "relative_sum",
    "n_better_than_coin",
    "n_resolved",
    "n_annulled",
    "n_hindsight",
    "n_pending",
)
BIN_TOTALS = ("count", "events", "sum_f", "sum_ff", "sum_fo")
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
)
_AT = {name: i for i, name in enumerate(TOTALS)}
_BINS = len(TOTALS)
_SUMMED = [name for name in TOTALS if name != "brier_m2"]


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
    zero = lambda mask, values: np.where(mask, values, 0.0)  # noqa: E731
    return {
        "n_scored": counted.astype(np.float64),
        "brier": zero(counted, rows["brier"]),  # for the sum and the spread
        "brier_sum": zero(counted, rows["brier"]),
        "brier_final_sum": zero(counted, rows["brier_final"]),
        "log_loss_sum": zero(counted, rows["log_loss"]),
        "relative_n": relative.astype(np.float64),
        "relative_sum": zero(relative, rows["relative_brier"]),
        "n_better_than_coin": (counted & (rows["brier"] < COIN_FLIP_BRIER)).astype(np.float64),
        "n_resolved": settled.astype(np.float64),
        "n_annulled": (excluded == ANNULLED_ROW).astype(np.float64),
        "n_hindsight": (settled & (rows["n_hindsight"] > 0)).astype(np.float64),
        "n_pending": (excluded == PENDING_ROW).astype(np.float64),
        "binary": binary,
        "bin": bin_index.astype(np.int64),
        "bin_values": np.stack(
            [binary.astype(np.float64), outcome, yes * binary, yes * yes * binary, yes * outcome],
            axis=1,
        ),
    }


def totals_by_group(rows: dict, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Totals of each group from scratch; ``group[i]`` is the group of row ``i``.

    Rows may repeat (a row counts overall and under each tag of its question).
    The spread of the Brier scores is summed in two passes, as numpy's
    ``std`` does, so the interval matches ``scoring.mean_with_interval``.
    """
    c = contributions(rows)
    totals = np.zeros((n_groups, WIDTH))
    for name in _SUMMED:
        totals[:, _AT[name]] = np.bincount(group, weights=c[name], minlength=n_groups)
    n = totals[:, _AT["n_scored"]]
    mean = np.divide(totals[:, _AT["brier_sum"]], n, out=np.zeros(n_groups), where=n > 0)
    deviation = np.where(c["n_scored"] > 0, c["brier"] - mean[group], 0.0)
    totals[:, _AT["brier_m2"]] = np.bincount(group, weights=deviation**2, minlength=n_groups)
    cell = group * N_BINS + c["bin"]
    for j in range(len(BIN_TOTALS)):
        summed = np.bincount(cell, weights=c["bin_values"][:, j], minlength=n_groups * N_BINS)
        totals[:, _BINS + j :: len(BIN_TOTALS)] = summed.reshape(n_groups, N_BINS)
    return totals


def apply_rows(totals: np.ndarray, card: np.ndarray, rows: dict, *, sign: int) -> None:
    """Add (sign=1) or take out (sign=-1) rows, row ``i`` to or from card ``card[i]``.

    Each card may appear at most once in ``card``: the spread of the Brier
    scores is updated one value at a time (Welford's method and its inverse).
    """
    if card.size == 0:
        return
    c = contributions(rows)
    for name in _SUMMED:
        if name != "brier_sum":
            totals[card, _AT[name]] += sign * c[name]
    scored = c["n_scored"] > 0
    at, x = card[scored], c["brier"][scored]
    n_before = totals[at, _AT["n_scored"]] - sign  # n_scored was already updated above
    n_after = n_before + sign
    sum_before = totals[at, _AT["brier_sum"]]
    mean_before = np.divide(sum_before, n_before, out=np.zeros(at.size), where=n_before > 0)
    sum_after = sum_before + sign * x
    mean_after = np.divide(sum_after, n_after, out=np.zeros(at.size), where=n_after > 0)
    m2 = totals[at, _AT["brier_m2"]] + sign * (x - mean_before) * (x - mean_after)
    totals[at, _AT["brier_sum"]] = np.where(n_after > 0, sum_after, 0.0)
    totals[at, _AT["brier_m2"]] = np.where(n_after > 1, np.maximum(m2, 0.0), 0.0)
    binary = c["binary"]
    columns = _BINS + c["bin"][binary][:, None] * len(BIN_TOTALS) + np.arange(len(BIN_TOTALS))
    totals[card[binary][:, None], columns] += sign * c["bin_values"][binary]


def figures(totals: np.ndarray) -> list[dict]:
    """Scorecard fields of every row of ``totals`` (and the totals themselves, as a list)."""
    n = totals[:, _AT["n_scored"]]
    mean = np.divide(totals[:, _AT["brier_sum"]], n, out=np.full(n.size, np.nan), where=n > 0)
    spread = n > 1
    std = np.sqrt(np.divide(totals[:, _AT["brier_m2"]], n - 1, out=np.zeros(n.size), where=spread))
    half = t_975(np.maximum(n - 1, 1).astype(np.int64)) * std / np.sqrt(np.maximum(n, 1))
    low = np.where(spread, np.clip(mean - half, 0.0, 1.0), np.nan)
    high = np.where(spread, np.clip(mean + half, 0.0, 1.0), np.nan)

    def per_score(name: str, count: str = "n_scored") -> np.ndarray:
        k = totals[:, _AT[count]]
        return np.divide(totals[:, _AT[name]], k, out=np.full(n.size, np.nan), where=k > 0)

    columns = {
        "brier": mean,
        "brier_low": low,
        "brier_high": high,
        "brier_final": per_score("brier_final_sum"),
        "log_loss": per_score("log_loss_sum"),
        "relative_brier": per_score("relative_sum", "relative_n"),
    }
    counts = (
        "n_scored",
        "n_better_than_coin",
        "n_resolved",
        "n_annulled",
        "n_hindsight",
        "n_pending",
    )
    cards = []
    for i in range(n.size):
        card = {name: int(round(totals[i, _AT[name]])) for name in counts}
        card.update({name: _number(values[i]) for name, values in columns.items()})
        card["brier_0_2"] = None if card["brier"] is None else 2.0 * card["brier"]
        card["skill"] = None if card["brier"] is None else 1.0 - card["brier"] / COIN_FLIP_BRIER
        bins = totals[i, _BINS:].reshape(N_BINS, len(BIN_TOTALS))
        card["calibration"], card["murphy"] = _calibration(bins), _murphy(bins)
        card["totals"] = totals[i].tolist()
        cards.append(card)
    return cards


def is_empty(totals: np.ndarray) -> np.ndarray:
    """Rows of totals with nothing counted at all (their scorecards can go)."""
    counts = [_AT[name] for name in ("n_scored", "n_resolved", "n_annulled", "n_pending")]
    return np.all(np.round(totals[:, counts]) == 0, axis=1)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _calibration(bins: np.ndarray) -> list[dict]:
    """``scoring.calibration_table`` rows (uniform bins) from the bin totals."""
    if round(bins[:, 0].sum()) == 0:
        return []
    rows = []
    for k in range(N_BINS):
        n, events = int(round(bins[k, 0])), int(round(bins[k, 1]))
        row = {
            "lower": k / N_BINS,
            "upper": (k + 1) / N_BINS,
            "count": n,
            "n_event": events,
            "mean_forecast": None,
            "observed_frequency": None,
            "wilson_lower": None,
            "wilson_upper": None,
        }
        if n:
            low, high = _wilson(events, n)
            row.update(
                mean_forecast=float(bins[k, 2] / n),
                observed_frequency=events / n,
                wilson_lower=low,
                wilson_upper=high,
            )
        rows.append(row)
    return rows


def _murphy(bins: np.ndarray) -> dict:
    """``scoring.murphy_decomposition(n_bins=10)`` from the bin totals."""
    n_k = np.round(bins[:, 0])
    total = n_k.sum()
    if total == 0:
        return {}
    events = np.round(bins[:, 1])
    sum_f, sum_ff, sum_fo = bins[:, 2], bins[:, 3], bins[:, 4]
    used = n_k > 0
    safe = np.where(used, n_k, 1.0)
    f_k, o_k = np.where(used, sum_f / safe, 0.0), events / safe
    base_rate = float(events.sum() / total)
    return {
        "brier": float((sum_ff.sum() - 2.0 * sum_fo.sum() + events.sum()) / total),
        "reliability": float(np.sum(n_k * (f_k - o_k) ** 2) / total),
        "resolution": float(np.sum(n_k[used] * (o_k[used] - base_rate) ** 2) / total),
        "uncertainty": base_rate * (1.0 - base_rate),
        "base_rate": base_rate,
        "within_bin_variance": float(np.sum(sum_ff - n_k * f_k**2) / total),
        "within_bin_covariance": float(2.0 * np.sum(sum_fo - n_k * f_k * o_k) / total),
    }


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
    authors, author_index = np.unique(author, return_inverse=True)
    tag_ids = np.unique(tag)  # 0 (overall) first
    width = tag_ids.size
    dense = author_index[row] * width + np.searchsorted(tag_ids, tag)
    used = np.bincount(dense, minlength=authors.size * width) > 0
    group_of_dense = np.cumsum(used) - 1
    present = np.flatnonzero(used)
    return row, group_of_dense[dense], authors[present // width], tag_ids[present % width]


def cards_from_rows(rows: dict, tags: dict | None) -> list[dict]:
    """Scorecard fields (with ``author_id`` and ``tag_id``, None overall) from rows."""
    row, group, group_author, group_tag = group_rows(rows["author"], rows["question"], tags)
    totals = totals_by_group({k: rows[k][row] for k in ROW_FIELDS}, group, group_author.size)
    cards = figures(totals)
    for card, author, tag in zip(cards, group_author.tolist(), group_tag.tolist(), strict=True):
        card["author_id"], card["tag_id"] = author, tag or None
    return cards

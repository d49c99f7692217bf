"""Writing the numeric and date scores: QuantityScore rows and QuantityRecords.

``rescore_quantities(questions, at)`` scores the numeric and date questions
among ``questions`` (a list of ids or an ``IdRange``: a chunk of a full
rescore) with ``forecasts.engine.quantities`` and rewrites the rows of the
questions whose rows changed, compared with the rows stored (so a verifying
rescore and a plain one agree: both read what is there). Both sides are read
and compared as arrays: a digest of each question's rows and tags. It returns the
authors whose rows it touched, and counts.

``rebuild_records(authors=..., at=...)`` makes the stored QuantityRecords
(overall and per tag) those of the stored rows: for each author and tag, N
and the mean of the counted rows' ``normalised`` with its 95% t interval (as
``forecasts.scoring.mean_with_t_interval``, for every record at once), the
rows scored without a range (``n_unranged``), those of a point alone
(``n_points``) and the pending ones.
A record whose figures are unchanged is not written. A full rescore rebuilds,
once its chunks are done, the records of the authors whose rows it wrote or
deleted (every record when it verifies, after a cold start, or when no record
is stored); ``rescore_question`` those of the question's authors. Every
record is summed ``RECORD_AUTHORS`` authors at a time (their rows expanded by
tag), its interval worked out for all at once, and compared with the stored
records as arrays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from forecasts.engine.bulkload import (
    Column,
    EncodedRows,
    encode_rows,
    in_ids,
    read_columns,
    write_encoded,
    write_rows,
)
from forecasts.engine.crowd import ragged_arange
from forecasts.engine.ledger_arrays import IdRange, Questions, _in_questions, cut_ranges
from forecasts.engine.pair_scores import COUNTED, EXCLUSIONS, PENDING_ROW
from forecasts.engine.quantities import (
    FORMS,
    QuantityLedger,
    nan_if_null,
    read_quantities,
    score_quantities,
)
from forecasts.engine.score_digests import rows_digests
from forecasts.engine.score_tables import _json_elements, microseconds
from forecasts.models import QuantityRecord, QuantityScore
from forecasts.scoring.t_quantiles import t_975

_FLOATS = (
    "outcome",
    "wis",
    "wis_final",
    "normalised",
    "normalised_final",
    "point",
    "abs_error",
    "rel_error",
)
_COUNTS = ("n_forecasts", "n_days", "n_hindsight", "n_retrospective")
_RECORD_FIELDS = ("n_scored", "mean", "low", "high", "n_unranged", "n_points", "n_pending")
_RECORD_FLOATS = ("mean", "low", "high")


def rescore_quantities(
    question_ids: Questions,
    at: datetime,
    *,
    fresh: bool = False,
    ledger: QuantityLedger | None = None,
) -> tuple[np.ndarray, dict]:
    """Score and store the numeric and date questions among ``question_ids``.

    Returns the authors of the rows written or deleted, and counts. ``fresh``:
    no row of these questions is stored (a cold start into an empty table), so
    every row is copied in without reading or comparing the stored ones.
    ``ledger``: their ledger, read already (``forecasts.engine.prefetch``).
    """
    if ledger is None:
        ledger = read_quantities(question_ids)
    if fresh:
        return write_fresh(score_fresh(ledger, at))
    rows = score_quantities(ledger)
    tags = _tag_lists(ledger.tag_question, ledger.tag_id, ledger.question_id.size)
    counts = {"quantity_scores": int(rows["author"].size)}
    changed, touched = _changed(question_ids, ledger, rows)
    if changed.size:
        QuantityScore.objects.filter(question_id__in=changed.tolist()).delete()
    write = np.isin(ledger.question_id[rows["question"]], changed)
    _write_rows(rows, ledger.question_id, tags, np.flatnonzero(write), at)
    return touched, {
        **counts,
        "quantity_scores_written": int(write.sum()),
    }


@dataclass(frozen=True)
class FreshQuantities:
    """A range's numeric and date rows, scored and made ready to copy into a table that
    holds none of them (``score_fresh``); ``write_fresh`` sends them."""

    touched: np.ndarray  # the rows' authors (sorted)
    counts: dict[str, int]
    rows: EncodedRows


def score_fresh(ledger: QuantityLedger, at: datetime) -> FreshQuantities:
    """Score a range's numeric and date questions for an empty table and encode the rows:
    NumPy only, nothing read or written, so a cold start runs it in the scorer's thread."""
    rows = score_quantities(ledger)
    n = int(rows["author"].size)
    tags = _tag_lists(ledger.tag_question, ledger.tag_id, ledger.question_id.size)
    columns = _columns(rows, ledger.question_id, tags, np.arange(n), at)
    return FreshQuantities(
        np.unique(rows["author"]),
        {"quantity_scores": n, "quantity_scores_written": n},
        encode_rows(connection.vendor, QuantityScore._meta.db_table, columns, n),
    )


def write_fresh(fresh: FreshQuantities) -> tuple[np.ndarray, dict]:
    """Copy in the rows ``score_fresh`` made ready; ``rescore_quantities``'s result."""
    write_encoded(connection, fresh.rows)
    return fresh.touched, dict(fresh.counts)


def _tag_lists(tag_question: np.ndarray, tag_id: np.ndarray, n: int) -> list[list[int]]:
    lists: list[list[int]] = [[] for _ in range(n)]
    for question, tag in zip(tag_question.tolist(), tag_id.tolist(), strict=True):
        lists[question].append(tag)
    return [sorted(tags) for tags in lists]


# Every stored column of a row, as codes and NaN for NULL, as the scorer's rows have them.
_DIGESTED = ("author", "resolution", "form", *_FLOATS, *_COUNTS, "excluded")


def _changed(
    question_ids: Questions, ledger: QuantityLedger, rows: dict
) -> tuple[np.ndarray, np.ndarray]:
    """The questions (sorted ids) whose stored rows differ from the new ``rows``, and the
    authors of the rows of those questions, stored or new (sorted).

    Both sides are digested per question as arrays (``score_digests.rows_digests``):
    every column of every row, bit for bit, and the question's tags. A question
    stored but no longer among the ledger's (no longer numeric, say) has changed.
    """
    stored, stored_tags = _stored_rows(question_ids)
    ids = np.union1d(ledger.question_id, stored["question"])
    new_question = np.searchsorted(ids, ledger.question_id[rows["question"]])
    old_question = np.searchsorted(ids, stored["question"])
    # Tags are kept on the rows, so a question's tags count only when it has rows.
    has_rows = np.zeros(ids.size, bool)
    has_rows[new_question] = True
    tag_question = np.searchsorted(ids, ledger.question_id[ledger.tag_question])
    with_rows = has_rows[tag_question]
    new = rows_digests(
        _canonical(rows),
        _DIGESTED,
        new_question,
        tag_question[with_rows],
        ledger.tag_id[with_rows],
        ids.size,
        version=0,
    )
    old = rows_digests(
        _canonical(stored),
        _DIGESTED,
        old_question,
        np.searchsorted(ids, stored_tags["question"]),
        stored_tags["tag"],
        ids.size,
        version=0,
    )
    differs = new != old
    touched = np.union1d(
        rows["author"][differs[new_question]], stored["author"][differs[old_question]]
    )
    return ids[differs], touched.astype(np.int64)


def _canonical(rows: dict) -> dict:
    """``rows`` with -0.0 as 0.0 in the float columns (they compare equal as stored)."""
    return {name: rows[name] + 0.0 if name in _FLOATS else rows[name] for name in _DIGESTED}


def _stored_rows(question_ids: Questions) -> tuple[dict, dict]:
    """The stored rows of the questions (a range: every row in it) as arrays, in the
    shape of the scorer's rows, and their distinct (question, tag) pairs."""
    where, params = _in_questions("question_id", question_ids)
    forms = " ".join(f"WHEN '{label}' THEN {code}" for code, label in enumerate(FORMS))
    reasons = " ".join(f"WHEN '{label}' THEN {code}" for code, label in enumerate(EXCLUSIONS))
    table = QuantityScore._meta.db_table
    rows = read_columns(
        connection,
        "SELECT question_id, author_id, COALESCE(resolution_id, 0), "
        f"CASE form {forms} ELSE -1 END, "
        f"{', '.join(nan_if_null(name) for name in _FLOATS)}, {', '.join(_COUNTS)}, "
        f"CASE excluded_reason {reasons} ELSE -1 END FROM {table}{where}",
        {
            "question": "int8",
            "author": "int8",
            "resolution": "int8",
            "form": "int4",
            **{name: "float8" for name in _FLOATS},
            **{name: "int4" for name in _COUNTS},
            "excluded": "int4",
        },
        params,
    )
    tags = read_columns(
        connection,
        "SELECT DISTINCT question_id, CAST(t.value AS BIGINT) "
        f"FROM {table} s, {_json_elements('s.tag_ids')}{where}",
        {"question": "int8", "tag": "int8"},
        params,
    )
    return rows, tags


def _write_rows(rows: dict, question_id, tags: list[list[int]], chosen, at: datetime) -> None:
    columns = _columns(rows, question_id, tags, chosen, at)
    write_rows(connection, QuantityScore._meta.db_table, columns, chosen.size)


def _columns(rows: dict, question_id, tags: list[list[int]], chosen, at: datetime) -> list[Column]:
    """The stored columns of rows ``chosen``."""
    labels = [json.dumps(t) for t in tags]
    question, resolution = rows["question"][chosen], rows["resolution"][chosen]
    return [
        Column("author_id", "int8", rows["author"][chosen]),
        Column("question_id", "int8", question_id[question]),
        Column("resolution_id", "int8", resolution, nulls=resolution == 0),
        Column("form", "text", rows["form"][chosen], labels=FORMS),
        *(Column(name, "float8", rows[name][chosen]) for name in _FLOATS),
        *(Column(name, "int4", rows[name][chosen]) for name in _COUNTS),
        Column("excluded_reason", "text", rows["excluded"][chosen], labels=EXCLUSIONS),
        Column("tag_ids", "json", question, labels=labels),
        Column("computed_at", "time", np.full(chosen.size, microseconds(at))),
    ]


# Authors whose rows are summed at once when every record is rebuilt: their rows, not
# everyone's, are expanded by tag in memory together.
RECORD_AUTHORS = 2_000


def rebuild_records(*, authors: np.ndarray | None, at: datetime) -> int:
    """Make the stored QuantityRecords of ``authors`` (None: everyone) those of their stored
    rows; returns the records written. Everyone's rows are summed ``RECORD_AUTHORS``
    authors at a time (ranges of author ids), then compared with the stored records."""
    if authors is not None and authors.size == 0:
        return 0
    where, params = ("", []) if authors is None else _where_author(authors)
    if authors is None:
        ids = read_columns(connection, "SELECT id FROM forecasts_author", {"id": "int8"}, [])
        parts = [
            _records(*_record_rows(*_where_range(among)))
            for among in cut_ranges(np.sort(ids["id"]), RECORD_AUTHORS)
        ]
        keys = np.concatenate([np.zeros(0, np.int64), *(k for k, _ in parts)])  # in key order
        new = {name: np.concatenate([f[name] for _, f in parts]) for name in parts[0][1]}
        del parts
    else:
        keys, new = _records(*_record_rows(where, params))
    new = _with_intervals(new)
    stored_ids, stored_keys, stored = _stored_records(where, params)
    at_stored = np.minimum(np.searchsorted(stored_keys, keys), max(stored_keys.size - 1, 0))
    found = stored_keys[at_stored] == keys if stored_keys.size else np.zeros(keys.size, bool)
    where_stored = at_stored[found]
    same = found.copy()
    for name in _RECORD_FIELDS:  # as stored, NaN (NULL) equal to NaN
        same[found] &= _same_values(stored[name][where_stored], new[name][found])
    kept = np.zeros(stored_keys.size, bool)
    kept[where_stored] = True
    rewritten = at_stored[found & ~same]
    drop = np.concatenate([stored_ids[~kept], stored_ids[rewritten]])
    QuantityRecord.objects.filter(pk__in=drop.tolist()).delete()
    changed = np.flatnonzero(~same)
    _insert_records(keys[changed], {name: values[changed] for name, values in new.items()}, at)
    return int(changed.size)


def _record_rows(where: str, params: list) -> tuple[dict, dict]:
    """The stored rows (of the authors in ``where``) that records count, and their tags."""
    rows = read_columns(
        connection,
        "SELECT author_id, question_id, CASE excluded_reason WHEN '' THEN 0 "
        f"WHEN 'pending' THEN {PENDING_ROW} ELSE -1 END, {nan_if_null('normalised')}, "
        f"{nan_if_null('wis')} FROM {QuantityScore._meta.db_table}{where}",
        {
            "author": "int8",
            "question": "int8",
            "excluded": "int4",
            "score": "float8",
            "wis": "float8",
        },
        params,
    )
    tags = read_columns(
        connection,
        "SELECT question_id, tag_id FROM forecasts_question_tags WHERE question_id IN "
        f"(SELECT question_id FROM {QuantityScore._meta.db_table}{where})",
        {"question": "int8", "tag": "int8"},
        params,
    )
    return rows, tags


def _same_values(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    both_nan = np.isnan(a) & np.isnan(b) if a.dtype.kind == "f" else np.zeros(a.size, bool)
    return (a == b) | both_nan


def _insert_records(keys: np.ndarray, figures: dict[str, np.ndarray], at: datetime) -> None:
    """Insert records (keyed author << 32 | tag, 0 overall; their ``_RECORD_FIELDS``) by
    COPY, not per row."""
    n = keys.size
    if n == 0:
        return
    tag = keys & 0xFFFFFFFF
    write_rows(
        connection,
        QuantityRecord._meta.db_table,
        [
            Column("author_id", "int8", keys >> 32),
            Column("tag_id", "int8", tag, nulls=tag == 0),
            *(
                Column(name, "float8" if name in _RECORD_FLOATS else "int4", figures[name])
                for name in _RECORD_FIELDS  # NaN: written NULL
            ),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
        any_order=True,  # records are found by author and tag, never by id
    )


def _where_range(among: IdRange) -> tuple[str, list]:
    condition, params = among.where("author_id")
    return f" WHERE {condition}", params


def _where_author(authors: np.ndarray) -> tuple[str, list]:
    condition, params = in_ids(connection, "author_id", authors.tolist())
    return f" WHERE {condition}", params


def _records(rows: dict, tags: dict) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every (author, tag) record's key (author << 32 | tag, 0 overall; sorted) and its
    ``_RECORD_FIELDS`` as arrays (NaN for none)."""
    order = np.argsort(tags["question"], kind="stable")
    tag_question, tag_id = tags["question"][order], tags["tag"][order]
    start = np.searchsorted(tag_question, rows["question"])
    count = np.searchsorted(tag_question, rows["question"], side="right") - start
    tagged = np.repeat(np.arange(rows["author"].size), count)
    row = np.concatenate([np.arange(rows["author"].size), tagged])
    within = tag_id[np.repeat(start, count) + ragged_arange(count)]
    tag = np.concatenate([np.zeros(rows["author"].size, np.int64), within])
    keys, group = np.unique((rows["author"][row].astype(np.int64) << 32) | tag, return_inverse=True)
    group = group.reshape(-1)
    counted = rows["excluded"][row] == COUNTED
    score, wis = rows["score"][row], rows["wis"][row]
    scored = counted & ~np.isnan(score)
    tallies = [
        np.bincount(group, weights=where, minlength=keys.size).astype(np.int64)
        for where in (
            scored,
            counted & np.isnan(score) & ~np.isnan(wis),
            counted & np.isnan(wis),
            rows["excluded"][row] == PENDING_ROW,
        )
    ]
    # In question order, so the sums (and the mean's last bit) do not follow the read order.
    by_group = np.lexsort((rows["question"][row][scored], group[scored]))
    values, owner = score[scored][by_group], group[scored][by_group]
    n = np.bincount(owner, minlength=keys.size)
    mean = np.divide(
        np.bincount(owner, weights=values, minlength=keys.size),
        n,
        out=np.full(n.size, np.nan),
        where=n > 0,
    )
    squares = np.bincount(owner, weights=(values - mean[owner]) ** 2, minlength=keys.size)
    spread = n > 1
    std = np.sqrt(np.divide(squares, n - 1, out=np.zeros(n.size), where=spread))
    figures = {
        "n_scored": tallies[0],
        "mean": mean,
        "std": std,
        "n_unranged": tallies[1],
        "n_points": tallies[2],
        "n_pending": tallies[3],
    }
    return keys, figures


def _with_intervals(figures: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The records' figures with the mean's 95% t interval in place of the spread.

    One call of ``t_975`` for every record, however many slices they were summed in:
    its quantiles' last bit depends on the degrees of freedom found together.
    """
    n, mean, std = figures["n_scored"], figures["mean"], figures.pop("std")
    spread = n > 1
    half = t_975(np.maximum(n - 1, 1)) * std / np.sqrt(np.maximum(n, 1))
    figures["low"] = np.where(spread, mean - half, np.nan)
    figures["high"] = np.where(spread, mean + half, np.nan)
    return figures


def _stored_records(where: str, params: list) -> tuple[np.ndarray, np.ndarray, dict]:
    """The stored records (of the authors in ``where``): their ids, keys (author << 32 | tag,
    0 overall; sorted) and ``_RECORD_FIELDS`` as arrays (NaN for NULL)."""
    kinds = {"id": "int8", "author": "int8", "tag": "int8"}
    kinds.update((name, "float8" if name in _RECORD_FLOATS else "int4") for name in _RECORD_FIELDS)
    columns = ", ".join(
        nan_if_null(name) if kind == "float8" else name for name, kind in list(kinds.items())[3:]
    )
    stored = read_columns(
        connection,
        f"SELECT id, author_id, COALESCE(tag_id, 0), {columns} "
        f"FROM {QuantityRecord._meta.db_table}{where}",
        kinds,
        params,
    )
    keys = (stored["author"].astype(np.int64) << 32) | stored["tag"].astype(np.int64)
    order = np.argsort(keys, kind="stable")
    figures = {name: stored[name][order] for name in _RECORD_FIELDS}
    return stored["id"][order], keys[order], figures

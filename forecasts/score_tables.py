"""Writing computed scores to the QuestionScore and Scorecard tables in bulk.

Rows go in with ``forecasts.bulkload`` (COPY on PostgreSQL) after the rows
they replace are deleted, all inside the rescoring service's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from django.db import connection

from forecasts.bulkload import Column, read_columns, write_rows
from forecasts.ledger_arrays import Ledger
from forecasts.models import Scorecard
from forecasts.pair_scores import EXCLUSIONS

# QuestionScore columns and the score rows' arrays they come from.
_QUESTION_SCORE_FLOATS = (
    ("brier", "brier"),
    ("brier_final", "brier_final"),
    ("log_loss", "log_loss"),
    ("crowd_brier", "crowd_brier"),
    ("relative_brier", "relative_brier"),
    ("final_probability", "final_given"),
)
_SCORECARD_FIELDS = (
    ("n_scored", "int4"),
    ("brier", "float8"),
    ("brier_0_2", "float8"),
    ("brier_low", "float8"),
    ("brier_high", "float8"),
    ("brier_final", "float8"),
    ("skill", "float8"),
    ("log_loss", "float8"),
    ("relative_brier", "float8"),
    ("n_pending", "int4"),
    ("n_resolved", "int4"),
    ("n_annulled", "int4"),
    ("n_hindsight", "int4"),
    ("n_better_than_coin", "int4"),
)


def microseconds(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000 + at.microsecond


def write_question_scores(rows: dict, at: datetime, *, question_ids: Sequence[int] | None) -> int:
    """Store the rows of the given questions; returns how many rows were written.

    With ``question_ids`` those questions' rows are replaced. With None (a full
    rescore) only questions whose rows differ from the stored ones in any
    figure are rewritten, so an unchanged ledger costs reads, not writes.
    """
    if question_ids is None:
        question_ids = _changed_questions(rows)
        if question_ids.size == 0:
            return 0
        keep = np.isin(rows["question"], question_ids)
        rows = {name: _take(values, keep) for name, values in rows.items()}
    _delete_where("forecasts_questionscore", "question_id", [int(q) for q in question_ids])
    n = rows["author"].size
    write_rows(connection, "forecasts_questionscore", [
        Column("author_id", "int8", rows["author"]),
        Column("question_id", "int8", rows["question"]),
        Column("resolution_id", "int8", rows["resolution"], nulls=rows["resolution"] == 0),
        *(Column(column, "float8", rows[key]) for column, key in _QUESTION_SCORE_FLOATS),
        Column("n_forecasts", "int4", rows["n_forecasts"]),
        Column("n_days", "int4", rows["n_days"]),
        Column("n_hindsight", "int4", rows["n_hindsight"]),
        Column("excluded_reason", "text", rows["excluded"], labels=EXCLUSIONS),
        Column("tag_ids", "json", rows["tag_code"], labels=rows["tag_labels"]),
        Column("computed_at", "time", np.full(n, microseconds(at))),
    ], n)
    return n


def _take(values, keep: np.ndarray):
    return values[keep] if isinstance(values, np.ndarray) and values.shape == keep.shape else values


def _delete_where(table: str, column: str, ids: list[int]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s::bigint[])", [ids])
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )


_COMPARED = ("resolution", "n_forecasts", "n_days", "n_hindsight", "excluded",
             *(key for _, key in _QUESTION_SCORE_FLOATS))


def _changed_questions(rows: dict) -> np.ndarray:
    """Questions whose stored rows differ from ``rows`` (by pair, figure or tags)."""
    floats = ", ".join(_nan_or(f"s.{column}") for column, _ in _QUESTION_SCORE_FLOATS)
    codes = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(EXCLUSIONS))
    stored = read_columns(connection, (
        "SELECT s.question_id, s.author_id, COALESCE(s.resolution_id, 0), s.n_forecasts, "
        f"s.n_days, s.n_hindsight, CASE s.excluded_reason {codes} ELSE -1 END, {floats} "
        "FROM forecasts_questionscore s"
    ), {"question": "int8", "author": "int8", "resolution": "int8", "n_forecasts": "int4",
        "n_days": "int4", "n_hindsight": "int4", "excluded": "int4",
        **{key: "float8" for _, key in _QUESTION_SCORE_FLOATS}})
    new_key = (rows["question"] << 32) + rows["author"]
    old_key = (stored["question"] << 32) + stored["author"]
    order = np.argsort(old_key, kind="stable")
    old_key = old_key[order]
    at = np.minimum(np.searchsorted(old_key, new_key), max(old_key.size - 1, 0))
    found = old_key.size > 0
    matched = (old_key[at] == new_key) if found else np.zeros(new_key.size, bool)
    same = matched.copy()
    for name in _COMPARED:
        if not found:
            break
        old, new = stored[name][order][at], rows[name]
        equal = old == new
        if new.dtype.kind == "f":
            equal |= np.isnan(old) & np.isnan(new)
        same &= equal
    changed = [rows["question"][~same]]
    gone = ~np.isin(old_key, new_key)  # pairs stored but no longer forecast
    changed.append(old_key[gone] >> 32)
    changed.append(_retagged(rows))
    return np.unique(np.concatenate(changed))


def _retagged(rows: dict) -> np.ndarray:
    """Questions whose stored tag list differs from their tags now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT question_id, min(CAST(tag_ids AS TEXT)) FROM forecasts_questionscore "
            "GROUP BY question_id"
        )
        stored = {q: _ids(text) for q, text in cursor.fetchall()}
    first = np.unique(rows["question"], return_index=True)[1]
    now = {
        int(q): _ids(rows["tag_labels"][code])
        for q, code in zip(rows["question"][first].tolist(), rows["tag_code"][first].tolist(),
                           strict=True)
    }
    return np.array([q for q, tags in now.items() if q in stored and stored[q] != tags], np.int64)


def _ids(text: str) -> list[int]:
    return sorted(int(part) for part in text.strip("[] ").split(",") if part.strip())


def _nan_or(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"COALESCE({expression}, 'NaN'::float8)"
    return expression


def write_scorecards(cards: list[dict], at: datetime, *, replace_all: bool = False) -> int:
    """Insert scorecards; with ``replace_all`` they replace every stored scorecard.

    A full replacement leaves alone the cards whose stored totals are byte for
    byte the same (the figures are a function of the totals and
    ``aggregates.FIGURES_VERSION``). Returns how many cards were written.
    """
    if replace_all:
        stored = {
            (author, tag or 0): bytes(totals)
            for author, tag, totals in Scorecard.objects.values_list(
                "author_id", "tag_id", "totals"
            )
        }
        fresh = {(c["author_id"], c["tag_id"] or 0) for c in cards}
        cards = [c for c in cards if stored.get((c["author_id"], c["tag_id"] or 0)) != c["totals"]]
        delete_scorecards(
            [(c["author_id"], c["tag_id"] or 0) for c in cards]
            + [key for key in stored if key not in fresh]
        )
    n = len(cards)
    tag = np.array([c["tag_id"] or 0 for c in cards], np.int64)
    write_rows(connection, "forecasts_scorecard", [
        Column("author_id", "int8", np.array([c["author_id"] for c in cards], np.int64)),
        Column("tag_id", "int8", tag, nulls=tag == 0),
        *(Column(name, kind, _column([c[name] for c in cards], kind))
          for name, kind in _SCORECARD_FIELDS),
        Column("calibration", "json", [_json(c["calibration"]) for c in cards]),
        Column("murphy", "json", [_json(c["murphy"]) for c in cards]),
        Column("totals", "bytes", [c["totals"] for c in cards]),
        Column("computed_at", "time", np.full(n, microseconds(at))),
    ], n)
    return n


def delete_scorecards(keys: Sequence[tuple[int, int]]) -> None:
    """Delete the (author id, tag id or 0 for overall) scorecards."""
    if not keys:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DELETE FROM forecasts_scorecard AS s USING unnest(%s::bigint[], %s::bigint[]) "
                "AS k(author_id, tag_id) "
                "WHERE s.author_id = k.author_id AND COALESCE(s.tag_id, 0) = k.tag_id",
                [[a for a, _ in keys], [t for _, t in keys]],
            )
        else:
            cursor.executemany(
                "DELETE FROM forecasts_scorecard WHERE author_id = %s AND COALESCE(tag_id, 0) = %s",
                list(keys),
            )


def _column(values: list, kind: str) -> np.ndarray:
    if kind == "float8":
        return np.array([np.nan if v is None else v for v in values], np.float64)
    return np.array(values, np.int64)


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _json(value) -> str:
    return _ENCODER.encode(value)


def stamp_scored(ledger: Ledger, at: datetime) -> None:
    """Mark the stale questions read into ``ledger`` as scored at ``at``.

    A resolution recorded while the rescore ran has a ``resolution_changed_at``
    other than the one read, so that question stays stale and is scored again.
    Questions already marked scored since their last change are left alone.
    """
    stale = ledger.stale
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # One writer at a time on SQLite: nothing changed since the read.
            cursor.execute(
                "UPDATE forecasts_question SET scored_at = %s WHERE resolution_changed_at IS NOT "
                "NULL AND (scored_at IS NULL OR scored_at < resolution_changed_at)",
                [at],
            )
            return
        cursor.execute(
            "UPDATE forecasts_question AS q SET scored_at = %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS seen(id, changed_us) "
            "WHERE q.id = seen.id AND q.resolution_changed_at "
            "= timestamptz 'epoch' + seen.changed_us * interval '1 microsecond' "
            "AND (q.scored_at IS NULL OR q.scored_at < q.resolution_changed_at)",
            [at, ledger.question_id[stale].tolist(), ledger.changed_us[stale].tolist()],
        )

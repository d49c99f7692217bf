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

from forecasts import aggregates
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
    """Store score rows; returns how many rows were written.

    With ``question_ids`` those questions' rows are replaced by ``rows``. With
    None (a full rescore) ``rows`` cover every question: on PostgreSQL the
    stored rows are read back and only the questions whose rows differ from
    the new ones in any column are rewritten, so an unchanged ledger costs a
    read and a comparison, not a rewrite.
    """
    if question_ids is not None:
        _delete_where("forecasts_questionscore", "question_id", [int(q) for q in question_ids])
        return _copy_scores("forecasts_questionscore", rows, at)
    if connection.vendor != "postgresql" or not _ids_fit(rows):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM forecasts_questionscore")
        return _copy_scores("forecasts_questionscore", rows, at)
    changed = _changed_questions(rows)
    if changed.size == 0:
        return 0
    _delete_where("forecasts_questionscore", "question_id", changed.tolist())
    chosen = np.flatnonzero(np.isin(rows["question"], changed))
    return _copy_scores("forecasts_questionscore", _take(rows, chosen), at)


def _ids_fit(rows: dict) -> bool:
    """Whether (question, author) pairs pack into one int64 key (ids below 2**31)."""
    return all(rows[k].size == 0 or int(rows[k].max()) < 2**31 for k in ("question", "author"))


def _take(rows: dict, chosen: np.ndarray) -> dict:
    return {
        name: values[chosen] if isinstance(values, np.ndarray) else values
        for name, values in rows.items()
    }


def _changed_questions(rows: dict) -> np.ndarray:
    """Ids of the questions whose stored rows differ from ``rows`` in any column.

    The stored rows are read back with one binary COPY and compared in NumPy
    (exactly, NULL equal to NULL), which costs about a read of the table: far
    less than staging the new rows in the database and joining the two there.
    A stored ``tag_ids`` is compared through its position among the new rows'
    tag lists (-1 when it is none of them).
    """
    floats = ", ".join(f"COALESCE({column}, 'NaN')" for column, _ in _QUESTION_SCORE_FLOATS)
    reasons = " ".join(f"WHEN '{label}' THEN {code}" for code, label in enumerate(EXCLUSIONS))
    with connection.cursor() as cursor:
        # The score table's statistics are often stale right after a rescore; a
        # nested loop over the tag lists would cast them once per stored row.
        cursor.execute("SET LOCAL enable_nestloop = off")
    stored = read_columns(
        connection,
        "SELECT s.question_id, s.author_id, COALESCE(s.resolution_id, 0), "
        f"{floats}, COALESCE(s.resolved_yes::int, -1), s.n_forecasts, s.n_days, "
        f"s.n_hindsight, CASE s.excluded_reason {reasons} ELSE -1 END, COALESCE(l.code - 1, -1) "
        "FROM forecasts_questionscore s LEFT JOIN (SELECT tags::jsonb AS tags, code "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS t(tags, code)) AS l ON l.tags = s.tag_ids",
        {
            "question": "int8",
            "author": "int8",
            "resolution": "int8",
            **{key: "float8" for _, key in _QUESTION_SCORE_FLOATS},
            "resolved_yes": "int4",
            "n_forecasts": "int4",
            "n_days": "int4",
            "n_hindsight": "int4",
            "excluded": "int4",
            "tag_code": "int8",
        },
        [list(rows["tag_labels"])],
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
    new = {
        **{k: rows[k] for k in ("resolution", "n_forecasts", "n_days", "n_hindsight")},
        **{key: rows[key] for _, key in _QUESTION_SCORE_FLOATS},
        "resolved_yes": np.where(np.isnan(rows["outcome_yes"]), -1, rows["outcome_yes"] == 1.0),
        "excluded": rows["excluded"],
        "tag_code": rows["tag_code"],
    }
    new_key = (rows["question"].astype(np.int64) << 32) | rows["author"]
    old_key = (stored["question"] << 32) | stored["author"]
    order = np.argsort(new_key, kind="stable")
    at = np.minimum(np.searchsorted(new_key, old_key, sorter=order), max(new_key.size - 1, 0))
    match = order[at] if new_key.size else np.zeros(0, np.int64)
    found = new_key[match] == old_key if new_key.size else np.zeros(old_key.size, bool)
    same = found.copy()
    for name, values in new.items():
        old, fresh = stored[name][found], np.asarray(values)[match[found]]
        equal = old == fresh
        if old.dtype.kind == "f":
            equal |= np.isnan(old) & np.isnan(fresh)
        same[found] &= equal
    matched = np.zeros(new_key.size, bool)
    matched[match[same]] = True
    changed = np.union1d(stored["question"][~same], rows["question"][~matched])
    return changed.astype(np.int64)


_SCORE_COLUMNS = (
    "author_id",
    "question_id",
    "resolution_id",
    *(c for c, _ in _QUESTION_SCORE_FLOATS),
    "resolved_yes",
    "n_forecasts",
    "n_days",
    "n_hindsight",
    "excluded_reason",
    "tag_ids",
    "computed_at",
)


def _copy_scores(table: str, rows: dict, at: datetime) -> int:
    n = rows["author"].size
    write_rows(
        connection,
        table,
        [
            Column("author_id", "int8", rows["author"]),
            Column("question_id", "int8", rows["question"]),
            Column("resolution_id", "int8", rows["resolution"], nulls=rows["resolution"] == 0),
            *(Column(column, "float8", rows[key]) for column, key in _QUESTION_SCORE_FLOATS),
            Column(
                "resolved_yes",
                "bool",
                rows["outcome_yes"] == 1.0,
                nulls=np.isnan(rows["outcome_yes"]),
            ),
            Column("n_forecasts", "int4", rows["n_forecasts"]),
            Column("n_days", "int4", rows["n_days"]),
            Column("n_hindsight", "int4", rows["n_hindsight"]),
            Column("excluded_reason", "text", rows["excluded"], labels=EXCLUSIONS),
            Column("tag_ids", "json", rows["tag_code"], labels=rows["tag_labels"]),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
    )
    return n


def _delete_where(table: str, column: str, ids: list[int]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s::bigint[])", [ids])
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )


def replace_scorecards(author: np.ndarray, tag: np.ndarray, totals: np.ndarray, at) -> int:
    """Make the stored scorecards exactly these (tag 0: overall); returns cards written.

    Cards whose stored totals are byte for byte the new ones are left alone:
    their figures are a function of the totals (and FIGURES_VERSION), so only
    changed cards have their figures worked out and written.
    """
    stored = {
        (a, t or 0): bytes(b)
        for a, t, b in Scorecard.objects.values_list("author_id", "tag_id", "totals")
    }
    encoded = aggregates.encode_totals(totals)
    keys = list(zip(author.tolist(), tag.tolist(), strict=True))
    changed = [i for i, key in enumerate(keys) if stored.get(key) != encoded[i]]
    fresh = set(keys)
    delete_scorecards([keys[i] for i in changed] + [key for key in stored if key not in fresh])
    cards = aggregates.figures(totals[changed]) if changed else []
    for card, i in zip(cards, changed, strict=True):
        card["author_id"], card["tag_id"] = keys[i][0], keys[i][1] or None
    return write_scorecards(cards, at)


def write_scorecards(cards: list[dict], at: datetime) -> int:
    """Insert scorecards (the caller deleted the ones they replace)."""
    n = len(cards)
    tag = np.array([c["tag_id"] or 0 for c in cards], np.int64)
    write_rows(
        connection,
        "forecasts_scorecard",
        [
            Column("author_id", "int8", np.array([c["author_id"] for c in cards], np.int64)),
            Column("tag_id", "int8", tag, nulls=tag == 0),
            *(
                Column(name, kind, _column([c[name] for c in cards], kind))
                for name, kind in _SCORECARD_FIELDS
            ),
            Column("totals", "bytes", [c["totals"] for c in cards]),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
    )
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

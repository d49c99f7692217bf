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
from forecasts.bulkload import Column, write_rows
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
    None (a full rescore) ``rows`` cover every question: on PostgreSQL they are
    staged in a temporary table and only the questions whose rows differ from
    the stored ones in any column are rewritten, so an unchanged ledger costs a
    comparison, not a rewrite.
    """
    if question_ids is not None:
        _delete_where("forecasts_questionscore", "question_id", [int(q) for q in question_ids])
        return _copy_scores("forecasts_questionscore", rows, at)
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM forecasts_questionscore)")
        empty = not cursor.fetchone()[0]
    if empty or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM forecasts_questionscore")
        return _copy_scores("forecasts_questionscore", rows, at)
    columns = ", ".join(_SCORE_COLUMNS)
    compared = ", ".join(
        c for c in _SCORE_COLUMNS if c not in ("author_id", "question_id", "computed_at")
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS reckon_new_scores")
        cursor.execute(
            f"CREATE TEMP TABLE reckon_new_scores ON COMMIT DROP AS SELECT {columns} "
            "FROM forecasts_questionscore WITH NO DATA"
        )
        _copy_scores("reckon_new_scores", rows, at)
        cursor.execute(
            "DELETE FROM forecasts_questionscore WHERE question_id IN ("
            "SELECT COALESCE(n.question_id, s.question_id) FROM reckon_new_scores n "
            "FULL JOIN forecasts_questionscore s "
            "ON s.author_id = n.author_id AND s.question_id = n.question_id "
            "WHERE n.question_id IS NULL OR s.question_id IS NULL "
            f"OR ({', '.join('n.' + c for c in compared.split(', '))}) IS DISTINCT FROM "
            f"({', '.join('s.' + c for c in compared.split(', '))}))"
        )
        cursor.execute(
            f"INSERT INTO forecasts_questionscore ({columns}) SELECT {columns} "
            "FROM reckon_new_scores n WHERE NOT EXISTS (SELECT 1 FROM forecasts_questionscore s "
            "WHERE s.question_id = n.question_id)"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE reckon_new_scores")
    return written


_SCORE_COLUMNS = (
    "author_id",
    "question_id",
    "resolution_id",
    *(c for c, _ in _QUESTION_SCORE_FLOATS),
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
            Column("calibration", "json", [_json(c["calibration"]) for c in cards]),
            Column("murphy", "json", [_json(c["murphy"]) for c in cards]),
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

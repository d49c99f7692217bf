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

from forecasts.bulkload import Column, write_rows
from forecasts.ledger_arrays import Ledger
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


def write_question_scores(rows: dict, at: datetime, *, question_ids: Sequence[int] | None) -> None:
    """Replace the rows of the given questions (None: of every question)."""
    with connection.cursor() as cursor:
        if question_ids is None:
            cursor.execute("DELETE FROM forecasts_questionscore")
        else:
            for question_id in question_ids:
                cursor.execute(
                    "DELETE FROM forecasts_questionscore WHERE question_id = %s", [question_id]
                )
    n = rows["author"].size
    write_rows(
        connection,
        "forecasts_questionscore",
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


def write_scorecards(cards: list[dict], at: datetime, *, replace_all: bool = False) -> None:
    """Insert scorecards (after deleting every scorecard, with ``replace_all``)."""
    if replace_all:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM forecasts_scorecard")
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
            Column("totals", "json", [_json(c["totals"]) for c in cards]),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
    )


def delete_scorecards(keys: Sequence[tuple[int, int]]) -> None:
    """Delete the (author id, tag id or 0 for overall) scorecards."""
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


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def stamp_scored(ledger: Ledger, at: datetime) -> None:
    """Mark the ledger's questions scored at ``at``, unless their resolution changed since read.

    A resolution recorded while the rescore ran has a ``resolution_changed_at``
    other than the one read, so the question stays stale and is scored again.
    """
    seen = ledger.changed_us != np.iinfo(np.int64).min
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # One writer at a time on SQLite: nothing changed since the read.
            cursor.execute(
                "UPDATE forecasts_question SET scored_at = %s "
                "WHERE resolution_changed_at IS NOT NULL",
                [at],
            )
            return
        cursor.execute(
            "UPDATE forecasts_question AS q SET scored_at = %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS seen(id, changed_us) "
            "WHERE q.id = seen.id AND q.resolution_changed_at "
            "= timestamptz 'epoch' + seen.changed_us * interval '1 microsecond' "
            "AND (q.scored_at IS NULL OR q.scored_at < %s)",
            [at, ledger.question_id[seen].tolist(), ledger.changed_us[seen].tolist(), at],
        )

"""Writing computed scores to the QuestionScore and Scorecard tables in bulk.

All inside the rescoring service's transaction, through ``forecasts.engine.bulkload``
(binary COPY on PostgreSQL):

* a question's rows are replaced (deleted, then copied in), or for one
  question updated in place, and each question's ``ScoresDigest`` records
  what was written, so a full rescore can tell which questions changed
  without reading every row back (``forecasts.engine.score_digests``);
* scorecards are updated in place by id, inserted or deleted
  (``store_scorecards``); updates are staged in a temporary table by COPY
  and joined in by one UPDATE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import connection

from forecasts.engine import card_totals
from forecasts.engine.bulkload import (
    Column,
    EncodedRows,
    Query,
    encode_rows,
    in_ids,
    pg_array,
    write_encoded,
    write_rows,
)
from forecasts.engine.ledger_arrays import IdRange
from forecasts.engine.pair_scores import EXCLUSIONS

# QuestionScore columns and the score rows' arrays they come from.
QUESTION_SCORE_FLOATS = (
    ("brier", "brier"),
    ("brier_final", "brier_final"),
    ("log_loss", "log_loss"),
    ("crowd_brier", "crowd_brier"),
    ("crowd_size", "crowd_size"),
    ("relative_brier", "relative_brier"),
    ("final_probability", "final_given"),
    ("baseline", "baseline"),
    ("peer", "peer"),
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
    ("crowd_size", "float8"),
    ("n_crowd_compared", "int4"),
    ("n_pending", "int4"),
    ("n_resolved", "int4"),
    ("n_annulled", "int4"),
    ("n_hindsight", "int4"),
    ("n_retrospective", "int4"),
    ("n_better_than_coin", "int4"),
    *(
        (f"{prefix}{name}{suffix}", "int4" if prefix else "float8")
        for name in card_totals.LOG_SCORES
        for prefix, suffix in (("n_", ""), ("", ""), ("", "_low"), ("", "_high"))
    ),
)


def microseconds(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000 + at.microsecond


def from_microseconds(us: int) -> datetime:
    """``microseconds``' inverse: an aware UTC datetime."""
    return _UNIX_EPOCH + timedelta(microseconds=int(us))


_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def write_question_scores(rows: dict, at: datetime, *, question_ids: Sequence[int]) -> int:
    """Replace the stored rows of ``question_ids`` by ``rows``; returns rows written."""
    if len(question_ids) == 0:
        return 0
    _delete_where("forecasts_questionscore", "question_id", [int(q) for q in question_ids])
    return _copy_scores("forecasts_questionscore", rows, at)


def rewrite_question_scores(question_id: int, old_author: np.ndarray, rows: dict, at) -> int:
    """Make one question's stored rows ``rows`` (``old_author``: the authors stored now).

    On PostgreSQL the rows of authors already stored are updated in place
    (staged by binary COPY, joined in by one UPDATE; the table keeps free
    space on its pages, so these are mostly heap-only updates that leave its
    indexes alone), new authors' rows inserted and the others deleted.
    """
    if connection.vendor != "postgresql":
        return write_question_scores(rows, at, question_ids=[question_id])
    kept = np.isin(rows["author"], old_author)
    gone = old_author[~np.isin(old_author, rows["author"])]
    if gone.size:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM forecasts_questionscore WHERE question_id = %s "
                "AND author_id = ANY(%s::bigint[])",
                [question_id, pg_array(gone)],
            )
    if kept.any():
        _staging_table("reckon_questionscore_update", _QUESTION_SCORE_STAGING)
        _copy_scores("reckon_questionscore_update", take_rows(rows, np.flatnonzero(kept)), at)
        names = [name for name, _ in _QUESTION_SCORE_STAGING if name not in _PAIR]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE forecasts_questionscore AS s SET "
                + ", ".join(f"{name} = u.{name}" for name in names)
                + " FROM reckon_questionscore_update AS u WHERE s.question_id = %s "
                "AND s.author_id = u.author_id",  # the constant lets the planner use its index
                [question_id],
            )
    return int(kept.sum()) + _copy_scores(
        "forecasts_questionscore", take_rows(rows, np.flatnonzero(~kept)), at
    )


_PAIR = ("author_id", "question_id")
_QUESTION_SCORE_STAGING = (
    ("author_id", "bigint"),
    ("question_id", "bigint"),
    ("resolution_id", "bigint"),
    *((column, "double precision") for column, _ in QUESTION_SCORE_FLOATS),
    ("resolved_yes", "boolean"),
    ("n_forecasts", "integer"),
    ("n_days", "integer"),
    ("n_hindsight", "integer"),
    ("n_retrospective", "integer"),
    ("excluded_reason", "varchar(30)"),
    ("tag_ids", "jsonb"),
    ("computed_at", "timestamptz"),
)


def _staging_table(name: str, columns) -> None:
    """An empty temporary table (private to the session, emptied at every commit)."""
    with connection.cursor() as cursor:  # one round trip: no parameters, two statements
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ("
            + ", ".join(f"{column} {kind}" for column, kind in columns)
            + f") ON COMMIT DELETE ROWS; TRUNCATE {name}"
        )


def copy_question_scores(rows: dict | EncodedRows, at: datetime) -> int:
    """Add rows for questions that have none stored (a cold start); returns rows written.

    ``rows`` may come encoded already (``encode_question_scores``).
    """
    if not isinstance(rows, EncodedRows):
        rows = encode_question_scores(rows, at)
    write_encoded(connection, rows)
    return rows.n_rows


def encode_question_scores(rows: dict, at: datetime) -> EncodedRows:
    """``rows`` made ready for ``copy_question_scores``, to be sent later (or elsewhere)."""
    return _encoded_scores("forecasts_questionscore", rows, at)


def delete_question_scores(question_ids: np.ndarray) -> None:
    """Delete every stored row of the given questions."""
    if question_ids.size:
        _delete_where("forecasts_questionscore", "question_id", question_ids.tolist())


def take_rows(rows: dict, chosen: np.ndarray) -> dict:
    """The score rows at positions ``chosen`` (shared per-question labels kept whole)."""
    return {
        name: values[chosen] if isinstance(values, np.ndarray) else values
        for name, values in rows.items()
    }


def stored_rows_queries(question_id: int | IdRange | None) -> list[Query]:
    """Queries for stored rows (one question's, a range's, or all): the rows, then their
    (row, tag) pairs.

    The rows come back in the shape of the scorer's rows (``question``,
    ``author``, ``excluded`` codes, NaN for NULL...), for comparison with them.
    """
    floats = ", ".join(f"COALESCE({column}, 'NaN')" for column, _ in QUESTION_SCORE_FLOATS)
    reasons = " ".join(f"WHEN '{label}' THEN {code}" for code, label in enumerate(EXCLUSIONS))
    nan = "'NaN'::float8" if connection.vendor == "postgresql" else "NULL"
    where, params = ("", []) if question_id is None else (" WHERE question_id = %s", [question_id])
    if isinstance(question_id, IdRange):
        condition, params = question_id.where("question_id")
        where = f" WHERE {condition}"
    return [
        Query(
            "SELECT question_id, author_id, COALESCE(resolution_id, 0), "
            f"{floats}, CASE WHEN resolved_yes THEN 1.0 WHEN NOT resolved_yes THEN 0.0 "
            f"ELSE {nan} END, n_forecasts, n_days, n_hindsight, n_retrospective, "
            f"CASE excluded_reason {reasons} ELSE -1 END "
            f"FROM forecasts_questionscore{where}",
            {
                "question": "int8",
                "author": "int8",
                "resolution": "int8",
                **{key: "float8" for _, key in QUESTION_SCORE_FLOATS},
                "outcome_yes": "float8",
                "n_forecasts": "int4",
                "n_days": "int4",
                "n_hindsight": "int4",
                "n_retrospective": "int4",
                "excluded": "int4",
            },
            params,
        ),
        Query(
            "SELECT s.question_id, s.author_id, CAST(t.value AS BIGINT) "
            f"FROM forecasts_questionscore s, {_json_elements('s.tag_ids')}{where}",
            {"question": "int8", "author": "int8", "tag": "int8"},
            params,
        ),
    ]


def _json_elements(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"jsonb_array_elements_text({column}) AS t(value)"
    return f"json_each({column}) AS t"


def _copy_scores(table: str, rows: dict, at: datetime) -> int:
    encoded = _encoded_scores(table, rows, at)
    write_encoded(connection, encoded)
    return encoded.n_rows


def _encoded_scores(table: str, rows: dict, at: datetime) -> EncodedRows:
    n = rows["author"].size
    return encode_rows(
        connection.vendor,
        table,
        [
            Column("author_id", "int8", rows["author"]),
            Column("question_id", "int8", rows["question"]),
            Column("resolution_id", "int8", rows["resolution"], nulls=rows["resolution"] == 0),
            *(Column(column, "float8", rows[key]) for column, key in QUESTION_SCORE_FLOATS),
            Column(
                "resolved_yes",
                "bool",
                rows["outcome_yes"] == 1.0,
                nulls=np.isnan(rows["outcome_yes"]),
            ),
            Column("n_forecasts", "int4", rows["n_forecasts"]),
            Column("n_days", "int4", rows["n_days"]),
            Column("n_hindsight", "int4", rows["n_hindsight"]),
            Column("n_retrospective", "int4", rows["n_retrospective"]),
            Column("excluded_reason", "text", rows["excluded"], labels=EXCLUSIONS),
            Column("tag_ids", "json", rows["tag_code"], labels=rows["tag_labels"]),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
        any_order=True,  # rows are found by question and author, never by id
    )


def _delete_where(table: str, column: str, ids: list[int]) -> None:
    condition, params = in_ids(connection, column, ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)


def scorecard_queries(
    author_ids: Sequence[int] | IdRange | None, tag_ids: Sequence[int] = ()
) -> Query:
    """The stored scorecards (of some authors: their overall cards and those tags'; of
    a range of author ids: all their cards).

    Columns: ``id``, ``author``, ``tag`` (0 overall), ``totals`` (raw bytes;
    zeros where the stored totals have another length) and ``sized`` (whether
    they had the right length).
    """
    size = _TOTALS_BYTES
    where, params = "", list[object]()
    if isinstance(author_ids, IdRange):
        condition, params = author_ids.where("author_id")
        where = f" WHERE {condition}"
    elif author_ids is not None:
        authors, author_params = in_ids(connection, "author_id", author_ids)
        tags, tag_params = in_ids(connection, "tag_id", tag_ids)
        where = f" WHERE {authors} AND (tag_id IS NULL OR {tags})"
        params = [*author_params, *tag_params]
    if connection.vendor == "postgresql":
        length, zeros = "octet_length(totals)", f"decode(repeat('00', {size}), 'hex')"
    else:
        length, zeros = "length(totals)", f"zeroblob({size})"
    return Query(
        f"SELECT id, author_id, COALESCE(tag_id, 0), "
        f"CASE WHEN {length} = {size} THEN totals ELSE {zeros} END, "
        f"CASE WHEN {length} = {size} THEN 1 ELSE 0 END FROM forecasts_scorecard{where}",
        {"id": "int8", "author": "int8", "tag": "int8", "totals": f"bytes:{size}", "sized": "int4"},
        params,
    )


_TOTALS_BYTES = (card_totals.WIDTH + 1) * 8


def decode_stored(stored: dict) -> tuple[np.ndarray, np.ndarray]:
    """Totals of stored cards (``scorecard_queries`` columns), and which are usable.

    A card is unusable (legacy) when its totals have another length or were
    written under another FIGURES_VERSION.
    """
    raw = np.ascontiguousarray(stored["totals"]).view("<f8").reshape(-1, card_totals.WIDTH + 1)
    usable = (stored["sized"] == 1) & (raw[:, card_totals.WIDTH] == card_totals.FIGURES_VERSION)
    return raw[:, : card_totals.WIDTH].astype(np.float64), usable


def store_scorecards(author, tag, totals, ids, at: datetime) -> int:
    """Make the given cards hold ``totals``; returns how many rows were written.

    ``ids`` are the stored cards' ids (0: not stored yet). Stored cards are
    updated in place (the table keeps free space on its pages, so these are
    mostly heap-only updates), new ones inserted, and cards with nothing
    counted any more deleted.
    """
    empty = card_totals.is_empty(totals)
    delete_scorecard_ids(ids[empty & (ids > 0)])
    update = np.flatnonzero(~empty & (ids > 0))
    insert = np.flatnonzero(~empty & (ids == 0))
    if update.size:
        _update_cards(ids[update], totals[update], at)
    if insert.size:
        _insert_cards(author[insert], tag[insert], totals[insert], at)
    return int(update.size + insert.size)


def delete_scorecard_ids(ids: np.ndarray) -> None:
    if ids.size:
        _delete_where("forecasts_scorecard", "id", ids.tolist())


def _update_cards(ids: np.ndarray, totals: np.ndarray, at: datetime) -> None:
    """Overwrite stored cards (by id) with the figures and totals of ``totals``.

    On PostgreSQL the new values go into a session-local staging table by
    binary COPY (built by NumPy) and one UPDATE joins them in: no Python
    value per figure, no parameter parsing.
    """
    names = [name for name, _ in _SCORECARD_FIELDS]
    if connection.vendor != "postgresql":
        columns = card_totals.figure_columns(totals)
        values = [_python_column(columns[name]) for name in names]
        stored = card_totals.encode_totals(totals)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE forecasts_scorecard SET "
                + ", ".join(f"{name} = %s" for name in names)
                + ", totals = %s, computed_at = %s WHERE id = %s",
                [
                    (*row, t, at, i)
                    for *row, t, i in zip(*values, stored, ids.tolist(), strict=True)
                ],
            )
        return
    _staging_table(
        "reckon_scorecard_update",
        [("id", "bigint"), *_SCORECARD_FIELDS, ("totals", "bytea"), ("computed_at", "timestamptz")],
    )
    _write_cards("reckon_scorecard_update", totals, at, [Column("id", "int8", ids)])
    assignments = ", ".join(f"{name} = u.{name}" for name in [*names, "totals", "computed_at"])
    with connection.cursor() as cursor:
        # The ids again as a condition on the cards, so that they are found by
        # their index: the planner knows nothing of the staging table, and would
        # otherwise hash-join it against a scan of every card.
        cursor.execute(
            f"UPDATE forecasts_scorecard AS s SET {assignments} "
            "FROM reckon_scorecard_update AS u WHERE s.id = ANY(%s::bigint[]) AND s.id = u.id",
            [pg_array(ids)],
        )


def _insert_cards(author: np.ndarray, tag: np.ndarray, totals: np.ndarray, at) -> None:
    _write_cards(
        "forecasts_scorecard",
        totals,
        at,
        [Column("author_id", "int8", author), Column("tag_id", "int8", tag, nulls=tag == 0)],
    )


def _write_cards(table: str, totals: np.ndarray, at: datetime, keys: list[Column]) -> None:
    columns = card_totals.figure_columns(totals)
    n = totals.shape[0]
    write_rows(
        connection,
        table,
        [
            *keys,
            *(Column(name, kind, columns[name]) for name, kind in _SCORECARD_FIELDS),
            Column("totals", "bytes", card_totals.encode_totals(totals)),
            Column("computed_at", "time", np.full(n, microseconds(at))),
        ],
        n,
        any_order=True,  # cards are found by author and tag, never by id
    )


def _python_column(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]  # NaN is the only value != itself

"""Digests of stored score rows: how a full rescore knows what changed.

Each question's ``ScoresDigest`` is a 64-bit digest of every column of every
stored QuestionScore row of the question, its tags and SCORES_VERSION,
written with the rows (``forecasts.engine.score_tables``). A full rescore digests
its freshly computed rows the same way and rewrites only the questions whose
digest differs; a verifying one digests the rows actually stored instead
(``stored_digests``). Rows are summed, so their order does not matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from django.db import connection

from forecasts.engine.bulkload import Column, pg_array, read_columns, write_rows
from forecasts.engine.copy_tuples import NULL_TIME
from forecasts.engine.ledger_arrays import IdRange, Ledger
from forecasts.engine.score_tables import (
    QUESTION_SCORE_FLOATS,
    from_microseconds,
    microseconds,
    stored_rows_queries,
    take_rows,
)

# Bump when the stored rows' columns or their meaning change: every question's
# digest then differs and a full rescore rewrites all rows.
SCORES_VERSION = 3
_MIX_1, _MIX_2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (SplitMix64's): every input bit moves about half the output bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _MIX_1
        x = (x ^ (x >> np.uint64(27))) * _MIX_2
    return x ^ (x >> np.uint64(31))


def _bits(values: np.ndarray) -> np.ndarray:
    """Values as uint64 bit patterns; all NaNs alike (they are all stored as NULL)."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), np.nan, values).astype(np.float64)
        return values.view(np.uint64)
    return values.astype(np.int64).view(np.uint64)


_DIGESTED = (
    "author",
    "resolution",
    "excluded",
    "n_forecasts",
    "n_days",
    "n_hindsight",
    "n_retrospective",
    "outcome_yes",
    *(key for _, key in QUESTION_SCORE_FLOATS),
)


def scores_digests(rows: dict, row_question: np.ndarray, tag_question, tag_id, n: int):
    """Each of ``n`` questions' digest of its score rows, as ``ScoresDigest`` holds them.

    ``row_question`` and ``tag_question`` index the questions (0..n-1). A
    digest covers every stored column of every row (bit for bit), the
    question's tags and SCORES_VERSION; rows are summed, so their order does
    not matter. Never 0, which stands for "no digest stored".
    """
    return rows_digests(
        rows, _DIGESTED, row_question, tag_question, tag_id, n, version=SCORES_VERSION
    )


def rows_digests(
    rows: dict,
    columns: Sequence[str],
    row_question: np.ndarray,
    tag_question: np.ndarray,
    tag_id: np.ndarray,
    n: int,
    *,
    version: int,
) -> np.ndarray:
    """Each of ``n`` questions' digest of the ``columns`` of its rows, its tags and
    ``version`` (int64, never 0); rows summed, so their order does not matter."""
    h = np.full(row_question.size, version, np.uint64)
    for name in columns:
        h = _mix(h ^ _bits(rows[name]))
    with np.errstate(over="ignore"):
        total = _sum_by(row_question, h, n)
        tags = _sum_by(tag_question, _mix(_bits(tag_id) ^ np.uint64(0x5EC0)), n)
        digest = _mix(total ^ _mix(tags + np.uint64(version)))
    return (digest | np.uint64(1)).view(np.int64)


def _sum_by(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Wrapping uint64 sums of ``values`` per group 0..n-1 (``np.add.at``, but fast)."""
    total = np.zeros(n, np.uint64)
    if group.size == 0:
        return total
    if np.any(group[1:] < group[:-1]):
        order = np.argsort(group, kind="stable")
        group, values = group[order], values[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    total[group[starts]] = np.add.reduceat(values, starts)
    return total


def store_digests(
    question_ids: np.ndarray,
    digests: np.ndarray,
    *,
    scored_us: np.ndarray | None = None,
    fresh: bool = False,
) -> None:
    """Record the questions' score digests (of the rows just written) and their stamps.

    ``scored_us``: each question's ``scored_at`` as microseconds since the
    epoch (``NULL_TIME``: none, or the one stored kept). ``fresh``: none of
    these questions has a digest stored (a cold start emptied the table), so
    they are copied in without looking for one.
    """
    if question_ids.size == 0:
        return
    if scored_us is None:
        scored_us = np.full(question_ids.size, NULL_TIME)
    if fresh:
        columns = [
            Column("question_id", "int8", question_ids),
            Column("digest", "int8", digests),
            Column("scored_at", "time", scored_us, nulls=scored_us == NULL_TIME),
        ]
        write_rows(connection, "forecasts_scoresdigest", columns, question_ids.size)
        return
    insert = "INSERT INTO forecasts_scoresdigest (question_id, digest, scored_at)"
    upsert = (
        "ON CONFLICT (question_id) DO UPDATE SET digest = EXCLUDED.digest, "
        "scored_at = COALESCE(EXCLUDED.scored_at, forecasts_scoresdigest.scored_at)"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"{insert} SELECT id, digest, timestamptz 'epoch' + NULLIF(us, %s) "
                "* interval '1 microsecond' FROM unnest(%s::bigint[], %s::bigint[], "
                f"%s::bigint[]) AS seen(id, digest, us) {upsert}",
                [NULL_TIME, pg_array(question_ids), pg_array(digests), pg_array(scored_us)],
            )
        else:
            cursor.executemany(
                f"{insert} VALUES (%s, %s, %s) {upsert}",
                list(
                    zip(
                        question_ids.tolist(),
                        digests.tolist(),
                        [_stored_time(us) for us in scored_us.tolist()],
                        strict=True,
                    )
                ),
            )


def _stored_time(us: int) -> str | datetime | None:
    """A stamp as the database backend stores a datetime (None for ``NULL_TIME``)."""
    if us == NULL_TIME:
        return None
    return connection.ops.adapt_datetimefield_value(from_microseconds(us))


def stamped(ledger: Ledger, *, cold: bool = False) -> np.ndarray:
    """Which of the ledger's questions a rescore stamps: the stale ones, and in a cold
    start (every row computed afresh, the digests emptied) every one with a resolution."""
    if cold:
        return ledger.stale | (ledger.changed_us != NULL_TIME)
    return ledger.stale


def stamps(ledger: Ledger, stamp: np.ndarray, at: datetime) -> np.ndarray:
    """Each question's ``scored_at`` after a rescore at ``at`` (``store_digests``'s
    ``scored_us``): ``at`` where ``stamp``, the stamp read for the others."""
    return np.where(stamp, microseconds(at), ledger.scored_us)


def unstamp_changed(ledger: Ledger, stamp: np.ndarray, at: datetime) -> None:
    """Take back the stamps (``stamp``) of questions whose resolution changed since the read.

    A resolution recorded while the rescore ran has a ``resolution_changed_at``
    other than the one read, so that question stays stale and is scored again.
    The question rows are only read (one range of ids, by primary key); a
    stamp is taken back only where a resolution changed meanwhile. A
    resolution still uncommitted when they are read queues its question's own
    rescore on commit, which waits for this one's lock and stamps it again.
    (SQLite has one writer: nothing changes between the read and the stamps.)
    """
    if connection.vendor != "postgresql" or not stamp.any():
        return
    ids = ledger.question_id[stamp]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seen.id FROM unnest(%s::bigint[], %s::bigint[]) AS seen(id, changed_us) "
            "JOIN forecasts_question AS q ON q.id = seen.id WHERE q.id BETWEEN %s AND %s "
            "AND q.resolution_changed_at IS DISTINCT FROM "
            "timestamptz 'epoch' + NULLIF(seen.changed_us, %s) * interval '1 microsecond'",
            [
                pg_array(ids),
                pg_array(ledger.changed_us[stamp]),
                int(ids.min()),
                int(ids.max()),
                NULL_TIME,
            ],
        )
        moved = [row[0] for row in cursor.fetchall()]
        if moved:
            cursor.execute(
                "UPDATE forecasts_scoresdigest SET scored_at = NULL "
                "WHERE question_id = ANY(%s::bigint[]) AND scored_at = %s",
                [pg_array(np.array(moved, np.int64)), at],
            )


def stored_digests(
    question_id: np.ndarray, among: IdRange | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Digests of the rows actually stored for each of the (sorted) questions.

    Reads every stored row back: the thorough check a verifying full rescore
    makes instead of trusting ``ScoresDigest``. Also returns the ids of
    questions that have stored rows but are not among ``question_id`` (within
    the range ``among``, when given: the questions read for a chunk).
    """
    rows_query, tags_query = stored_rows_queries(among)
    rows = read_columns(connection, rows_query.sql, rows_query.kinds, rows_query.params)
    tags = read_columns(connection, tags_query.sql, tags_query.kinds, tags_query.params)
    where = np.minimum(np.searchsorted(question_id, rows["question"]), question_id.size - 1)
    known = question_id[where] == rows["question"] if question_id.size else where < 0
    orphans = np.unique(rows["question"][~known])
    rows = take_rows(rows, np.flatnonzero(known))
    # A question's tags as its rows hold them (every row of a question is written at once).
    pairs = np.unique(np.stack([tags["question"], tags["tag"]]), axis=1)
    pairs = pairs[:, np.isin(pairs[0], question_id)]
    return (
        scores_digests(
            rows,
            np.searchsorted(question_id, rows["question"]),
            np.searchsorted(question_id, pairs[0]),
            pairs[1],
            question_id.size,
        ),
        orphans,
    )

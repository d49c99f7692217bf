"""A full rescore into an empty score table, loaded as PostgreSQL recommends.

After a fresh import, a restore or a new score column, ``QuestionScore`` is
empty and the first full rescore writes every row. Keeping its indexes up to
date row by row costs more than building them once at the end ("Populating a
Database" in PostgreSQL's manual), so ``bulk_load`` drops the table's indexes
(the primary key and unique constraint included, unless another table's
foreign key needs one), lets the rescore COPY every row in, builds them again
and analyses the columns that readers filter on (``ANALYZED``); the questions'
digests, rewritten with the rows, are copied in too. It runs inside the
rescore's transaction: DDL is
transactional on PostgreSQL, and the ACCESS EXCLUSIVE lock that dropping an
index takes makes readers of the table wait for the commit, so they see the
old (empty) table or the whole new one, never half of it. A failure rolls
everything back, the indexes included.

On SQLite the rows are written with the indexes in place: correct, slower.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from forecasts.engine.stopwatch import phase

TABLE = "forecasts_questionscore"
QUANTITY_TABLE = "forecasts_quantityscore"
DIGESTS = "forecasts_scoresdigest"
# The columns that readers filter and join the score table on (the managers of
# forecasts.models.scores; author and question): the statistics the planner
# needs as soon as the load commits. Analysing these alone takes half as long as
# the whole table (105 against 205 ms at a million forecasts); autovacuum
# analyses every column soon after the commit, as after any large insert.
ANALYZED = {
    TABLE: (
        "author_id",
        "question_id",
        "resolution_id",
        "excluded_reason",
        "brier",
        "n_retrospective",
    ),
}


def score_table_empty(table: str = TABLE) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
        return bool(cursor.fetchone()[0])


@contextmanager
def bulk_load(*, enabled: bool, table: str = TABLE) -> Iterator[None]:
    """Drop ``table``'s indexes for the block and build them again after it (PostgreSQL).

    The score digests are emptied first (the score table is empty, so any
    stored digest describes no rows): the block copies every one in afresh.
    """
    if not enabled:
        yield
        return
    with connection.cursor() as cursor:
        # Deleted, not truncated: the rescore's reader (forecasts.engine.prefetch)
        # reads the digests with the questions, and TRUNCATE's lock would stop it.
        cursor.execute(f"DELETE FROM {DIGESTS}")
    if connection.vendor != "postgresql":
        yield
        return
    with phase("drop_indexes"), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")  # empty already; lets COPY skip WAL where it may
        rebuild = _drop_indexes(cursor, table)
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, statement in rebuild:
            with phase(f"build {name}"):
                cursor.execute(statement)
        with phase("analyze"):
            columns = ANALYZED.get(table)
            cursor.execute(f"ANALYZE {table}" + (f" ({', '.join(columns)})" if columns else ""))


def _drop_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Drop the table's indexes; returns their names and the statements that make them again."""
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u') "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.confrelid = c.conrelid "
        "AND f.conindid = c.conindid) ORDER BY c.contype, c.conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [
        *(
            (name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in constraints
        ),
        *indexes,
    ]

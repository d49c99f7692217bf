"""The change stamp: what every write to a table the public reads moves.

Database triggers (migrations ``0025_api_validator`` and, for the user table
whose names the question page prints, ``0027_user_change_stamp``) move it on each insert,
update, deletion or TRUNCATE, whatever made the write (a service, a bulk
update, a raw repair):

- PostgreSQL: each writing statement draws from the sequence
  ``forecasts_change_seq``, which takes no lock, so writers never wait for
  each other. A value is drawn before its transaction commits, so a
  transaction that drew earlier may commit after one that drew later,
  leaving the largest value where it was; the stamp therefore also names the
  transactions writing in this database when it is read. Such a transaction
  is in progress at the earlier reading and gone at the later one, so the
  two differ.
- SQLite: a row trigger adds one to the single row of ``forecasts_change_stamp``.
  SQLite lets one writer in at a time anyway, so the row costs no
  concurrency and the stamp moves in commit order.

Equal stamps mean no write committed in between (a stamp may move with no
visible change, never the reverse). The API's validators
(``forecasts.api.conditional``), cache keys of derived results and what the
public pages remember (``forecasts.pages.fragments``) read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

# Two columns: the stamp, and the writers in progress (PostgreSQL only).
STAMP_COLUMNS = {
    "postgresql": (
        "(SELECT last_value * is_called::int FROM forecasts_change_seq), "
        # pg_stat_activity's own function, without the view's joins to the catalogs.
        "(SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text) "
        "FROM pg_stat_get_activity(NULL) "
        "WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
    ),
    "sqlite": "(SELECT value FROM forecasts_change_stamp), NULL",
}


class PreparedCursor(psycopg.Cursor):
    """Server-side binding, each statement prepared (planned) on its first run."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


# Django turns psycopg's prepared statements off on every connection it opens
# (``prepare_threshold = None``, for the sake of transaction-mode poolers), and
# psycopg then ignores even an explicit ``prepare=True``. Set to this, no statement is
# prepared for having run often (Django's own cursors bind on the client and are never
# prepared): only the ones a ``PreparedCursor`` runs. ``RECKON_DB_PREPARE=false``
# leaves the connection as Django made it (docs/operations.md, "Connection poolers").
ONLY_WHEN_ASKED = 2**62


def _allow_prepared(raw: psycopg.Connection) -> None:
    if raw.prepare_threshold is None and getattr(settings, "RECKON_DB_PREPARE", True):
        raw.prepare_threshold = ONLY_WHEN_ASKED


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs a statement's own text: psycopg keeps none for a run of one already prepared."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


def prepared_cursor():
    """A Django cursor whose statements PostgreSQL plans once per connection (for the
    small queries run on every request, whose planning costs more than running them);
    an ordinary cursor elsewhere."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    _allow_prepared(connection.connection)
    raw = PreparedCursor(connection.connection)
    if connection.queries_logged:
        return _PreparedDebugWrapper(raw, connection)
    return CursorWrapper(raw, connection)


# Inside ``read_once``: a list holding the stamp once read; outside: None.
_read: ContextVar[list[tuple] | None] = ContextVar("reckon_change_stamp", default=None)


def change_stamp() -> tuple:
    """The stamp now (see the module's docstring): one query; none inside ``read_once``
    once the stamp has been read there (``remember``)."""
    held = _read.get()
    if held:
        return held[0]
    with prepared_cursor() as cursor:
        cursor.execute("SELECT " + STAMP_COLUMNS[connection.vendor])
        return tuple(cursor.fetchone())


@contextmanager
def read_once() -> Iterator[None]:
    """Within: the first stamp ``remember``ed stands for "now" (one request's reads).

    A stamp read earlier in the request names the data as it was then or older:
    a result keyed by it may be newer than the key says, never older, and any
    write after that reading moves the stamp later readers see."""
    token = _read.set([])
    try:
        yield
    finally:
        _read.reset(token)


def remember(stamp: tuple) -> None:
    """Keep a stamp read alongside other columns as this request's: inside ``read_once``,
    the first one kept stands; outside, nothing is kept."""
    held = _read.get()
    if held is not None and not held:
        held.append(stamp)

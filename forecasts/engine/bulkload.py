"""Moving columns of numbers between NumPy and the database, fast.

The demo world writes a million forecasts and the scorer reads them all back;
row-by-row ORM calls would take minutes. On PostgreSQL both directions use
``COPY ... (FORMAT BINARY)`` with the bytes built and parsed by NumPy, so no
Python code runs per row. SQLite (the embedded first-run default, with small
worlds) gets plain ``executemany`` and ``fetchall``.

A column is described by a ``Column``: its name, its kind and its values,
either an array with one value per row or a single constant for every row.
Times are int64 microseconds since the Unix epoch (UTC) throughout.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg
from django.db import connections

from forecasts.engine.copy_tuples import (
    BIG_ENDIAN,
    HEADER,
    NULL_TIME,
    PG_EPOCH_US,
    SIGNATURE,
    TRAILER,
    WIDTH,
    Column,
    binary_tuples,
)

_CHUNK_ROWS = 200_000

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def write_rows(
    connection, table: str, columns: Sequence[Column], n_rows: int, *, any_order: bool = False
) -> None:
    """Insert ``n_rows`` rows into ``table`` (COPY on PostgreSQL, executemany elsewhere).

    ``any_order``: the rows may be stored in another order (``binary_tuples``).
    On PostgreSQL the rows are encoded ``_CHUNK_ROWS`` at a time as they are sent.
    """
    if connection.vendor == "postgresql":
        _copy_in(connection, table, columns, _copy_parts(columns, n_rows, any_order))
    else:
        _insert_many(connection, table, columns, n_rows)


@dataclass(frozen=True)
class EncodedRows:
    """Rows made ready to insert (``encode_rows``), so that the costly half, building
    binary COPY's tuples with NumPy, can run apart from sending them (``write_encoded``).
    Elsewhere than on PostgreSQL the columns are kept, and converted when written."""

    table: str
    columns: tuple[Column, ...]
    n_rows: int
    parts: tuple[bytes, ...] | None  # None: not PostgreSQL


def encode_rows(
    vendor: str, table: str, columns: Sequence[Column], n_rows: int, *, any_order: bool = False
) -> EncodedRows:
    """``write_rows``'s rows, made ready to send; every part is held at once."""
    parts = tuple(_copy_parts(columns, n_rows, any_order)) if vendor == "postgresql" else None
    return EncodedRows(table, tuple(columns), n_rows, parts)


def write_encoded(connection, rows: EncodedRows) -> None:
    """Insert rows that ``encode_rows`` made ready (for this connection's database)."""
    if rows.parts is None:
        _insert_many(connection, rows.table, rows.columns, rows.n_rows)
    else:
        _copy_in(connection, rows.table, rows.columns, iter(rows.parts))


def _copy_parts(columns: Sequence[Column], n_rows: int, any_order: bool) -> Iterator[bytes]:
    for start in range(0, n_rows, _CHUNK_ROWS):
        yield binary_tuples(columns, start, min(start + _CHUNK_ROWS, n_rows), any_order=any_order)


def _copy_in(connection, table: str, columns: Sequence[Column], parts: Iterator[bytes]) -> None:
    first = next(parts, None)
    if first is None:
        return  # no rows
    names = ", ".join(c.name for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(HEADER)
            copy.write(first)
            for part in parts:
                copy.write(part)
            copy.write(TRAILER)


def _insert_many(connection, table: str, columns: Sequence[Column], n_rows: int) -> None:
    if n_rows == 0:
        return
    names = ", ".join(c.name for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    rows = zip(*(_python_values(c, n_rows) for c in columns), strict=True)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def _python_values(column: Column, n: int) -> list:
    """Values as the SQLite backend stores them (times as naive UTC text)."""
    values = _python_non_null(column, n)
    if column.nulls is None:
        return values
    return [None if null else v for v, null in zip(values, column.nulls.tolist(), strict=True)]


def _python_non_null(column: Column, n: int) -> list:
    if column.labels is not None:
        return [column.labels[code] for code in np.asarray(column.values).tolist()]
    if column.is_constant():
        return [column.values] * n
    array = column.values
    if column.kind == "time":
        text = np.datetime_as_string(np.asarray(array).astype("datetime64[us]"), unit="us")
        return [
            None if t == NULL_TIME else s.replace("T", " ")
            for t, s in zip(array, text, strict=True)
        ]
    if column.kind == "float8":
        return [None if np.isnan(v) else v for v in np.asarray(array).tolist()]
    if column.kind == "bool":
        return [bool(v) for v in array]
    if isinstance(array, np.ndarray):
        return array.tolist()
    return list(array)


def read_columns(connection, sql: str, kinds: dict[str, str], params: Sequence = ()) -> dict:
    """Run a query and return its columns as arrays (keys and kinds in SELECT order).

    The query must yield no NULLs (use COALESCE): on PostgreSQL it runs as
    ``COPY (query) TO STDOUT (FORMAT BINARY)`` and the rows are parsed as one
    fixed-width record array. Kinds: int2, int4, int8, float8, bool, time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            data = bytearray()  # appending each row's message costs no more than reading it
            with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params or None) as copy:
                for chunk in copy:
                    data += chunk
        return _parse_binary(data, kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(kinds)
    return {
        name: _from_python(kind, values)
        for (name, kind), values in zip(kinds.items(), columns, strict=True)
    }


def pg_array(values) -> str:
    """A PostgreSQL array literal of numbers, for a ``%s::bigint[]``/``float8[]`` parameter.

    Django's psycopg cursors bind parameters client-side, quoting a Python
    list element by element; one string is much cheaper for thousands of
    values. Floats keep every bit (``repr``); NaN stays NaN.
    """
    return "{" + ",".join(map(repr, np.asarray(values).tolist())) + "}"


def in_ids(connection, column: str, ids) -> tuple[str, list]:
    """A condition limiting ``column`` to ``ids``, and its parameters, for either database."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [pg_array(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps([int(i) for i in ids])]


@dataclass(frozen=True)
class Query:
    """A query for ``read_small``: its SQL, its column kinds (in SELECT order), its params.

    Kinds are those of ``read_columns``, plus ``bytes:N`` for a bytea column
    that is always N bytes long (returned as an (n, N) uint8 array).
    """

    sql: str
    kinds: dict[str, str]
    params: Sequence = ()


def read_at_once(connection, readers: Sequence[Callable]) -> list:
    """Run readers side by side, each on its own extra connection, in one snapshot.

    A reader is a function of a connection (``read_columns``, ``read_small``
    ...); the results come back in the readers' order. For the big reads of
    a full rescore: the database works on several cores at once. The
    caller's transaction exports its snapshot and every reader's connection
    imports it (REPEATABLE READ, read only), so all readers see exactly the
    same committed data — more consistent than reading the tables one after
    the other in READ COMMITTED.

    An importer cannot see the caller's own uncommitted writes, so once the
    caller's transaction has written anything (it has a transaction id), or
    outside PostgreSQL or a transaction, or inside a savepoint (no snapshot
    can be exported from there), the readers run one after the other on the
    caller's connection instead.
    """
    wrapper = connections[connection.alias]  # the proxy's current thread's wrapper
    if not can_share_snapshot(wrapper):
        return [read(wrapper) for read in readers]
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]

    def run(read: Callable):
        reader = type(wrapper)(wrapper.settings_dict.copy(), wrapper.alias)
        try:
            with reader.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                result = read(reader)
                cursor.execute("COMMIT")
            return result
        finally:
            reader.close()

    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        return list(pool.map(run, readers))


def execute_bound(connection, sql: str, params: Sequence = (), *, binary: bool = False) -> list:
    """Run one statement with its parameters bound server-side; returns its rows, if any.

    Django's psycopg cursors bind parameters client-side: a large bytea or
    array parameter is escaped into the SQL text and parsed back by the
    server. A plain psycopg cursor sends it as is, and with ``binary`` the
    results come back as raw bytes instead of hex text. PostgreSQL only.
    """
    with connection.cursor() as django_cursor:  # opens the connection, logs nothing
        raw = django_cursor.connection
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params or None, binary=binary)
        return cursor.fetchall() if cursor.description else []


def can_share_snapshot(wrapper) -> bool:
    """Whether other connections can import this one's snapshot and see what it sees."""
    if wrapper.vendor != "postgresql" or len(wrapper.atomic_blocks) != 1:
        return False  # no transaction, or a savepoint inside an outer one
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
        return cursor.fetchone()[0]


def read_small(connection, queries: Sequence[Query]) -> list[dict]:
    """Run several small queries in one round trip; each result as ``read_columns`` gives it.

    On PostgreSQL each query's rows are packed server-side into one bytea of
    fixed-width big-endian records (``string_agg`` of ``*send`` values), and
    all the queries go out as one statement. For a few thousand rows that is
    a few times faster than one COPY per query, whose start-up and per-row
    messages dominate at that size; for a few hundred thousand it is still
    faster, and nearly all the work is the server's. Each query's rows must
    fit in one bytea (1 GB): at most some ten million rows of a few columns.
    """
    if connection.vendor != "postgresql":
        return [read_columns(connection, q.sql, q.kinds, q.params) for q in queries]
    parts, params = [], []
    for q in queries:
        names = [f"c{i}" for i in range(len(q.kinds))]
        fields = " || ".join(
            _packed_field(f"t.{name}", kind)
            for name, kind in zip(names, q.kinds.values(), strict=True)
        )
        parts.append(
            f"(SELECT string_agg({fields}, ''::bytea) FROM ({q.sql}) AS t({', '.join(names)}))"
        )
        params.extend(q.params)
    packed = execute_bound(connection, f"SELECT {', '.join(parts)}", params, binary=True)[0]
    return [
        _parse_packed(bytes(data or b""), q.kinds) for data, q in zip(packed, queries, strict=True)
    ]


def _packed_field(column: str, kind: str) -> str:
    if kind.startswith("bytes:"):
        return column
    if kind == "time":  # as binary COPY sends it: microseconds since 2000
        return f"timestamptz_send({column})"
    return f"{kind}send({column})"


def _parse_packed(data: bytes, kinds: dict[str, str]) -> dict:
    record = np.dtype([(name, _kind_dtype(kind)) for name, kind in kinds.items()])
    if len(data) % record.itemsize:
        raise ValueError("packed rows are not fixed-width: a NULL or a bytea of another length")
    rows = np.frombuffer(data, record)
    return {name: _column_values(rows, name, kind) for name, kind in kinds.items()}


def _from_python(kind: str, values: Sequence) -> np.ndarray:
    if kind.startswith("bytes:"):
        width = int(kind[6:])
        return np.frombuffer(b"".join(bytes(v) for v in values), np.uint8).reshape(-1, width)
    if kind == "time":
        return np.array([_microseconds(v) for v in values], dtype=np.int64)
    if kind == "bool":
        return np.array(values, dtype=bool)
    return np.array(values, dtype=np.float64 if kind == "float8" else np.int64)


def _microseconds(value: datetime | str) -> int:
    """A stored time (naive means UTC, as Django keeps them on SQLite) in µs since the epoch."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _UNIX_EPOCH) // timedelta(microseconds=1)


def _first_mismatch(data: bytes, at: int, kinds: dict[str, str]) -> str:
    """Name the first column whose width is not its kind's (a NULL, or another type)."""
    at += 2
    for name, kind in kinds.items():
        width = struct.unpack_from(">i", data, at)[0]
        if width != _kind_width(kind):
            return f"column {name} has {width} bytes, not the {_kind_width(kind)} of {kind}"
        at += 4 + width
    return "the rows have more columns than the kinds given"


def _kind_dtype(kind: str):
    """The big-endian NumPy type of one value of ``kind`` (``bytes:N``: N raw bytes)."""
    return ("u1", (int(kind[6:]),)) if kind.startswith("bytes:") else BIG_ENDIAN[kind]


def _kind_width(kind: str) -> int:
    return int(kind[6:]) if kind.startswith("bytes:") else WIDTH[kind]


def _column_values(rows: np.ndarray, name: str, kind: str) -> np.ndarray:
    values = rows[name]
    if kind.startswith("bytes:"):
        return values.copy()
    values = values.astype(bool if kind == "bool" else values.dtype.newbyteorder("="))
    return values + PG_EPOCH_US if kind == "time" else values


def _parse_binary(data: bytes | bytearray, kinds: dict[str, str]) -> dict:
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PostgreSQL binary COPY stream")
    extension = struct.unpack_from(">i", data, 15)[0]
    body = 19 + extension
    fields = [("__field_count", ">i2")]
    for name, kind in kinds.items():
        fields += [(f"{name}__len", ">i4"), (name, _kind_dtype(kind))]
    record = np.dtype(fields)
    count, rest = divmod(len(data) - body - 2, record.itemsize)
    if rest:
        raise ValueError(f"COPY rows are not fixed-width: {_first_mismatch(data, body, kinds)}")
    rows = np.frombuffer(data, record, count, body)
    out = {}
    for name, kind in kinds.items():
        if np.any(rows[f"{name}__len"] != _kind_width(kind)):
            raise ValueError(f"column {name} holds a NULL or is not {kind}")
        out[name] = _column_values(rows, name, kind)
    return out

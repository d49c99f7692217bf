"""COPY in and out of PostgreSQL with NumPy: NULLs, labels, bytes and times survive the trip."""

import json

import numpy as np
import pytest
from django.db import connection, transaction

from forecasts.engine import copy_tuples
from forecasts.engine.bulkload import (
    NULL_TIME,
    Column,
    EncodedRows,
    Query,
    encode_rows,
    pg_array,
    read_at_once,
    read_columns,
    read_small,
    write_encoded,
    write_rows,
)


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE trip (id bigint, n integer, x double precision, at timestamptz, "
            "word text, doc jsonb, blob bytea, flag boolean)"
        )
    return "trip"


@pytest.mark.postgres
def test_it_writes_and_reads_back_every_kind(table):
    at = np.array([0, 1_700_000_000_123_456, NULL_TIME, -86_400_000_000])
    write_rows(
        connection,
        table,
        [
            Column("id", "int8", np.array([1, 2, 3, 4])),
            Column(
                "n", "int4", np.array([7, -1, 0, 5]), nulls=np.array([False, False, True, False])
            ),
            Column("x", "float8", np.array([0.1, np.nan, 1e-300, -2.5])),
            Column("at", "time", at),
            Column("word", "text", np.array([1, 0, 1, 2]), labels=["", "résumé", "x"]),
            Column("doc", "json", ["[1,2]", '{"a":null}', "[]", "3"]),
            Column("blob", "bytes", [b"\x00\x01", b"", b"abc", b"\xff" * 9]),
            Column("flag", "bool", True),
        ],
        4,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, x, word, doc, blob, at IS NULL FROM trip ORDER BY id")
        rows = cursor.fetchall()
    assert [r[0] for r in rows] == [7, -1, None, 5]
    assert rows[1][1] is None and rows[2][1] == 1e-300
    assert [r[2] for r in rows] == ["résumé", "", "résumé", "x"]
    assert [json.loads(r[3]) for r in rows] == [[1, 2], {"a": None}, [], 3]
    assert [bytes(r[4]) for r in rows] == [b"\x00\x01", b"", b"abc", b"\xff" * 9]
    assert [r[5] for r in rows] == [False, False, True, False]
    back = read_columns(
        connection,
        "SELECT id, COALESCE(at, 'epoch'), COALESCE(x, 'NaN'::float8) FROM trip "
        "WHERE at IS NOT NULL ORDER BY id",
        {"id": "int8", "at": "time", "x": "float8"},
    )
    assert back["id"].tolist() == [1, 2, 4]
    assert back["at"].tolist() == [0, 1_700_000_000_123_456, -86_400_000_000]
    assert np.isnan(back["x"][1]) and back["x"][2] == -2.5


def _uniform_columns(n: int) -> list[Column]:
    """Columns with no NULL and one width per column: every tuple has one layout."""
    return [
        Column("id", "int8", np.arange(1, n + 1)),
        Column("n", "int4", np.arange(n, dtype=np.int32) - 3),
        Column("x", "float8", np.linspace(-1.5, 2.5, n)),
        Column("at", "time", np.full(n, 1_700_000_000_123_456)),
        Column("word", "text", np.zeros(n, np.int64), labels=["résumé"]),
        Column("doc", "json", ["[7]"] * n),
        Column("blob", "bytes", [bytes([i % 256, 1]) for i in range(n)]),
        Column("flag", "bool", np.arange(n) % 2 == 0),
    ]


def test_uniform_tuples_take_the_fixed_width_path_byte_for_byte():
    columns = _uniform_columns(5)
    fields = [copy_tuples._field(c, 0, 5) for c in columns]
    assert copy_tuples._fixed_width_tuples(fields, 5) == copy_tuples._ragged_tuples(fields, 5)


def test_it_writes_and_reads_back_uniform_tuples(table):
    write_rows(connection, table, _uniform_columns(300), 300)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, x, word, doc, blob, flag FROM trip WHERE id = 7")
        n, x, word, doc, blob, flag = cursor.fetchone()
        cursor.execute("SELECT count(*), count(DISTINCT at) FROM trip")
        assert cursor.fetchone() == (300, 1)
    assert (n, x, word, json.loads(doc), bytes(blob), flag) == (
        3,
        np.linspace(-1.5, 2.5, 300)[6],
        "résumé",
        [7],
        b"\x06\x01",
        True,
    )


def test_rows_encoded_ahead_are_stored_as_write_rows_stores_them(table):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE trip_ahead AS SELECT * FROM trip WHERE false")
    columns = _uniform_columns(300)
    write_rows(connection, table, columns, 300)
    encoded = encode_rows(connection.vendor, "trip_ahead", columns, 300)
    assert isinstance(encoded, EncodedRows) and encoded.n_rows == 300
    # On PostgreSQL the costly half is done: the COPY tuples exist before anything is sent.
    assert (encoded.parts is not None) == (connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM trip_ahead")
        assert cursor.fetchone()[0] == 0
    write_encoded(connection, encoded)
    select = "SELECT id, n, x, at, word, doc, blob, flag FROM {} ORDER BY id"
    with connection.cursor() as cursor:
        cursor.execute(select.format(table))
        expected = cursor.fetchall()
        cursor.execute(select.format("trip_ahead"))
        assert cursor.fetchall() == expected
    write_encoded(connection, encode_rows(connection.vendor, "trip_ahead", columns[:1], 0))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM trip_ahead")
        assert cursor.fetchone()[0] == 300  # no rows: nothing sent


@pytest.mark.postgres
def test_it_names_the_column_that_is_not_fixed_width(table):
    write_rows(
        connection, table, [Column("id", "int8", np.array([1])), Column("x", "float8", None)], 1
    )
    with pytest.raises(ValueError, match="column x"):
        read_columns(connection, "SELECT id, x FROM trip", {"id": "int8", "x": "float8"})


@pytest.mark.postgres
def test_it_reads_parameters_and_empty_results(table):
    write_rows(connection, table, [Column("id", "int8", np.arange(5))], 5)
    got = read_columns(
        connection, "SELECT id FROM trip WHERE id = ANY(%s::bigint[])", {"id": "int8"}, [[1, 3]]
    )
    assert sorted(got["id"].tolist()) == [1, 3]
    assert (
        read_columns(connection, "SELECT id FROM trip WHERE id < 0", {"id": "int8"})["id"].size == 0
    )


@pytest.mark.postgres
def test_it_reads_several_small_queries_at_once(table):
    write_rows(
        connection,
        table,
        [
            Column("id", "int8", np.array([1, 2, 3])),
            Column("n", "int4", np.array([7, -1, 0])),
            Column("x", "float8", np.array([0.1, np.nan, 1e-300])),
            Column("at", "time", np.array([0, 1_700_000_000_123_456, -86_400_000_000])),
            Column("blob", "bytes", [b"\x00\x01\x02", b"abc", b"\xff" * 3]),
            Column("flag", "bool", np.array([True, False, True])),
        ],
        3,
    )
    queries = [
        Query(
            "SELECT id, n, COALESCE(x, 'NaN'::float8), at, blob, flag FROM trip WHERE id > %s",
            {
                "id": "int8",
                "n": "int4",
                "x": "float8",
                "at": "time",
                "blob": "bytes:3",
                "f": "bool",
            },
            [0],
        ),
        Query("SELECT id FROM trip WHERE id < %s", {"id": "int8"}, [0]),  # no rows
    ]
    small = read_small(connection, queries)
    for got, query in zip(small, queries, strict=True):
        expected = read_columns(connection, query.sql, query.kinds, query.params)
        order = np.argsort(got["id"])
        for name, values in expected.items():
            assert np.array_equal(got[name][order], values, equal_nan=True), name
    assert small[0]["blob"][np.argsort(small[0]["id"])][1].tobytes() == b"abc"
    assert small[1]["id"].size == 0


@pytest.mark.postgres
def test_pg_array_keeps_every_bit(db):
    floats = np.array([0.1 + 0.2, 1e-300, -2.5, np.nan, 1 / 3])
    ints = np.array([2**62, -1, 0])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(x), (SELECT array_agg(i) FROM unnest(%s::bigint[]) AS i) "
            "FROM unnest(%s::float8[]) AS x",
            [pg_array(ints), pg_array(floats)],
        )
        back, back_ints = cursor.fetchone()
    assert np.array_equal(np.array(back, float), floats, equal_nan=True)
    assert back_ints == ints.tolist()


@pytest.mark.django_db(transaction=True)
def test_it_reads_groups_at_once_in_one_snapshot():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE trip_shared (id bigint)")
    try:
        write_rows(connection, "trip_shared", [Column("id", "int8", np.arange(10))], 10)
        everything = Query("SELECT id FROM trip_shared", {"id": "int8"})
        readers = [
            lambda c: read_columns(c, everything.sql, everything.kinds),
            lambda c: read_small(
                c,
                [
                    Query("SELECT id FROM trip_shared WHERE id > %s", {"id": "int8"}, [4]),
                    Query("SELECT count(*) FROM trip_shared", {"n": "int8"}),
                ],
            ),
        ]
        with transaction.atomic():  # nothing written yet: the readers use other connections
            got, (high, count) = read_at_once(connection, readers)
            assert sorted(got["id"].tolist()) == list(range(10))
            assert sorted(high["id"].tolist()) == [5, 6, 7, 8, 9]
            assert count["n"].tolist() == [10]
        with transaction.atomic():  # after a write: read here, where the new row is visible
            write_rows(connection, "trip_shared", [Column("id", "int8", np.array([99]))], 1)
            got, _ = read_at_once(connection, readers)
            assert 99 in got["id"].tolist()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE trip_shared")


def _mixed_columns(n: int) -> list[Column]:
    """Columns with NULLs and ragged fields, in six layouts (as score rows have a few)."""
    i = np.arange(n)
    k = i % 6
    return [
        Column("id", "int8", i + 1),
        Column("n", "int4", i % 7, nulls=k == 0),
        Column("x", "float8", np.where(k == 1, np.nan, i / 7)),
        Column("at", "time", np.where(k == 2, NULL_TIME, i * 1_000_003)),
        Column("word", "text", k % 3, labels=["", "résumé", "hindsight"]),
        Column("doc", "json", k % 2, labels=["[1,22]", "[]"]),
        Column("blob", "bytes", [bytes([j % 256]) * (j % 6 == 4) for j in range(n)]),
        Column("flag", "bool", i % 2 == 0, nulls=k == 5),
    ]


def test_rows_in_any_order_are_the_same_tuples_grouped_by_layout():
    columns = _mixed_columns(1000)
    grouped = copy_tuples.binary_tuples(columns, 0, 1000, any_order=True)
    in_order = copy_tuples.binary_tuples(columns, 0, 1000)
    assert grouped != in_order and len(grouped) == len(in_order)
    assert sorted(_tuples(grouped)) == sorted(_tuples(in_order))


def test_many_layouts_are_placed_row_by_row():
    texts = [str(k) * (k % 90) for k in range(200)]  # 90 lengths among 200 rows
    columns = [Column("id", "int8", np.arange(200)), Column("word", "text", texts)]
    fields = [copy_tuples._field(c, 0, 200) for c in columns]
    assert copy_tuples._grouped_tuples(columns, fields, 0, 200) is None
    assert copy_tuples.binary_tuples(columns, 0, 200, any_order=True) == (
        copy_tuples._ragged_tuples(fields, 200)
    )


def _tuples(data: bytes) -> list[bytes]:
    """Split COPY tuples (no header) into one bytes value per tuple."""
    found, at = [], 0
    while at < len(data):
        start, count = at, int.from_bytes(data[at : at + 2], "big")
        at += 2
        for _ in range(count):
            width = int.from_bytes(data[at : at + 4], "big", signed=True)
            at += 4 + max(width, 0)
        found.append(data[start:at])
    return found


@pytest.mark.postgres
def test_rows_written_in_any_order_read_back_the_same(table):
    write_rows(connection, table, _mixed_columns(3000), 3000, any_order=True)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE trip_in_order (LIKE trip)")
    write_rows(connection, "trip_in_order", _mixed_columns(3000), 3000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), (SELECT count(*) FROM (SELECT * FROM trip EXCEPT "
            "SELECT * FROM trip_in_order) AS d) FROM trip"
        )
        assert cursor.fetchone() == (3000, 0)
        cursor.execute("SELECT word, doc::text, flag FROM trip WHERE id = 10")
        assert cursor.fetchone() == ("", "[]", False)

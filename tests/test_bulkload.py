"""COPY in and out of PostgreSQL with NumPy: NULLs, labels, bytes and times survive the trip."""

import json

import numpy as np
import pytest
from django.db import connection

from forecasts.bulkload import NULL_TIME, Column, read_columns, write_rows


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE trip (id bigint, n integer, x double precision, at timestamptz, "
            "word text, doc jsonb, blob bytea, flag boolean)"
        )
    return "trip"


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


def test_it_names_the_column_that_is_not_fixed_width(table):
    write_rows(
        connection, table, [Column("id", "int8", np.array([1])), Column("x", "float8", None)], 1
    )
    with pytest.raises(ValueError, match="column x"):
        read_columns(connection, "SELECT id, x FROM trip", {"id": "int8", "x": "float8"})


def test_it_reads_parameters_and_empty_results(table):
    write_rows(connection, table, [Column("id", "int8", np.arange(5))], 5)
    got = read_columns(
        connection, "SELECT id FROM trip WHERE id = ANY(%s::bigint[])", {"id": "int8"}, [[1, 3]]
    )
    assert sorted(got["id"].tolist()) == [1, 3]
    assert (
        read_columns(connection, "SELECT id FROM trip WHERE id < 0", {"id": "int8"})["id"].size == 0
    )

"""The question list's rows written by PostgreSQL (forecasts.api.written).

``tests/api/test_rows.py`` holds the served list to the serializer byte for
byte on a varied ledger; here each SQL writer is held to what the API's
renderer writes for the same value (orjson, DRF's times), over values drawn
at random and the awkward ones, and the list is checked to be served from
the written rows, with its status at the time of each request.
"""

import math
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest
import time_machine
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.fields import DateTimeField

from forecasts.api import compiled, rows, written
from forecasts.api import serializers as s
from forecasts.api.quantities import shown
from forecasts.api.renderers import dumps
from forecasts.api.views import questions_for
from forecasts.models import Question
from tests import builders
from tests.api.test_rows import served_and_serialized
from tests.builders import quantities as q

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AWKWARD_FLOATS = [
    0.0,
    -0.0,
    1.0,
    -3.0,
    0.1,
    2 / 3,
    1e-4,
    1e-5,
    -1.5e-5,
    1.234e-5,
    1e-6,
    1e-7,
    5e-324,
    123456789012345.0,
    1e15,
    1234567890123456.0,
    1234567890123456.7,
    9.999999999999998e15,
    1e16,
    3.313306543217323e16,  # whole: PostgreSQL writes every exact digit
    -1.924674840042292e17,
    6.75819626321024e19,
    1e21,
    1e22,
    1.7976931348623157e308,
]
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
WHOLE = st.integers(min_value=-(10**22), max_value=10**22).map(float)


def written_numbers(values):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reckon_json_number(v) FROM unnest(%s::float8[]) v", [values])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("session_digits", [None, 0, 3])
def test_awkward_numbers_are_written_as_orjson_writes_them(session_digits):
    """Whatever the session's ``extra_float_digits`` (0 rounds to 15 digits)."""
    if session_digits is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL extra_float_digits = {session_digits}")
    assert written_numbers(AWKWARD_FLOATS) == [orjson.dumps(v).decode() for v in AWKWARD_FLOATS]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(FLOATS, WHOLE), min_size=50, max_size=200))
def test_any_number_is_written_as_orjson_writes_it(values):
    assert written_numbers(values) == [orjson.dumps(v).decode() for v in values]


def test_what_is_not_a_number_is_null():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reckon_json_number('NaN'), reckon_json_number('-Infinity'), "
            "reckon_json_number(NULL)"
        )
        assert cursor.fetchone() == ("null", "null", "null")
    assert orjson.dumps(math.nan) == b"null"  # as the renderer writes one


def select(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


INSTANTS = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=150, deadline=None)
@given(INSTANTS)
def test_times_are_written_as_drf_writes_them(value):
    assert (
        select(written.moment("%s::timestamptz"), value)
        == orjson.dumps(DateTimeField().to_representation(value)).decode()
    )
    assert select(written.instant("%s::timestamptz"), value) == (
        (value - written.EPOCH) // written.MICROSECOND
    )


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=-700_000, max_value=2_900_000, allow_nan=False))
def test_a_date_questions_values_are_its_days(number):
    stored = f"'{number!r}'::float8"  # named three times in the SQL
    expected = orjson.dumps(shown(number, Question.Kind.DATE)).decode()
    assert select(written.shown(stored, "'date'")) == expected
    assert select(written.shown(stored, "'numeric'")) == orjson.dumps(number).decode()


@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
@settings(max_examples=150, deadline=None)
def test_text_is_escaped_as_orjson_escapes_it(text):
    assert select(written.json_string("%s::text"), text) == orjson.dumps(text).decode()


def test_the_written_keys_are_the_lists_fields_in_order():
    keys = [key for key, _ in written.question_pairs(lambda name: f'"{name}"')]
    assert keys == [field.name for field in rows.QUESTION_FIELDS]


@pytest.fixture
def awkward_world(db):
    """Questions whose every written value needs care: control characters and quotes,
    microseconds, a resolved date question, numbers PostgreSQL and orjson lay out
    differently, a conditional question, tags and options in a set order."""
    opens = datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    builders.question(
        "control-characters",
        title='Tab\there, "quoted", back\\slash, bell\x07, line\u2028, 😀?',
        background="\x01\x1f\x7f\n\r\b\f",
        opens_at=opens,
        closes_at=opens + timedelta(days=30, microseconds=1),
        resolve_by=opens + timedelta(days=60),
        options=["Zed", "Alpha", 'Say "no"'],
        tags=[builders.tag("Zeta"), builders.tag("Alpha"), builders.tag("Économie")],
    )
    big = q.numeric_question(
        "big-numbers", range_low=1.5e-5, range_high=3.313306543217323e16, range_high_closed=True
    )
    q.raw_value_resolution(big, 3.313306543217323e16, reported_value=1e22, known_at=big.closes_at)
    whole = q.numeric_question("whole-numbers", range_low=0.0, range_high=1e15)
    q.raw_value_resolution(whole, 5.0, known_at=whole.closes_at)
    ceasefire = q.date_question("ceasefire")
    q.raw_value_resolution(ceasefire, date(2025, 2, 28), known_at=ceasefire.closes_at)
    condition = builders.question("plain-binary")
    builders.conditional_question(condition, slug="if-so", title="Then “what”?")


def test_awkward_rows_are_the_serializers_byte_for_byte(awkward_world, client_for, editor):
    page = served_and_serialized(
        client_for(editor),
        "/api/questions/?page_size=100",
        questions_for(editor),
        s.QuestionSerializer,
        at_least=5,
    ).json()["results"]
    by_slug = {row["slug"]: row for row in page}
    assert by_slug["big-numbers"]["current_resolution"]["reported_value"] == 1e22
    assert by_slug["ceasefire"]["current_resolution"]["value"] == "2025-02-28"
    assert sorted(by_slug["control-characters"]["tags"]) == ["alpha", "economie", "zeta"]


def test_the_list_is_served_from_written_rows(awkward_world, api_client, monkeypatch):
    """In UTC, compact JSON: no row is read as columns (``rows.question_bodies``)."""

    def read(*args, **kwargs):
        raise AssertionError("read as columns")

    monkeypatch.setattr(written, "read_bodies", read)
    response = api_client.get("/api/questions/")
    assert response.status_code == 200 and response.json()["results"]


def test_indented_json_reads_as_columns_and_says_the_same(awkward_world, api_client):
    compact = api_client.get("/api/questions/?page_size=100")
    indented = api_client.get(
        "/api/questions/?page_size=100", HTTP_ACCEPT="application/json; indent=2"
    )
    assert b"\n" in indented.content and b"\n" not in compact.content
    assert indented.json() == compact.json()
    # Written rows are fragments of the compact text, as the renderer would have written them.
    assert dumps(compact.json()) == compact.content


def test_a_kept_statement_gives_each_request_its_own_status(db, api_client):
    """The SQL is compiled once and kept; the status is worked out at each request."""
    opens = datetime(2030, 1, 1, tzinfo=UTC)
    builders.question(
        "soon",
        opens_at=opens,
        closes_at=opens + timedelta(days=10),
        resolve_by=opens + timedelta(days=20),
    )
    compiled.forget()
    seen = []
    for moment in (
        opens - timedelta(microseconds=1),
        opens,
        opens + timedelta(days=10),
        opens + timedelta(days=20),
    ):
        with time_machine.travel(moment, tick=False):
            (row,) = api_client.get("/api/questions/").json()["results"]
            seen.append(row["status"])
    assert seen == ["upcoming", "open", "closed", "due"]
    assert len(compiled._compiled) == 1

"""Timestamps read from PostgreSQL as the strings the API writes (config.timestamps).

The API's lists read their times through ``IsoTimestamptzLoader``, which turns
PostgreSQL's text straight into what DRF's ``DateTimeField`` writes in UTC. These
tests hold it to DRF's own output for any instant PostgreSQL and Python share,
with and without microseconds, and check the rare text it does not take apart
itself (another zone's offset) goes the slow way to the same string.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.fields import DateTimeField

from config import timestamps

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Naive bounds, as hypothesis takes them; each instant drawn is made aware in UTC.
INSTANTS = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def read_written(value):
    with connection.cursor() as cursor:
        timestamps.write_timestamps(cursor.cursor)
        cursor.execute("SELECT %s::timestamptz", [value])
        return cursor.fetchone()[0]


@settings(max_examples=300, deadline=None)
@given(INSTANTS)
def test_each_instant_is_written_as_drf_writes_it(value):
    assert timestamps.writes_utc(connection)
    assert read_written(value) == DateTimeField().to_representation(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC),  # PostgreSQL writes ".5"
        datetime(2024, 5, 1, 12, 0, 0, 1, tzinfo=UTC),
        datetime(999, 1, 1, tzinfo=UTC),
    ],
)
def test_fractions_and_early_years(value):
    assert read_written(value) == DateTimeField().to_representation(value)


def test_a_null_stays_null():
    assert read_written(None) is None


def test_text_in_another_zone_is_parsed_and_written_in_utc():
    value = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)
    with connection.cursor() as cursor:
        timestamps.write_timestamps(cursor.cursor)
        cursor.execute("SET LOCAL TimeZone = 'Asia/Kolkata'")
        cursor.execute("SELECT %s::timestamptz", [value])
        assert cursor.fetchone()[0] == "2024-05-01T12:00:00.250000Z"


def test_only_a_utc_connection_read_in_utc_writes_them():
    from django.utils import timezone

    assert timestamps.writes_utc(connection)
    with timezone.override("Europe/Paris"):
        assert not timestamps.writes_utc(connection)


def test_the_loader_is_the_cursors_own():
    """Other reads on the connection still get datetimes."""
    read_written(datetime(2024, 5, 1, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        assert isinstance(cursor.fetchone()[0], datetime)

"""Read ``timestamptz`` columns with psycopg's C parser on PostgreSQL connections.

Django registers its own loader for ``timestamptz`` (``psycopg_any.BaseTzLoader``),
a subclass of psycopg's pure-Python loader that parses the text with a regular
expression: about 3 µs a value. A public page reads thousands of timestamps
(an author's record, a question's forecasts), so that parse alone was several
milliseconds of each request. psycopg's C implementation (``psycopg[binary]``,
in the lock files) parses the same text in a tenth of the time, but its class
cannot be subclassed, so this loader holds one and hands each value to it.

The C parser gives the value in the connection's time zone. Django sets the
connection's zone to its own (UTC with ``USE_TZ``; settings.TIME_ZONE is UTC),
so the value is the one Django's loader gives, ``datetime.timezone.utc``
included; on any other zone, or without the C implementation, nothing is
changed. Django checks a cursor's loader by its ``timezone`` attribute (and
registers its own again when they differ), so this one carries it too.
"""

from __future__ import annotations

import datetime

from psycopg import abc, adapt, pq
from psycopg.postgres import types
from psycopg.types.datetime import TimestamptzLoader

TIMESTAMPTZ_OID = types["timestamptz"].oid


def _c_loader() -> type | None:
    """psycopg's C ``TimestamptzLoader`` (None without the C implementation)."""
    if pq.__impl__ not in ("binary", "c"):
        return None
    try:
        if pq.__impl__ == "binary":
            from psycopg_binary import _psycopg
        else:  # pragma: no cover - a locally compiled psycopg_c
            from psycopg_c import _psycopg  # type: ignore[import-not-found,no-redef]
    except ImportError:  # pragma: no cover
        return None
    return getattr(_psycopg, "TimestamptzLoader", None)


C_LOADER = _c_loader()


class UtcTimestamptzLoader(adapt.Loader):
    """``timestamptz`` text → an aware ``datetime`` in UTC, parsed in C."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context: abc.AdaptContext | None = None):
        super().__init__(oid, context)
        assert C_LOADER is not None
        self._parse = C_LOADER(oid, context).load

    def load(self, data):
        return self._parse(data)


def use_c_parser(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the C parser on a PostgreSQL connection in UTC."""
    if C_LOADER is None or connection.vendor != "postgresql":
        return
    if connection.timezone is not datetime.UTC or connection.timezone_name != "UTC":
        return
    raw = connection.connection
    if raw.info.parameter_status("TimeZone") != "UTC":
        return
    raw.adapters.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)


class IsoTimestamptzLoader(adapt.Loader):
    """``timestamptz`` text → the string DRF's ``DateTimeField`` writes for the value in
    UTC (``2024-05-01T12:00:00Z``, with six digits of microseconds when there are any),
    without making a ``datetime`` on the way: for the API's lists, which only write
    their timestamps out (``forecasts.api.compiled``). Only for a connection whose zone
    is UTC (``writes_utc``), where PostgreSQL writes each value as
    ``YYYY-MM-DD HH:MM:SS[.ffffff]+00``, trailing zeros of the fraction dropped; any
    other text is parsed and written as DRF would."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context: abc.AdaptContext | None = None):
        super().__init__(oid, context)
        self._context = context

    def load(self, data):
        text = str(data, "ascii")
        n = len(text)
        if n == 22 and text.endswith("+00"):  # YYYY-MM-DD HH:MM:SS+00
            return text[:10] + "T" + text[11:19] + "Z"
        if n > 23 and text[19] == "." and text.endswith("+00"):  # …:SS.f…+00
            return text[:10] + "T" + text[11:-3].ljust(15, "0") + "Z"
        return _written(TimestamptzLoader(self.oid, self._context).load(data))


def _written(value: datetime.datetime) -> str:
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z"


def writes_utc(connection) -> bool:
    """A PostgreSQL connection whose timestamps come out in UTC, read while the current
    zone is UTC: there ``IsoTimestamptzLoader`` writes what DRF writes."""
    from django.utils import timezone

    if connection.vendor != "postgresql" or connection.timezone_name != "UTC":
        return False
    if timezone.get_current_timezone_name() != "UTC":
        return False
    return connection.connection.info.parameter_status("TimeZone") == "UTC"


def write_timestamps(cursor) -> None:
    """On this psycopg cursor only, ``timestamptz`` columns come back as DRF's strings."""
    cursor.adapters.register_loader(TIMESTAMPTZ_OID, IsoTimestamptzLoader)

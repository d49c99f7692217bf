"""The question list's rows written as JSON by PostgreSQL: the same bytes, less Python.

Uncached, a page of the question list spent most of its Python reading rows
(fifty rows of forty columns, each value converted) and building their bodies
(``rows.question_bodies``), only for orjson to write them out again. On
PostgreSQL, in UTC, for a client served compact JSON, the page's statement
(``compiled.with_related``) instead selects each row's body already written:
the text before its ``status`` and the text after. The status alone depends on
the clock, so it is worked out here from the row's times, read as whole
microseconds, and the row handed to the renderer as an ``orjson.Fragment``.

Each value is written as the API's renderer writes the serializer's value:
strings and booleans by ``to_json`` (the same escapes as orjson), times as
DRF's ``DateTimeField`` writes them in UTC, a date question's values as ISO
dates, numbers by ``reckon_json_number`` (migration 0037, orjson's layout).
``tests/api/test_rows.py`` holds the list to the serializer byte for byte;
``tests/api/test_written.py`` the keys to ``rows.QUESTION_FIELDS`` and each
writer to orjson. Anywhere else (SQLite, another zone, indented JSON) the
rows are read and written in Python as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import orjson
from django.db import connection

from forecasts.api.rows import OPTION_ROWS, QUANTITY_KINDS, ROWS, TAG_SLUGS
from forecasts.api.rows import question_bodies as read_bodies
from forecasts.models import Option, Question
from forecasts.models.ledger import lifecycle_status

HEAD, TAIL = "_head", "_tail"  # a row's body before its status, and after
STATE, OPENS, CLOSES, DUE = "_state", "_opens_us", "_closes_us", "_due_us"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def literal(text: str) -> str:
    """A SQL string literal of ``text`` (the fixed pieces of a body: keys, braces)."""
    return "'" + text.replace("'", "''") + "'"


def json_string(sql: str) -> str:
    """A string as JSON text (``to_json``: orjson's escapes); NULL as null."""
    return f"COALESCE(to_json({sql})::text, 'null')"


def json_scalar(sql: str) -> str:
    """An integer or a boolean as JSON text: its text (``true``, ``false``); NULL as null.
    Cheaper than ``to_json``, which works out how to write its argument's type each call."""
    return f"COALESCE(({sql})::text, 'null')"


def moment(sql: str) -> str:
    """A timestamp as DRF writes it in UTC: ``2024-05-01T12:00:00Z``, six digits of
    microseconds when there are any."""
    written = f"to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"""COALESCE('"' || replace({written}, '.000000', '') || 'Z"', 'null')"""


def shown(sql: str, kind: str) -> str:
    """A stored value as ``quantities.shown`` gives it: on a date question the ISO date
    of its UTC day number, else the number."""
    day = f"to_char(DATE '1970-01-01' + floor({sql})::int, 'YYYY-MM-DD')"
    return (
        f"CASE WHEN {sql} IS NULL THEN 'null' "
        f"WHEN {kind} = {literal(Question.Kind.DATE)} THEN '\"' || {day} || '\"' "
        f"ELSE reckon_json_number({sql}) END"
    )


def instant(sql: str) -> str:
    """A timestamp as whole microseconds since 1970 (exact: ``extract`` gives a numeric)."""
    return f"(extract(epoch FROM {sql}) * 1000000)::bigint"


def while_live(state: str, sql: str) -> str:
    """``sql`` for a live question, whose status depends on the clock; else NULL."""
    return f"CASE WHEN {state} = {literal(Question.State.LIVE)} THEN {sql} END"


def members(pairs: Sequence[tuple[str, str]], lead: str = "{") -> list[str]:
    """The pieces of an object's JSON text (for ``concat``) from its members' keys and
    their values' JSON text, in order, the first written after ``lead``: the object
    without its closing brace."""
    pieces = []
    for i, (key, sql) in enumerate(pairs):
        pieces += [literal((lead if i == 0 else ",") + orjson.dumps(key).decode() + ":"), sql]
    return pieces


def concat(pieces: Sequence[str]) -> str:
    """The pieces' text, joined in one call (a chain of ``||`` copies the text so far at
    each step)."""
    return f"concat({', '.join(pieces)})"


def written_object(pairs: Sequence[tuple[str, str]]) -> str:
    return concat([*members(pairs), "'}'"])


def when(condition: str, sql: str) -> str:
    return f"CASE WHEN {condition} THEN {sql} ELSE 'null' END"


def question_pairs(column: Callable[[str], str]) -> list[tuple[str, str]]:
    """Each key of a question's body (``rows.QUESTION_FIELDS``, in order) with the SQL
    writing its value from the page's columns (``column(name)``); ``status``, worked
    out from the clock in Python, with none."""
    kind = column("kind")
    quantity = f"{kind} IN ({', '.join(literal(k) for k in QUANTITY_KINDS)})"
    current = "current__"

    def string(name: str) -> str:
        return json_string(column(name))

    def scalar(name: str) -> str:
        return json_scalar(column(name))

    range_ = written_object(
        [
            ("low", shown(column("range_low"), kind)),
            ("high", shown(column("range_high"), kind)),
            ("low_closed", scalar("range_low_closed")),
            ("high_closed", scalar("range_high_closed")),
            ("log_scale", scalar("log_scale")),
        ]
    )
    condition = written_object(
        [
            ("question", scalar("condition_question_id")),
            ("question_slug", string("condition_question__slug")),
            ("outcome", string("condition_outcome")),
            ("option", scalar("condition_option_id")),
        ]
    )
    resolution = written_object(
        [
            ("id", scalar(current + "id")),
            ("question", scalar(current + "question_id")),
            ("question_slug", string("slug")),  # the page's own question
            ("outcome", string(current + "outcome")),
            ("option", scalar(current + "option_id")),
            ("option_label", string(current + "option__label")),
            ("value", shown(column(current + "value"), kind)),
            ("reported_value", shown(column(current + "reported_value"), kind)),
            ("clamped", json_scalar(f"{column(current + 'reported_value')} IS NOT NULL")),
            ("outcome_known_at", moment(column(current + "outcome_known_at"))),
            ("evidence_url", string(current + "evidence_url")),
            ("evidence_note", string(current + "evidence_note")),
            ("reason", string(current + "reason")),
            ("resolved_at", moment(column(current + "resolved_at"))),
            ("is_current", scalar(current + "is_current")),
            ("is_automatic", scalar(current + "is_automatic")),
            ("is_correction", json_scalar(f"{column(current + 'supersedes_id')} IS NOT NULL")),
            ("supersedes", scalar(current + "supersedes_id")),
        ]
    )
    return [
        ("id", scalar("id")),
        ("slug", string("slug")),
        ("title", string("title")),
        ("kind", string("kind")),
        ("unit", string("unit")),
        ("range", when(quantity, range_)),
        ("state", string("state")),
        ("status", ""),
        ("resolution_criteria", string("resolution_criteria")),
        ("background", string("background")),
        ("tags", column(TAG_SLUGS)),
        ("options", column(OPTION_ROWS)),
        ("opens_at", moment(column("opens_at"))),
        ("closes_at", moment(column("closes_at"))),
        ("resolve_by", moment(column("resolve_by"))),
        ("condition", when(f"{column('condition_question_id')} IS NOT NULL", condition)),
        ("current_resolution", when(f"{column(current + 'id')} IS NOT NULL", resolution)),
        ("n_forecasts", scalar("n_forecasts")),
        ("is_synthetic", scalar("is_synthetic")),
        ("created_at", moment(column("created_at"))),
    ]


def question_columns(column: Callable[[str], str]) -> list[tuple[str, str]]:
    """What the page's statement selects for each row (``compiled.with_related``): the
    body around its status, and what the status is worked out from."""
    pairs = question_pairs(column)
    at = [key for key, _ in pairs].index("status")
    head = concat([*members(pairs[:at]), literal(',"status":')])
    tail = concat([*members(pairs[at + 1 :], ","), "'}'"])
    return [
        (HEAD, head),
        (TAIL, tail),
        (STATE, column("state")),
        *(
            (name, while_live(column("state"), instant(column(time))))
            for name, time in ((OPENS, "opens_at"), (CLOSES, "closes_at"), (DUE, "resolve_by"))
        ),
    ]


def question_related() -> dict[str, tuple[str, tuple]]:
    """The kept list's tags and options (``compiled.with_related``): one grouped query
    each over the page's rows (``rows.ROWS``), each question's as one JSON array, read
    as it is into a written body, or by ``rows.listed`` into a body built in Python.
    Read per row (``rows.related_arrays``), the two subqueries ran for each of the
    page's questions: 0.33 ms of PostgreSQL's 1.35 for a page of 50 (the option
    subquery scans the option table for every row while that table is small)."""
    name = connection.ops.quote_name
    through = Question.tags.through._meta
    tag = through.get_field("tag").related_model._meta
    options = Option._meta.db_table
    on_page = f'IN (SELECT "id" FROM {ROWS})'
    slug = f"to_json(t.{name('slug')})::text"
    tags = (
        f'SELECT qt.{name("question_id")} AS "key", '
        f"'[' || string_agg({slug}, ',' ORDER BY t.{name('name')}) || ']' AS \"value\" "
        f"FROM {name(through.db_table)} qt JOIN {name(tag.db_table)} t "
        f"ON t.{name('id')} = qt.{name('tag_id')} "
        f"WHERE qt.{name('question_id')} {on_page} GROUP BY 1"
    )
    option = written_object(
        [
            ("id", json_scalar(f"o.{name('id')}")),
            ("label", json_string(f"o.{name('label')}")),
            ("position", json_scalar(f"o.{name('position')}")),
        ]
    )
    option_rows = (
        f'SELECT o.{name("question_id")} AS "key", '
        f"'[' || string_agg({option}, ',' ORDER BY o.{name('position')}, o.{name('id')}) "
        f"|| ']' AS \"value\" FROM {name(options)} o "
        f"WHERE o.{name('question_id')} {on_page} GROUP BY 1"
    )
    return {TAG_SLUGS: (tags, ()), OPTION_ROWS: (option_rows, ())}


def question_bodies(rows: Sequence[dict], *, now: datetime) -> list:
    """A page's bodies: each written row's, its status worked out at ``now``
    (``lifecycle_status``), as a fragment of JSON; rows read as columns through
    ``rows.question_bodies``."""
    if not rows or HEAD not in rows[0]:
        return read_bodies(rows, now=now)
    at = (now - EPOCH) // MICROSECOND
    return [
        orjson.Fragment(
            f'{row[HEAD]}"{lifecycle_status(row[STATE], row[OPENS], row[CLOSES], row[DUE], at)}"'
            f"{row[TAIL]}"
        )
        for row in rows
    ]

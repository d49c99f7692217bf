"""The busiest lists' SQL, compiled once per query shape and kept in the process.

Building a list's queryset (visibility, filters, ordering, the columns of
``forecasts.api.rows``) and compiling it to SQL cost more Python than running
the query and writing its rows. For the question and forecast lists both are
done once for each shape of request and the result kept: the SQL text, its
parameters, the column names and Django's converters for them. Later
requests of that shape run the text on a cursor that PostgreSQL plans once
per connection, then hand the rows to the same code as before.

A request's shape is everything the SQL depends on besides the page number:
the view, the database, whether the client is an editor (who also sees
drafts), and every query parameter but ``page``. When the query names a
filter, the change stamp (``forecasts.models.changes``) joins the shape:
filters look their objects up by id or slug, and an equal stamp means no write
in between, so the lookup (and any 400 or 404 it would give) is what it was;
any write compiles afresh, validating as before. A shape that depends on the
clock (``status``) is never kept: it is compiled on each request, and read
through the same path. The browsable API reads as before.

``compiled_rows(view, build)`` gives what the paginator reads; ``build()``
returns the list's (rows, filtered) querysets, the first as ``.values()``
rows, the second what the rows come from. The page's rows are picked by a
narrow query of their ids, in order (only the columns the filters and the
ordering need), and read in full with the list's count alongside: one query.
An empty page, a page asked by name (``last``) and a DISTINCT query are
counted by a query of their own. A kept shape's count is remembered under the
change stamp the request's ETag was worked out from: while no write moves the
stamp, later requests of that shape read only their page's rows. Counting
reads every visible row (the whole ledger, on the forecast list), which cost
more than the page itself.

``Kept`` does the same for a query of one argument (an author's id, a slug):
compiled once with a stand-in, run with each real one.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from django.db import connection
from django.db.models import BooleanField, F, Func, Model, QuerySet, Subquery, signals
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL

from config import timestamps
from forecasts.ledger.roles import is_editor
from forecasts.models.changes import change_stamp, prepared_cursor

TOTAL = "_reckon_total"  # the count's name in a page's rows
# Query parameters whose SQL holds the time of the request: never kept.
CLOCK_PARAMETERS = frozenset({"status"})
MAX_SHAPES = 256  # statements kept per process, the least recently used dropped first
# Page bounds no real request asks for, compiled into the SQL and then replaced by PAGE,
# where each request's own LIMIT and OFFSET go.
SENTINEL_PAGE = (7_310_000_001, 7_310_000_001 + 7_310_000_003)
PAGE = "/* page */"


@dataclass(frozen=True)
class Statement:
    """One compiled query: its SQL, parameters, the names of the columns a row holds
    and Django's converters for them (position, functions, expression)."""

    sql: str
    params: tuple
    names: tuple[str, ...]
    width: int  # the columns named; a DISTINCT query may select ordering columns after them
    converters: tuple[tuple[int, tuple, Any], ...]
    # Timestamps read as the strings the API writes (``config.timestamps.IsoTimestamptzLoader``)
    # where that gives what DRF writes; else as datetimes.
    written_times: bool = False
    # The parameters are written into ``sql`` (``inlined``): run with none.
    literal: bool = False

    @classmethod
    def of(cls, queryset: QuerySet) -> Statement:
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        width = compiler.col_count
        expressions = [column[0] for column in compiler.select[:width]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(expressions).items()
        )
        if query.selected:  # as ``ValuesIterable`` names a row's columns
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return cls(sql, tuple(params), tuple(names), width, converters)

    def rows(
        self, *, start: int = 0, stop: int | None = None, params: tuple | None = None
    ) -> list[dict]:
        """The rows as ``.values()`` gives them, ``[start:stop]`` of them if given."""
        names = self.names
        return [
            dict(zip(names, values, strict=True))
            for values in self.values(start=start, stop=stop, params=params)
        ]

    def values(
        self, *, start: int = 0, stop: int | None = None, params: tuple | None = None
    ) -> list[list]:
        """Each row's values, converted, in the order of ``names``."""
        sql = self.sql
        if stop is not None:
            page = connection.ops.limit_offset_sql(int(start), int(stop))
            sql = sql.replace(PAGE, page) if PAGE in sql else f"{sql} {page}"
        with prepared_cursor() as cursor:
            if self.written_times and timestamps.writes_utc(connection):
                timestamps.write_timestamps(cursor.cursor)
            cursor.execute(sql, self._params(params))
            found = cursor.fetchall()
        width, converters = self.width, self.converters
        if not converters:
            return [list(row[:width]) for row in found]
        out = []
        for row in found:
            values = list(row[:width])
            for position, functions, expression in converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            out.append(values)
        return out

    def scalar(self, params: tuple | None = None) -> int:
        with prepared_cursor() as cursor:
            cursor.execute(self.sql, self._params(params))
            return cursor.fetchone()[0]

    def _params(self, params: tuple | None) -> tuple | None:
        if params is not None:
            if self.literal:
                raise ValueError("an inlined statement takes no parameters")
            return params
        return None if self.literal else self.params

    def inlined(self) -> Statement:
        """The same statement with its parameters written into its text as literals, by
        psycopg's client-side binding (what Django's own cursors do on PostgreSQL), so
        that PostgreSQL plans it once per connection.

        A prepared statement with parameters may be planned afresh on every run: the
        planner keeps a custom plan for each set of values when it costs its generic
        plan higher, as it did for the forecast list's page (planned on each of 200 runs
        out of 200, about 1 ms of the database's time a request). One without
        parameters has one plan, made for the values it holds. Elsewhere than on
        PostgreSQL, and when a value would hide the page's place (``PAGE``), as is."""
        if connection.vendor != "postgresql" or self.literal:
            return self
        connection.ensure_connection()
        sql = psycopg.ClientCursor(connection.connection).mogrify(self.sql, self.params)
        if sql.count(PAGE) != self.sql.count(PAGE):
            return self
        return replace(self, sql=sql, params=(), literal=True)

    @classmethod
    def counting(cls, queryset: QuerySet) -> Statement:
        """How many rows the queryset holds, as one statement."""
        counted = queryset.order_by().values("pk")
        inner, params = counted.query.get_compiler(using=counted.db).as_sql()
        return cls(f"SELECT COUNT(*) FROM ({inner}) counted", tuple(params), ("n",), 1, ())


class Kept:
    """A query of one argument (an id or a slug), compiled once per database with a
    stand-in for it and run with each real one: for the reads every request of a route
    makes, as ``Kept(lambda author_id: Scorecard.objects.filter(author_id=author_id))``.

    ``counted``: the statement counts the queryset's rows. ``model``: the rows are read
    as instances of it (``instances``), each with the instances of its foreign keys
    named in ``related`` (``select_related``, one level), and with the queryset's
    annotations named in ``extra`` as attributes of the same names."""

    def __init__(
        self,
        build: Callable[[Any], QuerySet],
        *,
        counted: bool = False,
        model: type[Model] | None = None,
        related: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
    ) -> None:
        self.build, self.counted, self.model, self.related = build, counted, model, related
        self.extra = extra
        self._statements: dict[tuple[str, type], tuple[Statement, tuple[int, ...]]] = {}
        self._layouts: dict[int, list] = {}  # by id() of a kept statement: they stay

    def _columns(self) -> dict[str, list[str]]:
        """The columns read for the model (under "") and each related model, by name."""
        model: Any = self.model
        found = {"": [f.attname for f in model._meta.concrete_fields]}
        for name in self.related:
            target = model._meta.get_field(name).related_model
            found[name] = [f.attname for f in target._meta.concrete_fields]
        return found

    def _statement(self, value) -> tuple[Statement, tuple[int, ...]]:
        key = (connection.vendor, type(value))
        found = self._statements.get(key)
        if found is None:
            stand_in = STAND_IN[type(value)]
            queryset = self.build(stand_in)
            if self.model is not None:
                queryset = queryset.values(
                    *(
                        f"{name}__{c}" if name else c
                        for name, cs in self._columns().items()
                        for c in cs
                    ),
                    *self.extra,
                )
            statement = Statement.counting(queryset) if self.counted else Statement.of(queryset)
            places = tuple(i for i, param in enumerate(statement.params) if param == stand_in)
            if not places or str(stand_in) in statement.sql:
                raise RuntimeError("the argument is not among the query's parameters")
            found = self._statements[key] = (statement, places)
        return found

    def _params(self, value) -> tuple[Statement, tuple]:
        statement, places = self._statement(value)
        params = list(statement.params)
        for place in places:
            params[place] = value
        return statement, tuple(params)

    def rows(self, value) -> list[dict]:
        statement, params = self._params(value)
        return statement.rows(params=params)

    def count(self, value) -> int:
        statement, params = self._params(value)
        return statement.scalar(params)

    def instances(self, value) -> list:
        """The rows as instances of ``model``, their ``related`` instances set."""
        model: Any = self.model
        statement, params = self._params(value)
        layout = self._layouts.get(id(statement))
        if layout is None:
            layout = self._layouts[id(statement)] = self._layout(statement)
        alias, (own, extra, *others) = connection.alias, layout
        make = maker(model)
        related = [
            (field, names, pick, maker(field.related_model)) for field, names, pick in others
        ]
        out = []
        for values in statement.values(params=params):
            instance = make(alias, own[0], own[1](values))
            if extra is not None:
                instance.__dict__.update(zip(self.extra, extra(values), strict=True))
            for field, names, pick, make_other in related:
                other = None
                if getattr(instance, field.attname) is not None:
                    other = make_other(alias, names, pick(values))
                field.set_cached_value(instance, other)
            out.append(instance)
        return out

    def _layout(self, statement: Statement) -> list:
        """The model's column names and what picks their values out of a row, what picks
        the ``extra`` annotations' (None without any), then the same as the first for each
        related model with its foreign key first."""
        model: Any = self.model
        position = {name: i for i, name in enumerate(statement.names)}

        def picker(names: list[str], prefix: str = ""):
            places = [position[prefix + name] for name in names]
            return lambda values: [values[i] for i in places]

        columns = self._columns()
        layout: list = [(columns[""], picker(columns[""])), picker(list(self.extra))]
        if not self.extra:
            layout[1] = None
        for name in self.related:
            names = columns[name]
            layout.append((model._meta.get_field(name), names, picker(names, f"{name}__")))
        return layout


def maker(model: Any) -> Callable[[str, list[str], list], Any]:
    """What makes the model's instances from rows now: ``loaded``, or ``from_db`` for a
    model something listens to the creation of (``pre_init``/``post_init``)."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db
    return functools.partial(loaded, model)


def loaded(model: Any, alias: str, names: list[str], values: list) -> Any:
    """``model.from_db(alias, names, values)`` for every concrete column, without running
    ``Model.__init__`` field by field (most of a kept read's cost): the instance's
    attributes set at once, its state as ``from_db`` leaves it. Only for a model
    nothing listens to the creation of (``maker`` checks)."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    return instance


# Arguments no row has, by type, compiled in and replaced by each real one.
STAND_IN: dict[type, Any] = {int: -7_310_000_007, str: "kept-stand-in-7310000007"}


@dataclass(frozen=True)
class Compiled:
    """A list's statements: its rows (with the count when ``counted``), and its count;
    ``bare``, when there is one, the same rows without the count, read when the count
    is known already (``known_count``); ``written``, when there is one, the same again
    with each row's body written by the database (``forecasts.api.written``)."""

    rows: Statement
    count: Statement
    counted: bool
    bare: Statement | None = None
    written: Compiled | None = None

    def inlined(self) -> Compiled:
        """Each statement with its parameters in its text (``Statement.inlined``)."""
        bare = self.bare.inlined() if self.bare is not None else None
        written = self.written.inlined() if self.written is not None else None
        return replace(
            self, rows=self.rows.inlined(), count=self.count.inlined(), bare=bare, written=written
        )


_compiled: OrderedDict[tuple, Compiled] = OrderedDict()
# Each list's count by (shape, change stamp): exact while the stamp stands, since every
# write moves it, and a count (every visible row read) costs more than the page itself.
_counts: OrderedDict[tuple, int] = OrderedDict()


def known_count(key: tuple | None) -> int | None:
    return None if key is None else _counts.get(key)


def remember_count(key: tuple | None, count: int) -> None:
    if key is None:
        return
    _counts[key] = count
    _counts.move_to_end(key)
    if len(_counts) > MAX_SHAPES:
        _counts.popitem(last=False)


def query_items(query, *, skipped: set[str]) -> tuple:
    """A request's query parameters but the ``skipped`` ones, in one order: part of a key."""
    return tuple(
        sorted((name, tuple(query.getlist(name))) for name in query if name not in skipped)
    )


def shape(view) -> tuple | None:
    """The key a request's statements are kept under, or None when they are not kept."""
    query = view.request.query_params
    if not CLOCK_PARAMETERS.isdisjoint(query):
        return None
    items = query_items(query, skipped={view.paginator.page_query_param})
    filters = getattr(view, "filterset_class", None)
    looked_up = filters is not None and not query.keys().isdisjoint(filters.base_filters)
    return (
        type(view),
        connection.vendor,
        is_editor(view.request.user),
        items,
        change_stamp() if looked_up else None,
    )


class OnPage(Func):
    """The row is on the page (``OnPage(F("pk"), Subquery(<the page's ids, in order>))``).

    On PostgreSQL ``pk = ANY(ARRAY(<ids>))``: the ids are read first, once, and each row
    then found by its primary key. The planner costs ``pk IN (<ids>)`` as a join and, on
    a table of a few thousand rows, chose to hash the page and scan the whole table
    (0.61 ms against 0.25 ms for the forecast list's page, measured in one run). Other
    databases get ``IN``."""

    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " IN "

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="%(expressions)s)"
        )


# What a page's written rows select, given the SQL of each column by name
# (``forecasts.api.written``): (name, SQL) pairs.
Select = Callable[[Callable[[str], str]], list[tuple[str, str]]]
Related = Mapping[str, "QuerySet | tuple[str, tuple]"]


def compile_list(
    build: Callable[[], tuple[QuerySet, QuerySet]],
    related: Related | None = None,
    select: Select | None = None,
) -> Compiled:
    """A list's statements. The page's rows are found by a narrow query (the ids, in
    order: only the columns the filters and the ordering need, sorted), and only those
    rows read in full, with the count alongside (evaluated once by the database). A
    DISTINCT query is read as the queryset reads it, and counted apart.

    ``related`` (PostgreSQL): columns of the rows read instead by one grouped query
    each over the page's rows (``with_related``), where the rows' own SQL would read
    them row by row. ``select`` (PostgreSQL, with ``related``): the same rows, each
    selected as its body written (``Compiled.written``)."""
    rows, filtered = build()
    count = Statement.counting(filtered)
    if rows.query.distinct:  # its ordering columns would join the ids' subquery
        return Compiled(replace(Statement.of(rows), written_times=True), count, False)
    low, high = SENTINEL_PAGE
    rows = rows.filter(OnPage(F("pk"), Subquery(filtered.values("pk")[low:high])))
    sentinel = connection.ops.limit_offset_sql(low, high)
    total = {TOTAL: RawSQL(count.sql, count.params)}

    def paged(queryset: QuerySet) -> Statement:
        statement = Statement.of(queryset)
        if statement.sql.count(sentinel) != 1:
            raise RuntimeError(f"the page's bounds are not where they were expected: {sentinel}")
        return replace(statement, sql=statement.sql.replace(sentinel, PAGE), written_times=True)

    if related and connection.vendor == "postgresql":
        names = Statement.of(rows).names
        narrow = rows.values(*(name for name in names if name not in related))
        counted = with_related(paged(narrow.annotate(**total)), related)
        bare = with_related(paged(narrow), related)
        if counted is not None and bare is not None:
            written = None
            if select is not None:
                written_counted = with_related(paged(narrow.annotate(**total)), related, select)
                written_bare = with_related(paged(narrow), related, select)
                if written_counted is not None and written_bare is not None:
                    written = Compiled(written_counted, count, True, bare=written_bare)
            return Compiled(counted, count, True, bare=bare, written=written)
    return Compiled(paged(rows.annotate(**total)), count, True, bare=paged(rows))


# The rows' positional ORDER BY, the last clause of a page's statement.
POSITIONAL_ORDER = re.compile(r" ORDER BY \d+ (?:ASC|DESC)(?:, \d+ (?:ASC|DESC))*$")


POSITION = re.compile(r"(\d+) (ASC|DESC)")


def with_related(
    statement: Statement,
    related: Related,
    select: Select | None = None,
) -> Statement | None:
    """The page's rows (``statement``) with more columns, each read by one grouped query
    over them: ``related`` maps each column's name to a queryset (or its SQL and
    parameters) of ``key`` (the row's id) and ``value`` rows, grouped by key, that
    finds the page's rows as ``rows.ROWS`` (``SELECT "id" FROM _page_rows``); a row
    with none gets ``[]``.

    The rows' statement becomes a materialized CTE that the grouped queries join: the
    database reads each related table once a page (a hash of the page's ids) instead of
    once for each row. The rows keep their order: the statement's ORDER BY names its
    columns by position, and the CTE's columns come first in the same positions. None
    for a statement ordered otherwise: its rows then read the columns row by row, as
    the queryset has them.

    ``select``: the rows select instead only what it gives, ``(name, SQL)`` pairs,
    from the SQL of each column by name (the page count, when there is one, after
    them); the ORDER BY then names the CTE's columns."""
    from forecasts.api.rows import ROWS

    found = POSITIONAL_ORDER.search(statement.sql)
    if found is None:
        return None
    inner, order = statement.sql[: found.start()], statement.sql[found.start() :]
    joins, params = [], list(statement.params)
    column = {name: f'{ROWS}."{name}"' for name in statement.names}
    for i, (name, queryset) in enumerate(related.items()):
        if isinstance(queryset, tuple):
            sql, grouped_params = queryset
        else:
            grouped = Statement.of(queryset)
            sql, grouped_params = grouped.sql, grouped.params
        joins.append(f' LEFT JOIN ({sql}) _related{i} ON _related{i}."key" = {ROWS}."id"')
        column[name] = f"COALESCE(_related{i}.\"value\", '[]')"
        params.extend(grouped_params)
    if select is None:
        listed = [f"{ROWS}.*", *(f'{column[name]} AS "{name}"' for name in related)]
        names = (*statement.names, *related)
        width, converters = statement.width + len(related), statement.converters
    else:
        chosen = select(column.__getitem__)
        if TOTAL in statement.names:
            chosen.append((TOTAL, column[TOTAL]))
        listed = [f'{sql} AS "{name}"' for name, sql in chosen]
        names = tuple(name for name, _ in chosen)
        width, converters = len(names), ()
        order = " ORDER BY " + ", ".join(
            f"{column[statement.names[int(place) - 1]]} {direction}"
            for place, direction in POSITION.findall(order)
        )
    sql = (
        f"WITH {ROWS} AS MATERIALIZED ({inner}) "
        f"SELECT {', '.join(listed)} FROM {ROWS}{''.join(joins)}{order}"
    )
    return replace(
        statement,
        sql=sql,
        params=tuple(params),
        names=names,
        width=width,
        converters=converters,
        written_times=statement.written_times and select is None,
    )


def compiled_rows(
    view,
    build,
    related: Callable[[], Related] | None = None,
    select: Select | None = None,
) -> CompiledRows | None:
    """What the paginator reads for this request, from kept SQL when its shape has some;
    None for a request this path leaves to the querysets (not JSON, or not paginated).
    ``related``: what gives ``compile_list``'s ``related``; ``select``: its ``select``,
    whose written rows are read when the request takes them (``takes_written``)."""
    renderer = getattr(view.request, "accepted_renderer", None)
    if view.paginator is None or getattr(renderer, "format", None) != "json":
        return None
    key = shape(view)
    found = _compiled.get(key) if key is not None else None
    written = takes_written(view)
    if key is None or found is None:
        # Kept: written too, for the requests that will take it; else only if this one does.
        writes = select if key is not None or written else None
        found = compile_list(build, related() if related is not None else None, writes)
        if key is not None:  # kept, run again and again: planned once (``Statement.inlined``)
            found = found.inlined()
            _compiled[key] = found
            if len(_compiled) > MAX_SHAPES:
                _compiled.popitem(last=False)
    else:
        _compiled.move_to_end(key)
    if found.written is not None and written:
        found = found.written
    # The stamp is the one the request's ETag was worked out from (``changes.read_once``).
    counted_as = (key, change_stamp()) if key is not None else None
    return CompiledRows(found, page_window(view) if found.counted else None, counted_as)


def takes_written(view) -> bool:
    """The request is answered in compact JSON by the API's renderer, whose orjson takes
    bodies already written, with times in UTC as the database writes them."""
    from forecasts.api.renderers import FastJSONRenderer

    renderer = view.request.accepted_renderer
    if not isinstance(renderer, FastJSONRenderer):
        return False
    indent = renderer.get_indent(view.request.accepted_media_type, view.get_renderer_context())
    return indent is None and timestamps.writes_utc(connection)


def forget() -> None:
    """Drop every kept statement and count (tests; a schema change)."""
    _compiled.clear()
    _counts.clear()


def page_window(view) -> tuple[int, int] | None:
    """The rows (start, stop) a request's page number and size name, if it names one."""
    paginator = view.paginator
    number = view.request.query_params.get(paginator.page_query_param, "1")
    if not (number.isascii() and number.isdigit()) or int(number) < 1:
        return None  # ``last``, or a malformed number the paginator refuses
    size = paginator.get_page_size(view.request)
    return (int(number) - 1) * size, int(number) * size


class CompiledRows:
    """A list for Django's paginator: ``count()`` and the page's slice, each one query,
    or one for both when the page is counted with its window; none for the count when
    it is known for this shape under this change stamp (``counted_as``)."""

    ordered = True

    def __init__(
        self, compiled: Compiled, window: tuple[int, int] | None, counted_as: tuple | None = None
    ) -> None:
        self.compiled, self.window, self.counted_as = compiled, window, counted_as
        self.page: list[dict] | None = None

    def count(self) -> int:
        known = known_count(self.counted_as)
        if self.window is not None:
            start, stop = self.window
            if known is not None and self.compiled.bare is not None:
                self.page = self.compiled.bare.rows(start=start, stop=stop)
                return known
            found = self.compiled.rows.rows(start=start, stop=stop)
            if found:
                self.page = found
                remember_count(self.counted_as, found[0][TOTAL])
                return found[0][TOTAL]
        if known is not None:
            return known
        count = self.compiled.count.scalar()
        remember_count(self.counted_as, count)
        return count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("a page is read as a slice")
        if self.page is not None and self.window is not None and index.start == self.window[0]:
            return self.page[: index.stop - index.start]  # the paginator's page, read already
        return self.compiled.rows.rows(start=index.start, stop=index.stop)

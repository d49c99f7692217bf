"""Bulk import of forecasts from CSV: every row checked, then all written or none.

The file is read whole, each row validated in memory against objects fetched
with one query per kind (questions, authors, sources, options, current
resolutions), and only if no row has an error are the forecasts written, in
one transaction with bulk inserts. The rules, and their messages, are those of
``ledger.forecast_create``: both check with ``forecasts.ledger.rules``. Numeric
and date questions take their values in the columns of
``forecasts.transfer.quantities`` (a point, an interval with its coverage,
quantiles). A file exported by ``forecasts.transfer.exports`` imports as it is:
its ``question_slug``, ``author_slug`` and ``source_slug`` name the question,
author and source, and the columns only an export has (ids, outcomes, scores,
the question's description) are read past. See docs/api.md for the format.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from forecasts import ledger
from forecasts.ledger import rules
from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    ForecastQuantile,
    Option,
    Question,
    Resolution,
    Source,
)
from forecasts.models.changes import prepared_cursor
from forecasts.models.ledger import Scale
from forecasts.transfer import quantities
from forecasts.transfer.exports import FORECAST_COLUMNS as EXPORT_COLUMNS
from forecasts.transfer.exports import FORMULA_STARTS

REQUIRED_COLUMNS = ("question", "author", "stated_at")
OPTIONAL_COLUMNS = (
    "probability",
    "option_probabilities",
    "source",
    "quote",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "conversion_note",
    *quantities.VALUE_COLUMNS,
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# An export names the question, author and source by these; the import reads them so.
EXPORT_KEYS = {"question_slug": "question", "author_slug": "author", "source_slug": "source"}
# What only an export carries (ids, the question's description, outcomes, scores): read past.
EXPORT_ONLY = frozenset(EXPORT_COLUMNS) - set(COLUMNS) - set(EXPORT_KEYS)
SCALES = frozenset(Scale.values)
PHRASE_MAX = Forecast._meta.get_field("phrase").max_length
BATCH_SIZE = 5000
FORECAST_FIELDS = (
    "question_id",
    "author_id",
    "source_id",
    "stated_at",
    "recorded_at",
    "probability",
    "quote",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "conversion_note",
    "entered_by_id",
    "value",
    "value_low",
    "value_high",
    "coverage",
)
# A checked row, in the order of FORECAST_FIELDS, with its (option id, probability)
# pairs and its (level, value) quantiles.
CheckedForecast = tuple[tuple, list[tuple[int, float]], tuple[tuple[float, float], ...]]


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


class ImportFailed(Exception):
    """The file was refused; ``errors`` lists every problem with its line and column."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


class _RowInvalid(Exception):
    """A problem only a CSV row can have (an unknown slug, a malformed cell)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _row_error(line: int, refused: ValidationError) -> RowError:
    """A rule's ValidationError (one field, one message) as the row's error."""
    field, messages = next(iter(refused.message_dict.items()))
    return RowError(line, field, messages[0])


@dataclass
class _Row:
    line: int
    values: dict[str, str]


def read_rows(text: str) -> list[_Row]:
    """Parse the CSV, keeping each row's first line number (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="__extra__")
    header, exported = _import_header(reader.fieldnames or [])
    reader.fieldnames = header
    skipped = EXPORT_ONLY if exported else frozenset()
    problems = [
        RowError(1, name, "Unknown column.")
        for name in header
        if name not in COLUMNS and name not in skipped
    ]
    # csv.DictReader keeps the last of two same-named columns; refuse instead.
    problems += [
        RowError(1, name, "This column appears more than once.")
        for name in sorted(set(header))
        if header.count(name) > 1
    ]
    problems += [
        RowError(1, name, "This column is required.")
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    if not {"probability", "option_probabilities", *quantities.VALUE_COLUMNS} & set(header):
        problems.append(
            RowError(
                1,
                "probability",
                "Give a probability, option_probabilities or value (value_low, value_high, "
                "coverage, quantiles) column.",
            )
        )
    if problems:
        raise ImportFailed(problems)
    rows, line = [], reader.line_num + 1
    try:
        for values in reader:
            for name in skipped.intersection(values):
                del values[name]
            if exported:
                _undo_neutralising(values)
            rows.append(_Row(line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed([RowError(line, "", f"Malformed CSV: {exc}")]) from exc
    return rows


def _import_header(header: Sequence[str]) -> tuple[list[str], bool]:
    """The header as the import reads it, and whether it is an export's.

    An export's header (it starts with ``forecast_id``) names the question,
    author and source by their slug columns; its other columns of the export
    only are read past. Any other header is taken as written.
    """
    if not header or header[0] != "forecast_id":
        return list(header), False
    return [EXPORT_KEYS.get(name, name) for name in header], True


def _undo_neutralising(values: dict[str, str]) -> None:
    """An export's text cell as stored: the ``'`` it put before a formula-like start removed.

    The export writes ``'=SUM(…)`` for a quote ``=SUM(…)`` so a spreadsheet shows
    it as text (``exports.spreadsheet_safe``); read back, it is the quote again.
    """
    for name, text in values.items():
        if isinstance(text, str) and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            values[name] = text[1:]


def _split_keys(rows: list[_Row], column: str) -> tuple[set[int], set[str]]:
    ids, slugs = set(), set()
    for row in rows:
        key = (row.values.get(column) or "").strip()
        if key.isascii() and key.isdigit():
            if len(key) < 19:
                ids.add(int(key))
        elif key:
            slugs.add(key)
    return ids, slugs


def _lookup(model, rows: list[_Row], column: str, queryset=None) -> dict[str, object]:
    """Every object the column names, by id and by slug, in one query."""
    ids, slugs = _split_keys(rows, column)
    if not ids and not slugs:
        return {}
    found = {}
    for obj in (queryset if queryset is not None else model.objects).filter(
        Q(pk__in=ids) | Q(slug__in=slugs)
    ):
        found[str(obj.pk)] = obj
        found[obj.slug] = obj
    return found


class _Context:
    """Everything the rows refer to, fetched up front."""

    def __init__(self, rows: list[_Row], now: datetime, entered_by):
        self.now = now
        self.entered_by_id = entered_by.pk if entered_by is not None else None
        self.questions = _lookup(Question, rows, "question", Question.objects.select_for_update())
        self.authors = _lookup(Author, rows, "author")
        self.sources = _lookup(Source, rows, "source")
        question_ids = {q.pk for q in self.questions.values()}
        self.options: dict[int, dict[str, Option]] = defaultdict(dict)
        for option in Option.objects.filter(question_id__in=question_ids).order_by(
            "position", "pk"
        ):
            self.options[option.question_id][option.label] = option
        self.resolutions = {
            r.question_id: r
            for r in Resolution.objects.filter(question_id__in=question_ids, is_current=True)
        }


def _get(mapping: dict, row: _Row, column: str, label: str, required: bool = True):
    key = (row.values.get(column) or "").strip()
    if not key:
        if required:
            raise _RowInvalid(column, "This field is required.")
        return None
    obj = mapping.get(key)
    if obj is None:
        raise _RowInvalid(column, f"No {label} has the id or slug “{key}”.")
    return obj


def _number(text: str | None, column: str) -> float | None:
    """An empty cell is no number; anything else must be a probability as the API takes it."""
    text = (text or "").strip()
    if not text:
        return None
    return rules.parse_probability_text(text, column)


def _text(row: _Row, column: str) -> str:
    """A free-text cell, under the API's cap for the same field."""
    value = row.values.get(column) or ""
    rules.check_text_length(value, column)
    return value


def _stated_at(row: _Row, question: Question, ctx: _Context) -> datetime:
    text = (row.values.get("stated_at") or "").strip()
    try:
        value = datetime.fromisoformat(text) if text else None
    except ValueError:
        value = None
    if value is None:
        raise _RowInvalid("stated_at", "Give an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z.")
    rules.check_aware(value, "stated_at")
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise _RowInvalid("stated_at", "This date is outside the range Reckon can store.") from None
    rules.check_stated_before_close(value, question=question, now=ctx.now)
    rules.check_stated_before_outcome(value, current=ctx.resolutions.get(question.pk))
    return value


def _option_probabilities(
    row: _Row, question: Question, ctx: _Context
) -> list[tuple[Option, float]]:
    options = ctx.options.get(question.pk, {})
    text = (row.values.get("option_probabilities") or "").strip()
    if not text:
        raise _RowInvalid(
            "option_probabilities", "Give label=probability for every option, separated by ;."
        )
    given: dict[str, float] = {}
    for part in text.split(";"):
        label, sep, value = part.partition("=")
        label = label.strip()
        if not sep or label not in options:
            raise _RowInvalid(
                "option_probabilities", f"“{label[:40]}” is not an option of this question."
            )
        if label in given:
            raise _RowInvalid("option_probabilities", f"“{label[:40]}” is given twice.")
        given[label] = _number(value, "option_probabilities")
        if given[label] is None:
            raise _RowInvalid("option_probabilities", f"Give a probability for “{label[:40]}”.")
    values = [given.get(label) for label in options]
    checked = rules.check_option_probabilities(values, n_options=len(options))
    return list(zip(options.values(), checked, strict=True))


def _forecast(row: _Row, ctx: _Context) -> CheckedForecast:
    """Check one row against the rules of ledger.forecast_create and build its forecast.

    Raises _RowInvalid, or the ValidationError of the rule the row breaks.
    """
    question = _get(ctx.questions, row, "question", "question")
    author = _get(ctx.authors, row, "author", "author")
    rules.check_takes_forecasts(question)
    stated_at = _stated_at(row, question, ctx)
    source = _get(ctx.sources, row, "source", "source", required=False)
    rules.check_dated_source(stated_at, source=source, now=ctx.now)
    probability, pairs = _number(row.values.get("probability"), "probability"), []
    stated = _quantity(row, question, probability)
    if not question.is_quantity:
        rules.check_probability_kind(
            question,
            probability=probability,
            option_probabilities_given=_given(row, "option_probabilities"),
        )
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        pairs = _option_probabilities(row, question, ctx)
    low, high = rules.check_interval(
        _number(row.values.get("interval_low"), "interval_low"),
        _number(row.values.get("interval_high"), "interval_high"),
    )
    scale = (row.values.get("scale") or "").strip() or Scale.NUMERIC
    if scale not in SCALES:
        raise _RowInvalid("scale", f"Choose one of: {', '.join(sorted(SCALES))}.")
    phrase = (row.values.get("phrase") or "").strip()
    if len(phrase) > PHRASE_MAX:
        raise _RowInvalid("phrase", f"At most {PHRASE_MAX} characters.")
    row_values = (
        question.pk,
        author.pk,
        source.pk if source else None,
        stated_at,
        ctx.now,
        probability,
        _text(row, "quote"),
        phrase,
        scale,
        low,
        high,
        _number(row.values.get("scale_point"), "scale_point"),
        _text(row, "conversion_note"),
        ctx.entered_by_id,
        stated.value,
        stated.value_low,
        stated.value_high,
        stated.coverage,
    )
    return row_values, [(option.pk, p) for option, p in pairs], stated.quantiles


def _given(row: _Row, column: str) -> bool:
    return bool((row.values.get(column) or "").strip())


def _quantity(
    row: _Row, question: Question, probability: float | None
) -> ledger.quantities.CheckedValues:
    """A numeric or date question's values, checked by the ledger; none for the other kinds."""
    return quantities.read_values(
        row.values,
        question=question,
        probability_given=probability is not None or _given(row, "option_probabilities"),
        # An interval without a coverage takes the scale's point for the hedge, as in the API.
        scale_point=_number(row.values.get("scale_point"), "scale_point"),
    )


def import_forecasts(text: str, *, entered_by=None, dry_run: bool = False) -> int:
    """Validate every row of a forecasts CSV and write them all, or raise ImportFailed.

    Returns the number of forecasts written (or that would be, with ``dry_run``).
    """
    rows = read_rows(text)
    if not rows:
        raise ImportFailed([RowError(1, "", "The file has a header but no rows.")])
    if "\x00" in text:
        raise ImportFailed([RowError(1, "", "The file contains NUL characters.")])
    entered_by = entered_by if getattr(entered_by, "pk", None) else None
    with transaction.atomic():
        # Lock the questions so none closes or resolves between checking and writing.
        ctx = _Context(rows, timezone.now(), entered_by)
        built, lines, errors = [], [], []
        for row in rows:
            if "__extra__" in row.values or None in row.values.values():
                errors.append(
                    RowError(
                        row.line, "", "This row has a different number of columns than the header."
                    )
                )
                continue
            try:
                built.append(_forecast(row, ctx))
                lines.append(row.line)
            except _RowInvalid as problem:
                errors.append(RowError(row.line, problem.field, problem.message))
            except ValidationError as refused:
                errors.append(_row_error(row.line, refused))
        errors += _repeated(built, lines)
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.line))
        if not dry_run:
            write(built)
            # The authors' cards count the new claims (pending, or hindsight).
            ledger.queue_rescore(sorted({values[0] for values, _, _ in built}))
    return len(built)


def _repeated(built: list[CheckedForecast], lines: list[int]) -> list[RowError]:
    """Rows that repeat a stored forecast's, or an earlier row's, author, question and moment.

    One forecast per (question, author, stated_at), as ``ledger.forecast_create``
    and the database's unique constraint require; found with one query.
    """
    keys = [(values[0], values[1], values[3]) for values, _, _ in built]
    if not keys:
        return []
    stored = {
        (f.question_id, f.author_id, f.stated_at): f
        for f in _stored_at_keys(keys).select_related("author")
    }
    first_line: dict[tuple, int] = {}
    errors = []
    for line, key in zip(lines, keys, strict=True):
        if key in stored:
            errors.append(RowError(line, "stated_at", ledger.repeated_message(stored[key])))
        elif key in first_line:
            message = (
                f"Line {first_line[key]} already gives this author's forecast on this "
                "question at this moment; one forecast per author, question and moment."
            )
            errors.append(RowError(line, "stated_at", message))
        else:
            first_line[key] = line
    return errors


def _stored_at_keys(keys: list[tuple]):
    """The stored forecasts with any of these (question, author, stated_at) keys.

    On PostgreSQL the keys go as three arrays, bound on the server in binary
    (psycopg writes them in C), joined to the table on its unique index: one
    statement, planned once per connection, for any number of rows. Written as ``IN``
    lists, 100,000 rows' moments were 100,000 parameters for Django to compile
    and PostgreSQL to parse: 1.5 s of a 6-s import (``bench import``). Elsewhere
    the lists stay, and the caller keeps only the exact keys.
    """
    if connection.vendor != "postgresql":
        return Forecast.objects.filter(
            question_id__in={k[0] for k in keys},
            author_id__in={k[1] for k in keys},
            stated_at__in={k[2] for k in keys},
        )
    questions, authors, moments = (list(column) for column in zip(*keys, strict=True))
    with prepared_cursor() as cursor:  # bound on the server; %b: in binary
        cursor.execute(
            f"SELECT f.id FROM {Forecast._meta.db_table} f JOIN unnest(%b::int8[], %b::int8[], "
            "%b::timestamptz[]) AS k(question_id, author_id, stated_at) "
            "ON f.question_id = k.question_id AND f.author_id = k.author_id "
            "AND f.stated_at = k.stated_at",
            (questions, authors, moments),
        )
        found = [row[0] for row in cursor.fetchall()]
    return Forecast.objects.filter(pk__in=found)


def write(checked: list[CheckedForecast]) -> None:
    """Insert checked forecasts and their option probabilities in bulk.

    On PostgreSQL the rows are streamed with COPY (ids reserved from the
    sequence first, so option probabilities can point at their forecast);
    elsewhere Django's bulk_create does it. The ledger's triggers run either way.
    """
    if not checked:
        return
    if connection.vendor == "postgresql":
        _copy(checked)
        return
    forecasts = Forecast.objects.bulk_create(
        [Forecast(**dict(zip(FORECAST_FIELDS, values, strict=True))) for values, _, _ in checked],
        batch_size=BATCH_SIZE,
    )
    ForecastProbability.objects.bulk_create(
        (
            ForecastProbability(forecast_id=forecast.pk, option_id=option_id, probability=p)
            for forecast, (_, pairs, _) in zip(forecasts, checked, strict=True)
            for option_id, p in pairs
        ),
        batch_size=BATCH_SIZE,
    )
    ForecastQuantile.objects.bulk_create(
        (
            ForecastQuantile(forecast_id=forecast.pk, level=level, value=value)
            for forecast, (_, _, stated) in zip(forecasts, checked, strict=True)
            for level, value in stated
        ),
        batch_size=BATCH_SIZE,
    )


def _copy(checked: list[CheckedForecast]) -> None:
    forecast_table = Forecast._meta.db_table
    columns = ", ".join(Forecast._meta.get_field(name).column for name in ("id", *FORECAST_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [forecast_table, len(checked)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {forecast_table} ({columns}) FROM STDIN") as copy:
            for forecast_id, (values, _, _) in zip(ids, checked, strict=True):
                copy.write_row((forecast_id, *values))
        with raw.copy(
            f"COPY {ForecastProbability._meta.db_table} "
            "(forecast_id, option_id, probability) FROM STDIN"
        ) as copy:
            for forecast_id, (_, pairs, _) in zip(ids, checked, strict=True):
                for option_id, p in pairs:
                    copy.write_row((forecast_id, option_id, p))
        if any(stated for _, _, stated in checked):
            with raw.copy(
                f"COPY {ForecastQuantile._meta.db_table} (forecast_id, level, value) FROM STDIN"
            ) as copy:
                for forecast_id, (_, _, stated) in zip(ids, checked, strict=True):
                    for level, value in stated:
                        copy.write_row((forecast_id, level, value))

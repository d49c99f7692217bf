"""Public track records: yearly prediction lists that their authors later graded.

The format is ``fixtures/records/public_records.json`` (its provenance and every
field are described in ``fixtures/records/public_records.md``): a JSON list of
rows, one per published prediction. ``parse_records`` checks every row first,
with the ledger's own rules, and names the row id and field of each problem;
``import_records`` then writes them all through the ledger's services in one
transaction, or nothing:

* one Author per author (their publication kept as the description);
* one Source per prediction post (URL, date, publisher), dated so the ledger
  accepts the claim as a historical one;
* one Question per statement and period: open at the post's date, closing at the
  end of the period, due at the grading date (multiple-choice rows with their
  options). Rows of different authors whose statements match for the same
  period (after folding case, whitespace and punctuation) share a question;
* one Forecast per row at its stated probability, ``stated_at`` the post's date,
  keeping the row id in ``Forecast.import_id`` so a second run writes nothing;
* one Resolution per resolved or annulled row, with the grading post as its
  evidence (marker and grader in the note); rows of unknown outcome stay open.

Stored scores are not touched here, and no rescore is queued per question
(``ledger.rescoring_deferred``); the caller rescores afterwards
(``manage.py import_records`` does).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from forecasts import ledger
from forecasts.ledger import rules, slugs
from forecasts.models import Author, Forecast, Option, Question, Resolution, Source
from forecasts.models.ledger import Scale

STATUSES = ("resolved", "annulled", "unknown")
KINDS = ("binary", "multiple_choice")
REQUIRED_TEXT = ("id", "author", "publication", "author_year", "period", "statement")
_YEAR = re.compile(r"^(\d{4})\b(?!-)")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})\b")
_REDACTED = re.compile(r"\[redacted\]", re.IGNORECASE)


@dataclass(frozen=True)
class RecordError:
    row_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row_id}, field {self.field}: {self.message}"


class RecordsRefused(Exception):
    """The file was refused whole; ``errors`` names each row and field at fault."""

    def __init__(self, errors: list[RecordError]):
        super().__init__(f"{len(errors)} problem(s) in the file; nothing was written")
        self.errors = errors


@dataclass(frozen=True)
class Record:
    """One checked row, ready to be written."""

    id: str
    author: str
    publication: str
    author_year: str
    period: str
    number: str
    section: str
    statement: str
    kind: str
    probability: float | None
    options: tuple[tuple[str, float], ...]
    as_published: str
    stated_at: datetime
    date_is_exact: bool
    source_url: str
    read_via: str
    status: str
    outcome: bool | str | None
    outcome_url: str
    outcome_marker: str
    evaluator: str
    graded_at: datetime | None
    closes_at: datetime
    redacted: bool
    notes: str
    statement_at_grading: str

    @property
    def outcome_known_at(self) -> datetime:
        """The grading date; the end of the period where the file gives none."""
        return self.graded_at or self.closes_at

    @property
    def merge_key(self) -> tuple[str, str] | None:
        """Rows of different authors with the same key share a question (None: never)."""
        if self.redacted or _REDACTED.search(self.statement):
            return None
        return (self.period_key, normalise(self.statement))

    @property
    def period_key(self) -> str:
        return self.closes_at.date().isoformat()


@dataclass
class ImportReport:
    """What a run wrote (all zero for a second run of the same file)."""

    rows: int = 0
    authors: int = 0
    sources: int = 0
    questions: int = 0
    forecasts: int = 0
    resolved: int = 0
    annulled: int = 0
    unresolved: int = 0
    merged: int = 0
    already_imported: int = 0
    question_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.rows} rows: {self.forecasts} forecasts written "
            f"({self.already_imported} already imported), {self.authors} authors, "
            f"{self.sources} sources, {self.questions} questions "
            f"({self.merged} rows joined another author's question), "
            f"{self.resolved} resolved, {self.annulled} annulled, "
            f"{self.unresolved} left unresolved (outcome unknown)."
        )


def normalise(statement: str) -> str:
    """A statement folded for matching: case, accents, punctuation and spacing ignored.

    Conservative on purpose: numbers, words and their order must all agree.
    """
    text = unicodedata.normalize("NFKD", statement).casefold()
    text = re.sub(r"[^\w%$]+", " ", text)
    return " ".join(text.split())


# --- parsing: every row checked before anything is written ---------------------------------


class _Bad(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


def _text(row: dict, name: str, *, required: bool = False) -> str:
    value = row.get(name)
    if value is None:
        if required:
            raise _Bad(name, "This field is required.")
        return ""
    if not isinstance(value, str):
        raise _Bad(name, f"Expected text, not {type(value).__name__}.")
    if required and not value.strip():
        raise _Bad(name, "This field is required.")
    return value.strip()


def _date(row: dict, name: str, *, required: bool) -> datetime | None:
    value = row.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Bad(name, "Give a date as YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Bad(name, f"Give a date as YYYY-MM-DD, not {value!r}.") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _url(row: dict, name: str) -> str:
    value = _text(row, name)
    if value:
        try:
            URLValidator()(value)
        except ValidationError:
            raise _Bad(name, f"Not a web address: {value!r}.") from None
    return value


def _bool(row: dict, name: str) -> bool:
    value = row.get(name, False)
    if not isinstance(value, bool):
        raise _Bad(name, "Expected true or false.")
    return value


def period_end(period: str) -> datetime:
    """When a period ends: 1 January after a calendar year, the day after a range's end."""
    match = _RANGE.match(period)
    if match:
        end = date.fromisoformat(match.group(2)) + timedelta(days=1)
        return datetime(end.year, end.month, end.day, tzinfo=UTC)
    match = _YEAR.match(period)
    if match:
        return datetime(int(match.group(1)) + 1, 1, 1, tzinfo=UTC)
    raise _Bad("period", f"Give a year or 'YYYY-MM-DD to YYYY-MM-DD', not {period!r}.")


def _options(row: dict) -> tuple[tuple[str, float], ...]:
    given = row.get("options")
    if not isinstance(given, list) or not all(isinstance(o, dict) for o in given):
        raise _Bad("options", "A multiple-choice row lists its options with their probabilities.")
    labels = [o.get("label") for o in given]
    if not all(isinstance(label, str) for label in labels):
        raise _Bad("options", "Every option needs a label.")
    try:
        rules.check_option_labels(
            Question.Kind.MULTIPLE_CHOICE, [label.strip() for label in labels]
        )
        checked = rules.check_option_probabilities(
            [o.get("probability") for o in given], n_options=len(given)
        )
    except ValidationError as refused:
        raise _Bad("options", _first_message(refused)[1]) from None
    return tuple((label.strip(), p) for label, p in zip(labels, checked, strict=True))


def _outcome(row: dict, kind: str, status: str, options: Sequence[tuple[str, float]]):
    outcome = row.get("outcome")
    if status != "resolved":
        if outcome is not None:
            raise _Bad("outcome", f"A row whose resolution_status is {status!r} has no outcome.")
        return None
    if kind == "binary":
        if not isinstance(outcome, bool):
            raise _Bad("outcome", "A resolved binary row's outcome is true or false.")
        return outcome
    chosen = row.get("outcome_option", outcome)
    if chosen not in [label for label, _ in options]:
        raise _Bad("outcome_option", f"{chosen!r} is not one of the row's options.")
    return chosen


def _record(row: dict, now: datetime) -> Record:
    for name in REQUIRED_TEXT:
        _text(row, name, required=True)
    kind = row.get("kind")
    if kind not in KINDS:
        raise _Bad("kind", f"Choose one of: {', '.join(KINDS)}.")
    status = row.get("resolution_status")
    if status not in STATUSES:
        raise _Bad("resolution_status", f"Choose one of: {', '.join(STATUSES)}.")
    probability: float | None = None
    options: tuple[tuple[str, float], ...] = ()
    if kind == "binary":
        try:
            probability = rules.check_probability(row.get("probability"), "probability")
        except ValidationError as refused:
            raise _Bad(*_first_message(refused)) from None
    else:
        if row.get("probability") is not None:
            raise _Bad("probability", "A multiple-choice row gives options, not one probability.")
        options = _options(row)
    outcome = _outcome(row, kind, status, options)
    stated_at = _date(row, "prediction_date", required=True)
    assert stated_at is not None
    graded_at = _date(row, "outcome_published_date", required=False)
    closes_at = period_end(_text(row, "period"))
    try:
        rules.check_schedule(
            opens_at=stated_at,
            closes_at=closes_at,
            resolve_by=max(closes_at, graded_at or closes_at),
        )
    except ValidationError as refused:
        field_name, message = _first_message(refused)
        raise _Bad("prediction_date", f"Not before the end of the period: {message}") from None
    if graded_at is not None and graded_at > now:
        raise _Bad("outcome_published_date", "The grading date is in the future.")
    if status != "unknown" and graded_at is not None and graded_at <= stated_at:
        raise _Bad("outcome_published_date", "The grading date is not after the prediction date.")
    return Record(
        id=_text(row, "id", required=True),
        author=_text(row, "author", required=True),
        publication=_text(row, "publication", required=True),
        author_year=_text(row, "author_year", required=True),
        period=_text(row, "period", required=True),
        number=str(row.get("number_in_source") or "").strip(),
        section=_text(row, "section"),
        statement=_text(row, "statement", required=True),
        kind=kind,
        probability=probability,
        options=options,
        as_published=_text(row, "probability_as_published"),
        stated_at=stated_at,
        date_is_exact=_bool(row, "prediction_date_is_exact"),
        source_url=_url(row, "source_url"),
        read_via=_text(row, "source_read_via"),
        status=status,
        outcome=outcome,
        outcome_url=_url(row, "outcome_source_url"),
        outcome_marker=_text(row, "outcome_marker"),
        evaluator=_text(row, "evaluator"),
        graded_at=graded_at,
        closes_at=closes_at,
        redacted=_bool(row, "redacted"),
        notes=_text(row, "notes"),
        statement_at_grading=_text(row, "statement_at_grading"),
    )


def _first_message(refused: ValidationError) -> tuple[str, str]:
    field_name, messages = next(iter(refused.message_dict.items()))
    return field_name, messages[0]


def parse_records(rows: object, *, now: datetime | None = None) -> list[Record]:
    """Every row checked, or RecordsRefused naming each bad row's id and field."""
    now = now or timezone.now()
    if not isinstance(rows, list) or not rows:
        raise RecordsRefused([RecordError("-", "-", "Expected a non-empty JSON list of rows.")])
    records: list[Record] = []
    errors: list[RecordError] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        row_id = row.get("id") if isinstance(row, dict) else None
        label = row_id if isinstance(row_id, str) and row_id else f"#{position}"
        if not isinstance(row, dict):
            errors.append(RecordError(label, "-", "Each row is a JSON object."))
            continue
        if label in seen:
            errors.append(RecordError(label, "id", "This id is used by an earlier row."))
            continue
        seen.add(label)
        try:
            records.append(_record(row, now))
        except _Bad as bad:
            errors.append(RecordError(label, bad.field, bad.message))
    if errors:
        raise RecordsRefused(errors)
    return records


# --- writing: all rows, through the ledger's services, or none ----------------------------


def group_records(records: Sequence[Record]) -> list[list[Record]]:
    """Rows sharing a question: the same statement and period, stated by different authors,
    of the same kind and graded alike. Everything else stands alone."""
    groups: list[list[Record]] = []
    by_key: dict[tuple, list[list[Record]]] = defaultdict(list)
    for record in records:
        key = record.merge_key
        if key is not None:
            for group in by_key[key]:
                first = group[0]
                if record.author not in {r.author for r in group} and _alike(record, first):
                    group.append(record)
                    break
            else:
                group = [record]
                by_key[key].append(group)
                groups.append(group)
        else:
            groups.append([record])
    return groups


def _alike(one: Record, other: Record) -> bool:
    """Same kind, same options, graded the same way: one question can hold both."""
    labels = [label for label, _ in one.options]
    return (one.kind, one.status, one.outcome, labels) == (
        other.kind,
        other.status,
        other.outcome,
        [label for label, _ in other.options],
    )


def _title(record: Record, before: Record | None) -> str:
    """The statement; a continuation ("…until Election Day") says what it continues."""
    title = record.statement
    if title.startswith(("…", "...")) and before is not None:
        title = f"{title} (continuing “{before.statement}”)"
    if record.redacted or _REDACTED.search(title):
        title = f"{title} (redacted by {record.author}: {record.author_year}, #{record.number})"
    return title[:300]


def _criteria(group: Sequence[Record]) -> str:
    first = group[0]
    graders = ", ".join(sorted({r.evaluator for r in group if r.evaluator})) or "the author"
    return (
        f"Judged at the end of the period ({first.period}), as graded by {graders} in the "
        "grading post given as the resolution's evidence."
    )


def _background(group: Sequence[Record], previous: dict[str, Record]) -> str:
    lines = []
    for record in group:
        lines.append(
            f"“{record.statement}” — {record.author}, {record.author_year}"
            f"{f', #{record.number}' if record.number else ''}"
            f"{f' ({record.section})' if record.section else ''}."
        )
        before = previous.get(record.id)
        if record.statement.startswith(("…", "...")) and before is not None:
            lines.append(f"It continues the item before it: “{before.statement}”.")
        if record.statement_at_grading:
            lines.append(f"Worded at grading: “{record.statement_at_grading}”.")
    return "\n".join(lines)


def _conversion_note(record: Record) -> str:
    parts = [f"Imported public record {record.id}: published as “{record.as_published}”."]
    if not record.date_is_exact:
        parts.append("The post's exact date is unknown; 1 January of the year stands in.")
    if record.read_via:
        parts.append(f"Read via: {record.read_via}")
    if record.notes:
        parts.append(f"Notes: {record.notes}")
    return " ".join(parts)


def _evidence_note(group: Sequence[Record]) -> str:
    parts = []
    for record in group:
        graded = record.graded_at.date().isoformat() if record.graded_at else "date not given"
        parts.append(
            f"{record.id}: graded by {record.evaluator or 'the author'} ({graded}); "
            f"marker: {record.outcome_marker or '—'}."
        )
        if record.graded_at is None:
            parts.append("The grading date is unknown; the end of the period stands in.")
    return " ".join(parts)


class _Writer:
    def __init__(self, report: ImportReport):
        self.report = report
        self.authors: dict[str, Author] = {}
        self.sources: dict[str, Source] = {}

    def author(self, record: Record) -> Author:
        slug = slugs.slug_from(record.author, max_length=200, fallback="author")
        if slug not in self.authors:
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                author = Author.objects.create(
                    name=record.author[:200],
                    slug=slug,
                    kind=Author.Kind.PERSON,
                    description=f"Publishes yearly prediction lists in {record.publication}.",
                )
                self.report.authors += 1
            self.authors[slug] = author
        return self.authors[slug]

    def source(self, record: Record, author: Author) -> Source:
        """The prediction post, found again by its URL (or, without one, by its slug)."""
        slug = slugs.slug_from(f"{record.author_year} predictions", max_length=200)
        key = record.source_url or slug
        if key not in self.sources:
            found = (
                Source.objects.filter(url=record.source_url).first()
                if record.source_url
                else Source.objects.filter(slug=slug, url="").first()
            )
            if found is None:
                dating = "" if record.date_is_exact else " Its exact date is unknown: 1 January."
                found = Source.objects.create(
                    title=f"{record.author_year}: predictions"[:400],
                    slug=slugs.unique_slug(Source, slug),
                    kind=Source.Kind.POST,
                    url=record.source_url,
                    publisher=record.publication[:200],
                    author=author,
                    published_on=record.stated_at.date(),
                    scale=Scale.NUMERIC,
                    attribution=(
                        f"Predictions published by {record.author} in {record.publication}; "
                        f"quoted verbatim.{dating}"
                        + ("" if record.source_url else " The post itself was not found.")
                    ),
                )
                self.report.sources += 1
            self.sources[key] = found
        return self.sources[key]

    def question(self, group: Sequence[Record], previous: dict[str, Record]) -> Question:
        first = group[0]
        base = slugs.slug_from(
            f"{first.period_key[:4]} {first.author} {first.statement}", max_length=190
        )
        return ledger.question_create(
            title=_title(first, previous.get(first.id)),
            slug=slugs.unique_slug(Question, base or "record"),
            kind=first.kind,
            resolution_criteria=_criteria(group),
            background=_background(group, previous),
            opens_at=min(r.stated_at for r in group),
            closes_at=first.closes_at,
            resolve_by=max(first.closes_at, first.outcome_known_at),
            options=[label for label, _ in first.options],
        )

    def resolve(self, question: Question, group: Sequence[Record]) -> None:
        first = group[0]
        if first.status == "unknown":
            self.report.unresolved += 1
            return
        if first.status == "annulled":
            reasons = "; ".join(
                f"{r.id}: {r.notes or 'thrown out by the author in the grading post'}"
                for r in group
            )
            ledger.question_annul(
                question=question,
                reason=f"Annulled by the author. {reasons}",
                outcome_known_at=first.outcome_known_at,
                evidence_url=first.outcome_url,
                evidence_note=_evidence_note(group),
            )
            self.report.annulled += 1
            return
        option = None
        if first.kind == "binary":
            outcome = Resolution.Outcome.YES if first.outcome else Resolution.Outcome.NO
        else:
            outcome = Resolution.Outcome.OPTION
            option = Option.objects.get(question=question, label=first.outcome)
        ledger.question_resolve(
            question=question,
            outcome=outcome,
            option=option,
            outcome_known_at=first.outcome_known_at,
            evidence_url=first.outcome_url,
            evidence_note=_evidence_note(group),
        )
        self.report.resolved += 1

    def forecast(self, question: Question, record: Record) -> None:
        author = self.author(record)
        ledger.forecast_create(
            question=question,
            author=author,
            source=self.source(record, author),
            stated_at=record.stated_at,
            probability=record.probability,
            option_probabilities=[p for _, p in record.options] or None,
            quote=record.statement,
            phrase=record.as_published[:120],
            scale="numeric",
            conversion_note=_conversion_note(record),
            rescore=False,
            import_id=record.id,
        )
        self.report.forecasts += 1


def import_records(rows: list[dict[str, Any]]) -> ImportReport:
    """Check every row, then write them all or none; returns what was written.

    Rows already imported (their id is some forecast's ``import_id``) are left
    as they are, so running the same file twice writes nothing the second time.
    Raises RecordsRefused, naming each bad row and field, before writing anything.
    """
    records = parse_records(rows)
    report = ImportReport(rows=len(records))
    with ledger.rescoring_deferred():  # the caller rescores everything once (rescore_all)
        _write(records, report)
    return report


def _write(records: list[Record], report: ImportReport) -> None:
    previous = {later.id: earlier for earlier, later in zip(records, records[1:], strict=False)}
    with transaction.atomic():
        done = dict(
            Forecast.objects.filter(import_id__in=[r.id for r in records]).values_list(
                "import_id", "question_id"
            )
        )
        report.already_imported = len(done)
        writer = _Writer(report)
        for group in group_records(records):
            new = [r for r in group if r.id not in done]
            if not new:
                continue
            try:
                known = next((done[r.id] for r in group if r.id in done), None)
                if known is not None:
                    question = Question.objects.get(pk=known)
                else:
                    question = writer.question(group, previous)
                    report.questions += 1
                    report.merged += len(group) - 1
                for record in new:
                    current = question.resolutions.filter(is_current=True).first()
                    if current is not None:
                        raise ValidationError(
                            {"id": "Its question was resolved before this row was imported."}
                        )
                    writer.forecast(question, record)
                if known is None:
                    writer.resolve(question, group)
            except ValidationError as refused:
                field_name, message = _first_message(refused)
                raise RecordsRefused([RecordError(new[0].id, field_name, message)]) from None
            report.question_ids.append(question.pk)

"""The busiest lists read as plain rows: the same JSON as their serializers, far cheaper.

DRF serializers cost tens of microseconds per field per row, and prefetching
into model instances costs more; for the question and forecast lists that
was most of a request. Here each list is a declared tuple of ``Field``\\s,
in the serializer's order: a column read by ``.values()`` and written as
the serializer writes it, or a value computed from the row and the rows of
its relations (fetched once per page, never per row). ``tests/api/test_rows.py``
holds every field to the serializer's output, byte for byte, so a field added
to a serializer and not here (one line) fails there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from operator import itemgetter
from typing import Any

import orjson
from django.db import connection
from django.db.models import (
    Case,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    TextField,
    When,
)
from django.db.models.functions import JSONObject
from django.utils import timezone

from forecasts.api.quantities import shown
from forecasts.models import ForecastProbability, ForecastQuantile, Option, Question
from forecasts.models.ledger import lifecycle_status


def iso(value: datetime | str | None, tz=None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current zone, UTC as Z.
    A string is one already written so (read by ``config.timestamps.IsoTimestamptzLoader``)."""
    if value is None or isinstance(value, str):
        return value
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _float(value):
    return None if value is None else float(value)


@dataclass(frozen=True)
class Field:
    """One key of a row's body.

    ``column`` (a ``.values()`` lookup, the name by default) is read and passed
    through ``convert``; or, for a computed value, ``compute(row, page)`` is
    called with the row and the ``Page`` of related rows.
    """

    name: str
    column: str | None = ""
    convert: Callable[[Any], Any] | None = None
    compute: Callable[[Any, Page], Any] | None = None  # (a row or an instance, the page)
    time: bool = False  # a datetime, written as DRF's DateTimeField writes it

    @property
    def lookup(self) -> str | None:
        return None if self.compute else (self.column or self.name)


def Time(name: str, column: str = "") -> Field:  # noqa: N802  (reads as a field type)
    return Field(name, column, time=True)


def Float(name: str, column: str = "") -> Field:  # noqa: N802
    return Field(name, column, convert=_float)


@dataclass
class Page:
    """What a page's rows share: the clock reading and their relations, keyed by row id."""

    now: datetime
    related: dict[str, Any]
    tz: tzinfo = field(default_factory=timezone.get_current_timezone)  # read once a page


def columns(fields: Sequence[Field], *extra: str) -> list[str]:
    return list(dict.fromkeys([*(f.lookup for f in fields if f.lookup), *extra]))


def bodies(rows: Iterable[Any], fields: Sequence[Field], page: Page) -> list[dict]:
    """Each row's body, keys in the declared order: the columns passed through as read
    are copied in one step (``itemgetter``), then each other field written in its place."""
    template, names, pick, rest = _plan(fields)
    tz = page.tz
    out = []
    for row in rows:
        body = template.copy()
        if pick is not None:
            body.update(zip(names, pick(row), strict=True))
        for name, lookup, convert, compute in rest:
            if compute is not None:
                body[name] = compute(row, page)
            elif convert is not None:
                body[name] = convert(row[lookup])
            else:
                body[name] = iso(row[lookup], tz)
        out.append(body)
    return out


# By id() of a declared tuple of fields (module constants, which stay). A caller that
# built its tuple on each call would fill it: past MAX_PLANS it starts again.
_plans: dict[int, tuple] = {}
MAX_PLANS = 64


def _plan(fields: Sequence[Field]) -> tuple:
    """How ``bodies`` writes these fields: every key in order (a template to copy), the
    names and picker of the columns passed through, and the fields written one by one."""
    found = _plans.get(id(fields))
    if found is None or found[0] is not fields:
        plain = [f for f in fields if f.lookup and not (f.convert or f.time)]
        lookups = [f.lookup for f in plain]
        pick = None
        if plain:  # a picker that always gives a tuple, one column or several
            pick = itemgetter(*lookups) if len(lookups) > 1 else lambda row: (row[lookups[0]],)
        names = [f.name for f in plain]
        rest = [(f.name, f.lookup, f.convert, f.compute) for f in fields if f.name not in names]
        plan = (dict.fromkeys(f.name for f in fields), names, pick, rest)
        if len(_plans) >= MAX_PLANS:
            _plans.clear()
        found = _plans[id(fields)] = (fields, plan)
    return found[1]


class JsonArray(Subquery):
    """A subquery's rows as one JSON array, in its order (PostgreSQL): ``ARRAY(<subquery>)``
    written out as JSON text, which ``listed`` reads in one call to orjson. Read as a
    PostgreSQL array instead, each row's array went through psycopg's array parser,
    written in Python, and each JSON element through Django's converter: a fifth of a
    question page's read (0.3 ms of 1.2, measured)."""

    template = "array_to_json(ARRAY(%(subquery)s))::text"

    def __init__(self, queryset) -> None:
        super().__init__(queryset, output_field=TextField())


def listed(text: str | None) -> list:
    """A ``JsonArray`` as read: its items (none for NULL, a branch not taken)."""
    return [] if text is None or text == "[]" else orjson.loads(text)


def grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return found


# --- Questions (serializers.QuestionSerializer) ---

OPTION_FIELDS = (Field("id"), Field("label"), Field("position"))

RESOLUTION_FIELDS = (
    Field("id"),
    Field("question", "question_id"),
    # The page's own question: its slug is in the question's row (no join).
    Field("question_slug", compute=lambda row, page: page.related["slugs"][row["question_id"]]),
    Field("outcome"),
    Field("option", "option_id"),
    Field("option_label", "option__label"),
    Field("value", compute=lambda row, page: _shown(row, page, "value")),
    Field("reported_value", compute=lambda row, page: _shown(row, page, "reported_value")),
    Field("clamped", compute=lambda row, page: row["reported_value"] is not None),
    Time("outcome_known_at"),
    Field("evidence_url"),
    Field("evidence_note"),
    Field("reason"),
    Time("resolved_at"),
    Field("is_current"),
    Field("is_automatic"),
    Field("is_correction", compute=lambda row, page: row["supersedes_id"] is not None),
    Field("supersedes", "supersedes_id"),
)


def _shown(row: dict, page: Page, column: str):
    """A resolution's value as the API shows it: an ISO date on a date question."""
    return shown(row[column], page.related["kinds"][row["question_id"]])


QUANTITY_KINDS = (Question.Kind.NUMERIC, Question.Kind.DATE)


def _range(row: dict, page: Page) -> dict | None:
    kind = row["kind"]
    if kind not in QUANTITY_KINDS:
        return None
    return {
        "low": shown(row["range_low"], kind),
        "high": shown(row["range_high"], kind),
        "low_closed": row["range_low_closed"],
        "high_closed": row["range_high_closed"],
        "log_scale": row["log_scale"],
    }


def _status(row: dict, page: Page) -> str:
    state = row["state"]
    if state != Question.State.LIVE:
        return state
    opens, closes, due = row["opens_at"], row["closes_at"], row["resolve_by"]
    if isinstance(opens, str):  # as the API writes them (``config.timestamps``)
        read = datetime.fromisoformat
        opens, closes, due = read(opens), read(closes), read(due)
    return lifecycle_status(state, opens, closes, due, page.now)


def _condition(row: dict, page: Page) -> dict | None:
    if row["condition_question_id"] is None:
        return None
    return {
        "question": row["condition_question_id"],
        "question_slug": row["condition_question__slug"],
        "outcome": row["condition_outcome"],
        "option": row["condition_option_id"],
    }


QUESTION_FIELDS = (
    Field("id"),
    Field("slug"),
    Field("title"),
    Field("kind"),
    Field("unit"),
    Field("range", compute=_range),
    Field("state"),
    Field("status", compute=_status),
    Field("resolution_criteria"),
    Field("background"),
    Field("tags", compute=lambda row, page: page.related["tags"].get(row["id"], [])),
    Field("options", compute=lambda row, page: page.related["options"].get(row["id"], [])),
    Time("opens_at"),
    Time("closes_at"),
    Time("resolve_by"),
    Field("condition", compute=_condition),
    Field(
        "current_resolution", compute=lambda row, page: page.related["resolution"].get(row["id"])
    ),
    Field("n_forecasts"),
    Field("is_synthetic"),
    Time("created_at"),
)
# Read for the computed fields above.
QUESTION_EXTRA = (
    "range_low",
    "range_high",
    "range_low_closed",
    "range_high_closed",
    "log_scale",
    "opens_at",
    "closes_at",
    "resolve_by",
    "condition_question_id",
    "condition_question__slug",
    "condition_outcome",
    "condition_option_id",
)


# The current resolution rides on the question's row: a LEFT JOIN on the one current
# resolution a question may have (a unique constraint), its columns named ``current__…``.
CURRENT = "current"
RESOLUTION_COLUMNS = columns(RESOLUTION_FIELDS, "supersedes_id", "value", "reported_value")
# On PostgreSQL the tags and options come with the rows too, as JSON arrays: one query a page.
TAG_SLUGS, OPTION_ROWS = "_tag_slugs", "_option_rows"


def question_values(queryset):
    """The question list's queryset (filtered, ordered) as the rows ``question_bodies`` reads."""
    queryset = queryset.annotate(
        **{CURRENT: FilteredRelation("resolutions", condition=Q(resolutions__is_current=True))}
    )
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(**related_arrays())
    joined = [f"{CURRENT}__{column}" for column in RESOLUTION_COLUMNS]
    extra = [TAG_SLUGS, OPTION_ROWS] if connection.vendor == "postgresql" else []
    return queryset.values(*columns(QUESTION_FIELDS, *QUESTION_EXTRA, *joined), *extra)


def related_arrays() -> dict:
    """A question's tag slugs (by tag name) and option rows (by position) as JSON arrays
    in its row (PostgreSQL, ``JsonArray``): each option an object of its columns."""
    tags = (
        Question.tags.through.objects.filter(question_id=OuterRef("pk"))
        .order_by("tag__name")
        .values("tag__slug")
    )
    option_columns = {name: name for name in columns(OPTION_FIELDS)}
    options = (
        Option.objects.filter(question_id=OuterRef("pk"))
        .order_by("position", "pk")
        .values(row=JSONObject(**option_columns))
    )
    return {TAG_SLUGS: JsonArray(tags), OPTION_ROWS: JsonArray(options)}


ROWS = "_page_rows"  # the page's rows, as ``compiled.with_related`` names them


def question_bodies(rows: Sequence[dict], *, now: datetime) -> list[dict]:
    """The list's bodies for a page of ``question_values`` rows: no more queries on
    PostgreSQL, two on SQLite (tags, options), any page size."""
    shared = Page(
        now=now,
        related={
            "slugs": {row["id"]: row["slug"] for row in rows},
            "kinds": {row["id"]: row["kind"] for row in rows},
        },
    )
    if rows and TAG_SLUGS in rows[0]:
        tags = {row["id"]: listed(row[TAG_SLUGS]) for row in rows}
        option_rows = [
            {**option, "question_id": row["id"]}
            for row in rows
            for option in listed(row[OPTION_ROWS])
        ]
    else:
        ids = [row["id"] for row in rows]
        tags = grouped(
            Question.tags.through.objects.filter(question_id__in=ids)
            .order_by("tag__name")
            .values_list("question_id", "tag__slug")
        )
        option_rows = list(
            Option.objects.filter(question_id__in=ids)
            .order_by("question_id", "position", "pk")  # by the column: no join to questions
            .values(*columns(OPTION_FIELDS), "question_id")
        )
    options = grouped(
        (row["question_id"], body)
        for row, body in zip(option_rows, bodies(option_rows, OPTION_FIELDS, shared), strict=True)
    )
    prefix = CURRENT + "__"
    resolution_rows = [
        {column: row[prefix + column] for column in RESOLUTION_COLUMNS}
        for row in rows
        if row[prefix + "id"] is not None
    ]
    resolution = {
        row["question_id"]: body
        for row, body in zip(
            resolution_rows, bodies(resolution_rows, RESOLUTION_FIELDS, shared), strict=True
        )
    }
    page = Page(now=now, related={"tags": tags, "options": options, "resolution": resolution})
    return bodies(rows, QUESTION_FIELDS, page)


# --- Forecasts (serializers.ForecastSerializer) ---

FORECAST_FIELDS = (
    Field("id"),
    Field("question", "question_id"),
    Field("question_slug", "question__slug"),
    Field("author", "author_id"),
    Field("author_slug", "author__slug"),
    Field("source", "source_id"),
    Field("source_slug", "source__slug"),
    Time("stated_at"),
    Time("recorded_at"),
    Float("probability"),
    Field(
        "option_probabilities",
        compute=lambda row, page: page.related["options"].get(row["id"], []),
    ),
    Field("value", compute=lambda row, page: shown(row["value"], row["question__kind"])),
    Field("interval", compute=lambda row, page: _interval(row)),
    Field(
        "quantiles",
        compute=lambda row, page: [
            {"level": level, "value": shown(value, row["question__kind"])}
            for level, value in page.related["quantiles"].get(row["id"], [])
        ],
    ),
    Field("quote"),
    Field("phrase"),
    Field("scale"),
    Float("interval_low"),
    Float("interval_high"),
    Float("scale_point"),
    Field("conversion_note"),
    Float("stated_probability"),
    Field("stated_outcome"),
    Field("question_agrees"),
    Field(
        "is_synthetic",
        compute=lambda row, page: row["author__is_synthetic"] or row["question__is_synthetic"],
    ),
)
FORECAST_EXTRA = (
    "author__is_synthetic",
    "question__is_synthetic",
    "question__kind",
    "value",
    "value_low",
    "value_high",
    "coverage",
)


def _interval(row: dict) -> dict | None:
    if row["value_low"] is None:
        return None
    kind = row["question__kind"]
    return {
        "lower": shown(row["value_low"], kind),
        "upper": shown(row["value_high"], kind),
        "coverage": _float(row["coverage"]),
    }


# On PostgreSQL a forecast's option probabilities and quantiles come with its row, as JSON
# arrays (``JsonArray``).
OPTION_PROBABILITIES, QUANTILES = "_option_probabilities", "_quantiles"


def forecast_values(queryset):
    found = queryset.values(*columns(FORECAST_FIELDS, *FORECAST_EXTRA))
    if connection.vendor != "postgresql":
        return found
    mine = {"forecast_id": OuterRef("pk")}
    probabilities = (
        ForecastProbability.objects.filter(**mine)
        .order_by("option__position")
        .values(
            row=JSONObject(option="option_id", label="option__label", probability="probability")
        )
    )
    quantiles = (
        ForecastQuantile.objects.filter(**mine)
        .order_by("level")
        .values(row=JSONObject(level="level", value="value"))
    )
    # Quantiles are read only for a numeric or date question's forecasts, as on SQLite
    # (a CASE branch not taken is not run): most forecasts are on yes/no questions.
    quantity = Q(question__kind__in=QUANTITY_KINDS)
    return found.annotate(
        **{
            OPTION_PROBABILITIES: JsonArray(probabilities),
            QUANTILES: Case(When(quantity, then=JsonArray(quantiles))),
        }
    )


def forecast_bodies(rows: Sequence[dict], *, now: datetime) -> list[dict]:
    """The list's bodies for a page of ``forecast_values`` rows: no more queries on
    PostgreSQL; on SQLite two more, any page size (the second, for quantiles, only when
    the page holds a numeric or date forecast)."""
    if rows and QUANTILES in rows[0]:
        # JSON numbers: a whole float comes back an int, so each is made a float again.
        return bodies(rows, FORECAST_FIELDS, Page(now=now, related=_arrays(rows)))
    ids = [row["id"] for row in rows]
    quantiles = (
        grouped(
            (forecast, (level, value))
            for forecast, level, value in ForecastQuantile.objects.filter(forecast_id__in=ids)
            .order_by("forecast_id", "level")  # by the column: no join to forecasts
            .values_list("forecast_id", "level", "value")
        )
        if any(row["question__kind"] in QUANTITY_KINDS for row in rows)
        else {}
    )
    options = grouped(
        (forecast, _option_probability(option, label, probability))
        for forecast, option, label, probability in ForecastProbability.objects.filter(
            forecast_id__in=ids
        )
        .order_by("forecast_id", "option__position")
        .values_list("forecast_id", "option_id", "option__label", "probability")
    )
    related = {"options": options, "quantiles": quantiles}
    return bodies(rows, FORECAST_FIELDS, Page(now=now, related=related))


def _option_probability(option: int, label: str, probability) -> dict:
    return {"option": option, "label": label, "probability": float(probability)}


def _arrays(rows: Sequence[dict]) -> dict:
    """The related rows a page of forecasts read as arrays (PostgreSQL), keyed by forecast."""
    options, quantiles = {}, {}
    for row in rows:
        if found := listed(row[OPTION_PROBABILITIES]):
            options[row["id"]] = [
                _option_probability(o["option"], o["label"], o["probability"]) for o in found
            ]
        if found := listed(row[QUANTILES]):
            quantiles[row["id"]] = [(float(q["level"]), float(q["value"])) for q in found]
    return {"options": options, "quantiles": quantiles}


# --- Scorecards (scores.ScorecardSerializer) ---


def _int(value):
    return None if value is None else int(value)


def Attr(name: str, path: str = "", convert=None) -> Field:  # noqa: N802
    """A value read off a model instance, ``path`` dotted (``author.slug``)."""
    steps = (path or name).split(".")
    if len(steps) == 1:  # the common case, in one step
        attribute = steps[0]
        if convert is None:
            return Field(name, compute=lambda card, page: getattr(card, attribute))

        def read_one(card, page: Page):
            value = getattr(card, attribute)
            return None if value is None else convert(value)

        return Field(name, compute=read_one)

    def read(card, page: Page):
        for step in steps:
            card = getattr(card, step)
            if card is None:
                return None
        return card if convert is None else convert(card)

    return Field(name, compute=read)


CARD_FIELDS = (
    Attr("author", "author.pk"),
    Attr("author_slug", "author.slug"),
    Attr("author_name", "author.name"),
    Attr("n_scored", convert=int),
    *(Attr(name, convert=float) for name in ("brier", "brier_0_2", "brier_low", "brier_high")),
    Field("interval_method", compute=lambda card, page: page.related["interval_method"]),
    *(
        Attr(name, convert=float)
        for name in ("brier_final", "skill", "log_loss", "relative_brier", "crowd_size")
    ),
    Attr("n_crowd_compared", convert=int),
    Attr("n_retrospective", convert=int),
    Attr("n_baseline", convert=int),
    *(Attr(name, convert=float) for name in ("baseline", "baseline_low", "baseline_high")),
    Attr("n_peer", convert=int),
    *(Attr(name, convert=float) for name in ("peer", "peer_low", "peer_high")),
)
SCORECARD_FIELDS = (
    Attr("id", convert=int),
    *CARD_FIELDS,
    Attr("tag", "tag.slug"),
    *(
        Attr(name, convert=int)
        for name in ("n_pending", "n_resolved", "n_annulled", "n_hindsight", "n_better_than_coin")
    ),
    Field("murphy", compute=lambda card, page: page.related["murphy"][id(card)]),
    Field("computed_at", compute=lambda card, page: iso(card.computed_at, page.tz)),
)


# --- Numeric records (quantity_scores.QuantityRecordSerializer) ---

QUANTITY_RECORD_FIELDS = (
    Attr("tag", "tag.slug"),
    Attr("n_scored", convert=int),
    *(Attr(name, convert=float) for name in ("mean", "low", "high")),
    *(Attr(name, convert=int) for name in ("n_unranged", "n_points", "n_pending")),
    Field("computed_at", compute=lambda record, page: iso(record.computed_at, page.tz)),
)


def quantity_record_bodies(records: Sequence) -> list:
    """Stored numeric records as ``QuantityRecordSerializer`` writes them."""
    return bodies(records, QUANTITY_RECORD_FIELDS, Page(now=timezone.now(), related={}))


def scorecard_bodies(cards: Sequence, *, interval_method: str, murphy: dict[int, dict]) -> list:
    """Stored scorecards as ``ScorecardSerializer`` writes them; ``murphy`` by ``id(card)``."""
    page = Page(now=timezone.now(), related={"interval_method": interval_method, "murphy": murphy})
    return bodies(cards, SCORECARD_FIELDS, page)

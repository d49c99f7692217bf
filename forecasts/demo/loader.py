"""Writing the synthetic demo world to the database, and removing it again.

Rows go in with ``forecasts.engine.bulkload`` (COPY on PostgreSQL), with ids taken
in blocks from each table's sequence while the table is locked, in the order
the ledger guards need: questions, options and tags, then forecasts and their
option probabilities and quantiles, then resolutions (a forecast on an
annulled question would be refused). The database triggers still check every forecast's timing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from forecasts.demo.quantities import (
    COVERAGE,
    DATE,
    INTERVAL,
    LEVELS,
    NUMERIC,
    QUANTILES,
    Quantities,
)
from forecasts.demo.simulation import (
    ANNULLED,
    LIVE,
    RESOLVED,
    STYLE_NOTES,
    STYLES,
    TAGS,
    World,
    WorldSpec,
    build_world,
)
from forecasts.engine.bulkload import NULL_TIME, Column, write_rows
from forecasts.ledger import slugs
from forecasts.models import Author, Question, Source, Tag

SOURCE_SLUG = "synthetic-demo-world"
LOADED_TABLES = (
    "forecasts_option",
    "forecasts_question_tags",
    "forecasts_forecast",
    "forecasts_forecastprobability",
    "forecasts_forecastquantile",
    "forecasts_resolution",
)
TAG_PREFIX = "synthetic-"


def synthetic_data_exists() -> bool:
    return (
        Author.objects.filter(is_synthetic=True).exists()
        or Question.objects.filter(is_synthetic=True).exists()
    )


def real_data_exists() -> bool:
    """Anything in the ledger that the demo world did not make."""
    return (
        Author.objects.filter(is_synthetic=False).exists()
        or Question.objects.filter(is_synthetic=False).exists()
    )


@transaction.atomic
def make_world(spec: WorldSpec, *, reset: bool = False) -> dict:
    """Generate a world from ``spec`` and write it; returns what was made and timings."""
    started = time.perf_counter()
    if not reset and synthetic_data_exists():
        raise ValueError("Synthetic data already exists; reset it first (demo_world --reset).")
    world = build_world(spec, _now_us())
    built = time.perf_counter()
    with _foreign_keys_checked_at_end(LOADED_TABLES):
        deleted = delete_synthetic() if reset else {}
        ids = _load(world, spec)
    loaded = time.perf_counter()
    settled = world.status != LIVE
    return {
        "authors": spec.authors,
        "questions": int(world.status.size),
        "resolved": int((world.status == RESOLVED).sum()),
        "unresolved": int((world.status == LIVE).sum()),
        "annulled": int((world.status == ANNULLED).sum()),
        "multiple_choice": int((world.n_options > 0).sum()),
        "numeric": int((_quantities(world).kind == NUMERIC).sum()),
        "date": int((_quantities(world).kind == DATE).sum()),
        "forecasts": world.n_forecasts,
        "hindsight_forecasts": int(
            (settled[world.f_question] & (world.f_recorded > world.known[world.f_question])).sum()
        ),
        "crowd_question_id": ids["crowd_question_id"],
        "deleted": deleted,
        "build_s": round(built - started, 3),
        "load_s": round(loaded - built, 3),
    }


def _quantities(world: World) -> Quantities:
    if world.quantities is None:
        raise ValueError("A world is built with its numeric and date questions.")
    return world.quantities


def _now_us() -> int:
    return int(timezone.now().timestamp() * 1_000_000)


def _reserve_ids(table: str, count: int) -> int:
    """The first of ``count`` consecutive free ids of ``table``.

    On PostgreSQL the table is locked against other writers until commit and
    its sequence moved past the block; on SQLite the immediate transaction
    already holds the write lock.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT greatest(nextval(%s), (SELECT coalesce(max(id), 0) + 1 FROM {table}))",
                [sequence],
            )
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            return first
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _load(world: World, spec: WorldSpec) -> dict:
    source = Source.objects.create(
        title="Synthetic demo world",
        slug=SOURCE_SLUG,
        kind=Source.Kind.OTHER,
        publisher="Reckon demo_world",
        published_on=datetime(2022, 1, 1, tzinfo=UTC).date(),
        licence="Generated data, no rights reserved",
        full_text=f"Generated by manage.py demo_world --seed {spec.seed}. Nobody's real claims.",
        is_synthetic=True,
    )
    tags = [
        Tag.objects.get_or_create(
            slug=f"{TAG_PREFIX}{name}", defaults={"name": f"Synthetic: {name}"}
        )[0]
        for name in TAGS
    ]
    author_ids = _load_authors(world)
    question_ids = _load_questions(world)
    option_ids = _load_options(world, question_ids)
    _load_tags(world, question_ids, np.array([t.pk for t in tags]))
    _load_forecasts(world, question_ids, author_ids, option_ids, source.pk)
    _load_resolutions(world, question_ids, option_ids)
    crowd = world.crowd_question
    return {"crowd_question_id": int(question_ids[crowd]) if crowd >= 0 else None}


@contextmanager
def _foreign_keys_checked_at_end(tables: tuple[str, ...]) -> Iterator[None]:
    """Check the loaded rows' foreign keys with one query per key, not one per row.

    PostgreSQL checks a foreign key with a trigger per inserted row, which
    for a million forecasts costs more than the load itself. As its manual
    advises for bulk loads, the keys are dropped for the load and added back
    (same names, same definitions) before the transaction ends; adding a key
    back validates every row in one join. The tables stay locked meanwhile.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)  # a table with checks still queued cannot be altered
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY conrelid, conname",
            [list(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        _fire_deferred_checks(cursor)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _fire_deferred_checks(cursor) -> None:
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load_authors(world: World) -> np.ndarray:
    n = world.style.size
    first = _reserve_ids("forecasts_author", n)
    names = [STYLES[s] for s in world.style]
    write_rows(
        connection,
        "forecasts_author",
        [
            Column("id", "int8", np.arange(first, first + n)),
            Column("name", "text", [f"Synthetic: {name} #{i + 1}" for i, name in enumerate(names)]),
            Column(
                "slug",
                "text",
                [
                    f"synthetic-{slugs.slug_from(name, max_length=180)}-{i + 1}"
                    for i, name in enumerate(names)
                ],
            ),
            Column("kind", "text", Author.Kind.PERSON.value),
            Column(
                "description",
                "text",
                [f"Synthetic author ({name}): {STYLE_NOTES[name]}" for name in names],
            ),
            Column("url", "text", ""),
            Column("user_id", "int8", None),
            Column("is_synthetic", "bool", True),
            Column("created_at", "time", np.full(n, _now_us())),
        ],
        n,
    )
    return np.arange(first, first + n)


def _load_questions(world: World) -> np.ndarray:
    n = world.status.size
    first = _reserve_ids("forecasts_question", n)
    ids = np.arange(first, first + n)
    state = np.array(["live", "resolved", "annulled"])[world.status]
    changed = np.where(world.status == LIVE, NULL_TIME, world.resolved_at)
    quantities = _quantities(world)
    kind = np.where(world.n_options > 0, "multiple_choice", "binary")
    kind = np.where(quantities.kind == NUMERIC, "numeric", kind)
    kind = np.where(quantities.kind == DATE, "date", kind)
    write_rows(
        connection,
        "forecasts_question",
        [
            Column("id", "int8", ids),
            Column("title", "text", [_title(world, i) for i in range(n)]),
            Column("slug", "text", [f"synthetic-question-{i}" for i in ids]),
            Column("kind", "text", kind.tolist()),
            Column("unit", "text", np.where(quantities.kind == NUMERIC, "units", "").tolist()),
            Column("range_low", "float8", quantities.low),
            Column("range_high", "float8", quantities.high),
            Column("range_low_closed", "bool", False),
            Column("range_high_closed", "bool", False),
            Column("log_scale", "bool", False),
            Column("resolution_criteria", "text", [_criteria(world, i) for i in range(n)]),
            Column(
                "background",
                "text",
                "Synthetic: generated by manage.py demo_world. Not a real question.",
            ),
            Column("opens_at", "time", world.opens),
            Column("closes_at", "time", world.closes),
            Column("resolve_by", "time", world.resolve_by),
            Column("condition_outcome", "text", ""),
            Column("state", "text", state.tolist()),
            Column("is_synthetic", "bool", True),
            Column("created_at", "time", world.opens - 86_400_000_000),
            Column("resolution_changed_at", "time", changed),
        ],
        n,
    )
    return ids


def _title(world: World, i: int) -> str:
    kind = f"{world.n_options[i]} options" if world.n_options[i] else "yes or no"
    kind = {NUMERIC: "a number", DATE: "a date"}.get(int(_quantities(world).kind[i]), kind)
    crowd = ", the crowd question" if i == world.crowd_question else ""
    return f"Synthetic: question {i + 1} ({kind}{crowd})"


def _criteria(world: World, i: int) -> str:
    if _quantities(world).kind[i]:
        return "Synthetic: resolves to a hidden value, revealed by news while it is open."
    if world.n_options[i]:
        shown = ", ".join(f"{p:.2f}" for p in world.truth[i, : world.n_options[i]])
        return f"Synthetic: one option happens, drawn from hidden probabilities {shown}."
    return f"Synthetic: yes with a hidden probability of {world.hidden_p[i]:.3f}."


def _load_options(world: World, question_ids: np.ndarray) -> np.ndarray:
    """Option ids as a questions × 4 array (-1 where a question has no such option)."""
    k = world.n_options
    n = int(k.sum())
    first = _reserve_ids("forecasts_option", n)
    owner = np.repeat(np.arange(k.size), k)
    position = np.arange(n) - np.repeat(np.cumsum(k) - k, k)
    write_rows(
        connection,
        "forecasts_option",
        [
            Column("id", "int8", np.arange(first, first + n)),
            Column("question_id", "int8", question_ids[owner]),
            Column("label", "text", [f"Option {'ABCD'[p]}" for p in position]),
            Column("position", "int2", position),
        ],
        n,
    )
    table = np.full((k.size, 4), -1, np.int64)
    table[owner, position] = np.arange(first, first + n)
    return table


def _load_tags(world: World, question_ids: np.ndarray, tag_ids: np.ndarray) -> None:
    owner, slot = np.nonzero(world.tags >= 0)
    write_rows(
        connection,
        "forecasts_question_tags",
        [
            Column("question_id", "int8", question_ids[owner]),
            Column("tag_id", "int8", tag_ids[world.tags[owner, slot]]),
        ],
        owner.size,
    )


def _load_forecasts(world, question_ids, author_ids, option_ids, source_id: int) -> None:
    n = world.n_forecasts
    first = _reserve_ids("forecasts_forecast", n)
    ids = np.arange(first, first + n)
    k = world.n_options[world.f_question]
    quantities = _quantities(world)
    quantity = quantities.kind[world.f_question] > 0
    # One COPY each: P(yes) for binary, NULL for multiple choice, values for quantities.
    for group, rows in (
        ("binary", np.flatnonzero((k == 0) & ~quantity)),
        ("multi", np.flatnonzero(k > 0)),
        ("quantity", np.flatnonzero(quantity)),
    ):
        values = (
            [
                Column(name, "float8", getattr(quantities, field)[rows])
                for name, field in (
                    ("value", "point"),
                    ("value_low", "lower"),
                    ("value_high", "upper"),
                )
            ]
            + [
                Column(
                    "coverage",
                    "float8",
                    np.where(quantities.form[rows] == INTERVAL, COVERAGE, np.nan),
                )
            ]
            if group == "quantity"
            else []
        )
        write_rows(
            connection,
            "forecasts_forecast",
            [
                Column("id", "int8", ids[rows]),
                Column("question_id", "int8", question_ids[world.f_question[rows]]),
                Column("author_id", "int8", author_ids[world.f_author[rows]]),
                Column("source_id", "int8", source_id),
                Column("stated_at", "time", world.f_stated[rows]),
                Column("recorded_at", "time", world.f_recorded[rows]),
                Column(
                    "probability",
                    "float8",
                    world.f_values[rows, 0] if group == "binary" else None,
                ),
                *values,
                Column("quote", "text", ""),
                Column("phrase", "text", ""),
                Column("scale", "text", "numeric"),
                Column(
                    "conversion_note", "text", "Synthetic: stated as a number by the demo world."
                ),
            ],
            rows.size,
        )
    forecast, option = np.nonzero(np.arange(4) < k[:, None])
    write_rows(
        connection,
        "forecasts_forecastprobability",
        [
            Column("forecast_id", "int8", ids[forecast]),
            Column("option_id", "int8", option_ids[world.f_question[forecast], option]),
            Column("probability", "float8", world.f_values[forecast, option]),
        ],
        forecast.size,
    )
    _load_quantiles(quantities, ids)


def _load_quantiles(quantities: Quantities, forecast_ids: np.ndarray) -> None:
    forecast = np.flatnonzero(quantities.form == QUANTILES)
    write_rows(
        connection,
        "forecasts_forecastquantile",
        [
            Column("forecast_id", "int8", np.repeat(forecast_ids[forecast], len(LEVELS))),
            Column("level", "float8", np.tile(np.array(LEVELS), forecast.size)),
            Column("value", "float8", quantities.quantiles[forecast].reshape(-1)),
        ],
        forecast.size * len(LEVELS),
    )


def _load_resolutions(world: World, question_ids, option_ids) -> None:
    settled = np.flatnonzero(world.status != LIVE)
    n = settled.size
    first = _reserve_ids("forecasts_resolution", n)
    annulled = world.status[settled] == ANNULLED
    multi = world.n_options[settled] > 0
    yes = world.outcome[settled] == 1
    outcome = np.where(annulled, "annulled", np.where(multi, "option", np.where(yes, "yes", "no")))
    value = _quantities(world).value[settled]
    outcome = np.where(~annulled & ~np.isnan(value), "value", outcome)
    picked = option_ids[settled, np.minimum(world.outcome[settled], 3)]
    write_rows(
        connection,
        "forecasts_resolution",
        [
            Column("id", "int8", np.arange(first, first + n)),
            Column("question_id", "int8", question_ids[settled]),
            Column("outcome", "text", outcome.tolist()),
            Column("option_id", "int8", picked, nulls=annulled | ~multi),
            Column("value", "float8", np.where(outcome == "value", value, np.nan)),
            Column("outcome_known_at", "time", world.known[settled]),
            Column("evidence_url", "text", ""),
            Column("evidence_note", "text", "Synthetic: drawn from the hidden probability."),
            Column(
                "reason",
                "text",
                np.where(annulled, "Synthetic: annulled as ambiguous.", "").tolist(),
            ),
            Column("resolved_at", "time", world.resolved_at[settled]),
            Column("is_current", "bool", True),
            Column("is_automatic", "bool", False),
        ],
        n,
    )


def delete_synthetic() -> dict:
    """Remove every synthetic author and question with everything hanging off them.

    Forecasts are immutable on PostgreSQL; the guard is lifted for this
    transaction only, as the correction service does.
    """
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")
        questions = "SELECT id FROM forecasts_question WHERE is_synthetic"
        authors = "SELECT id FROM forecasts_author WHERE is_synthetic"
        forecasts = (
            f"SELECT id FROM forecasts_forecast WHERE question_id IN ({questions}) "
            f"OR author_id IN ({authors})"
        )
        for label, sql in (
            (
                "question_scores",
                f"DELETE FROM forecasts_questionscore WHERE question_id IN "
                f"({questions}) OR author_id IN ({authors})",
            ),
            (
                "quantity_scores",
                f"DELETE FROM forecasts_quantityscore WHERE question_id IN "
                f"({questions}) OR author_id IN ({authors})",
            ),
            ("scorecards", f"DELETE FROM forecasts_scorecard WHERE author_id IN ({authors})"),
            (
                "quantity_records",
                f"DELETE FROM forecasts_quantityrecord WHERE author_id IN ({authors})",
            ),
            (
                "option_probabilities",
                f"DELETE FROM forecasts_forecastprobability WHERE forecast_id IN ({forecasts})",
            ),
            (
                "quantiles",
                f"DELETE FROM forecasts_forecastquantile WHERE forecast_id IN ({forecasts})",
            ),
            (
                "corrections",
                f"DELETE FROM forecasts_forecastcorrection WHERE forecast_id IN ({forecasts})",
            ),
            ("forecasts", f"DELETE FROM forecasts_forecast WHERE id IN ({forecasts})"),
            ("resolutions", f"DELETE FROM forecasts_resolution WHERE question_id IN ({questions})"),
            (
                "question_tags",
                f"DELETE FROM forecasts_question_tags WHERE question_id IN ({questions})",
            ),
            ("options", f"DELETE FROM forecasts_option WHERE question_id IN ({questions})"),
        ):
            cursor.execute(sql)
            counts[label] = cursor.rowcount
    # The rest through the ORM, so that relations added later are handled (or protected).
    counts["questions"] = Question.objects.filter(is_synthetic=True).delete()[0]
    Source.objects.filter(slug=SOURCE_SLUG).delete()
    counts["authors"] = Author.objects.filter(is_synthetic=True).delete()[0]
    Tag.objects.filter(slug__startswith=TAG_PREFIX, questions__isnull=True).delete()
    return counts

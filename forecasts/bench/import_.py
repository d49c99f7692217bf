"""CSV import of forecasts: the full import (parse, check, write) against a bare bulk insert.

Builds a CSV of ``--rows`` forecasts (times ``--scale``; one in ten on a
multiple-choice question) on synthetic questions, times
``forecasts.transfer.imports.import_forecasts`` on it, and times the same forecasts
written by a bare ``bulk_create`` (no parsing, no checks), in a savepoint rolled
back before the import writes them again. Everything runs in one transaction
that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.db import transaction

from forecasts.models import Author, Option, Question, Source
from forecasts.transfer import imports

STATED = datetime(2025, 1, 15, tzinfo=UTC)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--rows", type=int, default=100_000, help="Rows in the CSV (before --scale)."
    )


def _world(n_questions: int = 200, n_authors: int = 50):
    opens = datetime(2025, 1, 1, tzinfo=UTC)
    questions = Question.objects.bulk_create(
        Question(
            title=f"Bench question {i}",
            slug=f"bench-import-q{i}",
            resolution_criteria="Synthetic.",
            kind=Question.Kind.MULTIPLE_CHOICE if i % 10 == 0 else Question.Kind.BINARY,
            opens_at=opens,
            closes_at=opens + timedelta(days=365),
            resolve_by=opens + timedelta(days=400),
            is_synthetic=True,
        )
        for i in range(n_questions)
    )
    Option.objects.bulk_create(
        Option(question=q, label=label, position=p)
        for q in questions
        if not q.is_binary
        for p, label in enumerate(("Low", "Middle", "High"))
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Bench author {i}", slug=f"bench-import-a{i}", is_synthetic=True)
        for i in range(n_authors)
    )
    source = Source.objects.create(
        title="Bench source", slug="bench-import-source", published_on=STATED.date()
    )
    return questions, authors, source


def _csv(rows: int, questions, authors, source) -> str:
    lines = ["question,author,stated_at,probability,option_probabilities,source,phrase,scale"]
    for i in range(rows):
        q = questions[i % len(questions)]
        a = authors[(i * 7) % len(authors)]
        stated = (STATED + timedelta(minutes=i)).isoformat()
        if q.is_binary:
            lines.append(
                f"{q.slug},{a.slug},{stated},{(i % 99 + 1) / 100},,{source.slug},likely,icd203"
            )
        else:
            lines.append(
                f"{q.slug},{a.slug},{stated},,Low=0.2;Middle=0.5;High=0.3,{source.slug},,numeric"
            )
    return "\n".join(lines) + "\n"


def run(options, out) -> dict:
    rows = max(1, int(options["rows"] * options["scale"]))
    figures: dict = {"rows": rows}
    with transaction.atomic():
        questions, authors, source = _world()
        text = _csv(rows, questions, authors, source)
        figures["csv_bytes"] = len(text.encode())

        # The baseline: the same forecasts, already built, written the same way.
        options_by_question = {
            q.pk: list(Option.objects.filter(question=q).order_by("position"))
            for q in questions
            if not q.is_binary
        }
        now = datetime.now(UTC)
        built: list[imports.CheckedForecast] = []
        for i in range(rows):
            q = questions[i % len(questions)]
            binary = q.is_binary
            values = (
                q.pk,
                authors[(i * 7) % len(authors)].pk,
                source.pk,
                STATED + timedelta(minutes=i),
                now,
                (i % 99 + 1) / 100 if binary else None,
                "",
                "likely" if binary else "",
                "icd203" if binary else "numeric",
                None,
                None,
                None,
                "",
                None,
                None,
                None,
                None,
                None,
            )
            pairs = (
                []
                if binary
                else [
                    (o.pk, p)
                    for o, p in zip(options_by_question[q.pk], (0.2, 0.5, 0.3), strict=True)
                ]
            )
            built.append((values, pairs, ()))
        # Rolled back at once: the import below writes the same forecasts, which the
        # ledger would refuse as already recorded.
        with transaction.atomic():
            started = time.perf_counter()
            imports.write(built)
            figures["bulk_insert_s"] = round(time.perf_counter() - started, 3)
            transaction.set_rollback(True)
        out.write(f"bare bulk insert of {rows} forecasts: {figures['bulk_insert_s']} s")

        started = time.perf_counter()
        written = imports.import_forecasts(text)
        figures["import_s"] = round(time.perf_counter() - started, 3)
        out.write(f"import of {written} CSV rows (parse, check, write): {figures['import_s']} s")
        if written != rows:
            raise RuntimeError(f"imported {written} rows, expected {rows}")
        figures["rows_per_s"] = round(rows / figures["import_s"])
        figures["import_vs_bulk"] = round(figures["import_s"] / figures["bulk_insert_s"], 2)
        out.write(
            f"import: {figures['rows_per_s']:,} rows/s, "
            f"{figures['import_vs_bulk']}x the bare insert of the same rows"
        )
        transaction.set_rollback(True)  # leave the database as it was
    return figures

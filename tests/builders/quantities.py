"""Builders for numeric and date questions, their forecasts and their value outcomes.

As in ``ledger``: one thing written per call, keyword arguments with defaults
that make a valid record. Questions are inserted straight into the table (the
database's checks still apply); forecasts and resolutions go through
``forecasts.ledger`` (``value_forecast``, ``resolve_value``, ``correct_value``),
or straight into the tables (``raw_value_forecast``, ``raw_value_resolution``)
for tests of stored scores that must not depend on the services' rules.

Every value may be given as a number or, on a date question, as a ``date``
(converted to the stored day number by ``forecasts.models.quantity.day_number``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone

from forecasts import ledger
from forecasts.models import Author, Forecast, ForecastQuantile, Question, Resolution
from forecasts.models.quantity import day_number
from tests.builders.ledger import EVIDENCE_URL, _clock, question

Value = float | date
# The five levels a forecaster typically gives (5/25/50/75/95).
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
# The default date question's range: from its opening to the end of 2026, both ends open.
DATE_LOW = date(2024, 11, 1)
DATE_HIGH = date(2026, 12, 31)


def number(value: Value | None) -> float | None:
    """A value as stored: a date becomes its day number, a number stays as it is."""
    if value is None:
        return None
    if isinstance(value, date):
        return day_number(value)
    return value


def quantiles(
    values: Sequence[Value], levels: Sequence[float] = LEVELS
) -> list[tuple[float, float]]:
    """(level, value) pairs: ``values`` at ``levels`` (the 5/25/50/75/95 set unless told)."""
    if len(values) != len(levels):
        raise ValueError(f"{len(values)} values for {len(levels)} levels")
    return [(level, number(value)) for level, value in zip(levels, values, strict=True)]  # type: ignore[misc]


def numeric_question(
    slug: str = "troops-in-europe",
    *,
    unit: str = "troops",
    range_low: float | None = 0.0,
    range_high: float | None = 200_000.0,
    range_low_closed: bool = True,
    range_high_closed: bool = False,
    log_scale: bool = False,
    **fields,
) -> Question:
    """A live numeric question (``ledger.question``'s window), counting troops on
    0–200,000 with a closed low end and an open high end unless told."""
    return question(
        slug,
        kind=Question.Kind.NUMERIC,
        unit=unit,
        range_low=range_low,
        range_high=range_high,
        range_low_closed=range_low_closed,
        range_high_closed=range_high_closed,
        log_scale=log_scale,
        **fields,
    )


def date_question(
    slug: str = "ceasefire-by",
    *,
    range_low: Value | None = DATE_LOW,
    range_high: Value | None = DATE_HIGH,
    range_low_closed: bool = False,
    range_high_closed: bool = False,
    **fields,
) -> Question:
    """A live date question ("when will it happen?") on 1 Nov 2024 – 31 Dec 2026, open ends."""
    return question(
        slug,
        kind=Question.Kind.DATE,
        range_low=number(range_low),
        range_high=number(range_high),
        range_low_closed=range_low_closed,
        range_high_closed=range_high_closed,
        **fields,
    )


def _middle(question: Question) -> float:
    if question.has_range:
        return (question.range_low + question.range_high) / 2  # type: ignore[operator]
    return 100.0


def value_forecast(
    question: Question,
    author: Author,
    *,
    value: Value | None = None,
    value_low: Value | None = None,
    value_high: Value | None = None,
    coverage: float | None = None,
    quantiles: Sequence[tuple[float, Value]] | None = None,
    stated_at: datetime | None = None,
    at: datetime | None = None,
    **fields,
) -> Forecast:
    """A numeric or date forecast recorded by ``ledger.forecast_create``.

    Given no values, it is a point at the middle of the question's range (100
    without one). Stated an hour after the question opened unless told; ``at``
    stops the clock while it is recorded. Other fields (``source``, ``phrase``,
    ``scale_point``, …) go to the service.
    """
    if value is None and value_low is None and quantiles is None:
        value = _middle(question)
    with _clock(at):
        return ledger.forecast_create(
            question=question,
            author=author,
            stated_at=question.opens_at + timedelta(hours=1) if stated_at is None else stated_at,
            value=number(value),
            value_low=number(value_low),
            value_high=number(value_high),
            coverage=coverage,
            quantiles=None if quantiles is None else [(lv, number(v)) for lv, v in quantiles],
            **fields,
        )


def raw_value_forecast(
    question: Question,
    author: Author,
    *,
    value: Value | None = None,
    value_low: Value | None = None,
    value_high: Value | None = None,
    coverage: float | None = None,
    quantiles: Sequence[tuple[float, Value]] = (),
    stated_at: datetime | None = None,
    **fields,
) -> Forecast:
    """A numeric or date forecast inserted straight into the tables, past the services."""
    made = Forecast.objects.create(
        question=question,
        author=author,
        stated_at=question.opens_at + timedelta(hours=1) if stated_at is None else stated_at,
        probability=None,
        value=number(value),
        value_low=number(value_low),
        value_high=number(value_high),
        coverage=coverage,
        **fields,
    )
    ForecastQuantile.objects.bulk_create(
        ForecastQuantile(forecast=made, level=level, value=number(v)) for level, v in quantiles
    )
    return made


def resolve_value(
    question: Question,
    value: Value,
    *,
    known_at: datetime | None = None,
    evidence_url: str | None = None,
    evidence_note: str = "",
    by=None,
    at: datetime | None = None,
) -> Resolution:
    """Resolve with a value through ``ledger.question_resolve`` (known now unless told)."""
    if evidence_url is None:
        evidence_url = "" if evidence_note else EVIDENCE_URL
    with _clock(at):
        return ledger.question_resolve(
            question=question,
            outcome=Resolution.Outcome.VALUE,
            value=number(value),
            outcome_known_at=timezone.now() if known_at is None else known_at,
            evidence_url=evidence_url,
            evidence_note=evidence_note,
            by=by,
        )


def correct_value(
    question: Question,
    value: Value,
    *,
    known_at: datetime | None = None,
    reason: str = "Revised figures.",
    evidence_url: str = EVIDENCE_URL,
    evidence_note: str = "",
    by=None,
    at: datetime | None = None,
) -> Resolution:
    """Correct the outcome to another value through ``ledger.resolution_correct``."""
    current = question.resolutions.get(is_current=True)
    with _clock(at):
        return ledger.resolution_correct(
            question=question,
            outcome=Resolution.Outcome.VALUE,
            value=number(value),
            outcome_known_at=current.outcome_known_at if known_at is None else known_at,
            reason=reason,
            evidence_url=evidence_url,
            evidence_note=evidence_note,
            by=by,
        )


def raw_value_resolution(
    question: Question,
    value: Value,
    *,
    known_at: datetime,
    reported_value: Value | None = None,
    settle: bool = True,
    **fields,
) -> Resolution:
    """A current value resolution inserted straight into the table (no clamping applied:
    give ``reported_value`` for a clamped one). With ``settle`` (the default) the question
    is left resolved, as the service leaves it."""
    made = Resolution.objects.create(
        question=question,
        outcome=Resolution.Outcome.VALUE,
        value=number(value),
        reported_value=number(reported_value),
        outcome_known_at=known_at,
        **fields,
    )
    if settle:
        question.state = Question.State.RESOLVED
        question.resolution_changed_at = known_at
        question.save()
    return made

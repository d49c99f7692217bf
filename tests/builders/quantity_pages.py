"""Numeric and date questions, their forecasts and outcomes, and stored scores for pages.

Forecasts and resolutions are written straight into the tables (the database
guards still check them), as ``raw_forecast`` does: the pages read what is
stored, whoever wrote it. ``store_quantity_scores`` and ``store_quantity_record``
fill the score tables from ``forecasts.scoring`` the way the engine's rows are
defined (docs/scoring.md), for the pages' tests to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from forecasts.models import (
    Author,
    Forecast,
    ForecastQuantile,
    QuantityRecord,
    QuantityScore,
    Question,
    Resolution,
)
from forecasts.models.quantity import day_number
from forecasts.models.quantity_scores import StatedForm
from forecasts.pages.quantities import stated_values
from forecasts.scoring import (
    mean_with_t_interval,
    normalised,
    point_errors,
    stated_score,
    time_averaged_stated_score,
    unit_scale,
)
from tests.builders.ledger import question


def numeric_question(
    slug: str = "inflation",
    *,
    unit: str = "%",
    range_low: float | None = 0.0,
    range_high: float | None = 10.0,
    **fields,
) -> Question:
    """A numeric question in ``unit`` on the range [0, 10] (open ends) unless told."""
    return question(
        slug,
        kind=Question.Kind.NUMERIC,
        unit=unit,
        range_low=range_low,
        range_high=range_high,
        **fields,
    )


def date_question(
    slug: str = "ceasefire", *, first: date | None = None, last: date | None = None, **fields
) -> Question:
    """A date question whose range runs from ``first`` to ``last`` (entered as dates)."""
    return question(
        slug,
        kind=Question.Kind.DATE,
        range_low=None if first is None else day_number(first),
        range_high=None if last is None else day_number(last),
        **fields,
    )


def value_forecast(
    on: Question,
    author: Author,
    *,
    stated_at: datetime,
    value: float | None = None,
    low: float | None = None,
    high: float | None = None,
    coverage: float | None = None,
    quantiles: Sequence[tuple[float, float]] = (),
    **fields,
) -> Forecast:
    """A point, an interval with its coverage, and/or quantiles ((level, value) pairs)."""
    made = Forecast.objects.create(
        question=on,
        author=author,
        stated_at=stated_at,
        probability=None,
        value=value,
        value_low=low,
        value_high=high,
        coverage=coverage,
        **fields,
    )
    ForecastQuantile.objects.bulk_create(
        ForecastQuantile(forecast=made, level=level, value=v) for level, v in quantiles
    )
    return made


def value_resolution(
    on: Question, value: float, *, known_at: datetime, reported: float | None = None
) -> Resolution:
    """The question resolved to ``value`` (``reported`` when it lay beyond a closed end)."""
    made = Resolution.objects.create(
        question=on,
        outcome=Resolution.Outcome.VALUE,
        value=value,
        reported_value=reported,
        outcome_known_at=known_at,
        evidence_url="https://example.org/figures",
    )
    on.state = Question.State.RESOLVED
    on.resolution_changed_at = known_at
    on.save()
    return made


def _form(forecast: Forecast) -> str:
    if forecast.quantiles.exists():
        return StatedForm.QUANTILES
    if forecast.value_low is not None:
        return StatedForm.INTERVAL
    return StatedForm.POINT


def store_quantity_scores(on: Question) -> list[QuantityScore]:
    """One stored row per author on a resolved question, from the pure functions (in
    place of any row the engine wrote, so the pages' tests read these numbers)."""
    resolution = on.resolutions.get(is_current=True)
    y = resolution.value
    ranged = on.has_range
    rows = []
    by_author: dict[int, list[Forecast]] = {}
    for f in on.forecasts.filter(stated_at__lte=on.closes_at).order_by("stated_at", "pk"):
        by_author.setdefault(f.author_id, []).append(f)
    opens = on.opens_at.astimezone(UTC).date()
    for author_id, own in by_author.items():
        stated = [(f.stated_at, stated_values(f)) for f in own]
        final = own[-1]
        point = stated[-1][1].point
        if point is None:
            point = dict(stated[-1][1].quantiles).get(0.5)
        errors = point_errors(point, y) if point is not None else (None, None)
        scale = (on.range_low, on.range_high, on.log_scale)
        on_range = [(t, normalised(s, *scale)) for t, s in stated] if ranged else []
        rows.append(
            QuantityScore.objects.update_or_create(
                author_id=author_id,
                question=on,
                defaults=dict(
                    resolution=resolution,
                    form=_form(final),
                    outcome=y,
                    wis=time_averaged_stated_score(stated, opens, on.closes_at, y),
                    wis_final=stated_score(stated[-1][1], y),
                    normalised=(
                        time_averaged_stated_score(
                            on_range, opens, on.closes_at, unit_scale(y, *scale)
                        )
                        if ranged
                        else None
                    ),
                    normalised_final=(
                        stated_score(on_range[-1][1], unit_scale(y, *scale)) if ranged else None
                    ),
                    point=point,
                    abs_error=errors[0],
                    rel_error=errors[1],
                    n_forecasts=len(own),
                    tag_ids=list(on.tags.values_list("pk", flat=True)),
                ),
            )[0]
        )
    return rows


def store_quantity_record(author: Author, *, pending: int = 0) -> QuantityRecord:
    """The author's overall numeric record from their stored rows: mean and 95% t interval."""
    rows = list(QuantityScore.objects.filter(author=author, excluded_reason=""))
    counted = [r.normalised for r in rows if r.normalised is not None]
    average, low, high = mean_with_t_interval(counted) if counted else (None, None, None)
    QuantityRecord.objects.filter(author=author, tag=None).delete()  # the engine's, if any
    return QuantityRecord.objects.create(
        author=author,
        tag=None,
        n_scored=len(counted),
        mean=average,
        low=low,
        high=high,
        n_unranged=sum(1 for r in rows if r.normalised is None and r.wis is not None),
        n_points=sum(1 for r in rows if r.form == StatedForm.POINT),
        n_pending=pending,
    )


# --- a small world of numeric and date questions ------------------------------------

OPENS = datetime(2025, 1, 1, tzinfo=UTC)
CLOSES = datetime(2025, 3, 1, tzinfo=UTC)
KNOWN = datetime(2025, 6, 1, tzinfo=UTC)


def quantity_questions(authors: Sequence[Author], *, tags=()) -> dict[str, Question]:
    """Three resolved questions the ``authors`` (at least three) forecast, scored and stored:

    * ``inflation`` (numeric, %, range 0–10 closed below): an 80% interval revised to
      quantiles, a point alone, an interval with its point; resolved 2.7;
    * ``troops`` (numeric, troops, log scale 10,000–200,000): intervals; resolved 78,000;
    * ``ceasefire`` (date, 1 Jan to 31 Dec 2025, closed above): a date interval, a date
      alone; reported 1 Feb 2026, beyond the closed end, so resolved to 31 Dec 2025.
    """
    a, b, c = authors[:3]
    window = {"opens_at": OPENS, "closes_at": CLOSES, "resolve_by": KNOWN, "tags": tags}
    day = lambda n: datetime(2025, 1, n, 12, tzinfo=UTC)  # noqa: E731
    inflation = numeric_question(
        "inflation-2025", title="What will inflation be in May 2025?",
        range_low_closed=True, **window,
    )  # fmt: skip
    value_forecast(inflation, a, stated_at=day(3), low=2.0, high=3.0, coverage=0.8)
    value_forecast(
        inflation, a, stated_at=day(20),
        quantiles=[(0.05, 1.8), (0.25, 2.3), (0.5, 2.6), (0.75, 2.9), (0.95, 3.4)],
    )  # fmt: skip
    value_forecast(inflation, b, stated_at=day(5), value=3.0)
    value_forecast(inflation, c, stated_at=day(8), value=4.0, low=3.5, high=4.5, coverage=0.9)
    value_resolution(inflation, 2.7, known_at=KNOWN)
    troops = numeric_question(
        "troops-2025", title="How many US troops will be in Europe?", unit="troops",
        range_low=10_000, range_high=200_000, log_scale=True, **window,
    )  # fmt: skip
    value_forecast(troops, a, stated_at=day(4), low=70_000, high=90_000, coverage=0.7)
    value_forecast(troops, c, stated_at=day(9), value=100_000, low=60_000, high=120_000,
                   coverage=0.95)  # fmt: skip
    value_resolution(troops, 78_000, known_at=KNOWN)
    ceasefire = date_question(
        "ceasefire-2025", title="When will the ceasefire be signed?",
        first=date(2025, 1, 1), last=date(2025, 12, 31), range_high_closed=True, **window,
    )  # fmt: skip
    value_forecast(
        ceasefire, a, stated_at=day(6), low=day_number(date(2025, 4, 1)),
        high=day_number(date(2025, 9, 30)), coverage=0.8,
    )  # fmt: skip
    value_forecast(ceasefire, b, stated_at=day(7), value=day_number(date(2025, 5, 9)))
    value_resolution(
        ceasefire, day_number(date(2025, 12, 31)), known_at=KNOWN,
        reported=day_number(date(2026, 2, 1)),
    )  # fmt: skip
    made = {"inflation": inflation, "troops": troops, "ceasefire": ceasefire}
    for q in made.values():
        store_quantity_scores(q)
    for who in (a, b, c):
        store_quantity_record(who)
    return made


def crowded_numeric(authors: Sequence[Author], *, seed: int = 5) -> Question:
    """A resolved log-scale numeric question every one of ``authors`` forecast twice (an
    interval, then quantiles), scored: a strain on the intervals chart and its legend."""
    import random

    rng = random.Random(seed)
    crowded = numeric_question(
        "crowded-troops", title="How many troops will be stationed abroad?", unit="troops",
        range_low=1_000, range_high=1_000_000, log_scale=True, opens_at=OPENS,
        closes_at=CLOSES, resolve_by=KNOWN,
    )  # fmt: skip
    for i, who in enumerate(authors):
        middle = rng.uniform(20_000, 200_000)
        value_forecast(
            crowded, who, stated_at=OPENS.replace(day=1 + i % 20),
            low=middle * 0.7, high=middle * 1.4, coverage=0.8,
        )  # fmt: skip
        value_forecast(
            crowded, who, stated_at=OPENS.replace(month=2, day=1 + i % 20),
            quantiles=[(0.05, middle * 0.5), (0.5, middle), (0.95, middle * 2)],
        )  # fmt: skip
    value_resolution(crowded, 78_000, known_at=KNOWN)
    store_quantity_scores(crowded)
    return crowded

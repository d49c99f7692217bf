"""Random numeric and date ledgers, and their scores worked out one pair at a time.

``random_quantity_ledger(seed)`` writes numeric and date questions (with and
without a range, open or closed ends, some on a log scale; resolved,
corrected, annulled, pending, draft) and forecasts given as a point, an
interval (with or without a point inside) or quantiles, with updates,
same-day updates, forecasts before the open, forecasts recorded after the
outcome was known (some proved by a dated public source) and forecasts stated
after a close moved earlier, straight into the tables (the database guards
still check them). A binary question rides along: the quantity scorer must
leave it to the binary one. ``expected_quantity_rows`` and
``expected_quantity_records`` apply the pure library (``forecasts.scoring``)
to each (author, question) in plain Python.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from forecasts import ledger, scoring
from forecasts.models import (
    Author,
    Forecast,
    ForecastQuantile,
    Question,
    Resolution,
    Tag,
)
from forecasts.models.quantity import day_number
from forecasts.scoring import timing
from forecasts.scoring.quantiles import StatedValues
from tests.builders.random_ledgers import _late_source, _source_fields

BASE = datetime(2024, 3, 1, tzinfo=UTC)
LEVEL_SETS = ((0.05, 0.25, 0.5, 0.75, 0.95), (0.1, 0.5, 0.9), (0.25, 0.75), (0.2, 0.6))
FATES = ("resolved",) * 6 + ("corrected", "annulled", "pending", "draft")


def random_quantity_ledger(seed: int, *, n_authors: int = 5, n_questions: int = 12) -> None:
    rng = random.Random(seed)
    authors = [
        Author.objects.create(name=f"Numeric {seed}-{i}", slug=f"numeric-{seed}-{i}")
        for i in range(n_authors)
    ]
    tags = [
        Tag.objects.create(name=f"Q tag {seed}-{i}", slug=f"q-tag-{seed}-{i}") for i in range(3)
    ]
    for j in range(n_questions):
        fate = FATES[j % len(FATES)] if j < len(FATES) else rng.choice(FATES)
        _question(rng, seed, j, fate, authors, tags)
    Question.objects.create(  # binary: never a QuantityScore
        title=f"Binary {seed}",
        slug=f"binary-{seed}",
        resolution_criteria="Test.",
        opens_at=BASE,
        closes_at=BASE + timedelta(days=9),
        resolve_by=BASE + timedelta(days=20),
        state=Question.State.LIVE,
    )


def _scale(rng, kind: str) -> dict:
    """The question's range (or none) and where its values lie."""
    if kind == "date":
        centre = day_number(BASE.date()) + rng.randint(30, 400)
        spread = float(rng.randint(5, 120))
        ranged = rng.random() < 0.7
        fields = {"range_low": centre - 3 * spread, "range_high": centre + 3 * spread}
        return {"centre": centre, "spread": spread, "positive": False, **(fields if ranged else {})}
    shape = rng.choice(["none", "linear", "linear", "log"])
    centre = rng.choice([3.0, 150.0, 80_000.0, -20.0 if shape != "log" else 40.0])
    spread = abs(centre) * rng.choice([0.1, 0.3, 0.6])
    fields: dict = {"centre": centre, "spread": spread, "positive": shape == "log"}
    if shape == "linear":
        fields.update(range_low=centre - 4 * spread, range_high=centre + 4 * spread)
    elif shape == "log":
        fields.update(range_low=centre / 20, range_high=centre * 20, log_scale=True)
    return fields


def _question(rng, seed, j, fate, authors, tags) -> None:
    kind = rng.choice([Question.Kind.NUMERIC, Question.Kind.NUMERIC, Question.Kind.DATE])
    scale = _scale(rng, kind)
    ends = {}
    if "range_low" in scale:
        ends = {"range_low_closed": rng.random() < 0.3, "range_high_closed": rng.random() < 0.3}
    opens = BASE + timedelta(days=j * 3, seconds=rng.randint(0, 86_399))
    closes = opens + timedelta(days=rng.randint(2, 30), seconds=rng.randint(0, 86_399))
    known = closes + timedelta(seconds=rng.randint(60, 5 * 86_400))
    question = Question.objects.create(
        title=f"Quantity {seed}-{j}",
        slug=f"quantity-{seed}-{j}",
        kind=kind,
        unit="units" if kind == Question.Kind.NUMERIC else "",
        resolution_criteria="Test.",
        opens_at=opens,
        closes_at=closes,
        resolve_by=closes + timedelta(days=10),
        state=Question.State.DRAFT if fate == "draft" else Question.State.LIVE,
        **{k: v for k, v in scale.items() if k in ("range_low", "range_high", "log_scale")},
        **ends,
    )
    question.tags.set(rng.sample(tags, rng.randint(0, 2)))
    open_ended = fate in ("pending", "draft")
    last_word = closes if open_ended else min(closes, known - timedelta(seconds=1))
    for author in authors:
        if rng.random() < 0.7:
            _forecasts(rng, question, author, scale, opens, last_word, known, open_ended)
    if not open_ended and rng.random() < 0.4:
        _close_earlier(rng, question, rng.choice(authors), scale)
    if not open_ended:
        _resolve(rng, question, scale, known, fate)


def _forecasts(rng, question, author, scale, opens, last_word, known, open_ended) -> None:
    start = opens - timedelta(days=2)
    span = int((last_word - start).total_seconds())
    moments = sorted(
        start + timedelta(seconds=rng.randint(0, span)) for _ in range(rng.randint(1, 4))
    )
    if len(moments) > 1 and rng.random() < 0.4:  # a same-day update
        moments[1] = min(moments[0] + timedelta(minutes=rng.randint(1, 90)), last_word)
        moments = sorted(set(moments))
    for stated in moments:
        late = not open_ended and rng.random() < 0.15
        recorded = (
            known + timedelta(days=1) if late else stated + timedelta(minutes=rng.randint(0, 5))
        )
        if not late and not open_ended:
            recorded = min(recorded, known)
        source = _late_source(rng, stated) if late else None
        _write(rng, question, author, scale, stated, max(recorded, stated), source)


def _value(rng, scale: dict) -> float:
    value = rng.gauss(scale["centre"], scale["spread"])
    return abs(value) + scale["centre"] / 50 if scale["positive"] else round(value, 3)


def _write(rng, question, author, scale, stated, recorded, source) -> None:
    form = rng.choice(["point", "interval", "interval_point", "quantiles", "quantiles"])
    centre = _value(rng, scale)
    width = scale["spread"] * rng.choice([0.05, 0.5, 1.0, 2.5])
    fields: dict = {}
    if form == "point":
        fields["value"] = centre
    elif form.startswith("interval"):
        low, high = (
            (centre / (1 + width / centre), centre * (1 + width / centre))
            if scale["positive"]
            else (centre - width, centre + width)
        )
        fields.update(value_low=low, value_high=high, coverage=rng.choice([0.5, 0.8, 0.9, 0.95]))
        if form == "interval_point":
            fields["value"] = centre
    forecast = Forecast.objects.create(
        question=question,
        author=author,
        source=source,
        stated_at=stated,
        recorded_at=recorded,
        **fields,
    )
    if form == "quantiles":
        levels = rng.choice(LEVEL_SETS)
        offsets = sorted(rng.gauss(0, width) for _ in levels)
        values = [
            centre * (1 + abs(o) / scale["centre"]) ** (1 if o >= 0 else -1)
            if scale["positive"]
            else centre + o
            for o in offsets
        ]
        ForecastQuantile.objects.bulk_create(
            ForecastQuantile(forecast=forecast, level=level, value=value)
            for level, value in zip(levels, sorted(values), strict=True)
        )


def _close_earlier(rng, question, author, scale) -> None:
    """A last-minute forecast, then the close moved earlier the same day: it no longer counts."""
    closes = question.closes_at
    late = closes - timedelta(seconds=rng.randint(0, 60))
    _write(rng, question, author, scale, late, late, None)
    start_of_day = closes.replace(hour=0, minute=0, second=0, microsecond=0)
    span = int((late - start_of_day).total_seconds())
    new_close = start_of_day + timedelta(seconds=rng.randint(0, max(span - 1, 0)))
    ledger.question_close_correct(question=question, closes_at=new_close, reason="Random ledger.")
    question.closes_at = new_close


def _resolve(rng, question, scale, known, fate) -> None:
    def value() -> float:
        y = _value(rng, scale)
        if "range_low" in scale and rng.random() < 0.15:  # on a bound
            y = scale[rng.choice(["range_low", "range_high"])]
        return float(round(y)) if question.kind == Question.Kind.DATE else y

    previous = None
    if fate == "corrected":
        previous = Resolution.objects.create(
            question=question,
            outcome="value",
            value=value(),
            outcome_known_at=known + timedelta(days=3),
            is_current=False,
        )
    fields = (
        {"outcome": "annulled"} if fate == "annulled" else {"outcome": "value", "value": value()}
    )
    Resolution.objects.create(
        question=question, outcome_known_at=known, is_current=True, supersedes=previous, **fields
    )
    question.state = Question.State.ANNULLED if fate == "annulled" else Question.State.RESOLVED
    question.resolution_changed_at = known + timedelta(days=5)
    question.save()


# --- the same scores, one pair at a time, with the pure library -------------


def stated_values(forecast: Forecast) -> StatedValues:
    return StatedValues(
        point=forecast.value,
        lower=forecast.value_low,
        upper=forecast.value_high,
        coverage=forecast.coverage,
        quantiles=tuple((q.level, q.value) for q in forecast.quantiles.all()),
    )


def _form(forecast: Forecast) -> str:
    if forecast.quantiles.all():
        return "quantiles"
    return "interval" if forecast.value_low is not None else "point"


def expected_quantity_rows() -> dict[tuple[int, int], dict]:
    """Every QuantityScore figure, by (author id, question id)."""
    expected = {}
    questions = Question.objects.filter(kind__in=["numeric", "date"]).exclude(
        state=Question.State.DRAFT
    )
    for question in questions.prefetch_related("forecasts__quantiles", "forecasts__source", "tags"):
        current = question.resolutions.filter(is_current=True).first()
        by_author: dict[int, list[Forecast]] = {}
        for forecast in sorted(question.forecasts.all(), key=lambda f: (f.stated_at, f.pk)):
            by_author.setdefault(forecast.author_id, []).append(forecast)
        for author, own in by_author.items():
            row = {"tags": sorted(t.pk for t in question.tags.all()), **_empty_row()}
            if current is None:
                row["excluded"] = "pending"
            elif current.outcome == "annulled":
                row["excluded"] = "annulled"
            else:
                row.update(_scores(question, current, own))
            expected[(author, question.pk)] = row
    return expected


def _empty_row() -> dict:
    names = ("outcome", "wis", "wis_final", "normalised", "normalised_final", "point")
    return {
        **dict.fromkeys((*names, "abs_error", "rel_error")),
        "form": "",
        "n_forecasts": 0,
        "n_days": 0,
        "n_hindsight": 0,
        "n_retrospective": 0,
        "excluded": "",
    }


def _scores(question: Question, resolution: Resolution, own: list[Forecast]) -> dict:
    known = resolution.outcome_known_at
    claims = [timing.ClaimTimes(f.stated_at, f.recorded_at, **_source_fields(f)) for f in own]
    counts = [
        timing.counts(c, closes_at=question.closes_at, outcome_known_at=known) for c in claims
    ]
    counted = [f for f, ok in zip(own, counts, strict=True) if ok]
    row = {
        "n_hindsight": sum(
            scoring.is_hindsight(
                f.stated_at, f.recorded_at, outcome_known_at=known, **_source_fields(f)
            )
            for f in own
        ),
        "n_retrospective": sum(f.recorded_at > known for f in counted),
        "n_forecasts": len(counted),
    }
    if not counted:
        return {**row, "excluded": "hindsight" if row["n_hindsight"] else "no_forecast_in_window"}
    y = resolution.value
    final = own[timing.final_counted(claims, closes_at=question.closes_at, outcome_known_at=known)]
    final_stated = stated_values(final)
    told = [(f.stated_at, stated_values(f)) for f in counted]
    opens = question.opens_at.astimezone(UTC).date()
    probabilistic = [moment for moment, s in told if s.as_quantiles() is not None]
    first = max(opens, probabilistic[0].astimezone(UTC).date()) if probabilistic else None
    close_day = question.closes_at.astimezone(UTC).date()
    point = final_stated.point
    if point is None:
        point = dict(final_stated.quantiles).get(0.5)
    errors = scoring.point_errors(point, y) if point is not None else (None, None)
    row.update(
        excluded="",
        outcome=y,
        form=_form(final),
        n_days=(close_day - first).days + 1 if first else 0,
        wis=scoring.time_averaged_stated_score(told, opens, question.closes_at, y),
        wis_final=scoring.stated_score(final_stated, y),
        point=point,
        abs_error=errors[0],
        rel_error=errors[1],
    )
    if question.has_range:
        scale = (question.range_low, question.range_high, question.log_scale)
        unit_y = scoring.unit_scale(y, *scale)
        row["normalised"] = scoring.time_averaged_stated_score(
            [(moment, scoring.normalised(s, *scale)) for moment, s in told],
            opens,
            question.closes_at,
            unit_y,
        )
        row["normalised_final"] = scoring.stated_score(
            scoring.normalised(final_stated, *scale), unit_y
        )
    return row


def expected_quantity_records(
    rows: dict[tuple[int, int], dict],
) -> dict[tuple[int, int | None], dict]:
    """Every QuantityRecord figure, by (author id, tag id or None), from the expected rows."""
    groups: dict[tuple[int, int | None], list[dict]] = {}
    for (author, _), row in rows.items():
        for tag in (None, *row["tags"]):
            groups.setdefault((author, tag), []).append(row)
    records = {}
    for key, group in groups.items():
        counted = [r for r in group if r["excluded"] == ""]
        scores = [r["normalised"] for r in counted if r["normalised"] is not None]
        mean, low, high = scoring.mean_with_t_interval(scores) if scores else (None, None, None)
        records[key] = {
            "n_scored": len(scores),
            "mean": mean,
            "low": low,
            "high": high,
            "n_unranged": sum(r["normalised"] is None and r["wis"] is not None for r in counted),
            "n_points": sum(r["wis"] is None for r in counted),
            "n_pending": sum(r["excluded"] == "pending" for r in group),
        }
    return records

"""Numeric and date questions on the public pages: values in words, the stated range,
each author's intervals over time, and the stored scores.

Values are stored as floats; a date question's are UTC days since 1970-01-01
(``forecasts.models.quantity``) and are shown as dates. Every score printed is a
stored ``QuantityScore`` figure; ``tests/pages/test_quantities.py`` recomputes each
with ``forecasts.scoring.quantiles``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, prefetch_related_objects

from forecasts.models import Forecast, QuantityScore, Question, Resolution
from forecasts.models.quantity import day_from_number
from forecasts.models.quantity_scores import StatedForm
from forecasts.scoring import StatedValues

PERCENT_UNITS = ("%", "pp", "‰")  # written straight after the number, no space


def number_text(x: float) -> str:
    """A value as people write it: 80000 → "80,000", 2.5 → "2.5", 0.0312 → "0.0312"."""
    if x == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def value_text(question: Question, x: float) -> str:
    """A value in the question's terms: "3%", "80,000 troops", "14 Mar 2026"."""
    if question.kind == Question.Kind.DATE:
        return day_from_number(x).strftime("%-d %b %Y")
    unit = question.unit.strip()
    if not unit:
        return number_text(x)
    return f"{number_text(x)}{'' if unit in PERCENT_UNITS else ' '}{unit}"


def difference_text(question: Question, d: float) -> str:
    """A distance in the question's unit: "0.4%", "1,200 troops", "12.5 days"."""
    if question.kind == Question.Kind.DATE:
        return f"{number_text(d)} day{'' if d == 1 else 's'}"
    return value_text(question, d)


def _span(question: Question, low: float, high: float) -> str:
    """ "1 Apr 2025 to 30 Sep 2025", "2%–3%", "70,000–90,000 troops" (a word unit once)."""
    if question.kind == Question.Kind.DATE:
        return f"{value_text(question, low)} to {value_text(question, high)}"
    unit = question.unit.strip()
    if unit and unit not in PERCENT_UNITS:
        return f"{number_text(low)}–{number_text(high)} {unit}"
    return f"{value_text(question, low)}–{value_text(question, high)}"


def _level(level: float) -> str:
    return f"{level * 100:.2f}".rstrip("0").rstrip(".") + "%"


def quantile_pairs(forecast: Forecast) -> list[tuple[float, float]]:
    """The forecast's quantiles as (level, value), lowest level first (prefetched rows)."""
    return sorted((q.level, q.value) for q in forecast.quantiles.all())


def stated_values(forecast: Forecast) -> StatedValues:
    """What the forecast stated, as the scoring functions take it."""
    return StatedValues(
        point=forecast.value,
        lower=forecast.value_low,
        upper=forecast.value_high,
        coverage=forecast.coverage,
        quantiles=tuple(quantile_pairs(forecast)),
    )


def widest(forecast: Forecast) -> tuple[float, float, float] | None:
    """The widest central interval stated, as (coverage, low, high), or None.

    From the interval, or from the outermost pair of quantiles at levels τ and 1 − τ.
    """
    found = []
    if forecast.value_low is not None and forecast.value_high is not None:
        found.append((forecast.coverage or 0.0, forecast.value_low, forecast.value_high))
    pairs = dict(quantile_pairs(forecast))
    for level, value in pairs.items():
        other = round(1.0 - level, 12)
        match = next((v for t, v in pairs.items() if abs(t - other) < 1e-9), None)
        if level < 0.5 and match is not None:
            found.append((1.0 - 2.0 * level, value, match))
    return max(found, default=None)


def median(forecast: Forecast) -> float | None:
    """The point given, or the quantile at 50%."""
    if forecast.value is not None:
        return forecast.value
    return next((v for t, v in quantile_pairs(forecast) if abs(t - 0.5) < 1e-9), None)


def stated_text(forecast: Forecast, question: Question | None = None) -> str:
    """ "2%–3% (80%)", "about 3%", "1%–5% (90%), median 3%"; quantiles otherwise listed."""
    q = question or forecast.question
    band, middle = widest(forecast), median(forecast)
    if band is None and middle is None:
        pairs = quantile_pairs(forecast)
        return ", ".join(f"{_level(t)}: {value_text(q, v)}" for t, v in pairs) or "no value"
    if band is None:
        assert middle is not None
        return f"about {value_text(q, middle)}"
    coverage, low, high = band
    text = f"{_span(q, low, high)} ({_level(coverage)})"
    if middle is not None:
        word = "about" if forecast.value is not None else "median"
        text += f", {word} {value_text(q, middle)}"
    return text


def range_text(question: Question) -> str:
    """The stated range in words, each end open or closed, and the log scale."""
    low, high = question.range_low, question.range_high
    if low is None and high is None:
        return "No range was set: scores are in the question's unit only, outside the record."

    def end(value: float | None, closed: bool, side: str) -> str:
        if value is None:
            return f"no {side} end"
        shown = value_text(question, value)
        if closed:
            beyond = "below" if side == "lower" else "above"
            return f"{shown} (closed: a value {beyond} it resolves to {shown})"
        return f"{shown} (open: the outcome may lie beyond it)"

    text = (
        f"Range from {end(low, question.range_low_closed, 'lower')} "
        f"to {end(high, question.range_high_closed, 'upper')}."
    )
    if question.log_scale:
        text += " On a log scale: drawn and scored by ratios, not differences."
    return text


def outcome_text(question: Question, resolution: Resolution) -> str:
    """The value the question resolved to, in its terms."""
    if resolution.value is None:
        return resolution.get_outcome_display()
    return value_text(question, resolution.value)


def clamped_note(question: Question, resolution: Resolution | None) -> str:
    """What the outcome was reported as when it lay beyond a closed end, or ""."""
    if resolution is None or not resolution.is_clamped:
        return ""
    assert resolution.reported_value is not None and resolution.value is not None
    return (
        f"Reported as {value_text(question, resolution.reported_value)}, beyond the closed "
        f"end of the range: scored as {value_text(question, resolution.value)}."
    )


def with_quantiles(forecasts: Iterable[Forecast]) -> None:
    """Fetch the quantiles of the numeric and date forecasts among ``forecasts`` (one query,
    none when there is no such forecast)."""
    prefetch_related_objects([f for f in forecasts if f.question.is_quantity], "quantiles")


@dataclass(frozen=True)
class Held:
    """One forecast as it stood from its statement to the next (or the close)."""

    forecast: Forecast
    start: datetime
    end: datetime
    low: float | None
    middle: float | None
    high: float | None
    text: str


def held(question: Question, forecasts: Sequence[Forecast], *, now: datetime) -> list[Held]:
    """Each forecast stated by the close, held until its author's next one (oldest first)."""
    until = min(question.closes_at, now)
    per_author: dict[int, list[Forecast]] = {}
    for f in forecasts:
        if f.stated_at <= until:
            per_author.setdefault(f.author_id, []).append(f)
    out = []
    for own in per_author.values():
        own.sort(key=lambda f: (f.stated_at, f.pk))
        for f, nxt in zip(own, [*own[1:], None], strict=True):
            band = widest(f)
            out.append(
                Held(
                    forecast=f,
                    start=f.stated_at,
                    end=nxt.stated_at if nxt else until,
                    low=band[1] if band else None,
                    middle=median(f),
                    high=band[2] if band else None,
                    text=stated_text(f, question),
                )
            )
    return out


@dataclass(frozen=True)
class ScoreRow:
    """One author's stored score on the question, with its figures in the unit."""

    score: QuantityScore
    final_text: str

    @property
    def is_point(self) -> bool:
        return self.score.form == StatedForm.POINT


def score_rows(question: Question, final: dict[int, Forecast]) -> list[ScoreRow]:
    """The stored scores, best normalised score first (one query)."""
    scores = (
        QuantityScore.objects.filter(question=question)
        .select_related("author")
        .order_by(
            F("normalised").asc(nulls_last=True), F("wis").asc(nulls_last=True), "author__name"
        )
    )
    return [
        ScoreRow(
            score=s,
            final_text=stated_text(final[s.author_id], question) if s.author_id in final else "",
        )
        for s in scores
    ]


def question_context(
    question: Question,
    forecasts: Sequence[Forecast],
    current: Resolution | None,
    *,
    now: datetime,
) -> dict:
    """What the question page shows of a numeric or date question."""
    from forecasts.pages import quantity_charts

    prefetch_related_objects(list(forecasts), "quantiles")
    runs = held(question, forecasts, now=now)
    final = {h.forecast.author_id: h.forecast for h in runs}
    outcome = current.value if current is not None else None
    return {
        "range": range_text(question),
        "outcome": outcome_text(question, current) if current and current.value is not None else "",
        "clamped": clamped_note(question, current),
        "held": runs,
        "chart": quantity_charts.intervals_chart(question, runs, outcome) if runs else None,
        "scores": score_rows(question, final),
        "unit_word": "days" if question.kind == Question.Kind.DATE else question.unit or "unit",
    }


@dataclass(frozen=True)
class NumericClaim:
    """One resolved numeric or date question on an author's page, with its stored score."""

    question: Question
    final_text: str
    outcome: str
    score: QuantityScore | None


def take_numeric(record) -> list | None:
    """Take the resolved numeric and date claims out of ``record`` (an ``AuthorRecord``).

    They have no Brier score, so the record would list them as awaiting one.
    Returns them (for ``author_numeric``), or None when the author has no
    numeric or date claim at all, resolved or not. Reads nothing.
    """
    groups = (
        record.pending,
        record.scored,
        record.awaiting_score,
        record.no_forecast,
        record.hindsight,
    )
    if not any(c.question.is_quantity for group in groups for c in group):
        return None
    resolved = []
    for group in groups[1:]:
        resolved += [c for c in group if c.question.is_quantity]
        group[:] = [c for c in group if not c.question.is_quantity]
    return resolved


def author_numeric(author, resolved, shown, *, tag=None) -> dict | None:
    """The author page's numeric record, kept apart from the Brier headline.

    ``resolved`` are the claims ``take_numeric`` took out of the record and
    ``shown`` the other claims the page prints, all of them completed
    (``standings.records.complete``): their numeric forecasts' quantiles are
    read. Each resolved claim is paired with its stored ``QuantityScore``; the
    overall (or ``tag``'s) ``QuantityRecord`` gives N, the mean and its
    interval. None when there is nothing to show.
    """
    from forecasts.models import QuantityRecord

    with_quantiles(f for claims in (resolved, shown) for claim in claims for f in claim.forecasts)
    stored = QuantityRecord.objects.filter(author=author, tag=tag).first()
    if not resolved and stored is None:
        return None
    scores = {
        s.question_id: s
        for s in QuantityScore.objects.filter(
            author=author, question_id__in=[c.question.pk for c in resolved]
        )
    }
    rows = [
        NumericClaim(
            question=c.question,
            final_text=stated_text(c.final, c.question),
            outcome=outcome_text(c.question, c.resolution) if c.resolution else "",
            score=scores.get(c.question.pk),
        )
        for c in resolved
    ]
    return {"record": stored, "claims": rows}

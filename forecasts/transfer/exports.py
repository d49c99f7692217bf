"""Flat exports of forecasts (with their scores) and scorecards, produced a chunk at a time.

Rows come out in id order; each chunk of forecasts costs a fixed number of
queries (the forecasts, their option probabilities, the authors' scores on
those questions, the questions' current resolutions, which forecasts the
scores used; and, for a chunk with numeric or date questions, the quantiles
and the numeric scores), so an export of any size streams in constant memory.
A numeric or date question's row carries its unit, range and scale, the
forecast's values and the value outcome; a date question's values are ISO
dates, as the import reads them (``forecasts.transfer.quantities``).
``spreadsheet_safe`` neutralises CSV cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from forecasts.models import (
    ForecastProbability,
    ForecastQuantile,
    QuantityScore,
    QuestionScore,
    Resolution,
)
from forecasts.standings.counted import counted_in_pairs
from forecasts.standings.leaderboard import stored_ranks
from forecasts.standings.scorecards import FIGURES
from forecasts.transfer.quantities import format_quantiles, format_value

CHUNK = 2000

FORECAST_COLUMNS = (
    "forecast_id",
    "question_id",
    "question_slug",
    "question_kind",
    "question_unit",
    "range_low",
    "range_high",
    "range_low_closed",
    "range_high_closed",
    "log_scale",
    "author_id",
    "author_slug",
    "author_name",
    "is_synthetic",
    "source_id",
    "source_slug",
    "stated_at",
    "recorded_at",
    "probability",
    "option_probabilities",
    "value",
    "value_low",
    "value_high",
    "coverage",
    "quantiles",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "quote",
    "conversion_note",
    "outcome",
    "outcome_option",
    "outcome_value",
    "outcome_reported_value",
    "outcome_known_at",
    "brier",
    "brier_0_2",
    "brier_final",
    "log_loss",
    "relative_brier",
    "baseline",
    "peer",
    "wis",
    "wis_final",
    "wis_normalised",
    "abs_error",
    "rel_error",
    "counted",
    "final",
    "excluded_reason",
)

# The card's figures; calibration and Murphy terms are nested and do not fit a flat row.
# ``rank`` is the card's place on its leaderboard (overall or the tag's), empty when unranked.
SCORECARD_COLUMNS = (
    "author_id",
    "author_slug",
    "author_name",
    "is_synthetic",
    "tag",
    "rank",
    *FIGURES,
    "computed_at",
)


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…)
# can leak data or run commands when the CSV is opened).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: ``'`` before a formula-like string.

    Only text is touched: numbers (a negative relative Brier) stay numbers. The
    JSON export is left as stored; it is not opened by spreadsheets.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def forecast_rows(queryset) -> Iterator[dict]:
    """One flat dict per forecast, with its author's score on the question and the outcome."""
    # Each chunk fetches what it shows itself; a list view's prefetches would be queries more.
    queryset = (
        queryset.prefetch_related(None)
        .select_related("question", "author", "source")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        yield from _forecast_chunk(chunk)


def _forecast_chunk(chunk) -> Iterator[dict]:
    options = defaultdict(list)
    for p in (
        ForecastProbability.objects.filter(forecast__in=chunk)
        .select_related("option")
        .order_by("forecast_id", "option__position", "option_id")
    ):
        options[p.forecast_id].append(f"{p.option.label}={p.probability:g}")
    question_ids = {f.question_id for f in chunk}
    author_ids = {f.author_id for f in chunk}
    scores = {
        (s.author_id, s.question_id): s
        for s in QuestionScore.objects.filter(
            question_id__in=question_ids, author_id__in=author_ids
        )
    }
    # Quantiles and numeric scores: two more queries, for chunks with numeric or date questions.
    quantities = [f for f in chunk if f.question.is_quantity]
    quantiles = defaultdict(list)
    quantity_scores = {}
    if quantities:
        for q in ForecastQuantile.objects.filter(forecast__in=quantities).order_by(
            "forecast_id", "level"
        ):
            quantiles[q.forecast_id].append((q.level, q.value))
        quantity_scores = {
            (s.author_id, s.question_id): s
            for s in QuantityScore.objects.filter(
                question_id__in={f.question_id for f in quantities}, author_id__in=author_ids
            )
        }
    outcomes = {
        r.question_id: r
        for r in Resolution.objects.filter(
            question_id__in=question_ids, is_current=True
        ).select_related("option")
    }
    # Which of these forecasts the scores used, by the one timing rule.
    used = counted_in_pairs(
        list({(f.author_id, f.question_id) for f in chunk}),
        closes={f.question_id: f.question.closes_at for f in chunk},
        known={q: r.outcome_known_at for q, r in outcomes.items()},
    )
    for f in chunk:
        question = f.question
        score = scores.get((f.author_id, f.question_id))
        quantity = quantity_scores.get((f.author_id, f.question_id))
        resolution = outcomes.get(f.question_id)
        pair_counted = score.counted if score else None
        if quantity is not None:
            pair_counted = not quantity.excluded_reason and quantity.wis is not None
        excluded = (
            quantity.excluded_reason if quantity else score.excluded_reason if score else None
        )

        def shown(value: float | None):
            return format_value(value, question=question)  # noqa: B023 (used in this pass)

        yield {
            "forecast_id": f.pk,
            "question_id": f.question_id,
            "question_slug": f.question.slug,
            "question_kind": question.kind,
            "question_unit": question.unit if question.is_quantity else None,
            "range_low": shown(question.range_low),
            "range_high": shown(question.range_high),
            "range_low_closed": question.range_low_closed if question.is_quantity else None,
            "range_high_closed": question.range_high_closed if question.is_quantity else None,
            "log_scale": question.log_scale if question.is_quantity else None,
            "author_id": f.author_id,
            "author_slug": f.author.slug,
            "author_name": f.author.name,
            "is_synthetic": f.is_synthetic,
            "source_id": f.source_id,
            "source_slug": f.source.slug if f.source else None,
            "stated_at": _iso(f.stated_at),
            "recorded_at": _iso(f.recorded_at),
            "probability": f.probability,
            "option_probabilities": ";".join(options.get(f.pk, [])) or None,
            "value": shown(f.value),
            "value_low": shown(f.value_low),
            "value_high": shown(f.value_high),
            "coverage": f.coverage,
            "quantiles": format_quantiles(quantiles.get(f.pk, []), question=question),
            "phrase": f.phrase,
            "scale": f.scale,
            "interval_low": f.interval_low,
            "interval_high": f.interval_high,
            "scale_point": f.scale_point,
            "quote": f.quote,
            "conversion_note": f.conversion_note,
            "outcome": resolution.outcome if resolution else None,
            "outcome_option": resolution.option.label if resolution and resolution.option else None,
            "outcome_value": shown(resolution.value) if resolution else None,
            "outcome_reported_value": shown(resolution.reported_value) if resolution else None,
            "outcome_known_at": _iso(resolution.outcome_known_at) if resolution else None,
            "brier": score.brier if score else None,
            "brier_0_2": 2 * score.brier if score and score.brier is not None else None,
            "brier_final": score.brier_final if score else None,
            "log_loss": score.log_loss if score else None,
            "relative_brier": score.relative_brier if score else None,
            "baseline": score.baseline if score else None,  # Metaculus's, higher is better
            "peer": score.peer if score else None,
            # Numeric and date questions: weighted interval score in the unit (days for
            # dates), on the range mapped to [0, 1], and the point's errors.
            "wis": quantity.wis if quantity else None,
            "wis_final": quantity.wis_final if quantity else None,
            "wis_normalised": quantity.normalised if quantity else None,
            "abs_error": quantity.abs_error if quantity else None,
            "rel_error": quantity.rel_error if quantity else None,
            # This forecast is in its author's score on the question; ``final``: it is the
            # one the final-forecast score used ("Scored as" on the author page).
            "counted": pair_counted and f.pk in used.ids,
            "final": pair_counted and used.final.get((f.author_id, f.question_id)) == f.pk,
            "excluded_reason": excluded,
        }


def scorecard_rows(queryset) -> Iterator[dict]:
    """One flat dict per stored scorecard (tag empty for the overall card), with its rank."""
    ranks = stored_ranks()
    for card in (
        queryset.select_related("author", "tag")
        .order_by("author__slug", "author_id", "tag__slug")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "author_id": card.author_id,
            "author_slug": card.author.slug,
            "author_name": card.author.name,
            "is_synthetic": card.author.is_synthetic,
            "tag": card.tag.slug if card.tag else None,
            "rank": ranks.get((card.author_id, card.tag_id)),
            **{name: getattr(card, name) for name in FIGURES},
            "computed_at": _iso(card.computed_at),
        }

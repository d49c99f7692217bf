"""Forecasts: checked, recorded, and corrected only with an audited reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from forecasts.ledger import quantities, rules
from forecasts.ledger.questions import queue_rescore
from forecasts.ledger.resolutions import mark_resolution_changed
from forecasts.models import (
    Author,
    ClaimDirection,
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    ForecastQuantile,
    Option,
    Question,
    Source,
)
from forecasts.models.forecast import READING_TOLERANCE

CORRECTABLE_FORECAST_FIELDS = (
    "probability",
    "stated_at",
    "quote",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "conversion_note",
    "source",
    "stated_probability",
    "stated_outcome",
    "question_agrees",
    "value",
    "value_low",
    "value_high",
    "coverage",
)
# Correctable too, though not a column of the forecast: its quantiles, replaced whole.
QUANTILES = "quantiles"
PROBABILITY_FIELDS = (
    "probability",
    "interval_low",
    "interval_high",
    "scale_point",
    "stated_probability",
)
# What P(yes) and the author's own number are kept in step by (see _follow_the_reading).
READING_FIELDS = ("probability", "stated_probability", "question_agrees")


@dataclass(frozen=True)
class CheckedForecast:
    """A forecast's numbers after validation, ready to be written."""

    probability: float | None
    option_pairs: list[tuple[Option, float]]
    interval_low: float | None
    interval_high: float | None
    scale_point: float | None
    values: quantities.CheckedValues = quantities.CheckedValues()


# Relations are checked by the service itself; a forecast on a yes/no or
# multiple-choice question has no values, so the value constraints (each a query
# in a savepoint) are left to the database.
_RELATIONS = ["question", "author", "source", "entered_by"]
_VALUE_FIELDS = ["value", "value_low", "value_high", "coverage"]


def _not_checked(question: Question) -> list[str]:
    return _RELATIONS if question.is_quantity else _RELATIONS + _VALUE_FIELDS


def forecast_check(
    *,
    question: Question,
    stated_at: datetime,
    probability: float | None = None,
    option_probabilities: Mapping[int, float] | Sequence[float] | None = None,
    source: Source | None = None,
    interval: tuple[float, float] | None = None,
    scale_point: float | None = None,
    allow_draft: bool = False,
    now: datetime | None = None,
    author: Author | None = None,
    value: float | None = None,
    value_low: float | None = None,
    value_high: float | None = None,
    coverage: float | None = None,
    quantiles: Sequence[tuple[float, float]] | None = None,
) -> CheckedForecast:
    """Validate a would-be forecast without writing anything (forms call this too).

    Given the ``author``, it also refuses a second forecast by them on the question
    stated at the same moment. A numeric or date question takes values instead of
    a probability (``forecasts.ledger.quantities``): a point, an interval with its
    coverage (or the scale's point for the author's hedge), and/or quantiles as
    (level, value) pairs; a date question's values are day numbers.
    """
    now = now or timezone.now()
    rules.check_takes_forecasts(question, allow_draft=allow_draft)
    _check_timing(question=question, stated_at=stated_at, now=now)
    if author is not None:
        check_not_repeated(question=question, author=author, stated_at=stated_at)
    rules.check_dated_source(stated_at, source=source, now=now)
    stated: dict[str, Any] = {
        "value": value,
        "value_low": value_low,
        "value_high": value_high,
        "coverage": coverage,
        "quantiles": quantiles,
    }
    rules.check_forecast_kind(
        question,
        probability_given=probability is not None or bool(option_probabilities),
        values_given=quantities.given_fields(**stated),
    )
    low, high = rules.check_interval(*interval) if interval is not None else (None, None)
    if scale_point is not None:
        scale_point = rules.check_probability(scale_point, "scale_point")
    if question.is_quantity:
        values = quantities.check_values(question=question, scale_point=scale_point, **stated)
        return CheckedForecast(None, [], low, high, scale_point, values)
    rules.check_probability_kind(
        question,
        probability=probability,
        option_probabilities_given=bool(option_probabilities),
    )
    pairs: list[tuple[Option, float]] = []
    if question.is_binary:
        probability = rules.check_probability(probability, "probability")
    else:
        pairs = _option_probabilities(question, option_probabilities)
    return CheckedForecast(probability, pairs, low, high, scale_point)


def _check_timing(*, question: Question, stated_at: datetime, now: datetime) -> None:
    """No hindsight: stated before close, before the outcome was known, not in the future."""
    rules.check_aware(stated_at, "stated_at")
    rules.check_stated_before_close(stated_at, question=question, now=now)
    if question.pk is None:
        return
    current = question.resolutions.filter(is_current=True).first()
    rules.check_stated_before_outcome(stated_at, current=current)


def check_not_repeated(
    *, question: Question, author: Author, stated_at: datetime, exclude_pk: int | None = None
) -> None:
    """One forecast per author, question and moment (a database constraint too).

    Two would leave the scorer to pick one of them silently. A change of mind is
    a new forecast at the later moment; a mistyped number is a correction.
    """
    if question.pk is None or author.pk is None:
        return
    same = Forecast.objects.filter(question=question, author=author, stated_at=stated_at)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    existing = same.first()
    if existing is not None:
        raise ValidationError(
            {"stated_at": ValidationError(repeated_message(existing), code=rules.CONFLICT)}
        )


def repeated_message(forecast: Forecast) -> str:
    """The words for a forecast whose author, question and moment are already taken."""
    return (
        f"{forecast.author} already has a forecast on this question stated at "
        f"{forecast.stated_at:%Y-%m-%d %H:%M:%S} UTC. A change of mind is a new forecast "
        "stated later; a mistyped number is corrected, with a reason."
    )


def _option_probabilities(
    question: Question, given: Mapping[int, float] | Sequence[float] | None
) -> list[tuple[Option, float]]:
    """Pair each option of a multiple-choice question with its probability."""
    if question.pk is None:
        raise ValidationError(
            {"option_probabilities": "Save the question with its options before adding forecasts."}
        )
    options = list(question.options.order_by("position", "pk"))
    if len(options) < 2:
        raise ValidationError(
            {"question": "A multiple-choice question needs at least two options."}
        )
    if given is None:
        raise ValidationError({"option_probabilities": "Give one probability per option."})
    if isinstance(given, Mapping):
        unknown = set(given) - {o.pk for o in options}
        if unknown:
            raise ValidationError(
                {"option_probabilities": f"Unknown options for this question: {sorted(unknown)}."}
            )
        values = [given.get(o.pk) for o in options]
    else:
        values = list(given)
    checked = rules.check_option_probabilities(values, n_options=len(options))
    return list(zip(options, checked, strict=True))


@transaction.atomic
def forecast_create(
    *,
    question: Question,
    author: Author,
    stated_at: datetime,
    probability: float | None = None,
    option_probabilities: Mapping[int, float] | Sequence[float] | None = None,
    source: Source | None = None,
    quote: str = "",
    phrase: str = "",
    scale: str = "numeric",
    interval: tuple[float, float] | None = None,
    scale_point: float | None = None,
    conversion_note: str = "",
    direction: str = "",
    stated_probability: float | None = None,
    stated_outcome: str = "",
    question_agrees: bool | None = None,
    entered_by=None,
    allow_draft: bool = False,
    rescore: bool = True,
    import_id: str | None = None,
    value: float | None = None,
    value_low: float | None = None,
    value_high: float | None = None,
    coverage: float | None = None,
    quantiles: Sequence[tuple[float, float]] | None = None,
) -> Forecast:
    """Record a new forecast; the only way a forecast comes into being.

    Once the transaction commits, the question is rescored so that its
    author's cards count the claim; a caller recording many claims at once
    passes ``rescore=False`` and calls ``queue_rescore`` once per question.
    ``import_id`` keeps the row id of an imported record (``transfer.records``),
    so the same row is never imported twice.

    The reading of worded claims: ``stated_probability`` is the number the
    words give to ``stated_outcome`` (the side the author asserts),
    ``direction`` the detector's record of which way they lean and
    ``question_agrees`` the confirmed answer to "does YES mean that side?";
    when both are given, ``probability`` may be left out and is derived.
    A yes/no reading has no place on a numeric or date question, whose
    forecasts are values (``value``, ``value_low``/``value_high`` with
    ``coverage``, ``quantiles``; see ``forecast_check``).
    """
    now = timezone.now()
    if question.is_quantity and stated_probability is not None:
        raise ValidationError(
            {"stated_probability": "A numeric or date question takes values, not a probability."}
        )
    if stated_probability is not None:
        stated_probability = rules.check_probability(stated_probability, "stated_probability")
        if question_agrees is not None:
            derived = rules.probability_on_question(stated_probability, agrees=question_agrees)
            if probability is None:
                probability = derived
            elif not _close(probability, derived):
                raise ValidationError({"probability": _disagreement(derived, question_agrees)})
    # Lock the question so a resolution cannot slip in between check and write.
    question = Question.objects.select_for_update().get(pk=question.pk)
    checked = forecast_check(
        question=question,
        stated_at=stated_at,
        probability=probability,
        option_probabilities=option_probabilities,
        source=source,
        interval=interval,
        scale_point=scale_point,
        allow_draft=allow_draft,
        now=now,
        value=value,
        value_low=value_low,
        value_high=value_high,
        coverage=coverage,
        quantiles=quantiles,
    )
    forecast = Forecast(
        question=question,
        author=author,
        source=source,
        stated_at=stated_at,
        recorded_at=now,
        probability=checked.probability,
        quote=quote,
        phrase=phrase,
        scale=scale,
        interval_low=checked.interval_low,
        interval_high=checked.interval_high,
        scale_point=checked.scale_point,
        conversion_note=conversion_note,
        direction=direction,
        stated_probability=stated_probability,
        stated_outcome=stated_outcome,
        question_agrees=question_agrees,
        entered_by=entered_by if getattr(entered_by, "pk", None) else None,
        import_id=import_id,
        **checked.values.model_fields(),
    )
    forecast.full_clean(exclude=_not_checked(question))
    _save_once(forecast)
    ForecastProbability.objects.bulk_create(
        ForecastProbability(forecast=forecast, option=option, probability=p)
        for option, p in checked.option_pairs
    )
    if checked.values.quantiles:
        ForecastQuantile.objects.bulk_create(checked.values.quantile_rows(forecast))
    if rescore and question.state != Question.State.DRAFT:
        # The author's cards count the claim at once: pending until the question
        # resolves, or left out as hindsight if its outcome was already known.
        queue_rescore([question.pk])
    return forecast


# How each database names the unique constraint when it refuses a repeated forecast.
_REPEATED_MARKS = (
    "forecast_one_per_author_question_moment",
    "UNIQUE constraint failed: forecasts_forecast.question_id, forecasts_forecast.author_id, "
    "forecasts_forecast.stated_at",
)


def _save_once(forecast: Forecast) -> None:
    """Insert; a repeated (question, author, stated_at) becomes the service's own message.

    The database's unique constraint finds the repeat, so a forecast costs no
    extra query; the enclosing transaction rolls back, writing nothing.
    """
    try:
        forecast.save()
    except IntegrityError as exc:
        if not any(mark in str(exc) for mark in _REPEATED_MARKS):
            raise
        message = repeated_message(forecast)
        raise ValidationError({"stated_at": ValidationError(message, code=rules.CONFLICT)}) from exc


def forecast_correction_check(
    *, forecast: Forecast, changes: Mapping[str, object], reason: str
) -> dict[str, object]:
    """Validate a correction without writing; returns the cleaned changes."""
    if not reason.strip():
        raise ValidationError({"reason": "Say what was mistyped."})
    unknown = set(changes) - {*CORRECTABLE_FORECAST_FIELDS, QUANTILES}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be corrected."})
    cleaned: dict[str, Any] = dict(changes)
    for field in PROBABILITY_FIELDS:
        if cleaned.get(field) is not None:
            cleaned[field] = rules.check_probability(cleaned[field], field)
    if forecast.question.is_binary and "probability" in cleaned and cleaned["probability"] is None:
        raise ValidationError({"probability": "A binary forecast needs a probability."})
    if "stated_at" in cleaned:
        _check_timing(
            question=forecast.question, stated_at=cleaned["stated_at"], now=forecast.recorded_at
        )
        check_not_repeated(
            question=forecast.question,
            author=forecast.author,
            stated_at=cleaned["stated_at"],
            exclude_pk=forecast.pk,
        )
    _follow_the_reading(forecast, cleaned)
    _check_corrected_values(forecast, cleaned)
    rules.check_interval_order(
        cleaned.get("interval_low", forecast.interval_low),
        cleaned.get("interval_high", forecast.interval_high),
    )
    return cleaned


def _check_corrected_values(forecast: Forecast, cleaned: dict[str, Any]) -> None:
    """A corrected point, interval or coverage is checked with the values left as they were."""
    changed = set(cleaned) & set(quantities.VALUE_FIELDS)
    if not changed:
        return
    if not forecast.question.is_quantity:
        raise ValidationError(
            {sorted(changed)[0]: "Only numeric and date questions take values; give a probability."}
        )
    stored = quantities.stored_values(forecast)
    merged = {**stored.model_fields(), QUANTILES: list(stored.quantiles) or None, **cleaned}
    checked = quantities.check_values(
        question=forecast.question,
        value=merged["value"],
        value_low=merged["value_low"],
        value_high=merged["value_high"],
        coverage=merged["coverage"],
        quantiles=merged[QUANTILES],
    )
    if not quantities.given_fields(**checked.model_fields(), quantiles=checked.quantiles or None):
        raise ValidationError(
            {sorted(changed)[0]: "A forecast keeps a point, an interval or quantiles."}
        )
    for field in changed:
        cleaned[field] = getattr(checked, field)
    if QUANTILES in changed:
        cleaned[QUANTILES] = list(checked.quantiles)


def asks_the_authors_side(forecast: Forecast) -> bool:
    """Whether ``forecast.probability`` is now the number for the side the author asserts.

    Confirmed forecasts say so; an unconfirmed draft carries the number for
    the positive wording ("Will the EU meet its target?"), so a claim that
    negates does not; a forecast with no reading is the author's number as given.
    """
    if forecast.question_agrees is not None:
        return forecast.question_agrees
    return forecast.direction != ClaimDirection.NEGATES


def _follow_the_reading(forecast: Forecast, cleaned: dict[str, Any]) -> None:
    """Keep P(yes) and the author's number in step when either, or the direction, changes.

    Confirming or correcting the direction (``question_agrees``) flips P(yes),
    the interval and the scale's point to the other side when the question now
    asks the other side; an override of P(yes) moves the author's number with
    it, and a corrected author's number moves P(yes). The database checks the
    result (``forecast_probability_follows_the_reading``).
    """
    if not set(cleaned) & set(READING_FIELDS):
        return
    agrees = cleaned.get("question_agrees", forecast.question_agrees)
    if agrees is None:
        if "question_agrees" in cleaned and forecast.question_agrees is not None:
            raise ValidationError(
                {"question_agrees": "A confirmed direction can be corrected, not removed."}
            )
        return
    if not forecast.question.is_binary:
        raise ValidationError(
            {"question_agrees": "Only a yes/no question asks one side of a claim."}
        )
    was = asks_the_authors_side(forecast)
    if cleaned.get("stated_probability") is not None:
        derived = rules.probability_on_question(cleaned["stated_probability"], agrees=agrees)
        if "probability" in cleaned and not _close(cleaned["probability"], derived):
            raise ValidationError({"probability": _disagreement(derived, agrees)})
        cleaned["probability"] = derived
    else:
        if "probability" not in cleaned and forecast.probability is not None:
            cleaned["probability"] = (
                forecast.probability
                if agrees == was
                else rules.probability_on_question(forecast.probability, agrees=False)
            )
        if cleaned.get("probability") is not None:
            cleaned["stated_probability"] = rules.probability_on_question(
                cleaned["probability"], agrees=agrees
            )
    if agrees != was:
        _flip_the_scale(forecast, cleaned)


def _flip_the_scale(forecast: Forecast, cleaned: dict[str, Any]) -> None:
    """The scale's interval and point, moved to the side the question now asks."""
    low, high = forecast.interval_low, forecast.interval_high
    given = {"interval_low", "interval_high"} & set(cleaned)
    if low is not None and high is not None and not given:
        cleaned["interval_low"], cleaned["interval_high"] = round(1 - high, 6), round(1 - low, 6)
    if forecast.scale_point is not None and "scale_point" not in cleaned:
        cleaned["scale_point"] = round(1 - forecast.scale_point, 6)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= READING_TOLERANCE


def _disagreement(derived: float, agrees: bool) -> str:
    side = "the side the author asserts" if agrees else "the opposite of what the author asserts"
    return (
        f"The question asks {side}, so the author's words give it {derived:.4g}; "
        "correct the author's number or the direction instead."
    )


@transaction.atomic
def forecast_correct(
    *, forecast: Forecast, changes: Mapping[str, object], reason: str, by
) -> Forecast:
    """Fix a typing mistake in a forecast, leaving an audit row per changed field.

    Forecasts are otherwise immutable (a database trigger refuses updates on
    PostgreSQL); this service lifts that guard for its own transaction only.
    """
    forecast = Forecast.objects.select_for_update().select_related("question").get(pk=forecast.pk)
    changes = forecast_correction_check(forecast=forecast, changes=changes, reason=reason)
    audits = []
    for field, new in changes.items():
        old = _stated_quantiles(forecast) if field == QUANTILES else getattr(forecast, field)
        if old == new:
            continue
        audits.append(
            ForecastCorrection(
                forecast=forecast,
                field=field,
                old_value=_text(old),
                new_value=_text(new),
                reason=reason,
                corrected_by=by if getattr(by, "pk", None) else None,
            )
        )
        if field != QUANTILES:
            setattr(forecast, field, new)
    if not audits:
        return forecast
    forecast.full_clean(exclude=_not_checked(forecast.question))
    allow_forecast_writes()
    forecast.save()
    if any(audit.field == QUANTILES for audit in audits):  # replaced whole
        forecast.quantiles.all().delete()
        pairs: list[tuple[float, float]] = changes[QUANTILES]  # type: ignore[assignment]
        ForecastQuantile.objects.bulk_create(
            quantities.CheckedValues(quantiles=tuple(pairs)).quantile_rows(forecast)
        )
    ForecastCorrection.objects.bulk_create(audits)
    # Only a question with an outcome has scores to redo (a draft or live one has none).
    if forecast.question.state in (Question.State.RESOLVED, Question.State.ANNULLED):
        mark_resolution_changed([forecast.question_id])
    return forecast


def forecast_confirm_direction(
    *, forecast: Forecast, question_agrees: bool, by, reason: str = ""
) -> Forecast:
    """Record which side the question asks: the author's (True) or the opposite (False).

    Whoever words or rewords a question confirms this for each worded claim on
    it. P(yes), the interval and the scale's point move to the side asked
    (``_follow_the_reading``), and the change is audited like any correction.
    On a draft the reason may be left out; on a published question it says
    what was wrong, since the published number changes and is rescored.
    """
    forecast = Forecast.objects.select_related("question").get(pk=forecast.pk)
    if not reason.strip():
        if forecast.question.state != Question.State.DRAFT:
            raise ValidationError(
                {"reason": "Say why the direction changes: the published number flips."}
            )
        reason = f"Direction confirmed when wording “{forecast.question.title}”."
    return forecast_correct(
        forecast=forecast, changes={"question_agrees": question_agrees}, reason=reason, by=by
    )


def _stated_quantiles(forecast: Forecast) -> list[tuple[float, float]]:
    return list(quantities.stored_values(forecast).quantiles)


def _text(value: object) -> str:
    if isinstance(value, list):  # quantiles: (level, value) pairs
        return "; ".join(f"{level:g}: {number:g}" for level, number in value)
    return "" if value is None else str(value)


def allow_forecast_writes() -> None:
    """Lift the database's forecast-immutability guard for the current transaction only.

    For the few ledger writes that must change or delete stored forecasts (an
    audited correction, discarding a never-published draft); SQLite has no guard.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")

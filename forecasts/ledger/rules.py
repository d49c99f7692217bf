"""The rules that protect a record, as pure checks: they read the objects they are
given and never the database, and write nothing.

Each raises Django's ValidationError with a dict keyed by the field at fault,
so a caller shows the message next to that field. The services (forecast_check
and the rest), the admin's forms, the API and the all-or-nothing CSV import
(``forecasts.transfer.imports``) check with these, so they accept and refuse
the same values with the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from forecasts.models import Option, Question, Resolution, Source

# Multiple-choice probabilities may miss 1 by this much (floating point).
SUM_TOLERANCE = 1e-6
# The longest quote, conversion note or evidence note accepted, wherever it is entered.
TEXT_MAX = 20_000
# A number written in a text field (a CSV cell) as JSON writes it: ASCII digits,
# an optional sign, fraction and exponent; no "_" separators, no other scripts'
# digits, no "inf" or "nan" (Python's float() would take all of those).
_NUMBER_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NON_FINITE = frozenset({"nan", "inf", "infinity"})
# A claim stated more than this long before it is recorded is "historical"
# and must cite a dated source (DESIGN.md, no hindsight).
HISTORICAL_GRACE = timedelta(days=1)

# The code of a refusal of a well-formed write that clashes with what the ledger
# already holds (a second forecast at the same moment): the API answers it 409.
CONFLICT = "conflict"


def check_probability(value: object, field: str) -> float:
    """``value`` as a float if it is a real number in [0, 1].

    NaN, infinities, booleans and strings are refused with a ValidationError
    keyed by ``field``. The admin, the API and the CSV import all check
    probabilities here, so they accept and refuse the same numbers.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = type(value).__name__
        raise ValidationError({field: f"Enter a number between 0 and 1 (not {kind})."})
    try:
        value = float(value)
    except OverflowError:  # an integer beyond any float, e.g. 10**309
        bound = "less than or equal to 1" if value > 0 else "greater than or equal to 0"
        raise ValidationError({field: f"Probability must be between 0 and 1: {bound}."}) from None
    if not math.isfinite(value):
        raise ValidationError(
            {field: "Enter a finite number between 0 and 1 (not NaN or infinity)."}
        )
    if value > 1.0:
        message = f"Probability must be between 0 and 1: less than or equal to 1, not {value}."
        raise ValidationError({field: message})
    if value < 0.0:
        message = f"Probability must be between 0 and 1: greater than or equal to 0, not {value}."
        raise ValidationError({field: message})
    return value


def probability_on_question(stated: float, *, agrees: bool) -> float:
    """P(yes) from the number the author's words give to the side they assert.

    "Will almost certainly miss" is 97% on missing: a question asking "Will it
    miss?" (``agrees``) carries 97%, one asking "Will it meet?" carries 3%.
    """
    return stated if agrees else round(1 - stated, 6)


def parse_probability_text(text: str, field: str) -> float:
    """A probability written as text (a CSV cell), read exactly as the API reads JSON.

    The API takes only JSON numbers; so does this: ``0.25``, ``1``, ``2.5e-1``.
    ``٠.٥``, ``0.5_0``, ``1_0e-1`` and ``.5`` are refused with a message naming
    ``field``; NaN and infinities, and any number outside [0, 1], get
    ``check_probability``'s words.
    """
    text = text.strip()
    if text.lower().lstrip("+-") in _NON_FINITE:
        return check_probability(float(text), field)  # the API's words for NaN and infinity
    if not _NUMBER_TEXT.fullmatch(text):
        raise ValidationError(
            {field: f"“{text[:40]}” is not a number; write it like 0.25 (digits 0-9 and a point)."}
        )
    return check_probability(float(text), field)


def check_text_length(value: str, field: str, *, limit: int = TEXT_MAX) -> None:
    """At most ``limit`` characters, the cap the API's serializers state in the schema."""
    if len(value) > limit:
        raise ValidationError(
            {field: f"Ensure this field has no more than {limit} characters (it has {len(value)})."}
        )


def check_aware(value: datetime | None, field: str) -> None:
    """A date and time with a time zone (deadlines are compared across zones)."""
    if value is None or timezone.is_naive(value):
        raise ValidationError({field: "Give a date and time with a time zone."})


def check_takes_forecasts(question: Question, *, allow_draft: bool = False) -> None:
    """A draft takes forecasts only from drafting (``allow_draft``), never from editors."""
    if question.state == Question.State.DRAFT and not allow_draft:
        raise ValidationError({"question": "This question is a draft; approve it first."})


def check_stated_before_close(stated_at: datetime, *, question: Question, now: datetime) -> None:
    """Stated no later than the question's close, and not in the future."""
    if stated_at > now:
        raise ValidationError({"stated_at": "A forecast cannot be stated in the future."})
    if stated_at > question.closes_at:
        raise ValidationError(
            {
                "stated_at": f"The question closed at {question.closes_at:%Y-%m-%d %H:%M} UTC; "
                "forecasts stated after that do not count."
            }
        )


def check_stated_before_outcome(stated_at: datetime, *, current: Resolution | None) -> None:
    """No hindsight: an annulled question takes nothing, and a forecast must predate the
    outcome becoming known (``current`` is the question's current resolution, if any)."""
    if current is None:
        return
    if current.is_annulled:
        raise ValidationError({"question": "This question was annulled; it takes no forecasts."})
    if stated_at >= current.outcome_known_at:
        raise ValidationError({"stated_at": "The outcome was already known when this was stated."})


def check_dated_source(stated_at: datetime, *, source: Source | None, now: datetime) -> None:
    """A claim entered long after it was made proves when it was said with a dated source."""
    if stated_at < now - HISTORICAL_GRACE and (source is None or source.published_on is None):
        raise ValidationError({"source": "A historical claim must cite a source with a date."})


def check_probability_kind(
    question: Question, *, probability: object, option_probabilities_given: bool
) -> None:
    """A binary question takes one probability; a multiple-choice one, one per option."""
    if question.is_binary:
        if option_probabilities_given:
            raise ValidationError(
                {"option_probabilities": "A binary question takes one probability."}
            )
        if probability is None:
            raise ValidationError({"probability": "This field is required."})
    elif probability is not None:
        raise ValidationError(
            {"probability": "Give option probabilities for a multiple-choice question."}
        )


def check_option_probabilities(values: Sequence[object], *, n_options: int) -> list[float]:
    """One probability per option (``None`` marks a missing one), each in [0, 1], summing to 1."""
    if len(values) != n_options or any(v is None for v in values):
        message = f"Give exactly one probability for each of the {n_options} options."
        raise ValidationError({"option_probabilities": message})
    checked = [check_probability(v, "option_probabilities") for v in values]
    total = math.fsum(checked)
    if abs(total - 1.0) > SUM_TOLERANCE:
        message = f"Option probabilities must sum to 1; they sum to {total:.6g}."
        raise ValidationError({"option_probabilities": message})
    return checked


def check_interval_ends(low: object, high: object) -> None:
    """An interval has both ends or neither."""
    if (low is None) != (high is None):
        field = "interval_high" if high is None else "interval_low"
        raise ValidationError({field: "Give both ends of the interval."})


def check_interval(low: object, high: object) -> tuple[float | None, float | None]:
    """The interval a verbal scale gives, as (low, high) probabilities; (None, None) if none."""
    if low is not None:
        low = check_probability(low, "interval_low")
    if high is not None:
        high = check_probability(high, "interval_high")
    check_interval_ends(low, high)
    check_interval_order(low, high)
    return low, high


def check_interval_order(low: float | None, high: float | None) -> None:
    """The upper end is not below the lower one (nothing to check without both)."""
    if low is not None and high is not None and low > high:
        raise ValidationError({"interval_high": "The interval's upper end is below its lower end."})


def check_schedule(*, opens_at: datetime, closes_at: datetime, resolve_by: datetime) -> None:
    """A question opens, then closes, then falls due; all three with a time zone."""
    for field, value in (
        ("opens_at", opens_at),
        ("closes_at", closes_at),
        ("resolve_by", resolve_by),
    ):
        check_aware(value, field)
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": "A question must close after it opens."})
    if resolve_by < closes_at:
        raise ValidationError(
            {"resolve_by": "The outcome cannot be due before the question closes."}
        )


NO_OPTIONS: dict[str, str] = {
    Question.Kind.BINARY: "A binary question has no options (its outcome is yes or no).",
    Question.Kind.NUMERIC: "A numeric question has no options (its outcome is a number).",
    Question.Kind.DATE: "A date question has no options (its outcome is a date).",
}


def check_option_labels(kind: str, labels: Sequence[str]) -> None:
    """Only a multiple-choice question has options: two or more, labelled, all different
    (the database refuses an option on another kind too, migration ``0031``)."""
    if kind != Question.Kind.MULTIPLE_CHOICE and labels:
        raise ValidationError({"options": NO_OPTIONS.get(kind, "This question has no options.")})
    if kind == Question.Kind.MULTIPLE_CHOICE:
        if len(labels) < 2 or any(not label for label in labels):
            raise ValidationError(
                {"options": "A multiple-choice question needs two or more labelled options."}
            )
        if len(set(labels)) != len(labels):
            raise ValidationError({"options": "Option labels must differ."})


def check_outcome(
    question: Question, outcome: str, option: Option | None, value: object = None
) -> None:
    """The outcome is one this question can have (an option of its own, for multiple
    choice; a value, for numeric and date questions)."""
    allowed = {Resolution.Outcome.ANNULLED}
    if question.is_binary:
        allowed |= {Resolution.Outcome.YES, Resolution.Outcome.NO}
    elif question.is_quantity:
        allowed.add(Resolution.Outcome.VALUE)
    else:
        allowed.add(Resolution.Outcome.OPTION)
    if outcome not in allowed:
        raise ValidationError(
            {"outcome": f"For this question choose one of: {', '.join(sorted(allowed))}."}
        )
    if outcome == Resolution.Outcome.OPTION:
        if option is None:
            raise ValidationError({"option": "Choose the option that happened."})
        if option.question_id != question.pk:
            raise ValidationError({"option": "That option belongs to another question."})
    elif option is not None:
        raise ValidationError({"option": "Only an 'option' outcome names an option."})
    if outcome == Resolution.Outcome.VALUE and value is None:
        raise ValidationError({"value": "Give the value that was reported."})
    if outcome != Resolution.Outcome.VALUE and value is not None:
        raise ValidationError({"value": "Only a 'value' outcome records a value."})


def clamp_outcome(value: object, *, question: Question) -> tuple[float, float | None]:
    """The value scored and, when it lay beyond a closed end, the value as reported.

    A closed end means the outcome cannot lie beyond it: a reported value past it
    resolves to the bound (and the reported one is kept). On a log scale the
    value scored must be above zero.
    """
    reported = check_value(value, "value")
    scored = reported
    if question.range_low_closed and question.range_low is not None:
        scored = max(scored, question.range_low)
    if question.range_high_closed and question.range_high is not None:
        scored = min(scored, question.range_high)
    if question.log_scale and scored <= 0:
        raise ValidationError(
            {"value": f"On a log scale the outcome must be above zero (not {scored:g})."}
        )
    return scored, (reported if scored != reported else None)


def check_known_by(outcome_known_at: datetime, *, now: datetime) -> None:
    """An outcome became known at a real moment, not yet to come."""
    check_aware(outcome_known_at, "outcome_known_at")
    if outcome_known_at > now:
        raise ValidationError(
            {"outcome_known_at": "The outcome cannot become known in the future."}
        )


def check_known_after_opening(outcome_known_at: datetime, *, question: Question) -> None:
    """An outcome known before the question opened would make every claim hindsight."""
    if outcome_known_at < question.opens_at:
        raise ValidationError(
            {
                "outcome_known_at": "The outcome cannot have been known before the question "
                f"opened ({question.opens_at:%Y-%m-%d %H:%M} UTC): every forecast on it would "
                "count as hindsight. Check the date."
            }
        )


def check_kind_unchanged(*, old: str, new: str, has_forecasts: bool, has_resolution: bool) -> None:
    """A question's kind is fixed once forecasts or an outcome were given for that kind."""
    if old == new or not (has_forecasts or has_resolution):
        return
    held = (
        "forecasts and a resolution"
        if has_forecasts and has_resolution
        else ("forecasts" if has_forecasts else "a resolution")
    )
    raise ValidationError(
        {
            "kind": f"This question has {held} given as {old.replace('_', ' ')}; its kind cannot "
            "change. Annul it (with a reason) and ask a new question instead."
        }
    )


def check_close_keeps_forecasts(closes_at: datetime, *, dropped: Sequence[datetime]) -> None:
    """Moving the close earlier must not turn forecasts stated while open into late ones.

    ``dropped`` are the stated times of the forecasts that were before the old
    close and would be after the new one.
    """
    if not dropped:
        return
    latest = max(dropped)
    raise ValidationError(
        {
            "closes_at": f"{len(dropped)} forecast(s) were stated while the question was open "
            f"and would count as stated after this close (the latest at "
            f"{latest:%Y-%m-%d %H:%M:%S} UTC), so they would stop being scored. "
            "Close at or after that moment."
        }
    )


# --- numeric and date questions ---------------------------------------------
# Values are plain numbers in the question's unit; a date question's are UTC days
# since 1970-01-01 (forecasts.models.quantity), converted by the interfaces.

QUANTITY_KINDS = (Question.Kind.NUMERIC, Question.Kind.DATE)
UNIT_MAX = 40


def check_value(value: object, field: str) -> float:
    """``value`` as a float if it is a finite real number (not a boolean or a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = type(value).__name__
        raise ValidationError({field: f"Enter a number (not {kind})."})
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        raise ValidationError({field: "Enter a finite number (this one is too large)."}) from None
    if not math.isfinite(number):
        raise ValidationError({field: "Enter a finite number (not NaN or infinity)."})
    return number


def check_open_unit_interval(value: object, field: str) -> float:
    """A probability strictly between 0 and 1: a coverage, or a quantile's level."""
    number = check_probability(value, field)
    if not 0.0 < number < 1.0:
        raise ValidationError(
            {field: f"Must be strictly between 0 and 1 (not {number:g}): 0 and 1 say nothing."}
        )
    return number


@dataclass(frozen=True)
class QuantitySettings:
    """A numeric or date question's unit and range, checked (all empty for other kinds)."""

    unit: str = ""
    range_low: float | None = None
    range_high: float | None = None
    range_low_closed: bool = False
    range_high_closed: bool = False
    log_scale: bool = False

    def as_fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def check_quantity_settings(
    *,
    kind: str,
    unit: str = "",
    range_low: object = None,
    range_high: object = None,
    range_low_closed: bool = False,
    range_high_closed: bool = False,
    log_scale: bool = False,
) -> QuantitySettings:
    """The unit, range and log scale a question of ``kind`` may have.

    Only numeric and date questions have them; a closed end needs its value; the
    low end is below the high end; a log scale is for numeric questions whose
    range lies above zero. Date ranges are day numbers.
    """
    given = {
        "unit": bool(unit),
        "range_low": range_low is not None,
        "range_high": range_high is not None,
        "range_low_closed": range_low_closed,
        "range_high_closed": range_high_closed,
        "log_scale": log_scale,
    }
    if kind not in QUANTITY_KINDS:
        for field, present in given.items():
            if present:
                raise ValidationError(
                    {field: "Only numeric and date questions have a unit, a range or a log scale."}
                )
        return QuantitySettings()
    check_text_length(unit, "unit", limit=UNIT_MAX)
    low = None if range_low is None else check_value(range_low, "range_low")
    high = None if range_high is None else check_value(range_high, "range_high")
    for field, closed, end in (
        ("range_low", range_low_closed, low),
        ("range_high", range_high_closed, high),
    ):
        if closed and end is None:
            raise ValidationError({field: "A closed end of the range needs a value."})
    if low is not None and high is not None and not low < high:
        raise ValidationError({"range_high": "The range's high end must be above its low end."})
    if log_scale:
        if kind != Question.Kind.NUMERIC:
            raise ValidationError({"log_scale": "Only a numeric question has a log scale."})
        if low is None or high is None or low <= 0:
            raise ValidationError(
                {"log_scale": "A log scale needs a range with both ends above zero."}
            )
    return QuantitySettings(
        unit.strip(), low, high, bool(range_low_closed), bool(range_high_closed), bool(log_scale)
    )


def check_within_range(value: float, field: str, *, question: Question) -> None:
    """A forecast's value inside the closed ends of the range, and above zero on a log scale."""
    if question.log_scale and value <= 0:
        raise ValidationError(
            {field: f"On a log scale every value must be above zero (not {value:g})."}
        )
    if question.range_low_closed and question.range_low is not None and value < question.range_low:
        raise ValidationError(
            {field: f"{value:g} is below the closed low end of the range ({question.range_low:g})."}
        )
    if (
        question.range_high_closed
        and question.range_high is not None
        and value > question.range_high
    ):
        raise ValidationError(
            {
                field: f"{value:g} is above the closed high end of the range "
                f"({question.range_high:g})."
            }
        )


def check_quantiles(pairs: Sequence[object]) -> list[tuple[float, float]]:
    """(level, value) pairs: levels inside (0, 1) and each once; values not decreasing.

    Returned sorted by level. Each refusal names ``quantiles`` and says which entry.
    """
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Sequence) or not pairs:
        raise ValidationError({"quantiles": "Give a list of (level, value) pairs."})
    checked: list[tuple[float, float]] = []
    for i, pair in enumerate(pairs):
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValidationError({"quantiles": f"Entry {i + 1} is not a (level, value) pair."})
        level = _entry(check_open_unit_interval, pair[0], i, "level")
        value = _entry(check_value, pair[1], i, "value")
        checked.append((level, value))
    checked.sort()
    for (level_a, value_a), (level_b, value_b) in zip(checked, checked[1:], strict=False):
        if level_a == level_b:
            raise ValidationError({"quantiles": f"The level {level_a:g} is given twice."})
        if value_b < value_a:
            raise ValidationError(
                {
                    "quantiles": f"Quantiles must not decrease as the level rises: "
                    f"{value_b:g} at {level_b:g} is below {value_a:g} at {level_a:g}."
                }
            )
    return checked


def _entry(check, raw: object, i: int, part: str) -> float:
    try:
        return check(raw, "quantiles")
    except ValidationError as exc:
        message = exc.message_dict["quantiles"][0]
        raise ValidationError({"quantiles": f"Entry {i + 1}, {part}: {message}"}) from None


def check_forecast_kind(
    question: Question, *, probability_given: bool, values_given: Sequence[str]
) -> None:
    """A numeric or date question takes values, never a probability; other kinds no values.

    ``values_given`` names the value fields the caller filled in.
    """
    if question.is_quantity:
        if probability_given:
            raise ValidationError(
                {
                    "probability": "A numeric or date question takes values (a point, an "
                    "interval with its coverage, or quantiles), not a probability."
                }
            )
        if not values_given:
            raise ValidationError(
                {"value": "Give a point, an interval with its coverage, or quantiles."}
            )
    elif values_given:
        raise ValidationError(
            {values_given[0]: "Only numeric and date questions take values; give a probability."}
        )


def check_options_unchanged(question: Question, changed: bool) -> None:
    """A question's options are fixed once it has forecasts or a resolution: each
    forecast gave a probability to every option as it stood, and a resolution names
    one of them (as its kind is fixed then: migration ``0015``)."""
    if not changed or question.pk is None:
        return
    if question.forecasts.exists() or question.resolutions.exists():
        raise ValidationError(
            {
                "options": "The options cannot change once the question has forecasts or a "
                "resolution: each forecast gave a probability to the options as they stand."
            }
        )

"""How much an author's record depends on how their words were read.

A pundit's "likely" became a number through a scale (ICD 203 says 67.5%, Kent
75%, IPCC AR5 78%). These functions recompute the headline Brier (the mean of
the time-averaged per-question scores, ``time_averaged_brier``) with each
worded forecast read under another scale, and bound it by moving every worded
forecast within the interval its phrase allows.

Only the questions holding a worded forecast can change, so the functions take
the author's headline and N and those questions, and add each question's
change, worked out with the same day rules both ways:

    brier_S = headline + Σ_q [TA_q(numbers under S) − TA_q(numbers as recorded)] / N

A question whose numbers do not change adds exactly 0, so a reading that
changes nothing gives back the headline bit for bit.

How a forecast is read (``read_under``):

* **Stated as a number** (no phrase, or no recorded point): unchanged.
* **An editor's override** (the scored number differs from the scale's point
  recorded with it): the editor's number is kept under every scale and in the
  bounds, and counted.
* **Which side.** Stored numbers are P(yes). The recorded point is either the
  phrase's point on its own scale or its complement (the question asks the
  other side, or the words were negated); the same side is applied to the
  other scale's point. When the recorded point is neither, the words cannot be
  re-read and the forecast is kept as recorded (counted).
* **Fallback.** A phrase the scale lacks is read by the default scale, then
  the project scale (the caller says which scale supplied each reading); the
  forecasts so read are counted.

Pure: the standard library and NumPy only, through ``daily``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

import numpy as np

from forecasts.scoring.daily import Closes, _in_force, _unzip, _window
from forecasts.scoring.inputs import IntArray, _outcome, _probabilities

NUMBER = "number"
READ = "read"
FALLBACK = "fallback"
OVERRIDDEN = "overridden"
KEPT = "kept"

# Stored points and intervals are rounded to 6 decimals; an override differs by more.
POINT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class PhrasePoint:
    """A phrase's point value on the side its words assert, and the scale that gave it."""

    scale: str
    point: float


@dataclass(frozen=True)
class WordedForecast:
    """One counted forecast: the scored P(yes) and, when it came from words, how they read.

    ``point`` and ``interval`` are the scale's point and interval recorded
    with the forecast (P(yes)), None for a number stated as such; ``recorded``
    is the phrase read under the scale it was recorded with (None: the words
    hold no hedge the scales list), ``readings`` under each scale compared.
    """

    stated_at: datetime
    probability: float
    point: float | None = None
    interval: tuple[float, float] | None = None
    recorded: PhrasePoint | None = None
    readings: Mapping[str, PhrasePoint] = field(default_factory=dict)

    @property
    def is_worded(self) -> bool:
        """Its number came from words: a scale's point was recorded with it."""
        return self.point is not None

    @property
    def is_overridden(self) -> bool:
        """The editor scored another number than the scale's point."""
        return self.point is not None and abs(self.point - self.probability) > POINT_TOLERANCE


@dataclass(frozen=True)
class WordedQuestion:
    """One author's counted forecasts on one resolved yes/no question."""

    forecasts: Sequence[WordedForecast]
    opens: date
    closes: Closes
    outcome: bool

    @cached_property
    def days(self) -> IntArray:
        """Which forecast is in force on each scored day, by ``time_averaged_brier``'s rules.

        Worked out once per question: every reading only changes the numbers.
        """
        stated = [(f.stated_at, f.probability) for f in self.forecasts]
        instants, values = _unzip(stated)
        probabilities = _probabilities(values, "forecast probabilities")[:, None]
        index = _in_force(instants, probabilities, *_window(self.opens, self.closes))
        if not np.any(index >= 0):
            raise ValueError("a question given has no forecast in force by its close")
        return index[index >= 0]

    def time_averaged(self, values: Sequence[float]) -> float:
        """``time_averaged_brier`` of these forecasts with ``values`` as their numbers."""
        daily = _probabilities(values, "values")[self.days]
        return float(np.mean((daily - _outcome(self.outcome)) ** 2))


@dataclass(frozen=True)
class ScaleBrier:
    """The headline Brier with every worded forecast read under ``scale``.

    ``n_affected``: forecasts whose number changes; ``n_fallback``: phrases the
    scale lacks, read by another; ``n_overridden``: editors' numbers kept;
    ``n_kept``: words that could not be re-read, kept as recorded.
    """

    scale: str
    brier: float
    n_worded: int
    n_affected: int
    n_fallback: int
    n_overridden: int
    n_kept: int


@dataclass(frozen=True)
class BrierBounds:
    """The best and worst headline the phrases' intervals allow.

    ``n_moved``: worded forecasts moved to an end of their interval;
    ``n_overridden``: editors' numbers, which stay where the editor put them.
    """

    best: float
    worst: float
    n_moved: int
    n_overridden: int


def _side(forecast: WordedForecast) -> bool | None:
    """True when the recorded point is the complement of the words' point; None if neither."""
    if forecast.point is None or forecast.recorded is None:
        return None
    words = forecast.recorded.point
    if abs(forecast.point - words) <= POINT_TOLERANCE:
        return False
    if abs(forecast.point - (1.0 - words)) <= POINT_TOLERANCE:
        return True
    return None


def read_under(forecast: WordedForecast, scale: str) -> tuple[float, str]:
    """The P(yes) ``forecast`` scores with its words read under ``scale``, and how it was read.

    The second value is ``NUMBER``, ``OVERRIDDEN``, ``KEPT``, ``READ`` or
    ``FALLBACK`` (see the module's docstring).
    """
    if not forecast.is_worded:
        return forecast.probability, NUMBER
    if forecast.is_overridden:
        return forecast.probability, OVERRIDDEN
    flipped = _side(forecast)
    reading = forecast.readings.get(scale)
    if flipped is None or reading is None:
        return forecast.probability, KEPT
    value = round(1.0 - reading.point, 6) if flipped else reading.point
    return value, READ if reading.scale == scale else FALLBACK


def _change(question: WordedQuestion, values: Sequence[float]) -> float:
    """TA(values) − TA(as recorded) on one question; exactly 0 when nothing moved."""
    recorded = [f.probability for f in question.forecasts]
    if list(values) == recorded:
        return 0.0
    return question.time_averaged(values) - question.time_averaged(recorded)


def _shifted(headline: float, n_scored: int, changes: list[float]) -> float:
    if n_scored < 1:
        raise ValueError(f"n_scored must be at least 1, got {n_scored}")
    return headline + math.fsum(changes) / n_scored if any(changes) else headline


def brier_under_scale(
    questions: Sequence[WordedQuestion], scale: str, *, headline: float, n_scored: int
) -> ScaleBrier:
    """The headline Brier with each worded forecast's phrase read under ``scale``.

    ``headline`` is the author's mean time-averaged Brier over ``n_scored``
    questions; ``questions`` are those of them holding a worded forecast (others
    cannot change). Time-averaging is the headline's: same days, same forecast
    in force each day, only the numbers differ.
    """
    counts = {NUMBER: 0, READ: 0, FALLBACK: 0, OVERRIDDEN: 0, KEPT: 0}
    affected = 0
    changes = []
    for question in questions:
        values = []
        for forecast in question.forecasts:
            value, how = read_under(forecast, scale)
            counts[how] += 1
            affected += value != forecast.probability
            values.append(value)
        changes.append(_change(question, values))
    return ScaleBrier(
        scale=scale,
        brier=_shifted(headline, n_scored, changes),
        n_worded=sum(counts.values()) - counts[NUMBER],
        n_affected=affected,
        n_fallback=counts[FALLBACK],
        n_overridden=counts[OVERRIDDEN],
        n_kept=counts[KEPT],
    )


def interval_ends(forecast: WordedForecast, outcome: bool) -> tuple[float, float]:
    """The (best, worst) P(yes) within the forecast's interval: the ends nearest to and
    farthest from what happened. An interval that misses the scored number is widened to
    it; a number, or an editor's override, stays where it is."""
    p = forecast.probability
    if not forecast.is_worded or forecast.is_overridden or forecast.interval is None:
        return p, p
    low, high = min(forecast.interval[0], p), max(forecast.interval[1], p)
    return (high, low) if outcome else (low, high)


def brier_bounds(
    questions: Sequence[WordedQuestion], *, headline: float, n_scored: int
) -> BrierBounds:
    """The best and worst headline Brier the worded forecasts' intervals allow.

    Each worded forecast moves to the end of its interval nearest to (best) or
    farthest from (worst) the outcome; every other forecast stays. Within the
    intervals, best ≤ headline ≤ worst.
    """
    best, worst = [], []
    moved = overridden = 0
    for question in questions:
        ends = [interval_ends(f, question.outcome) for f in question.forecasts]
        best.append(_change(question, [b for b, _ in ends]))
        worst.append(_change(question, [w for _, w in ends]))
        for forecast in question.forecasts:
            overridden += forecast.is_worded and forecast.is_overridden
            moved += forecast.is_worded and not forecast.is_overridden and bool(forecast.interval)
    return BrierBounds(
        best=_shifted(headline, n_scored, best),
        worst=_shifted(headline, n_scored, worst),
        n_moved=moved,
        n_overridden=overridden,
    )

"""Which forecast counts on which day: time-averaged and final-forecast Brier, and the crowd.

A question is scored on each UTC calendar day from its open date to its close
date inclusive, with the forecast in force that day (the latest made on or
before it); the crowd on a day is the median of the other authors' forecasts.

The close is a moment: no forecast stated after it counts, not even later on
the close day. Every function here takes ``closes`` either as that moment (an
aware datetime, e.g. the question's ``closes_at``) or as a plain date, which
stands for the end of that UTC day (the question closes at midnight).
"""

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np

from forecasts.scoring.inputs import (
    FloatArray,
    IntArray,
    Value,
    _distribution,
    _finite,
    _option,
    _outcome,
    _probabilities,
    _probability,
)

_US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_ONE_US = timedelta(microseconds=1)


def _day_number(day: date, name: str) -> int:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime)")
    return day.toordinal() - _EPOCH_ORDINAL


Closes = date | datetime
"""The close: an aware datetime (the moment), or a date (the end of that UTC day)."""


def _close(closes: Closes) -> tuple[int, int]:
    """Day number of the close day, and the last instant (µs) a forecast may be stated at."""
    if isinstance(closes, datetime):
        if closes.utcoffset() is None:
            raise ValueError(f"closes is a naive datetime ({closes}); give it a timezone")
        cutoff = (closes - _EPOCH) // _ONE_US
        return cutoff // _US_PER_DAY, cutoff
    if not isinstance(closes, date):
        raise TypeError("closes must be a datetime.date or an aware datetime.datetime")
    day = closes.toordinal() - _EPOCH_ORDINAL
    return day, (day + 1) * _US_PER_DAY - 1


def _window(opens: date, closes: Closes) -> tuple[int, int, int]:
    """Day number of the open date, the number of days (both ends included), the cutoff.

    The cutoff is the last instant (µs since the epoch) at which a forecast
    counts: the close moment.
    """
    first = _day_number(opens, "opens")
    last, cutoff = _close(closes)
    if last < first:
        raise ValueError(f"closes ({closes}) is before opens ({opens})")
    return first, last - first + 1, cutoff


def _instant(moment: datetime, i: int) -> int:
    """Microseconds since the Unix epoch, exact; naive datetimes are refused."""
    if not isinstance(moment, datetime):
        raise TypeError(f"forecast {i} must be stamped with a datetime")
    if moment.utcoffset() is None:
        raise ValueError(f"forecast {i} has a naive datetime ({moment}); give it a timezone")
    return (moment - _EPOCH) // _ONE_US


def _unzip(forecasts: Sequence[tuple[datetime, Value]]) -> tuple[IntArray, list[Value]]:
    instants = [_instant(moment, i) for i, (moment, _) in enumerate(forecasts)]
    return np.array(instants, dtype=np.int64), [value for _, value in forecasts]


def _in_force(
    instants: IntArray, values: FloatArray, first_day: int, n_days: int, cutoff: int
) -> IntArray:
    """For each day of the window, the index of the forecast in force (-1: none yet).

    Linear in days + forecasts and independent of input order: the latest
    instant wins each day (forecasts before the window count from its first
    day, those stated after the close moment ``cutoff`` are dropped), then
    days without a new forecast carry the previous one forward. Two different
    forecasts at the instant that decides a day are refused: either choice
    would depend on input order.
    """
    day = instants // _US_PER_DAY - first_day
    kept = np.flatnonzero(instants <= cutoff)
    day = np.maximum(day[kept], 0)
    latest = np.full(n_days, np.iinfo(np.int64).min)
    np.maximum.at(latest, day, instants[kept])
    is_latest = instants[kept] == latest[day]
    winners, winner_days = kept[is_latest], day[is_latest]
    chosen = np.full(n_days, -1)
    chosen[winner_days] = winners
    if np.any(values[winners] != values[chosen[winner_days]]):
        raise ValueError("two different forecasts were made at the same instant")
    last_new = np.maximum.accumulate(np.where(chosen >= 0, np.arange(n_days), -1))
    return np.where(last_new >= 0, chosen[last_new], -1)


def _daily(
    instants: IntArray, values: FloatArray, window: tuple[int, int, int], fill: FloatArray | None
) -> FloatArray:
    """Forecast scored on each day (rows), NaN where the day is not scored.

    ``values`` has one row per forecast. Days before the first forecast take
    ``fill`` (the crowd) when given; with no forecast in the window at all,
    nothing is scored, crowd or not.
    """
    n_days = window[1]
    index = _in_force(instants, values, *window)
    if np.all(index < 0):
        return np.full((n_days, values.shape[1]), np.nan)
    daily = values[index]
    before = index < 0
    daily[before] = np.nan if fill is None else fill[before]
    return daily


def _binary_crowd(crowd: Sequence[float | None], n_days: int) -> FloatArray:
    if len(crowd) != n_days:
        raise ValueError(f"crowd has {len(crowd)} days, the window has {n_days}")
    days = [np.nan if p is None else _probability(p, f"crowd[{d}]") for d, p in enumerate(crowd)]
    return np.array(days, dtype=np.float64)[:, None]


def _multi_crowd(crowd: Sequence[Sequence[float] | None], n_days: int, k: int) -> FloatArray:
    if len(crowd) != n_days:
        raise ValueError(f"crowd has {len(crowd)} days, the window has {n_days}")
    rows = np.full((n_days, k), np.nan)
    for d, row in enumerate(crowd):
        if row is None:
            continue
        if len(row) != k:
            raise ValueError(f"crowd[{d}] has {len(row)} options, not {k}")
        rows[d] = _distribution(row, f"crowd[{d}]")
    return rows


def _mean_or_none(daily_scores: FloatArray) -> float | None:
    scored = daily_scores[~np.isnan(daily_scores)]
    return float(scored.mean()) if scored.size else None


def _daily_binary(
    forecasts: Sequence[tuple[datetime, float]],
    window: tuple[int, int, int],
    crowd: Sequence[float | None] | None,
) -> FloatArray:
    fill = None if crowd is None else _binary_crowd(crowd, window[1])
    instants, raw = _unzip(forecasts)
    values = _probabilities(raw, "forecast probabilities")[:, None]
    return _daily(instants, values, window, fill)[:, 0]


def time_averaged_brier(
    forecasts: Sequence[tuple[datetime, float]],
    opens: date,
    closes: Closes,
    outcome: bool,
    crowd: Sequence[float | None] | None = None,
) -> float | None:
    """Time-averaged (Good Judgment style) Brier score of one author on one question.

    ``forecasts`` are ``(stated_at, p)`` pairs with timezone-aware datetimes,
    in any order. One score per UTC calendar day from ``opens`` to the close
    day inclusive; the result is their mean. The forecast in force on day d is
    the latest one made on or before d: one made during day d counts for day d,
    several on one day leave the last (by timestamp), forecasts made before
    the open date count from the open day, and forecasts stated after the
    close are ignored. ``closes`` is the close moment (an aware datetime: a
    forecast stated later on the close day does not count) or a date (the
    end of that UTC day). Days before the author's first forecast are left out,
    unless ``crowd`` (one crowd probability per day of the window, ``None``
    for a day without one) is given: then they score the crowd's forecast.
    Returns ``None`` when no day is scored (in particular when the author made
    no forecast by the close, whatever the crowd did).
    """
    o = _outcome(outcome)
    daily = _daily_binary(forecasts, _window(opens, closes), crowd)
    return _mean_or_none((daily - o) ** 2)


def time_averaged_brier_multi(
    forecasts: Sequence[tuple[datetime, Sequence[float]]],
    opens: date,
    closes: Closes,
    outcome_index: int,
    crowd: Sequence[Sequence[float] | None] | None = None,
) -> float | None:
    """Time-averaged multiple-choice Brier score (``brier_multi`` per day).

    Same day rules as ``time_averaged_brier``; each forecast is a probability
    vector over the same options, and ``crowd`` holds one vector (or ``None``)
    per day of the window. With no forecasts at all the result is ``None``.
    """
    window = _window(opens, closes)
    if not forecasts:
        return None
    instants, raw = _unzip(forecasts)
    rows = [_distribution(row, f"forecast {i}") for i, row in enumerate(raw)]
    k = rows[0].size
    if any(row.size != k for row in rows):
        raise ValueError("every forecast must give a probability to the same options")
    values = np.vstack(rows)
    fill = None if crowd is None else _multi_crowd(crowd, window[1], k)
    expected = np.zeros(k)
    expected[_option(outcome_index, k)] = 1.0
    daily = _daily(instants, values, window, fill)
    return _mean_or_none(0.5 * np.sum((daily - expected) ** 2, axis=1))


def final_forecast(
    forecasts: Sequence[tuple[datetime, Value]], closes: Closes
) -> tuple[datetime, Value] | None:
    """The last forecast made by the close, or ``None``.

    Returns the ``(stated_at, value)`` pair itself; score its value with
    ``brier`` or ``brier_multi`` for the final-forecast Brier. ``closes`` is
    the close moment (a forecast stated after it does not count, even on the
    close day) or a date (the end of that UTC day). Two different forecasts at
    the latest instant raise ``ValueError``, as in ``time_averaged_brier``.
    """
    _, cutoff = _close(closes)
    instants, _ = _unzip(forecasts)
    eligible = [i for i, us in enumerate(instants) if us <= cutoff]
    if not eligible:
        return None
    latest = max(instants[i] for i in eligible)
    ties = [forecasts[i] for i in eligible if instants[i] == latest]
    if any(not np.array_equal(tie[1], ties[0][1]) for tie in ties):
        raise ValueError("two different forecasts were made at the same instant")
    return ties[0]


def _median_by_column(matrix: FloatArray) -> FloatArray:
    """Median of each column ignoring NaN; NaN for a column with no number."""
    ordered = np.sort(matrix, axis=0)  # NaN sorts last
    count = np.sum(~np.isnan(matrix), axis=0)
    columns = np.arange(matrix.shape[1])
    low = ordered[np.maximum((count - 1) // 2, 0), columns]
    high = ordered[count // 2, columns]  # an all-NaN column gives NaN
    return (low + high) / 2.0


def crowd_median(probabilities: Sequence[float]) -> float | None:
    """The crowd forecast: median of the other authors' probabilities in force.

    With an even number of authors it is the mean of the two middle values;
    ``None`` when nobody else has a forecast in force.
    """
    values = _probabilities(probabilities, "probabilities")
    return float(_median_by_column(values[:, None])[0]) if values.size else None


def crowd_daily(
    others: Sequence[Sequence[tuple[datetime, float]]], opens: date, closes: Closes
) -> list[float | None]:
    """The crowd forecast on each day of the window (binary questions).

    ``others`` holds each other author's forecasts (leave the scored author
    out). Each day, every author's forecast in force is found with the
    ``time_averaged_brier`` day rules and the crowd forecast is their median
    (``crowd_median``); ``None`` on a day when no other author had one. The
    result can be passed as ``crowd`` to ``time_averaged_brier``.
    """
    window = _window(opens, closes)
    if not others:
        return [None] * window[1]
    matrix = np.vstack([_daily_binary(author, window, None) for author in others])
    return [None if math.isnan(p) else float(p) for p in _median_by_column(matrix)]


def relative_brier(
    author_scores: Sequence[float] | FloatArray, crowd_scores: Sequence[float] | FloatArray
) -> float:
    """Author minus crowd, paired score by score: ``mean(author - crowd)``.

    Pass scores for the same days (or questions); negative is better than the
    crowd. Reckon's crowd score is the score of the median forecast, not the
    median of the other authors' scores.
    """
    author, crowd = _finite(author_scores, "author_scores"), _finite(crowd_scores, "crowd_scores")
    if author.size != crowd.size or author.size == 0:
        raise ValueError("author_scores and crowd_scores must pair up, and not be empty")
    return float(np.mean(author - crowd))


def relative_time_averaged_brier(
    forecasts: Sequence[tuple[datetime, float]],
    opens: date,
    closes: Closes,
    outcome: bool,
    crowd: Sequence[float | None],
) -> float | None:
    """Relative Brier on one question: author's daily Brier minus the crowd's.

    Only days on which both the author (day rules of ``time_averaged_brier``,
    no crowd fill) and the crowd have a forecast are compared; ``crowd`` is
    the per-day crowd forecast, e.g. from ``crowd_daily``, scored with the
    Brier rule (the score of the median forecast). ``None`` if no day pairs up.
    """
    o = _outcome(outcome)
    window = _window(opens, closes)
    author = _daily_binary(forecasts, window, None)
    crowd_days = _binary_crowd(crowd, window[1])[:, 0]
    both = ~np.isnan(author) & ~np.isnan(crowd_days)
    if not both.any():
        return None
    return relative_brier((author[both] - o) ** 2, (crowd_days[both] - o) ** 2)

"""Forecasts over time as step series, and the crowd median in force, for charts.

Plain functions on (moment, probability) pairs so they are easy to check by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from datetime import datetime
from statistics import median

Point = tuple[datetime, float]


def steps(points: Sequence[Point], *, until: datetime) -> list[Point]:
    """Draw a forecast as held until the next one: a horizontal run, then a jump.

    ``points`` are (stated_at, probability), oldest first; the last one is
    held until ``until``. Points after ``until`` are dropped.
    """
    kept = [p for p in points if p[0] <= until]
    if not kept:  # e.g. no forecast counts for the crowd: nothing to draw
        return []
    out: list[Point] = []
    for (moment, value), nxt in zip(kept, [*kept[1:], None], strict=True):
        out.append((moment, value))
        out.append((nxt[0] if nxt else until, value))
    return out


def crowd_median(forecasts: Iterable[tuple[Hashable, datetime, float]]) -> list[Point]:
    """The median of every author's latest forecast, after each moment anyone forecasts.

    ``forecasts`` are (author key, stated_at, probability) in any order. Several
    forecasts at one moment are applied together before the median is taken.
    """
    in_force: dict[Hashable, float] = {}
    out: list[Point] = []
    for who, moment, value in sorted(forecasts, key=lambda f: f[1]):
        in_force[who] = value
        crowd = float(median(in_force.values()))
        if out and out[-1][0] == moment:
            out[-1] = (moment, crowd)
        else:
            out.append((moment, crowd))
    return out


def question_series(
    question, forecasts, *, now: datetime, counted: Collection[int] | None = None
) -> list[dict]:
    """What the question page plots: per author steps and the crowd, one chart per option.

    A binary question gives one chart (P(yes)); a multiple-choice question one
    per option. Lines run to the close, or while the question is open to the
    start of the current hour (``drawn_until``).
    Every forecast is drawn in its author's line, but the crowd is drawn from
    the forecasts in ``counted`` (ids) only, the ones scoring uses: none
    recorded in hindsight, none stated after the close.
    """
    until = min(question.closes_at, drawn_until(now, [f.stated_at for f in forecasts]))
    if question.is_binary:
        targets = [(None, "Probability of yes")]
    else:
        targets = [(o.pk, f"Probability of “{o.label}”") for o in question.options.all()]
    out = []
    for option_id, title in targets:
        per_author: dict[int, tuple[str, list[Point]]] = {}
        flat = []
        for f in forecasts:
            value = f.probability if option_id is None else _option_value(f, option_id)
            if value is None:
                continue
            per_author.setdefault(f.author_id, (f.author.name, []))[1].append((f.stated_at, value))
            if counted is None or f.pk in counted:
                flat.append((f.author_id, f.stated_at, value))
        crowd = crowd_median(flat)
        out.append(
            {
                "title": title,
                "series": [(name, steps(pts, until=until)) for name, pts in per_author.values()],
                "crowd": crowd,
                "crowd_steps": steps(crowd, until=until),
            }
        )
    return out


def drawn_until(now: datetime, stated: Iterable[datetime]) -> datetime:
    """Where an open question's lines end: the hour ``now`` is in, or the newest forecast.

    Not ``now`` itself: a chart is drawn once per change of what it plots
    (``forecasts.pages.chart_store``), and a line ending at each request's
    moment would be a new drawing, and a new stored file, on every request.
    Held to the start of the hour (a pixel or less on a chart of weeks), it is
    drawn again once an hour at most, or when a forecast comes in; a forecast
    made since that hour began is never cut off.
    """
    hour = now.replace(minute=0, second=0, microsecond=0)
    return max([hour, *(moment for moment in stated if moment <= now)])


def _option_value(forecast, option_id: int) -> float | None:
    for p in forecast.option_probabilities.all():
        if p.option_id == option_id:
            return p.probability
    return None

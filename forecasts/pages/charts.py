"""Charts for the public pages, drawn on the server as inline SVG by matplotlib.

Each chart is readable without JavaScript, carries ``role="img"``, a
``<title>`` and an ``aria-label``, and the page prints the same numbers in a
table beside it. Each is drawn at two widths (``plotting.WIDE`` and
``plotting.NARROW``) and the stylesheet shows the one that fits, so its text
stays legible on a phone; ``forecasts.pages.plotting`` keeps the rules every
chart keeps (no text over text, colour-blind safe series, no inline style).

Rendered SVG is kept under a digest of everything a chart draws (its kind,
the plotted values and text, its label): in the chart store on disk
(``forecasts.pages.chart_store``), which a Redis outage does not touch, and in
the shared cache, so that other web hosts find it too. Each chart is drawn once
per change of its data; a rescoring that changes nothing it plots draws nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from forecasts.pages import chart_store
from forecasts.scoring import FoldedLevel

CACHE_SECONDS = 24 * 3600

Draw = Callable[[int], str]  # drawn width in px -> <svg>


@dataclass(frozen=True)
class Chart:
    """A chart's two drawings, ready to print inline, and the sentence that describes it."""

    wide: str
    narrow: str
    label: str

    @property
    def html(self) -> SafeString:
        """Both drawings; the stylesheet shows one (``.chart-wide`` / ``.chart-narrow``)."""
        wide = f'<div class="chart-wide">{self.wide}</div>'
        narrow = f'<div class="chart-narrow">{self.narrow}</div>'
        return mark_safe(wide + narrow)  # noqa: S308 - our own drawing, its label escaped


def _cached(name: str, data: object, label: str, draw: Draw) -> Chart:
    """The chart from the store, else from the cache, else drawn now and kept in both."""
    digest = chart_store.digest(name, data, label)
    drawn = chart_store.read(digest)
    if drawn is None:
        key = f"reckon:chart:{digest}"
        drawn = cache.get(key)
        if drawn is None:
            from forecasts.pages import plotting  # matplotlib loads on the first drawing only

            with plotting.DRAWING:
                drawn = {"wide": draw(plotting.WIDE), "narrow": draw(plotting.NARROW)}
            cache.set(key, drawn, CACHE_SECONDS)
        chart_store.write(digest, drawn)
    return Chart(wide=drawn["wide"], narrow=drawn["narrow"], label=label)


def _prefix(name: str, data: object, width: int) -> str:
    """Ids unique to one drawing, so two charts on a page never share one."""
    digest = hashlib.sha1(
        json.dumps(data, default=str, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:8]
    return f"{name}-{digest}-{width}"


def calibration_chart(bins: Sequence[dict]) -> Chart:
    """Observed frequency against mean forecast per bin, with Wilson 95% intervals.

    One dot per non-empty bin, its area growing with the bin's count (the
    counts are in the table); the dashed diagonal is perfect calibration.
    """
    filled = [b for b in bins if b.get("count")]
    label = (
        f"Calibration chart: {len(filled)} bins with forecasts. Each dot is the share of "
        "claims that came true against the mean probability given; the diagonal is "
        "perfect calibration. The same numbers are in the table below."
    )
    rows = [
        (
            b["mean_forecast"],
            b["observed_frequency"],
            b["wilson_lower"],
            b["wilson_upper"],
            b["count"],
        )
        for b in filled
    ]
    titles = ("Probability given (mean per bin)", "How often it happened")
    return _calibration("calibration", rows, label, titles, x_from=0.0)


def folded_chart(levels: Sequence[FoldedLevel]) -> Chart:
    """The folded calibration table as a chart: each stated level and the share right."""
    label = (
        f"Folded calibration chart: {len(levels)} stated levels from 50% to 100%. Each dot is "
        "the share of forecasts at that level that came out right; the diagonal is where a "
        "level is right as often as it says. The same numbers are in the table below."
    )
    rows = [
        (r["level"], r["frequency"], r["wilson_lower"], r["wilson_upper"], r["count"])
        for r in levels
    ]
    titles = ("Stated level (below 50% turned around)", "Share that came out right")
    return _calibration("folded", rows, label, titles, x_from=0.5)


def _calibration(
    name: str, rows: list, label: str, titles: tuple[str, str], *, x_from: float
) -> Chart:
    def draw(width: int) -> str:
        from forecasts.pages import drawings

        return drawings.calibration(
            rows,
            width=width,
            label=label,
            prefix=_prefix(name, rows, width),
            x_title=titles[0],
            y_title=titles[1],
            x_from=x_from,
        )

    return _cached(name, rows, label, draw)


def brier_over_time_chart(points: Sequence[dict]) -> Chart:
    """Running mean Brier by resolution date, each question's score, and the coin flip.

    ``points`` hold ``known_at`` (datetime), ``brier`` and ``running_mean``, oldest first.
    """
    label = (
        f"Brier score over time: the running mean after each of {len(points)} resolved "
        "questions, by the date the outcome was known, against the coin flip's 0.25. "
        "Lower is better. The same numbers are in the table below."
    )
    data = [(p["known_at"], p["brier"], p["running_mean"]) for p in points]

    def draw(width: int) -> str:
        from forecasts.pages import drawings

        return drawings.over_time(
            data, width=width, label=label, prefix=_prefix("over-time", data, width)
        )

    return _cached("brier-over-time", data, label, draw)


def timeline_chart(
    series: Sequence[tuple[str, Sequence[tuple[datetime, float]]]],
    crowd: Sequence[tuple[datetime, float]],
    *,
    title: str,
) -> Chart:
    """Each author's probability over time as steps, with the crowd median in force."""
    label = (
        f"{title}: {len(series)} authors' forecasts over time as steps, and the crowd "
        "(median of the forecasts in force) as a thick black line. The forecasts are listed "
        "below."
    )
    data = [title, series, crowd]

    def draw(width: int) -> str:
        from forecasts.pages import drawings

        return drawings.timeline(
            series,
            crowd,
            title=title,
            width=width,
            label=label,
            prefix=_prefix("timeline", data, width),
        )

    return _cached("timeline", data, label, draw)


def leaderboard_chart(rows: Sequence[dict]) -> Chart:
    """A forest plot: every ranked author's mean Brier with its 95% interval."""
    label = (
        f"Leaderboard chart: mean Brier score and 95% interval for all {len(rows)} ranked "
        "authors, best at the top, against the coin flip's 0.25. The table lists the same."
    )

    def draw(width: int) -> str:
        from forecasts.pages import drawings

        return drawings.forest(
            rows, width=width, label=label, prefix=_prefix("leaderboard", rows, width)
        )

    return _cached("leaderboard", rows, label, draw)

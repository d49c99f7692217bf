"""Charts for the public pages, drawn on the server as inline SVG by pygal.

Each chart is readable without JavaScript (pygal's scripts are switched off),
carries ``role="img"``, a ``<title>`` and an ``aria-label``, and the page prints
the same numbers as a table beneath it. Charts obey the site's
Content-Security-Policy: pygal's leftover config ``<script>`` is removed, its
one ``style`` attribute becomes a presentation attribute, and its ``<style>``
element gets the response's nonce when printed (``Chart.with_nonce``).

Rendered SVG is cached: the key holds the stamp of the stored scores it was
drawn from (``Scorecard.computed_at``, ``Question.scored_at``), so a rescoring
draws afresh, and a digest of the plotted values, so nothing stale can be
served if data changes some other way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pygal
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

CACHE_SECONDS = 24 * 3600
# Bumped when the stored SVG changes shape, so no older drawing is served.
CACHE_VERSION = 2
# Colours chosen for contrast on white (all at least 4.5:1 against it).
INK = "#1b1b1b"
STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle="#4a4a4a",
    font_family="system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=15,
    title_font_size=16,
    value_label_font_size=14,
    guide_stroke_color="#c8c8c8",
    major_guide_stroke_color="#9a9a9a",
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    colors=("#6b6b6b", "#8a4b00", "#0b57a4", "#a3195b", "#1d7a33", "#6b3fa0", "#005f6b"),
)
BASE_CONFIG = {
    "js": [],  # no scripts: the chart must read the same with JavaScript off
    "disable_xml_declaration": True,
    "style": STYLE,
    # Drawn small and scaled up by CSS, so text stays legible on a phone.
    "width": 520,
    "height": 420,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 2,
    "truncate_legend": -1,
    "truncate_label": -1,
    "margin": 12,
}


def _config(n_series: int, **overrides) -> dict:
    """The shared look, plus room for a last, half-filled legend row.

    pygal 3.1 counts legend rows as series // columns, rounding down, and so
    cuts off the last row when the series do not fill it.
    """
    columns = BASE_CONFIG["legend_at_bottom_columns"]
    margin_bottom = BASE_CONFIG["margin"] + (26 if n_series % columns else 0)
    return {**BASE_CONFIG, "margin_bottom": margin_bottom, **overrides}


@dataclass(frozen=True)
class Chart:
    """An SVG chart ready to print inline, with the sentence that describes it."""

    svg: SafeString
    label: str

    def with_nonce(self, nonce: str) -> SafeString:
        """The SVG with its inline ``<style>`` allowed by this response's CSP nonce."""
        tag = f'<style nonce="{escape(nonce)}" '
        return mark_safe(self.svg.replace("<style ", tag))  # noqa: S308 - nonce escaped


def _cached(name: str, stamp: object, data: object, label: str, draw: Callable[[], str]) -> Chart:
    digest = hashlib.sha1(
        json.dumps(data, default=str, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()
    stamp = stamp.isoformat() if isinstance(stamp, datetime) else str(stamp)
    key = f"reckon:chart:v{CACHE_VERSION}:{name}:{stamp.replace(' ', 'T')}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = _accessible(draw(), label)
        cache.set(key, svg, CACHE_SECONDS)
    return Chart(svg=mark_safe(svg), label=label)  # noqa: S308 - pygal output, label escaped


def _accessible(svg: str, label: str) -> str:
    """Give the root element an image role, an accessible name and a <title>.

    Also make it CSP-clean: drop pygal's config ``<script>`` (its scripts are
    off, so the config is unused) and turn ``style="opacity: 0"`` (the hidden
    tooltip) into the equivalent SVG attribute, which no policy blocks.
    """
    svg = re.sub(r"<script\b[^>]*>.*?</script>", "", svg, flags=re.DOTALL)
    svg = svg.replace(' style="opacity: 0"', ' opacity="0"')
    safe_label = escape(label)
    head, rest = svg.split(">", 1)
    head = head.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" ', 1)
    return f"{head}><title>{safe_label}</title>{rest}"


def calibration_chart(bins: Sequence[dict], *, stamp: object) -> Chart:
    """Observed frequency against mean forecast per bin, with Wilson 95% intervals.

    One dot per non-empty bin, labelled with its count; the dashed diagonal is
    perfect calibration.
    """
    filled = [b for b in bins if b.get("count")]
    label = (
        f"Calibration chart: {len(filled)} bins with forecasts. Each dot is the share of "
        "claims that came true against the mean probability given; the diagonal is "
        "perfect calibration. The same numbers are in the table below."
    )

    def draw() -> str:
        chart = pygal.XY(
            **_config(3),
            # A little room beyond 0 and 1 so dots and labels at the edges stay clear.
            range=(-0.04, 1.04),
            xrange=(-0.04, 1.04),
            x_title="Probability given (mean per bin)",
            y_title="How often it happened",
            allow_interruptions=True,
            print_labels=True,
            dots_size=6,
            value_formatter=_percent,
            x_value_formatter=_percent,
        )
        chart.x_labels = chart.y_labels = [i / 10 for i in range(11)]
        chart.add(
            "Perfect calibration",
            [(0, 0), (1, 1)],
            show_dots=False,
            stroke_style={"width": 2, "dasharray": "6,6"},
        )
        whiskers: list[tuple[float, float] | tuple[None, None]] = []
        for b in filled:
            whiskers += [
                (b["mean_forecast"], b["wilson_lower"]),
                (b["mean_forecast"], b["wilson_upper"]),
            ]
            whiskers.append((None, None))
        chart.add("Wilson 95% interval", whiskers, show_dots=False, stroke_style={"width": 3})
        chart.add(
            "Observed (n = claims)",
            [
                {"value": (b["mean_forecast"], b["observed_frequency"]), "label": f"n={b['count']}"}
                for b in filled
            ],
            stroke=False,
        )
        return chart.render(is_unicode=True)

    return _cached("calibration", stamp, filled, label, draw)


def brier_over_time_chart(points: Sequence[dict], *, stamp: object) -> Chart:
    """Running mean Brier by resolution date, each question's score, and the coin flip.

    ``points`` hold ``known_at`` (datetime), ``brier`` and ``running_mean``, oldest first.
    """
    label = (
        f"Brier score over time: the running mean after each of {len(points)} resolved "
        "questions, by the date the outcome was known, against the coin flip's 0.25. "
        "Lower is better. The same numbers are in the table below."
    )

    def draw() -> str:
        chart = pygal.DateTimeLine(
            **_config(3 if points else 2),
            range=(0, 1),
            x_title="Outcome known",
            y_title="Brier score (0 best, 1 worst)",
            x_value_formatter=lambda d: d.strftime("%Y-%m-%d"),
            x_label_rotation=30,
            x_labels_major_count=5,
            show_minor_x_labels=False,
            dots_size=4,
        )
        if points:
            first, last = points[0]["known_at"], points[-1]["known_at"]
            chart.add(
                "Coin flip (0.25)",
                [(first, 0.25), (last, 0.25)],
                show_dots=False,
                stroke_style={"width": 2, "dasharray": "6,6"},
            )
        chart.add("Each question", [(p["known_at"], p["brier"]) for p in points], stroke=False)
        chart.add(
            "Running mean",
            [(p["known_at"], p["running_mean"]) for p in points],
            stroke_style={"width": 3},
        )
        return chart.render(is_unicode=True)

    return _cached("brier-over-time", stamp, points, label, draw)


def timeline_chart(
    series: Sequence[tuple[str, Sequence[tuple[datetime, float]]]],
    crowd: Sequence[tuple[datetime, float]],
    *,
    title: str,
    stamp: object,
) -> Chart:
    """Each author's probability over time as steps, with the crowd median in force."""
    label = (
        f"{title}: {len(series)} authors' forecasts over time as steps, and the crowd "
        "(median of the forecasts in force) as a thick line. The forecasts are listed below."
    )

    def draw() -> str:
        legend_rows = -(-(len(series) + 1) // 2)
        chart = pygal.DateTimeLine(
            **_config(len(series) + 1, height=400 + 24 * legend_rows),
            range=(0, 1),
            y_title=title,
            x_value_formatter=lambda d: d.strftime("%Y-%m-%d"),
            x_label_rotation=30,
            x_labels_major_count=5,
            show_minor_x_labels=False,
            value_formatter=_percent,
            dots_size=4,
        )
        chart.add("Crowd median", list(crowd), show_dots=False, stroke_style={"width": 6})
        for name, points in series:
            chart.add(name, list(points), stroke_style={"width": 2})
        return chart.render(is_unicode=True)

    return _cached("timeline", stamp, [title, series, crowd], label, draw)


def leaderboard_chart(rows: Sequence[dict], *, stamp: object) -> Chart:
    """A forest plot: each ranked author's mean Brier with its 95% interval."""
    label = (
        f"Leaderboard chart: mean Brier score and 95% interval for {len(rows)} ranked "
        "authors, best at the top, against the coin flip's 0.25. The table lists the same."
    )

    def draw() -> str:
        n = len(rows)
        chart = pygal.XY(
            **_config(3, height=max(220, 120 + 36 * n)),
            xrange=(0, 1),
            range=(0, n + 1),
            x_title="Brier score (lower is better)",
            allow_interruptions=True,
            show_y_guides=False,
            dots_size=5,
        )
        chart.y_labels = [{"label": r["name"], "value": n - i} for i, r in enumerate(rows)]
        whiskers: list[tuple[float, float] | tuple[None, None]] = []
        for i, r in enumerate(rows):
            if r["brier_low"] is not None and r["brier_high"] is not None:
                whiskers += [(r["brier_low"], n - i), (r["brier_high"], n - i), (None, None)]
        chart.add(
            "Coin flip",
            [(0.25, 0), (0.25, n + 1)],
            show_dots=False,
            stroke_style={"width": 2, "dasharray": "6,6"},
        )
        chart.add("95% interval", whiskers, show_dots=False, stroke_style={"width": 3})
        chart.add("Mean Brier", [(r["brier"], n - i) for i, r in enumerate(rows)], stroke=False)
        return chart.render(is_unicode=True)

    return _cached("leaderboard", stamp, rows, label, draw)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"

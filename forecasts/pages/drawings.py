"""The pages' chart drawings, each at a given width (see forecasts.pages.plotting).

Plain functions from numbers to ``<svg>`` text; ``forecasts.pages.charts``
decides what to draw, labels it and caches it. Nothing here prints text inside
a plot: counts and names that would collide live in the tables and legends.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from matplotlib.dates import (
    DAILY,
    HOURLY,
    MINUTELY,
    MONTHLY,
    AutoDateLocator,
    ConciseDateFormatter,
    date2num,
)
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator

from forecasts.pages.plotting import (
    FONT,
    INK,
    MUTED,
    NARROW,
    PALETTE,
    figure,
    legend_columns,
    legend_height,
    series_style,
    text_width,
    to_svg,
)


@contextmanager
def _plot_over_legend(keys: Sequence[str], width: int, plot: int) -> Iterator[tuple[Any, Any, int]]:
    """A figure with one plot ``plot`` px tall and room below it for a legend of ``keys``."""
    columns = legend_columns(keys, width)
    with figure(width, plot + 70 + legend_height(len(keys), columns)) as fig:
        yield fig, fig.add_subplot(), columns


PERCENT = FuncFormatter(lambda v, _: f"{v:.0%}")
Bin = tuple[float, float, float, float, int]  # x, observed share, Wilson low, high, count


def calibration(
    bins: Sequence[Bin],
    *,
    width: int,
    label: str,
    prefix: str,
    x_title: str,
    y_title: str,
    x_from: float,
) -> str:
    """Share observed against probability given, Wilson bars, dot area by count."""
    keys = ["Perfect calibration", "95% interval", "Observed share (dot area: forecasts)"]
    plot = 300 if width <= NARROW else 360
    with _plot_over_legend(keys, width, plot) as (fig, ax, columns):
        pad = (1 - x_from) * 0.04
        ax.set_xlim(x_from - pad, 1 + pad)
        ax.set_ylim(-0.04, 1.04)
        ax.plot([x_from, 1], [x_from, 1], color=MUTED, linestyle=(0, (6, 4)), linewidth=1.5)
        biggest = max((b[4] for b in bins), default=1)
        for x, _, low, high, _ in bins:
            ax.plot([x, x], [low, high], color=PALETTE[0], linewidth=3, gid="series:interval")
        ax.scatter(
            [b[0] for b in bins],
            [b[1] for b in bins],
            s=[30 + 220 * b[4] / biggest for b in bins],
            color=PALETTE[1],
            edgecolors="#ffffff",
            linewidths=1,
            zorder=3,
            gid="series:observed",
        )
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(PERCENT)
        ax.xaxis.set_major_locator(MultipleLocator(0.1 if x_from else 0.2))
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        ax.set_xlabel(x_title)
        ax.set_ylabel(y_title)
        handles = [
            Line2D([], [], color=MUTED, linestyle=(0, (6, 4)), linewidth=1.5),
            Line2D([], [], color=PALETTE[0], linewidth=3),
            Line2D([], [], color=PALETTE[1], marker="o", linestyle="none", markersize=9),
        ]
        fig.legend(handles, keys, loc="outside lower center", ncols=columns)
        return to_svg(fig, label=label, prefix=prefix)


def over_time(
    points: Sequence[tuple[datetime, float, float]], *, width: int, label: str, prefix: str
) -> str:
    """Each question's Brier as a dot, the running mean as a line, the coin flip dashed."""
    keys = ["Each question", "Running mean", "Coin flip (0.25)"]
    plot = 260 if width <= NARROW else 300
    with _plot_over_legend(keys, width, plot) as (fig, ax, columns):
        when = date2num([p[0] for p in points])
        ax.plot(
            when, [p[1] for p in points], "o", color=PALETTE[1], markersize=5, gid="series:each"
        )
        ax.plot(when, [p[2] for p in points], color=PALETTE[0], linewidth=3, gid="series:mean")
        ax.axhline(0.25, color=MUTED, linestyle=(0, (6, 4)), linewidth=1.5)
        ax.set_ylim(0, upper_limit([p[1] for p in points]))
        _dates(ax, width, when)
        ax.set_ylabel("Brier score (0 best)")
        handles = [
            Line2D([], [], color=PALETTE[1], marker="o", linestyle="none", markersize=6),
            Line2D([], [], color=PALETTE[0], linewidth=3),
            Line2D([], [], color=MUTED, linestyle=(0, (6, 4)), linewidth=1.5),
        ]
        fig.legend(handles, keys, loc="outside lower center", ncols=columns)
        return to_svg(fig, label=label, prefix=prefix)


def timeline(
    series: Sequence[tuple[str, Sequence[tuple[datetime, float]]]],
    crowd: Sequence[tuple[datetime, float]],
    *,
    title: str,
    width: int,
    label: str,
    prefix: str,
) -> str:
    """Each author's steps in their own colour, dash and marker; the crowd thick and black."""
    keys = ["Crowd median", *(name for name, _ in series)]
    plot = 280 if width <= NARROW else 340
    with _plot_over_legend(keys, width, plot) as (fig, ax, columns):
        handles = []
        if crowd:
            (line,) = ax.plot(
                date2num([p[0] for p in crowd]),
                [p[1] for p in crowd],
                color=INK,
                linewidth=5,
                solid_capstyle="butt",
                zorder=2,
                gid="series:crowd",
            )
        else:
            line = Line2D([], [], color=INK, linewidth=5)
        handles.append(line)
        for i, (_, points) in enumerate(series):
            look = series_style(i)
            (line,) = ax.plot(
                date2num([p[0] for p in points]),
                [p[1] for p in points],
                color=look.color,
                linestyle=look.linestyle,
                linewidth=2,
                marker=look.marker,
                markersize=6,
                markevery=2,
                zorder=3,
                gid=f"series:author-{i}",
            )
            handles.append(line)
        ax.set_ylim(-0.03, 1.03)
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        ax.yaxis.set_major_formatter(PERCENT)
        ax.set_ylabel(title if text_width(title) < 260 else "Probability")
        _dates(
            ax, width, date2num([p[0] for _, pts in series for p in pts] + [p[0] for p in crowd])
        )
        fig.legend(handles, keys, loc="outside lower center", ncols=columns, handlelength=3)
        return to_svg(fig, label=label, prefix=prefix)


def forest(rows: Sequence[dict], *, width: int, label: str, prefix: str) -> str:
    """Every ranked author's mean Brier (dot) and 95% interval (bar), best at the top.

    Wide: names beside the rows. Narrow: each name on its own line above its
    bar, so the plot keeps the phone's whole width. One row per author, never cut.
    """
    n = len(rows)
    narrow = width <= NARROW
    row = 2.6 * FONT if narrow else 2 * FONT
    top = upper_limit(
        [r["brier_high"] if r["brier_high"] is not None else r["brier"] for r in rows]
    )
    with figure(width, int(row * n + 90)) as fig:
        ax = fig.add_subplot()
        ys = list(range(n - 1, -1, -1))
        for y, r in zip(ys, rows, strict=True):
            if r["brier_low"] is not None and r["brier_high"] is not None:
                ax.plot(
                    [r["brier_low"], r["brier_high"]],
                    [y, y],
                    color=PALETTE[0],
                    linewidth=3,
                    solid_capstyle="butt",
                    gid="series:interval",
                )
        ax.plot(
            [r["brier"] for r in rows],
            ys,
            "o",
            color=PALETTE[1],
            markersize=7,
            zorder=3,
            gid="series:brier",
        )
        ax.axvline(0.25, color=MUTED, linestyle=(0, (6, 4)), linewidth=1.5)
        _note(ax, "Coin flip 0.25", (0.25, 1), ("data", "axes fraction"), (0, 4), "center", MUTED)
        ax.set_xlim(0, top)
        ax.set_ylim(-0.7, n - 0.3 + (0.45 if narrow else 0))
        ax.grid(axis="y", visible=False)
        if narrow:
            ax.set_yticks([])
            for y, r in zip(ys, rows, strict=True):
                _note(ax, r["name"], (0, y), ("axes fraction", "data"), (2, 6), "left", INK)
        else:
            ax.set_yticks(ys, labels=[r["name"] for r in rows])
            ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(MultipleLocator(0.1))
        ax.set_xlabel("Mean Brier score (lower is better)")
        return to_svg(fig, label=label, prefix=prefix)


def _note(ax, text: str, xy, coords, offset, align: str, colour: str) -> None:
    """Text set ``offset`` px from a point, above it, drawn even outside the plot."""
    ax.annotate(
        text,
        xy=xy,
        xycoords=coords,
        xytext=offset,
        textcoords="offset points",
        ha=align,
        va="bottom",
        color=colour,
        annotation_clip=False,
    )


def upper_limit(values: Sequence[float | None], *, floor: float = 0.5) -> float:
    """A round top for a 0-based Brier axis that holds every value (at least ``floor``)."""
    top = max((v for v in values if v is not None), default=0.0)
    return min(1.0, max(floor, math.ceil(top * 10 + 0.5) / 10))


def _dates(ax, width: int, when: Sequence[float]) -> None:
    """Date ticks (``when`` in days, as date2num gives) as many as fit, labelled briefly.

    A single moment gets a week around it.
    """
    if len(when) and min(when) == max(when):
        ax.set_xlim(min(when) - 3, max(when) + 3)
    locator = AutoDateLocator(minticks=2, maxticks=max(4, width // 90))
    # Longer steps than the defaults, so a tick interval fits every range (thin_ticks
    # then drops any label that would touch its neighbour).
    locator.intervald[MONTHLY] = [1, 2, 3, 4, 6, 12]
    locator.intervald[DAILY] = [1, 2, 3, 7, 14, 21, 28]
    locator.intervald[HOURLY] = [1, 2, 3, 4, 6, 12, 24]
    locator.intervald[MINUTELY] = [1, 5, 10, 15, 30, 60]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))

"""The question page's chart for a numeric or date question: each author's forecasts as
intervals over time, and the outcome as a line.

Drawn like the other charts (``forecasts.pages.charts``: two widths, cached by the
question's scoring stamp and a digest of what is plotted; ``plotting``: Okabe–Ito
colours, 13 px text, nothing written over anything). Time runs across; the value
runs up, as dates for a date question (a stored day number is matplotlib's own
date number: both count days from 1970-01-01) and on a log axis for a log-scale
question. The page lists the same forecasts in a table below the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from forecasts.models import Question
from forecasts.pages.charts import Chart, _cached, _prefix

# Per author: name, then (start, end, low, middle, high) runs; low/high empty for a
# point alone, middle empty for an interval without a point.
Run = tuple[datetime, datetime, float | None, float | None, float | None]
Series = list[tuple[str, list[Run]]]


def intervals_chart(question: Question, held: Sequence, outcome: float | None) -> Chart:
    """Chart the ``quantities.Held`` runs of every author, with the outcome if known."""
    series: Series = []
    index: dict[int, int] = {}
    for h in held:
        author = h.forecast.author
        if author.pk not in index:
            index[author.pk] = len(series)
            series.append((author.name, []))
        series[index[author.pk]][1].append((h.start, h.end, h.low, h.middle, h.high))
    is_date = question.kind == Question.Kind.DATE
    log = question.log_scale and all(
        v is None or v > 0 for _, runs in series for r in runs for v in r[2:]
    )
    axis = "Date" if is_date else (question.unit.strip() or "Value")
    label = (
        f"{question.title}: {len(series)} authors' forecasts over time. Each shaded band is "
        "the widest interval an author stated, held until their next forecast; the line "
        "inside it is the point or median they gave"
        + ("; the thick black line is the outcome." if outcome is not None else ". No outcome yet.")
        + (" The value axis is logarithmic." if log else "")
        + " The forecasts are listed in the table below."
    )
    data = [question.pk, series, outcome, is_date, log, axis]

    def draw(width: int) -> str:
        return _draw(
            series,
            outcome,
            is_date=is_date,
            log=log,
            axis=axis,
            width=width,
            label=label,
            prefix=_prefix("intervals", data, width),
        )

    return _cached("intervals", data, label, draw)


def _draw(
    series: Series,
    outcome: float | None,
    *,
    is_date: bool,
    log: bool,
    axis: str,
    width: int,
    label: str,
    prefix: str,
) -> str:
    """Bands (the interval), a line inside (point or median), the outcome thick and black."""
    import numpy as np
    from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from forecasts.pages.drawings import _dates, _plot_over_legend
    from forecasts.pages.plotting import INK, NARROW, series_style
    from forecasts.pages.quantities import number_text

    keys = [*(name for name, _ in series), *(["Outcome"] if outcome is not None else [])]
    plot = 280 if width <= NARROW else 340
    with _plot_over_legend(keys, width, plot) as (fig, ax, columns):
        handles = []
        moments = []
        for i, (_, runs) in enumerate(series):
            look = series_style(i)
            xs, lows, mids, highs = [], [], [], []
            for start, end, low, middle, high in runs:
                xs += [start, end]
                lows += [np.nan if low is None else low] * 2
                highs += [np.nan if high is None else high] * 2
                mids += [np.nan if middle is None else middle] * 2
            when = date2num(xs)
            moments += list(when)
            lo, mi, hi = (np.array(v, dtype=float) for v in (lows, mids, highs))
            banded = ~np.isnan(lo)
            if banded.any():
                ax.fill_between(
                    when, lo, hi, where=banded, color=look.color, alpha=0.22, linewidth=0,
                    gid=f"series:author-{i}",  # the band belongs to its author's series
                )  # fmt: skip
                for edge in (lo, hi):
                    ax.plot(when, edge, color=look.color, linestyle=look.linestyle, linewidth=1.2)
            ax.plot(
                when, mi, color=look.color, linestyle=look.linestyle, linewidth=2.5,
                marker=look.marker, markersize=6, markevery=2, zorder=3,
                gid=f"series:author-{i}",
            )  # fmt: skip
            handles.append(
                Line2D(
                    [],
                    [],
                    color=look.color,
                    linestyle=look.linestyle,
                    linewidth=2.5,
                    marker=look.marker,
                    markersize=6,
                )  # fmt: skip
            )
        if outcome is not None:
            ax.axhline(outcome, color=INK, linewidth=4, zorder=4, gid="series:outcome")
            handles.append(Line2D([], [], color=INK, linewidth=4))
        if log:  # ticks at each multiple of a power of ten (thinned), as plain numbers
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(subs=tuple(range(1, 10)), numticks=40))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number_text(v)))
            ax.yaxis.set_minor_formatter(NullFormatter())
        if is_date:
            values = [v for _, runs in series for r in runs for v in r[2:] if v is not None]
            if outcome is not None:
                values.append(outcome)
            if min(values) == max(values):
                ax.set_ylim(min(values) - 3, max(values) + 3)
            locator = AutoDateLocator(minticks=2, maxticks=max(4, plot // 60))
            ax.yaxis.set_major_locator(locator)
            ax.yaxis.set_major_formatter(DateFormatter("%b %Y"))
        ax.set_ylabel(axis)
        _dates(ax, width, moments)
        fig.legend(handles, keys, loc="outside lower center", ncols=columns, handlelength=3)
        from forecasts.pages.plotting import to_svg

        return to_svg(fig, label=label, prefix=prefix)

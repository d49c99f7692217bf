"""Matplotlib figures turned into inline SVG that a page can print as it is.

The charts' shared look and the rules every chart keeps, whatever its data:

* **Drawn twice**, at the width each is shown (``WIDE`` for a desktop column,
  ``NARROW`` for a phone): the page shows one or the other by CSS, so chart text
  drawn at ``FONT`` px stays at least 11 CSS px from a 320 px phone up.
* **No text over text.** Tick labels are thinned until neighbours keep a gap
  (``thin_ticks``); legends sit outside the plot in as many columns as fit;
  nothing else prints text inside the plot. ``overlapping_texts`` measures it.
* **Colour-blind safe series**: the Okabe–Ito colours (black and yellow kept
  out: black is for the crowd and reference lines, yellow is too faint on
  white); past six series a line style and a marker tell the colours' second
  and third rounds apart (``series_style``).
* **Policy-clean SVG**: no ``<style>``, ``<script>`` or ``style`` attribute (each
  declaration becomes the equivalent presentation attribute), ids prefixed per
  drawing so two charts on one page never share one, ``role="img"``, an
  ``aria-label`` and a ``<title>``. A line or points drawn with a ``gid`` of
  ``series:NAME`` carry ``data-series="NAME"``, for tests to find the series.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

WIDE, NARROW = 736, 340  # drawn widths in px: the chart column at 1280, a phone's
FONT = 13  # px at the drawn size
INK, MUTED, GUIDE = "#1b1b1b", "#4a4a4a", "#d6d2ca"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DASHES: tuple[Any, ...] = ("solid", (0, (6, 3)), (0, (1.5, 2.5)), (0, (8, 3, 2, 3)))
MARKERS = ("o", "s", "^", "D")
PX = 1 / 72  # the SVG backend draws 72 units to the inch: one unit is one px
GAP = 4  # px kept free between neighbouring tick labels
# Matplotlib's settings are process-wide: one drawing at a time, so a thread's
# rc_context never changes the look of another's drawing half-way.
DRAWING = threading.Lock()

RC: Any = {  # rc_context's keys are typed as literals; this is checked when it is used
    "svg.fonttype": "none",  # real <text>: selectable, read by screen readers
    "svg.hashsalt": "reckon",  # the same drawing for the same data
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT,
    "axes.titlesize": FONT,
    "axes.labelsize": FONT,
    "xtick.labelsize": FONT,
    "ytick.labelsize": FONT,
    "legend.fontsize": FONT,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GUIDE,
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "figure.facecolor": "none",
    "axes.facecolor": "#ffffff",
}


@dataclass(frozen=True)
class SeriesStyle:
    color: str
    linestyle: Any
    marker: str


def series_style(i: int) -> SeriesStyle:
    """The i-th series' look: a new colour each time, then a new dash and marker per round."""
    turn = i // len(PALETTE)
    return SeriesStyle(
        color=PALETTE[i % len(PALETTE)],
        linestyle=DASHES[turn % len(DASHES)],
        marker=MARKERS[turn % len(MARKERS)],
    )


@contextmanager
def figure(width: int, height: int) -> Iterator[Figure]:
    """A figure of ``width`` × ``height`` px with the shared look, laid out to fit."""
    with matplotlib.rc_context(RC):
        yield Figure(figsize=(width * PX, height * PX), layout="constrained")


def text_width(text: str, size: float = FONT) -> float:
    """How wide ``text`` is drawn, in px, in the charts' font."""
    width, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(family="DejaVu Sans", size=size), ismath=False
    )
    return width


def legend_columns(labels: Sequence[str], width: int) -> int:
    """How many legend columns fit across ``width`` px (handle, label and spacing each)."""
    entry = 4 * FONT + max((text_width(s) for s in labels), default=0)
    return max(1, min(len(labels), int((width - 2 * FONT) // entry)))


def legend_height(n_entries: int, columns: int) -> int:
    """Room, in px, that a legend below the plot needs."""
    return math.ceil(n_entries / columns) * round(FONT * 1.75) + FONT


def thin_ticks(fig: Figure) -> None:
    """Keep every other tick of a crowded axis, again, until its labels keep a gap."""
    for _ in range(6):
        fig.draw_without_rendering()
        crowded = [axis for axis in _axes(fig) if _crowded(axis)]
        if not crowded:
            return
        for axis in crowded:
            shown = [float(t.get_position()[_index(axis)]) for t in _tick_labels(axis)]
            axis.set_ticks(shown[::2])


def _axes(fig: Figure) -> list:
    return [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]


def _index(axis) -> int:
    return 0 if axis is axis.axes.xaxis else 1


def _tick_labels(axis) -> list:
    """The major tick labels drawn: inside the axis' view, with text."""
    lo, hi = sorted(axis.get_view_interval())
    slack = (hi - lo) * 1e-9
    return [
        t
        for t in axis.get_majorticklabels()
        if t.get_visible()
        and t.get_text()
        and lo - slack <= t.get_position()[_index(axis)] <= hi + slack
    ]


def _crowded(axis) -> bool:
    boxes = [t.get_window_extent().padded(GAP / 2) for t in _tick_labels(axis)]
    return any(_overlap(a, b) for a, b in zip(boxes, boxes[1:], strict=False))


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes meet: what no chart may have."""
    fig.draw_without_rendering()
    ticks = {
        id(t)
        for axis in _axes(fig)
        for t in axis.get_majorticklabels() + axis.get_minorticklabels()
    }
    texts = [
        t
        for t in fig.findobj(matplotlib.text.Text)
        if id(t) not in ticks and t.get_visible() and t.get_text()
    ]
    texts += [t for axis in _axes(fig) for t in _tick_labels(axis)]
    drawn = [(t.get_text(), t.get_window_extent()) for t in texts]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(drawn)
        for b, box_b in drawn[i + 1 :]
        if _overlap(box_a, box_b)
    ]


def _overlap(a, b) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def to_svg(fig: Figure, *, label: str, prefix: str) -> str:
    """The figure as an accessible, policy-clean ``<svg>`` element (see the module doc)."""
    thin_ticks(fig)
    fig.set_layout_engine("none")  # laid out by thin_ticks' last pass: keep it, draw once more
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None})
    return clean_svg(buf.getvalue(), label=label, prefix=prefix)


def clean_svg(svg: str, *, label: str, prefix: str) -> str:
    """Matplotlib's SVG text made fit to print inline under the site's policy."""
    from django.utils.html import escape

    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>|<style\b.*?</style>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'style="([^"]*)"', lambda m: _attributes(m.group(1)), svg)
    svg = re.sub(r'\sid="series:([\w-]+)"', r' data-series="\1"', svg)
    referenced = set(re.findall(r'(?:url\(#|href="#)([\w.-]+)', svg))
    svg = re.sub(
        r'\sid="([^"]+)"',
        lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else "",
        svg,
    )
    svg = re.sub(r'(url\(#|href="#)([\w.-]+)', rf"\1{prefix}-\2", svg)
    svg = re.sub(r'\s(width|height)="([\d.]+)pt"', r' \1="\2"', svg, count=2)
    safe = escape(label)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe}" ', 1)
    head, rest = svg.split(">", 1)
    return f"{head}><title>{safe}</title>{rest}"


def _attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` → ``fill="#fff" stroke-width="0.8"``."""
    out = []
    for part in declarations.split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip(), value.strip().replace('"', "'")
        if name == "font-family":
            value = "'DejaVu Sans', Verdana, sans-serif"
        if name:
            out.append(f'{name}="{value}"')
    return " ".join(out)

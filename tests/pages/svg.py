"""Reading the pages' inline SVG charts in tests: a chart's drawing, its series' marks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET


def drawings(html: str, label_start: str) -> list[str]:
    """Every ``<svg>`` whose accessible name starts ``label_start`` (wide, then narrow)."""
    return re.findall(rf'<svg role="img" aria-label="{re.escape(label_start)}.*?</svg>', html, re.S)


def marks(svg: str, series: str) -> int:
    """How many marks (paths, or markers placed with ``<use>``) the series draws."""
    root = ET.fromstring(svg)
    (group,) = root.findall(f".//{{*}}g[@data-series='{series}']")
    return sum(1 for e in group.iter() if e.tag.endswith(("}use", "}path"))) - len(
        group.findall(".//{*}defs/{*}path")
    )

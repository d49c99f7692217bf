"""Template filters that print scores the same way on every page.

Scores are printed inside ``<data value="…">`` so the exact stored number is in
the page beside its rounded form: readers (and tests) can check every figure.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure(value, field: str, places: int = 3, signed: bool = False, percent: bool = False):
    """A score rounded for reading, with its exact value in the markup.

    ``percent`` prints it as a signed whole percentage (for skill scores).
    """
    if value is None:
        return format_html('<data data-field="{}" value="">–</data>', field)
    if percent:
        shown = f"{value * 100:+.0f}%"
    else:
        shown = f"{value:+.{places}f}" if signed else f"{value:.{places}f}"
    return format_html(
        '<data data-field="{}" value="{}">{}</data>',
        field,
        repr(float(value)),
        shown.replace("-", "−"),
    )


@register.filter
def percent(value, places: int = 0) -> str:
    """0.7 → "70%"; empty for None."""
    if value is None or value == "":
        return ""
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def stated_percent(value) -> str:
    """A stated level as authors write it: 0.7 → "70%", 0.95 → "95%", 0.995 → "99.5%"."""
    if value is None or value == "":
        return ""
    return f"{float(value) * 100:.2f}".rstrip("0").rstrip(".") + "%"


@register.filter
def svg_with_nonce(chart, nonce: str):
    """Print a chart's inline SVG with its ``<style>`` carrying the page's CSP nonce."""
    return chart.with_nonce(str(nonce))

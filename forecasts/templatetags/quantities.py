"""Values of numeric and date questions in the question's own terms (``{% load quantities %}``).

Like ``reckon``'s ``figure``, every score is printed inside ``<data value="…">`` with
the stored number beside its rounded form, so readers and tests can check it.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from forecasts.pages import quantities

register = template.Library()


@register.filter
def stated(forecast) -> str:
    """A numeric or date forecast as said: "2%–3% (80%)", "about 3%", dates as dates."""
    return quantities.stated_text(forecast)


@register.filter
def resolved_value(resolution) -> str:
    """The value a numeric or date question resolved to, in its terms."""
    return quantities.outcome_text(resolution.question, resolution)


@register.filter
def clamped(resolution) -> str:
    """What was reported when the outcome lay beyond a closed end of the range, or ""."""
    return quantities.clamped_note(resolution.question, resolution)


@register.simple_tag
def amount(value, field: str, question, difference: bool = False):
    """A value (or, with ``difference``, a distance such as an error) in the question's unit."""
    if value is None:
        return format_html('<data data-field="{}" value="">not available</data>', field)
    shown = (
        quantities.difference_text(question, value)
        if difference
        else quantities.value_text(question, value)
    )
    return format_html(
        '<data data-field="{}" value="{}">{}</data>', field, repr(float(value)), shown
    )


@register.simple_tag
def share(value, field: str):
    """A relative error, 0.125 → "12.5%", with the stored number in the markup."""
    if value is None:
        return format_html('<data data-field="{}" value="">not available</data>', field)
    shown = quantities.number_text(value * 100) + "%"
    return format_html(
        '<data data-field="{}" value="{}">{}</data>', field, repr(float(value)), shown
    )

"""Template filters that print scores the same way on every page.

Scores are printed inside ``<data value="…">`` so the exact stored number is in
the page beside its rounded form: readers (and tests) can check every figure.
"""

from __future__ import annotations

from html import escape  # django.utils.html.escape's own, without its lazy wrapper

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from forecasts.pages import words

register = template.Library()


@register.simple_tag
def figure(value, field: str, places: int = 3, signed: bool = False, percent: bool = False):
    """A score rounded for reading, with its exact value in the markup.

    ``percent`` prints it as a signed whole percentage (for skill scores).
    """
    field = escape(field)
    if value is None:
        return mark_safe(f'<data data-field="{field}" value="">not available</data>')  # noqa: S308
    if percent:
        shown = f"{value * 100:+.0f}%"
    else:
        shown = f"{value:+.{places}f}" if signed else f"{value:.{places}f}"
    # Written out rather than through format_html: a page may print thousands of these,
    # and nothing here but the (escaped) field name is text.
    shown = shown.replace("-", "−")
    return mark_safe(f'<data data-field="{field}" value="{float(value)!r}">{shown}</data>')  # noqa: S308


@register.simple_tag
def interval(low, high, n: int, prefix: str = "95% interval ", field: str = "brier"):
    """ "95% interval 0.120 to 0.210" with both bounds in ``<data>``, or why there is none."""
    if low is None or high is None:
        return words.interval_words(low, high, n)
    return format_html(
        "{}{} to {}",
        prefix,
        figure(low, f"{field}_low"),
        figure(high, f"{field}_high"),
    )


@register.simple_tag
def claim_line(claim) -> str:
    """How a scored claim's number became its score, in words (``pages.words.claim_line``)."""
    return words.claim_line(claim)


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


@register.simple_tag
def reading(forecast) -> str:
    """The author's number and the question's: "97% that the Commission will miss its
    target, so 3% on this question" (DESIGN: the number means what the author meant).

    Empty for a forecast with no reading or one not yet confirmed.
    """
    if not getattr(forecast, "has_reading", False) or forecast.question_agrees is None:
        return ""
    said = f"{stated_percent(forecast.stated_probability)} that {forecast.stated_outcome}"
    if forecast.question_agrees:
        return format_html('<span class="reading">{}: this question\'s YES.</span>', said)
    return format_html(
        '<span class="reading">{}, so {} on this question.</span>',
        said,
        stated_percent(forecast.probability),
    )


@register.simple_tag
def claim_rows(claims, scored=False, pending=False, reason=False, hindsight=False):
    """The body of a claims table (``forecasts.pages.claim_rows``: written out, not templated)."""
    from forecasts.pages import claim_rows as rows  # it uses the tags above

    return rows.claim_rows(
        claims,
        scored=bool(scored),
        pending=bool(pending),
        reason=bool(reason),
        hindsight=bool(hindsight),
    )


@register.simple_tag
def over_time_rows(points):
    """The rows of the running-mean table (``forecasts.pages.claim_rows``)."""
    from forecasts.pages import claim_rows as rows

    return rows.over_time_rows(points)

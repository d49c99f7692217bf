"""The rows of the author page's long tables, written out in Python.

A prolific author's page lists a hundred or more claims and a running-mean
row per scored question. Through the template engine each row cost about a
millisecond (dozens of variable lookups, filters and tags, a URL reversed
per link), most of the page's time. These functions print the same markup
directly: every value escaped, every score through the same ``figure`` tag
as everywhere else (exact value in ``<data value>``), every date as the
``date`` filter prints it. ``_claims_table.html`` keeps the table's head and
calls ``claim_rows`` for its body; a question kind with other columns adds
its own cells in ``_said_cell``/``_outcome_cell``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from functools import cache
from html import escape  # what django.utils.html.escape calls, without its lazy wrapper

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, localtime

from forecasts.pages import quantities, words
from forecasts.templatetags.reckon import figure, percent, reading

SYNTHETIC = (
    '<span class="badge synthetic" title="Generated demo data, not a real person\'s record">'
    "Synthetic demo</span>"
)


@cache
def _url_parts(name: str) -> tuple[str, str]:
    """The route ``name``'s URL around its slug (reversed once per process)."""
    marker = "slug-marker"
    return tuple(reverse(name, kwargs={"slug": marker}).split(marker, 1))  # type: ignore[return-value]


def url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, reversed once (slugs need no quoting)."""
    before, after = _url_parts(name)
    return f"{before}{escape(slug)}{after}"  # escaped for the attribute it goes in


def day_text(moment) -> str:
    """``moment|date:"j M Y"`` (e.g. "7 Mar 2025"), without building a formatter per call."""
    if moment is None:
        return ""
    return _local_day(localtime(moment))


def _local_day(moment) -> str:
    """``day_text`` of a moment already in the current time zone."""
    return f"{moment.day} {str(MONTHS_3[moment.month]).title()} {moment.year}"


def time_tag(moment, *, iso_day: bool = False, zone: tzinfo | None = None) -> str:
    """A ``<time>`` element: the moment in full for machines, its day for readers.

    ``zone`` is the current time zone, when the caller has it already (looking it up
    costs more than the rest of a row of the running mean).
    """
    moment = localtime(moment, zone)
    shown = moment.date().isoformat() if iso_day else _local_day(moment)
    return f'<time datetime="{moment.isoformat()}">{shown}</time>'


def claim_rows(
    claims: Iterable,
    *,
    scored: bool = False,
    pending: bool = False,
    reason: bool = False,
    hindsight: bool = False,
) -> SafeString:
    """The ``<tr>`` of each claim, with the columns the table's flags ask for."""
    said_as = "Scored as" if scored else "Stands at" if pending else "Last said"
    out = []
    for claim in claims:
        f, q = claim.final, claim.question
        q_url = url("question-detail", q.slug)
        cells = [
            f'<tr class="claim" data-question="{escape(q.slug)}">',
            f'<th scope="row"><a href="{q_url}">{escape(q.title)}</a>'
            f"{SYNTHETIC if q.is_synthetic else ''}</th>",
            _said_cell(claim, f, q_url, scored=scored),
            f'<td class="num" data-label="{said_as}">{_number_cell(claim, f)}</td>',
        ]
        if pending:
            cells.append(f'<td data-label="Due">{time_tag(q.resolve_by)}</td>')
        else:
            cells.append(_outcome_cell(claim))
        if scored:
            cells.append(_brier_cell(claim, f))
        if reason:
            r = claim.resolution
            why = escape(r.reason) if r is not None and r.reason else "No reason recorded."
            automatic = " <small>(automatic)</small>" if r is not None and r.is_automatic else ""
            cells.append(f'<td data-label="Why annulled">{why}{automatic}</td>')
        if hindsight:
            cells.append(
                f'<td data-label="Timing"><small>Recorded {time_tag(f.recorded_at)}, after the '
                f"outcome was known on {day_text(claim.known_at)}.</small></td>"
            )
        cells.append("</tr>")
        out.append("\n".join(cells))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def _said_cell(claim, f, q_url: str, *, scored: bool) -> str:
    quote = (
        f"<blockquote>{escape(f.quote)}</blockquote>" if f.quote else "<em>No quote recorded.</em>"
    )
    small = ""
    if f.phrase:
        small = f"The words: “{escape(f.phrase)}”"
        scale = f.get_scale_display()
        if scale:
            interval = ""
            if f.interval_low is not None:
                low, high = f.words_interval
                interval = f", {percent(low)}–{percent(high)}"
            small += f" ({escape(scale)}{interval})"
        small += ". "
    small += f"{reading(f)} Stated {time_tag(f.stated_at)}"
    if f.source:
        small += f' in <a href="{url("source-detail", f.source.slug)}">{escape(f.source.title)}</a>'
    small += "."
    if claim.earlier:
        small += (
            f" {claim.earlier} earlier forecast{pluralize(claim.earlier)} on "
            f'<a href="{q_url}">the question page</a>.'
        )
    line = (
        f'<p class="claim-line" data-field="claim_line">'
        f"{conditional_escape(words.claim_line(claim))}</p>"
        if scored
        else ""
    )
    return f'<td data-label="What they said">{quote}<small>{small}</small>{line}</td>'


def _number_cell(claim, f) -> str:
    if f.probability is not None:
        shown = f"<strong>{percent(f.probability)}</strong> <small>yes</small>"
        if f.is_overridden:
            shown += f"<br><small>scale said {percent(f.scale_point)}</small>"
        return shown
    if f.question.is_quantity:
        return f"<strong>{escape(quantities.stated_text(f))}</strong>"
    options = "".join(
        f"<li>{escape(label)} {percent(probability)}</li>" for label, probability in claim.options
    )
    return f'<ul class="options">{options}</ul>'


def _outcome_cell(claim) -> str:
    r = claim.resolution
    outcome = escape(r.outcome) if r is not None else ""
    known = f"<br><small>known {day_text(claim.known_at)}</small>" if claim.known_at else ""
    return (
        f'<td data-label="Outcome"><span class="outcome outcome-{outcome}">'
        f"{escape(claim.outcome or 'not resolved')}</span>{known}</td>"
    )


def _brier_cell(claim, f) -> str:
    cell = figure(claim.score.brier, "question_brier")
    if claim.is_stale:
        cell += "<br><small>being rescored</small>"
    if claim.is_retrospective:
        cell += (
            f'<br><small class="retrospective">entered {time_tag(f.recorded_at)}, after the '
            "outcome; counts because its source is dated</small>"
        )
    return f'<td class="num" data-label="Brier">{cell}</td>'


def over_time_rows(points: Iterable[dict]) -> SafeString:
    """The running mean's table: outcome date, question, its Brier, the mean so far."""
    zone = get_current_timezone()
    rows = [
        f"<tr><td>{time_tag(p['known_at'], iso_day=True, zone=zone)}</td>"
        f"<td>{escape(p['question'])}</td>"
        f"<td>{figure(p['brier'], 'question_brier')}</td>"
        f"<td>{figure(p['running_mean'], 'running_mean')}</td></tr>"
        for p in points
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped

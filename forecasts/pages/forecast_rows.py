"""The rows of the question page's long tables, written out in Python.

A crowded question lists every forecast of every author, the crowd median
after each one and each author's scores. Through the template engine each row
cost dozens of variable lookups and four ``date`` filters (a score row, seven
``figure`` tags); these functions print the same markup as the template did,
every value escaped, dates as the ``date`` filter prints them (the helpers of
``forecasts.pages.claim_rows``). ``_question_body.html`` keeps the tables' heads
and prints ``forecast_rows``, ``crowd_rows`` and ``score_rows`` for their bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape

from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from forecasts.pages import quantities
from forecasts.pages.claim_rows import SYNTHETIC, day_text, time_tag, url
from forecasts.templatetags.reckon import figure, percent, reading


def forecast_rows(
    forecasts: Iterable,
    *,
    corrections: Mapping[int, Sequence],
    options: Mapping[int, Sequence[tuple[str, float]]],
    known_at: datetime | None,
    quantity: bool,
) -> SafeString:
    """One ``<tr>`` per forecast: who, what they said, the number, when stated and recorded.

    ``corrections`` and ``options`` are by forecast id; ``known_at`` is when the
    current outcome became known (a forecast recorded after it is marked).
    """
    label = "Forecast" if quantity else "Probability"
    rows = []
    for f in forecasts:
        author = f.author
        late = (
            ' <small class="warning">after the outcome was known: not scored</small>'
            if known_at is not None and f.recorded_at > known_at
            else ""
        )
        rows.append(
            '<tr class="forecast">'
            f'<th scope="row">{_author_link(author)}'
            f"{SYNTHETIC if author.is_synthetic else ''}</th>"
            f'<td data-label="What they said">{_said(f, corrections.get(f.pk, ()))}</td>'
            f'<td class="num" data-label="{label}">'
            f"{_number(f, options.get(f.pk, ()), quantity=quantity)}</td>"
            f'<td data-label="Stated">{time_tag(f.stated_at)}</td>'
            f'<td data-label="Recorded">{time_tag(f.recorded_at)}{late}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def _said(f, corrections: Sequence) -> str:
    quote = f"<blockquote>{escape(f.quote)}</blockquote>" if f.quote else ""
    small = ""
    if f.phrase:
        small = f"“{escape(f.phrase)}” on the {escape(f.get_scale_display())} scale"
        if f.interval_low is not None:
            low, high = f.words_interval
            small += f" ({percent(low)}–{percent(high)})"
        if f.scale_point is not None:
            small += f", point value {percent(f.words_point)}"
        small += ". "
    small += f"{reading(f)} "
    if f.conversion_note:
        small += f"{escape(f.conversion_note)} "
    if f.source:
        small += (
            f'Source: <a href="{url("source-detail", f.source.slug)}">{escape(f.source.title)}</a>.'
        )
    corrected = ""
    if corrections:
        n = len(corrections)
        items = "".join(
            f"<li>{escape(c.field)}: “{escape(c.old_value)}” → “{escape(c.new_value)}” on "
            f"{day_text(c.corrected_at)}. {escape(c.reason)}</li>"
            for c in corrections
        )
        corrected = (
            f'<details class="corrections"><summary>Corrected {n} time{pluralize(n)}</summary>'
            f"<ul>{items}</ul></details>"
        )
    return f"{quote}<small>{small}</small>{corrected}"


def _number(f, options: Sequence[tuple[str, float]], *, quantity: bool) -> str:
    if f.probability is not None:
        return f"<strong>{percent(f.probability)}</strong> yes"
    if quantity:
        return f"<strong>{escape(quantities.stated_text(f))}</strong>"
    listed = "".join(f"<li>{escape(label)} {percent(p)}</li>" for label, p in options)
    return f'<ul class="options">{listed}</ul>'


def crowd_rows(crowd: Iterable[tuple[datetime, float]]) -> SafeString:
    """The crowd median's table: from when (to the minute), and the median then."""
    rows = []
    for moment, value in crowd:
        moment = localtime(moment)
        shown = f"{moment.date().isoformat()} {moment.hour:02d}:{moment.minute:02d}"
        rows.append(
            f'<tr><td><time datetime="{moment.isoformat()}">{shown}</time></td>'
            f"<td>{percent(value, 1)}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - dates and numbers only


def score_rows(scores: Iterable, *, min_crowd: int) -> SafeString:
    """One ``<tr>`` per author's score on the question, in the template's own layout (its
    line breaks and indentation too: the page is the same to the byte)."""
    rows = [
        f'\n      <tr class="score" data-author="{escape(s.author.slug)}">'
        f'\n        <th scope="row">{_author_link(s.author)}</th>\n        '
        f"{_score_cells(s, min_crowd) if s.counted else _not_counted(s)}"
        "\n      </tr>\n    "
        for s in scores
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def _author_link(author) -> str:
    return f'<a href="{url("author-detail", author.slug)}">{escape(author.name)}</a>'


def _score_cells(s, min_crowd: int) -> str:
    if s.crowd_brier is None:
        crowd = (
            f'<td class="num" colspan="3">no crowd of at least {min_crowd} other authors '
            "to compare with</td>"
        )
    else:
        crowd = (
            f'\n          <td class="num">{figure(s.crowd_brier, "crowd_brier")}</td>'
            f'\n          <td class="num">{figure(s.relative_brier, "relative_brier", signed=True)}'
            "</td>"
            f'\n          <td class="num">{figure(s.crowd_size, "crowd_size", 1)}</td>'
        )
    peer = (
        "<small>no other author</small>"
        if s.peer is None
        else figure(s.peer, "peer", places=1, signed=True)
    )
    return (
        f'\n          <td class="num">{figure(s.brier, "brier")}</td>'
        f'\n          <td class="num">{figure(s.brier_final, "brier_final")}</td>'
        f'\n          <td class="num">{figure(s.log_loss, "log_loss")}</td>'
        f"\n          {crowd}"
        f'\n          <td class="num">{figure(s.baseline, "baseline", places=1, signed=True)}</td>'
        f'\n          <td class="num">{peer}</td>'
        f'\n          <td class="num">{s.n_forecasts}</td>'
        "\n        "
    )


def _not_counted(s) -> str:
    reason = escape(s.get_excluded_reason_display().lower())
    return f'\n          <td colspan="9">Not counted: {reason}.</td>\n        '

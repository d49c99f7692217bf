"""The items of the home page's two lists, written out in Python.

The recently resolved and the newest claims are short lists, but the home page
is the one most visited, and on a first visit after a write (nothing
remembered: ``pages.fragments``) their items cost a template include, a tag
and several filters each. These functions print the same markup the loops of
``_home_resolved.html`` and ``_home_newest.html`` printed, their line breaks
and indentation too (the page is the same to the byte), with the helpers of
``forecasts.pages.claim_rows``: every value escaped, dates as the ``date``
filter prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from forecasts.pages import quantities
from forecasts.pages.claim_rows import SYNTHETIC, time_tag, url
from forecasts.templatetags.reckon import percent, reading


def resolved_items(resolutions: Iterable) -> SafeString:
    """One ``<li>`` per resolution: the question, its outcome, when it was known."""
    return _items(
        (
            f'<a href="{url("question-detail", r.question.slug)}">{escape(r.question.title)}</a>',
            f'<span class="outcome outcome-{escape(r.outcome)}">{_outcome(r)}</span>',
            f"<small>outcome known {time_tag(r.outcome_known_at)}"
            f"{' · corrected' if r.is_correction else ''}</small>",
        )
        for r in resolutions
    )


def _outcome(r) -> str:
    if r.option:
        return escape(r.option.label)
    if r.value is not None:
        return escape(quantities.outcome_text(r.question, r))
    return escape(r.get_outcome_display())


def newest_items(forecasts: Iterable) -> SafeString:
    """One ``<li>`` per claim: who said it on which question, their words and number."""
    return _items(
        (
            f'<p class="who">{_who(f)}</p>',
            f"<blockquote>{escape(f.quote)}</blockquote>" if f.quote else "",
            f'<p class="meta">{_said(f)} · stated {time_tag(f.stated_at)}{_source(f)}</p>',
        )
        for f in forecasts
    )


def _items(items: Iterable[tuple[str, ...]]) -> SafeString:
    """The ``<li>`` of each item's lines, laid out as the templates' loops laid them out."""
    printed = "".join(
        "\n      <li>" + "".join(f"\n        {line}" for line in lines) + "\n      </li>\n    "
        for lines in items
    )
    return mark_safe(printed)  # noqa: S308 - every value is escaped by the callers


def _who(f) -> str:
    author, q = f.author, f.question
    return (
        f'<a href="{url("author-detail", author.slug)}">{escape(author.name)}</a>'
        f"{SYNTHETIC if author.is_synthetic else ''} on "
        f'<a href="{url("question-detail", q.slug)}">{escape(q.title)}</a>'
    )


def _said(f) -> str:
    """The phrase, if any, and the number: the reading, the probability or the value."""
    phrase = f"“{escape(f.phrase)}” → " if f.phrase else ""
    if f.asks_the_opposite:
        return phrase + str(reading(f))
    if f.probability is not None:
        return f"{phrase}<strong>{escape(percent(f.probability))}</strong>"
    if f.question.is_quantity:
        return f"{phrase}<strong>{escape(quantities.stated_text(f))}</strong>"
    return f"{phrase}probabilities per option"


def _source(f) -> str:
    if not f.source:
        return ""
    return f' in <a href="{url("source-detail", f.source.slug)}">{escape(f.source.title)}</a>'

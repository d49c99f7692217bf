"""Mark where each claim sits in a source's text, linked to the question it became.

The text is escaped and split into paragraphs; each quote is
found verbatim, tolerant only of differences in white space and of straight
versus curly quotation marks, since editors paste quotes from many places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

QUOTE_MARKS = "\"'\u2018\u2019\u201c\u201d"


@dataclass
class Passage:
    """A stretch of the text holding a claim, with the questions it is linked to."""

    quote: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, question title)
    start: int | None = None
    end: int | None = None

    @property
    def found(self) -> bool:
        return self.start is not None


def _pattern(quote: str) -> re.Pattern[str]:
    parts = []
    for word in quote.split():
        parts.append(
            "".join(f"[{QUOTE_MARKS}]" if ch in QUOTE_MARKS else re.escape(ch) for ch in word)
        )
    return re.compile(r"\s+".join(parts))


def locate(text: str, claims: list[tuple[str, str, str]]) -> list[Passage]:
    """Find each distinct quote in ``text`` (first occurrence not already marked).

    ``claims`` are (quote, question url, question title); claims sharing a
    quote share one passage. Passages not found keep ``start`` None.
    """
    passages: dict[str, Passage] = {}
    for quote, url, title in claims:
        quote = quote.strip()
        if not quote:
            continue
        passage = passages.setdefault(quote, Passage(quote=quote))
        if (url, title) not in passage.links:
            passage.links.append((url, title))
    taken: list[tuple[int, int]] = []
    # Longer quotes first, so a short quote inside a longer one does not steal its place.
    for passage in sorted(passages.values(), key=lambda p: -len(p.quote)):
        for match in _pattern(passage.quote).finditer(text):
            if all(match.end() <= a or match.start() >= b for a, b in taken):
                passage.start, passage.end = match.start(), match.end()
                taken.append((match.start(), match.end()))
                break
    return list(passages.values())


def marked_paragraphs(text: str, passages: list[Passage]) -> list[SafeString]:
    """The text as escaped paragraphs with each found passage in a linked ``<mark>``.

    Paragraphs are separated by blank lines; a text with none (pasted articles
    often put one paragraph per line) breaks at every line.
    """
    found = sorted((p for p in passages if p.found), key=lambda p: p.start)
    paragraphs = []
    for lo, hi in _paragraph_spans(text):
        pieces, cursor = [], lo
        for n, p in enumerate(found, start=1):
            a, b = max(p.start, lo), min(p.end, hi)
            if a >= b:
                continue
            pieces.append(escape(text[cursor:a]))
            pieces.append(_mark(text[a:b], p, n, first_piece=a == p.start))
            cursor = b
        pieces.append(escape(text[cursor:hi]))
        paragraphs.append(mark_safe("".join(pieces)))  # noqa: S308 - every piece is escaped
    return paragraphs


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    blank_line = re.compile(r"\n[ \t]*\n")
    separator = re.compile(r"\n[ \t]*\n\s*" if blank_line.search(text) else r"\n\s*")
    spans, start = [], 0
    for match in separator.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _mark(fragment: str, passage: Passage, number: int, *, first_piece: bool) -> str:
    url, title = passage.links[0]
    anchor = f' id="claim-{number}"' if first_piece else ""
    html = format_html(
        '<mark{}><a href="{}" title="Question: {}">{}</a></mark>',
        mark_safe(anchor),
        url,
        title,
        fragment,
    )  # noqa: S308
    for url, title in passage.links[1:] if first_piece else []:
        html += format_html(' <a class="also" href="{}">(also: {})</a>', url, title)
    return html

"""Long lists shown a page at a time, with links to the other pages.

An author with hundreds of claims would otherwise print every one of them on
each visit (most of the page's bytes and time). A page shows ``PER_PAGE``
claims; the links keep the page's other query parameters (topic, period), so
the filters and the page number work together. The whole list stays
available as CSV and through the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25
# Pages linked on each side of the current one, besides the first and the last.
WINDOW = 2


@dataclass(frozen=True)
class PageLink:
    """One entry of a pager: a page number and its URL, or a gap ("…") when number is None."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """One page of a long list, and the links to the others (none when it all fits)."""

    page: Page
    links: list[PageLink]
    previous: str = ""
    next: str = ""

    @property
    def items(self) -> list:
        """The items on this page."""
        return list(self.page.object_list)

    @property
    def first(self) -> int:
        """The position of the page's first item in the whole list, from 1."""
        return self.page.start_index()


def pager(items: Sequence, request: HttpRequest, *, param: str, anchor: str) -> Pager:
    """The page of ``items`` the request asks for in ``param`` (past the end: the last)."""
    page = Paginator(items, PER_PAGE).get_page(request.GET.get(param))
    if not page.has_other_pages():
        return Pager(page, [])
    last = page.paginator.num_pages
    shown = sorted(
        {1, last, *range(max(1, page.number - WINDOW), min(last, page.number + WINDOW) + 1)}
    )
    links: list[PageLink] = []
    for number in shown:
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, _url(request, param, number, anchor), number == page.number))
    return Pager(
        page,
        links,
        previous=_url(request, param, page.number - 1, anchor) if page.has_previous() else "",
        next=_url(request, param, page.number + 1, anchor) if page.has_next() else "",
    )


def _url(request: HttpRequest, param: str, number: int, anchor: str) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    return ("?" + query.urlencode() if query else "?") + (f"#{anchor}" if anchor else "")

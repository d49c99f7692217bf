"""An embeddable SVG badge per author: headline Brier, N, and a link back.

Plain SVG with presentation attributes only: no script, no style element, no
event handler, nothing loaded from elsewhere; the author's name is escaped.
The drawing is kept in the Django cache (which fails open when Redis is
down: ``config/redis_cache.py``), keyed by the card's ``computed_at``, so a
rescoring draws afresh; responses carry an ETag and answer a matching
``If-None-Match`` with 304.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.html import escape

from forecasts.models import Author, Scorecard

MAX_AGE = 3600
CACHE_SECONDS = 24 * 3600
KEY_PREFIX = "reckon:badge:v1:"
CHAR_WIDTH = 6.6  # an 11 px sans-serif's average advance, for sizing the two halves


def badge_text(author: Author, card: Scorecard | None) -> str:
    """The right half of the badge, in words."""
    if card is None or not card.n_scored or card.brier is None:
        return "not scored yet"
    n = card.n_scored
    return f"Brier {card.brier:.3f} · N {n}" + ("" if n >= 2 else " (too few to judge)")


def badge_svg(author: Author, card: Scorecard | None, link: str) -> str:
    """The badge as an SVG document (about 20 px high, sized to its text)."""
    left, right = "Reckon", badge_text(author, card)
    left_w = round(len(left) * CHAR_WIDTH + 12)
    right_w = round(len(right) * CHAR_WIDTH + 12)
    width = left_w + right_w
    label = f"{author.name} on Reckon: {right}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="20" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<a xlink:href="{escape(link)}" href="{escape(link)}" target="_top">'
        f'<rect width="{left_w}" height="20" fill="#333"/>'
        f'<rect x="{left_w}" width="{right_w}" height="20" fill="#0b6e4f"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="6" y="14">{left}</text>'
        f'<text x="{left_w + 6}" y="14">{escape(right)}</text>'
        f"</g></a></svg>"
    )


def author_badge(request, slug):
    """``/authors/<slug>/badge.svg``: image/svg+xml, cacheable for an hour, with an ETag."""
    author = get_object_or_404(Author, slug=slug)
    card = Scorecard.objects.for_tag(None).filter(author=author).defer("totals").first()
    stamp = card.computed_at.isoformat() if card else "none"
    link = request.build_absolute_uri(author.get_absolute_url())
    key = (
        KEY_PREFIX
        + hashlib.sha256(f"{author.pk}|{author.name}|{stamp}|{link}".encode()).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        body = badge_svg(author, card, link)
        cache.set(key, body, CACHE_SECONDS)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    response: HttpResponse
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""Slugs made from names and titles: the one place text becomes a slug.

A slug is Django's ``slugify`` of the text, cut to fit its field. Where one must
be new it is the first of ``base``, ``base-2``, ``base-3``… that neither the
table nor an earlier slug of the same batch has taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import Model, Q
from django.utils.text import slugify


def slug_from(text: str, *, max_length: int, fallback: str = "", trim: bool = True) -> str:
    """``text`` as a slug of at most ``max_length`` characters; ``fallback`` if none is left.

    ``trim`` drops a hyphen the cut leaves at the end ("trump-" from "Trump
    brokered…" cut after six); the API keeps it (``trim=False``), as it always has,
    so a name gives the same slug it gave before.
    """
    slug = slugify(text)[:max_length]
    return (slug.strip("-") if trim else slug) or fallback


def unique_slugs(model: type[Model], bases: Sequence[str]) -> list[str]:
    """Each base made unique among ``model``'s slugs and the earlier bases' (one query)."""
    if not bases:
        return []
    prefix_match = reduce(or_, (Q(slug__startswith=base) for base in set(bases)))
    taken = set(model._default_manager.filter(prefix_match).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def unique_slug(model: type[Model], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever ``model`` has not taken yet."""
    return unique_slugs(model, [base])[0]


def is_slug(text: str) -> bool:
    """``text`` is already a slug (slugifying it changes nothing), so not a name."""
    return text == slugify(text)

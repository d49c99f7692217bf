"""Store an article as a source and draft its claims, all or nothing.

Used by ``manage.py draft_claims FILE|--url`` and by the admin's "Draft from a
URL" screen: the article's text and metadata (as confirmed by the editor)
become a Source, then :func:`forecasts.drafting.drafts.draft_claims_from_source`
drafts it in the same transaction. Any refusal is a ValidationError keyed by
the field at fault, and nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from forecasts import ledger
from forecasts.drafting.claims import ClaimTextError, validate_article_text
from forecasts.drafting.drafts import DraftReport, draft_claims_from_source
from forecasts.drafting.fetching import FetchedArticle, FetchError, fetch_article
from forecasts.models import Author, Source


@transaction.atomic
def article_draft(
    *,
    title: str,
    author: Author,
    published_on: date | None,
    text: str,
    scale: str,
    url: str = "",
    publisher: str = "",
    by=None,
) -> DraftReport:
    """Store the article as a new Source and draft it; refuse an article stored already."""
    stored = Source.objects.filter(full_text=text)
    if url:
        stored = stored | Source.objects.filter(url=url)
    if (twin := stored.first()) is not None:
        field = "url" if url and twin.url == url else "full_text"
        raise ValidationError({field: _stored_already(twin)})
    source = Source(
        title=title.strip(),
        author=author,
        published_on=published_on,
        publisher=publisher.strip(),
        url=url,
        full_text=text,
        scale=scale,
    )
    source.slug = unique_slug(Source, source.title)
    source.full_clean()
    source.save()
    return draft_claims_from_source(source=source, by=by)


def _stored_already(twin: Source) -> str:
    return (
        f"This article is already stored as the source “{twin.slug}”; draft it with "
        f"--source {twin.slug} or the source's “Draft claims from the text” action "
        "(claims already drafted are skipped)."
    )


def author_named(value: str) -> Author:
    """An author by slug or name; a new one when a name (not a slug) matches nobody."""
    value = " ".join(value.split())
    author = Author.objects.filter(slug=value).first()
    if author is not None:
        return author
    named = list(Author.objects.filter(name__iexact=value)[:5])
    if len(named) > 1:
        slugs = ", ".join(a.slug for a in named)
        raise ValidationError(
            {"author": f"several authors are called “{value}”; give a slug: {slugs}."}
        )
    if named:
        return named[0]
    if not value or ledger.slugs.is_slug(value):
        raise ValidationError(
            {
                "author": f"no author has the slug “{value}”. To add a new author, give the "
                'name as it should appear, e.g. "Stefan Wolff".'
            }
        )
    return Author.objects.create(name=value, slug=unique_slug(Author, value))


def unique_slug(model, text: str) -> str:
    # 180 of the field's 200 characters, leaving room for a "-2" suffix.
    base = ledger.slugs.slug_from(text, max_length=180, fallback=model._meta.model_name)
    return ledger.slugs.unique_slug(model, base)


def article_fetch(url: str) -> FetchedArticle:
    """The article at ``url``, checked for drafting; a ValidationError on "url" otherwise.

    Nothing is written. The fetch obeys ``RECKON_FETCH_*`` (see
    :mod:`forecasts.drafting.fetching`); a URL a source already has is refused
    before fetching.
    """
    url = url.strip()
    if (twin := Source.objects.filter(url=url).first()) is not None:
        raise ValidationError({"url": _stored_already(twin)})
    try:
        fetched = fetch_article(
            url,
            allowed_networks=settings.RECKON_FETCH_ALLOW_NETWORKS,
            timeout=settings.RECKON_FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.RECKON_FETCH_MAX_BYTES,
        )
        text = validate_article_text(fetched.text)
    except (FetchError, ClaimTextError) as error:
        raise ValidationError({"url": f"Cannot draft from {url}: {error}"}) from error
    if (twin := Source.objects.filter(url=fetched.url).first()) is not None:
        raise ValidationError({"url": _stored_already(twin)})
    return replace(fetched, text=text)

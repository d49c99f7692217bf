"""RSS and Atom feeds (Django's syndication framework) to follow the ledger.

* recently resolved questions (real records; synthetic demo questions are
  left out of the site-wide feed);
* an author's new claims and the resolutions of the questions they forecast;
* a topic's new claims and resolutions.

Each feed is served twice: RSS 2.0 at ``…/feed/`` and Atom at ``…/feed/atom/``.
Every item is one forecast or one resolution (a correction is a new item), with
a stable id. Each feed reads in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from forecasts.models import Author, Forecast, Question, Resolution, Tag
from forecasts.pages import quantities

N_ITEMS = 30
PUBLISHED = ~Q(question__state=Question.State.DRAFT)


@dataclass(frozen=True)
class Item:
    """One entry of a feed: a claim made or an outcome recorded."""

    guid: str
    title: str
    description: str
    link: str
    when: datetime
    author: str = ""


def outcome_words(resolution: Resolution) -> str:
    if resolution.outcome == Resolution.Outcome.OPTION and resolution.option is not None:
        return f"“{resolution.option.label}”"
    if resolution.value is not None:  # a numeric or date question: the value, in its terms
        return quantities.outcome_text(resolution.question, resolution)
    return resolution.get_outcome_display().lower()


def resolution_item(resolution: Resolution) -> Item:
    question = resolution.question
    verb = "was annulled" if resolution.outcome == Resolution.Outcome.ANNULLED else "resolved"
    outcome = (
        "" if resolution.outcome == Resolution.Outcome.ANNULLED else f" {outcome_words(resolution)}"
    )
    note = resolution.evidence_note or resolution.reason or ""
    return Item(
        guid=f"resolution-{resolution.pk}",
        title=f"{question.title} {verb}{outcome}",
        description=(
            f"Outcome known {resolution.outcome_known_at:%d %b %Y}."
            + (f" {note}" if note else "")
            + " Scores are recomputed after every resolution."
        ),
        link=question.get_absolute_url(),
        when=resolution.resolved_at,
    )


def forecast_item(forecast: Forecast) -> Item:
    question = forecast.question
    if forecast.probability is not None:
        number = f"{forecast.probability * 100:.0f}% yes"
    elif question.is_quantity:
        number = quantities.stated_text(forecast, question)
    else:
        number = "a forecast over its options"
    words = f" (“{forecast.phrase}”)" if forecast.phrase else ""
    quote = f" “{forecast.quote}”" if forecast.quote else ""
    return Item(
        guid=f"forecast-{forecast.pk}",
        title=f"{forecast.author.name}: {number} on {question.title}",
        description=f"Stated {forecast.stated_at:%d %b %Y}{words}.{quote}",
        link=question.get_absolute_url(),
        when=forecast.recorded_at,
        author=forecast.author.name,
    )


def merged(forecasts, resolutions) -> list[Item]:
    """Claims and outcomes together, newest first, at most N_ITEMS."""
    forecasts = list(forecasts)
    quantities.with_quantiles(forecasts)
    items = [forecast_item(f) for f in forecasts] + [resolution_item(r) for r in resolutions]
    return sorted(items, key=lambda i: (i.when, i.guid), reverse=True)[:N_ITEMS]


def _resolutions():
    return (
        Resolution.objects.filter(PUBLISHED)
        .select_related("question", "option")
        .order_by("-resolved_at", "-pk")
    )


def _forecasts():
    return (
        Forecast.objects.filter(PUBLISHED)
        .select_related("question", "author")
        .order_by("-recorded_at", "-pk")
    )


class LedgerFeed(Feed):
    """What every feed here shares: items are ``Item``s."""

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return item.description

    def item_link(self, item: Item) -> str:
        return item.link

    def item_guid(self, item: Item) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Item) -> datetime:
        return item.when

    def item_updateddate(self, item: Item) -> datetime:
        return item.when

    def item_author_name(self, item: Item) -> str | None:
        return item.author or None


class ResolvedFeed(LedgerFeed):
    title = "Reckon: recently resolved questions"
    description = "Questions whose outcome was just recorded, with the evidence."

    def link(self) -> str:
        return reverse("home")

    def items(self) -> list[Item]:
        real = _resolutions().filter(question__is_synthetic=False)
        return [resolution_item(r) for r in real[:N_ITEMS]]


class SubjectFeed(LedgerFeed):
    """A feed about one author or one tag, found by its slug; titles name it."""

    model: type[Author] | type[Tag]
    title_words: str
    description_words: str

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj) -> str:
        return self.title_words.format(name=obj.name)

    def description(self, obj) -> str:
        return self.description_words.format(name=obj.name)

    def subtitle(self, obj) -> str:  # Atom's name for the description
        return self.description(obj)


class AuthorFeed(SubjectFeed):
    model = Author
    title_words = "Reckon: {name}'s claims and their outcomes"
    description_words = "New forecasts by {name}, and the outcomes of the questions they forecast."

    def link(self, obj: Author) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Author) -> list[Item]:
        forecasts = _forecasts().filter(author=obj)[:N_ITEMS]
        asked = Forecast.objects.filter(author=obj).values("question_id")
        resolutions = _resolutions().filter(question_id__in=asked)[:N_ITEMS]
        return merged(forecasts, resolutions)


class TagFeed(SubjectFeed):
    model = Tag
    title_words = "Reckon: {name}"
    description_words = "New claims and outcomes on questions about {name}."

    def link(self, obj: Tag) -> str:
        return reverse("question-list") + f"?tag={obj.slug}"

    def items(self, obj: Tag) -> list[Item]:
        forecasts = _forecasts().filter(question__tags=obj)[:N_ITEMS]
        resolutions = _resolutions().filter(question__tags=obj)[:N_ITEMS]
        return merged(forecasts, resolutions)


class ResolvedAtomFeed(ResolvedFeed):
    feed_type = Atom1Feed
    subtitle = ResolvedFeed.description


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed

"""A published prediction list brought in as drafts, and its grading post as resolutions.

:func:`plan_list` reads a pasted list (:mod:`forecasts.drafting.lists`) and
checks the post's details; it writes nothing, so the admin shows it as a
preview. :func:`import_list` writes it in one transaction, all or nothing:

* a Source (kind "post", scale "stated as a number") with the post's URL,
  date, title and publisher, its author the list's author;
* one DRAFT question per forecast: the title is the statement behind
  ``ledger.DRAFT_TITLE_MARK``, criteria empty (approval demands both be
  written), opening on the post's date and closing at the end of its year
  (or the date the editor gives), due ``RESOLUTION_GRACE`` later;
* the author's forecast, stated on the post's date, through
  ``ledger.forecast_create(..., allow_draft=True)``: the quote is the list's
  line verbatim (so its number can be read again when grading), the phrase
  the probability as written;
* a statement of an interval ("Unemployment between 4% and 5% at year end:
  80%") is drafted as a numeric question instead, its forecast the interval
  with the list's number as its coverage; a date interval ("Election held
  between March and June: 70%", "Ceasefire by spring: 60%") as a date question
  (``forecasts.drafting.numeric_drafts``). A threshold ("Bitcoin above
  $100,000: 60%") and a point ("CPI about 3%: 60%", whose number is no
  interval's coverage) stay yes/no questions.

:func:`plan_grading` matches a grading post's paste to the source's forecasts
(by the numbers in their quoted lines, or in order) and :func:`record_grading`
records the outcomes through ``ledger.question_resolve`` (``question_annul``
for thrown-out calls) with the grading post as evidence URL and the grading
line as evidence note. The ledger cannot resolve a draft, and a draft's
question is not yet worded or given criteria, so drafts are left out and
listed: approve them, then paste the grading post again (questions already
resolved are skipped, so a second paste records only the newly approved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts import ledger
from forecasts.drafting.drafts import RESOLUTION_GRACE
from forecasts.drafting.lists import (
    ANNULLED,
    CALL_RIGHT,
    CALL_WRONG,
    Graded,
    LineError,
    ListItem,
    match_outcomes,
    parse_list,
)
from forecasts.drafting.numeric_drafts import (
    QuantityDraft,
    describe,
    plan_note,
    plan_quantity,
    resolve_by_for,
)
from forecasts.drafting.quantities import INTERVAL, read_quantity
from forecasts.models import Author, Forecast, Question, Resolution, Source
from forecasts.models.ledger import Scale

TITLE_LIMIT = 300
SLUG_WORDS = 8


@dataclass(frozen=True)
class ListPlan:
    """What importing a list would write: its forecasts, its bad lines, the dates used."""

    author: Author
    url: str
    published_on: date
    title: str
    publisher: str
    closes_on: date
    items: list[ListItem]
    errors: list[LineError]

    @property
    def closes_at(self) -> datetime:
        return datetime.combine(self.closes_on, time(23, 59, 59), tzinfo=UTC)

    @property
    def resolve_by(self) -> datetime:
        return self.closes_at + RESOLUTION_GRACE


def default_title(author: Author, published_on: date) -> str:
    return f"{author.name}: predictions for {published_on.year}"


def plan_list(
    *,
    author: Author,
    url: str,
    published_on: date,
    text: str,
    title: str = "",
    publisher: str = "",
    closes_on: date | None = None,
) -> ListPlan:
    """Read the list and check the post's details; bad details raise a ValidationError by field.

    Bad lines do not raise: they are in ``errors``, for the preview to list.
    """
    errors: dict[str, str] = {}
    if published_on > timezone.now().date():
        errors["published_on"] = "The post's date is in the future."
    closes_on = closes_on or date(published_on.year, 12, 31)
    if closes_on < published_on:
        errors["closes_on"] = "The questions would close before the post was published."
    taken = Source.objects.filter(url=url).first() if url else None
    if taken is not None:
        errors["url"] = f"“{taken}” already has this URL: that post is imported already."
    if errors:
        raise ValidationError(errors)
    parsed = parse_list(text)
    return ListPlan(
        author=author,
        url=url,
        published_on=published_on,
        title=title.strip() or default_title(author, published_on),
        publisher=publisher.strip(),
        closes_on=closes_on,
        items=parsed.items,
        errors=parsed.errors,
    )


def draft_title(item: ListItem) -> str:
    title = f"{ledger.DRAFT_TITLE_MARK} {item.statement}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


@transaction.atomic
def import_list(*, plan: ListPlan, by=None) -> tuple[Source, list[Question]]:
    """Write the planned source, draft questions and forecasts; refuse a plan with bad lines."""
    if plan.errors:
        raise ValidationError(
            {"text": [f"{error}" for error in plan.errors] + ["Nothing was written."]}
        )
    user = by if getattr(by, "pk", None) else None
    source = Source(
        title=plan.title,
        slug=ledger.slugs.unique_slug(
            Source, ledger.slugs.slug_from(plan.title, max_length=80, fallback="list")
        ),
        kind=Source.Kind.POST,
        url=plan.url,
        publisher=plan.publisher,
        author=plan.author,
        published_on=plan.published_on,
        scale=Scale.NUMERIC,
    )
    source.full_clean()
    source.save()
    opens_at = datetime.combine(plan.published_on, time.min, tzinfo=UTC)
    quantities = [item_quantity(item, plan.published_on) for item in plan.items]
    questions = [
        _draft_question(plan, source, item, opens_at, user, quantity)
        for item, quantity in zip(plan.items, quantities, strict=True)
    ]
    bases = [
        ledger.slugs.slug_from(
            " ".join(item.statement.split()[:SLUG_WORDS]), max_length=80, fallback="prediction"
        )
        for item in plan.items
    ]
    for question, slug in zip(questions, ledger.slugs.unique_slugs(Question, bases), strict=True):
        question.slug = slug
    Question.objects.bulk_create(questions)
    for question, item, quantity in zip(questions, plan.items, quantities, strict=True):
        note = f"Stated as a number in the list: “{item.as_published}”."
        stated: dict = {"probability": item.probability}
        if quantity is not None:
            read = describe(
                quantity,
                phrase=item.as_published,
                scale_name="",
                interval=(item.probability, item.probability),
            )
            note, stated = f"{note} {read}", quantity.stated.as_kwargs()
        ledger.forecast_create(
            question=question,
            author=plan.author,
            source=source,
            stated_at=opens_at,
            quote=item.text,
            phrase=item.as_published[:120],
            scale=Scale.NUMERIC,
            conversion_note=note,
            entered_by=user,
            allow_draft=True,
            **stated,
        )
    return source, questions


def item_quantity(item: ListItem, published_on: date) -> QuantityDraft | None:
    """The numeric or date draft of a list item stating an interval, or None (yes/no)."""
    quantity = read_quantity(item.statement, published_on)
    if quantity is None or quantity.form != INTERVAL:
        return None
    return plan_quantity(
        quantity, probability=item.probability, affirms=True, stated_on=published_on
    )


def _draft_question(
    plan: ListPlan,
    source: Source,
    item: ListItem,
    opens_at: datetime,
    user,
    quantity: QuantityDraft | None = None,
) -> Question:
    where = f"item {item.number}" if item.number is not None else f"line {item.line}"
    section = f", section “{item.section}”" if item.section else ""
    notes = (
        f"From {plan.author}'s list “{plan.title}” ({plan.url}), published "
        f"{plan.published_on:%d %B %Y}, {where}{section}: “{item.text}”\n\n"
        f"Closes {plan.closes_on:%d %B %Y}. Before approving: reword the title as a question "
        "that keeps the author's direction (the number is their chance that the statement "
        "comes true), write resolution criteria and check the dates."
    )
    fields: dict = {"kind": Question.Kind.BINARY}
    resolve_by = plan.resolve_by
    if quantity is not None:
        notes += "\n\n" + plan_note(quantity)
        fields, resolve_by = quantity.question_fields, resolve_by_for(quantity, resolve_by)
    question = Question(
        title=draft_title(item),
        **fields,
        resolution_criteria="",
        editor_notes=notes,  # editors only: never copied to the public background
        opens_at=opens_at,
        closes_at=plan.closes_at,
        resolve_by=resolve_by,
        state=Question.State.DRAFT,
        created_by=user,
    )
    question.full_clean(
        exclude=["slug", "resolution_criteria"], validate_unique=False, validate_constraints=False
    )
    return question


# What a grading line does to its question.
RECORD, STILL_DRAFT, ALREADY_RESOLVED = "record", "draft", "resolved"


@dataclass(frozen=True)
class GradingRow:
    question: Question
    forecast: Forecast
    graded: Graded

    @property
    def action(self) -> str:
        if self.question.state == Question.State.DRAFT:
            return STILL_DRAFT
        if self.question.state != Question.State.LIVE:
            return ALREADY_RESOLVED
        return RECORD

    @property
    def how(self) -> str:
        """The outcome and, for a graded call, how it was read off the author's lean."""
        marker = self.graded.outcome.marker
        event = self.graded.event
        if event == ANNULLED:
            return "annulled (thrown out by the author)"
        if marker in (CALL_RIGHT, CALL_WRONG):
            return (
                f"{event} ({marker.upper()} on a {self.graded.item.as_published} call: "
                f"{'happened' if event == Resolution.Outcome.YES else 'did not happen'})"
            )
        return event


@dataclass(frozen=True)
class GradingPlan:
    source: Source
    url: str
    graded_on: date
    rows: list[GradingRow]
    ungraded: list[Question]
    errors: list[LineError]

    @property
    def to_record(self) -> list[GradingRow]:
        return [row for row in self.rows if row.action == RECORD]

    @property
    def drafts(self) -> list[GradingRow]:
        return [row for row in self.rows if row.action == STILL_DRAFT]

    @property
    def already_resolved(self) -> list[GradingRow]:
        return [row for row in self.rows if row.action == ALREADY_RESOLVED]


def listed_forecasts(source: Source) -> list[tuple[ListItem, Forecast]]:
    """The source author's binary forecasts as list items (numbers read from the quoted line)."""
    if source.author_id is None:
        return []
    forecasts = (
        source.forecasts.filter(author_id=source.author_id, probability__isnull=False)
        .select_related("question")
        .order_by("pk")
    )
    listed: list[tuple[ListItem, Forecast]] = []
    seen: set[int] = set()
    for forecast in forecasts:
        if forecast.question_id in seen or not forecast.question.is_binary:
            continue
        seen.add(forecast.question_id)
        probability = float(forecast.probability or 0)
        parsed = parse_list(forecast.quote).items if forecast.quote else []
        item = (
            parsed[0]
            if len(parsed) == 1
            else ListItem(
                len(listed) + 1, None, "", forecast.question.title, probability, "", forecast.quote
            )
        )
        # The stored number is the one scored: it wins over the line if they differ.
        listed.append((ListItem(**{**item.__dict__, "probability": probability}), forecast))
    return listed


def plan_grading(*, source: Source, url: str, graded_on: date, text: str) -> GradingPlan:
    """Match the grading paste to the source's forecasts; writes nothing."""
    errors: dict[str, str] = {}
    if graded_on > timezone.now().date():
        errors["graded_on"] = "The grading post's date is in the future."
    elif source.published_on and graded_on < source.published_on:
        errors["graded_on"] = "The grading post is dated before the list was published."
    if errors:
        raise ValidationError(errors)
    listed = listed_forecasts(source)
    if not listed:
        raise ValidationError({"text": "This source has no forecasts by its author to grade."})
    forecast_of = {id(item): forecast for item, forecast in listed}
    grading = match_outcomes([item for item, _ in listed], text)
    rows = [
        GradingRow(forecast_of[id(g.item)].question, forecast_of[id(g.item)], g)
        for g in grading.graded
    ]
    ungraded = [forecast_of[id(item)].question for item in grading.ungraded]
    return GradingPlan(source, url, graded_on, rows, ungraded, grading.errors)


@transaction.atomic
def record_grading(*, plan: GradingPlan, by=None) -> list[Resolution]:
    """Record every live question's outcome, with the post as evidence; all or nothing."""
    if plan.errors:
        raise ValidationError(
            {"text": [f"{error}" for error in plan.errors] + ["Nothing was recorded."]}
        )
    if not plan.to_record:
        raise ValidationError({"text": "No live question to record: approve the drafts first."})
    known_at = datetime.combine(plan.graded_on, time.min, tzinfo=UTC)
    resolutions = []
    for row in plan.to_record:
        line = row.graded.outcome.text
        note = f"Graded in the author's post: “{line}” — {row.how}."
        if row.graded.event == ANNULLED:
            resolution = ledger.question_annul(
                question=row.question,
                reason=f"Thrown out by the author in the grading post: “{line}”.",
                outcome_known_at=known_at,
                evidence_url=plan.url,
                evidence_note=note,
                by=by,
            )
        else:
            resolution = ledger.question_resolve(
                question=row.question,
                outcome=row.graded.event,
                outcome_known_at=known_at,
                evidence_url=plan.url,
                evidence_note=note,
                by=by,
            )
        resolutions.append(resolution)
    return resolutions

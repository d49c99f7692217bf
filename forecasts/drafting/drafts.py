"""Draft questions from an article's hedged claims, for an editor to review.

An editor hands Reckon a stored source with its full text. For every claim
the detector (:mod:`forecasts.drafting.claims`) finds, :func:`draft_claims_from_source`
writes a DRAFT question and the author's suggested forecast:

* the question's title is the sentence behind ``DRAFT_TITLE_MARK``, its
  resolution criteria are empty, so approval (``ledger.question_approve``)
  is refused until an editor has rewritten the title and written criteria;
* it opens on the source's publication date and closes at the end of the
  date the sentence names ("by the end of 2026"), or ``DEFAULT_HORIZON`` after
  publication when it names none; it is due ``RESOLUTION_GRACE`` later;
* the forecast, attributed to the source's author and stated on the
  publication date, keeps the verbatim sentence, the phrase as written, the
  scale that supplied the numbers, its interval and point (the scored
  probability) and a conversion note with the scale's rationale;
* it also keeps which way the author leaned (``direction``), the outcome they
  assert in words and the words' number for it (``stated_outcome``,
  ``stated_probability``). Until an editor confirms which side the reworded
  question asks (``question_agrees``), P(yes) is the number for the positive
  wording ("will almost certainly miss" drafts 3% for "Will it meet…?");
  approval is refused until every drafted claim is confirmed.

Overriding a drafted number goes through ``ledger.forecast_correct``, which
audits every change (a ForecastCorrection row with who, when and why) and
keeps ``scale_point``, so ``Forecast.is_overridden`` shows the override.
A draft that is not a claim worth a question is removed by
:func:`draft_discard`, which remembers the sentence so the next run skips it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from forecasts import ledger
from forecasts.drafting.claims import (
    AFFIRMS,
    NEGATES,
    ClaimTextError,
    DraftClaim,
    detect_claims,
    validate_article_text,
)
from forecasts.drafting.context import paragraph_of
from forecasts.drafting.lexicon import SCALES
from forecasts.drafting.numeric_drafts import (
    QuantityDraft,
    describe,
    plan_note,
    plan_quantity,
    resolve_by_for,
)
from forecasts.models import DiscardedClaim, ForecastCorrection, Question, Source

# When the sentence names no date, the draft closes a year after publication:
# long enough for most op-ed predictions, short enough to be checked while it matters.
DEFAULT_HORIZON_YEARS = 1
# Time after the close for the outcome to become known and be recorded.
RESOLUTION_GRACE = timedelta(days=31)
# A shorter stored quote ("likely") would match far too many sentences.
MIN_QUOTE_WORDS_TO_MATCH_INSIDE = 4
SLUG_WORDS = 8


@dataclass(frozen=True)
class DraftReport:
    """What drafting found in a source and what it wrote (or would write).

    ``to_draft`` are the claims new to this source; ``already_quoted`` are
    claims a forecast of the source already quotes and ``discarded`` those an
    editor discarded before: both are skipped. ``questions`` are the drafts
    written, in the order of ``to_draft`` (empty for a preview).
    """

    source: Source
    scale: str
    found: int
    to_draft: list[DraftClaim]
    already_quoted: list[DraftClaim]
    discarded: list[DraftClaim]
    questions: list[Question] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.questions)


def check_source(source: Source, scale: str | None = None) -> tuple[str, str]:
    """The scale to read with and the validated text; every problem at once as a ValidationError."""
    errors: dict[str, str] = {}
    scale = scale or source.scale
    if scale not in SCALES:
        errors["scale"] = (
            f"“{scale}” has no estimative words to read; choose one of: {', '.join(SCALES)}."
        )
    if source.author_id is None:
        errors["author"] = (
            "The source has no author: add the byline first (drafted forecasts are theirs)."
        )
    if source.published_on is None:
        errors["published_on"] = (
            "The source has no publication date: add it first (drafts open on it and "
            "their forecasts are stated on it)."
        )
    elif source.published_on > timezone.now().date():
        errors["published_on"] = "The publication date is in the future."
    text = ""
    try:
        text = validate_article_text(source.full_text)
    except ClaimTextError as error:
        errors["full_text"] = f"Cannot draft claims from the full text: {error}."
    if errors:
        raise ValidationError(errors)
    return scale, text


def plan_drafts(*, source: Source, scale: str | None = None) -> DraftReport:
    """Detect the claims of ``source`` and sort out those already handled. Writes nothing."""
    scale, text = check_source(source, scale)
    claims = detect_claims(text, scale, today=source.published_on, title=source.title)
    quotes = source.forecasts.exclude(quote="").values_list("quote", flat=True)
    quoted = [_normal(quote) for quote in quotes]
    discarded = [_normal(s) for s in source.discarded_claims.values_list("sentence", flat=True)]
    report = DraftReport(source, scale, len(claims), [], [], [])
    for claim in claims:
        sentence = _normal(claim.sentence)
        if _already_said(sentence, quoted):
            report.already_quoted.append(claim)
        elif _already_said(sentence, discarded):
            report.discarded.append(claim)
        else:
            report.to_draft.append(claim)
    return report


@transaction.atomic
def draft_claims_from_source(*, source: Source, by=None, scale: str | None = None) -> DraftReport:
    """Write a draft question and suggested forecast for each new claim of ``source``.

    All or nothing: any error (bad text, no author, no date) raises a
    ValidationError keyed by the source's field and writes nothing. Running
    it again on the same source drafts only sentences no forecast of the
    source quotes yet.
    """
    # Lock the source so two editors drafting it at once cannot both draft a sentence.
    locked = Source.objects.select_for_update(of=("self",)).select_related("author")
    source = locked.get(pk=source.pk)
    report = plan_drafts(source=source, scale=scale)
    # plan_drafts (check_source) refused a source without a publication date or an author.
    published_on, author = source.published_on, source.author
    assert published_on is not None and author is not None
    stated_at = datetime.combine(published_on, time.min, tzinfo=UTC)
    user = by if getattr(by, "pk", None) else None
    plans = [quantity_plan(claim, published_on) for claim in report.to_draft]
    questions = [
        _draft_question(source, published_on, claim, user, plan)
        for claim, plan in zip(report.to_draft, plans, strict=True)
    ]
    _assign_unique_slugs(questions, report.to_draft)
    Question.objects.bulk_create(questions)
    for question, claim, plan in zip(questions, report.to_draft, plans, strict=True):
        if plan is not None:
            _record_quantity(question, claim, plan, source, stated_at, user, report.scale)
            continue
        probability, interval = positive_wording(claim)
        ledger.forecast_create(
            question=question,
            author=author,
            source=source,
            stated_at=stated_at,
            probability=probability,
            quote=claim.sentence,
            phrase=claim.phrase[:120],
            scale=claim.scale,
            interval=interval,
            scale_point=probability,
            conversion_note=conversion_note(claim, report.scale),
            direction=claim.direction,
            stated_probability=claim.stated_probability,
            stated_outcome=claim.outcome[:300],
            entered_by=user,
            allow_draft=True,
        )
    return replace(report, questions=questions)


def quantity_plan(claim: DraftClaim, published_on: date) -> QuantityDraft | None:
    """The numeric or date draft for the quantity the claim states, or None (a yes/no draft).

    The coverage of a stated interval is the number the words give to the side
    the author asserts (see ``forecasts.drafting.numeric_drafts``).
    """
    return plan_quantity(
        claim.quantity,
        probability=claim.stated_probability,
        affirms=claim.direction == AFFIRMS,
        stated_on=published_on,
    )


def _record_quantity(
    question: Question,
    claim: DraftClaim,
    plan: QuantityDraft,
    source: Source,
    stated_at: datetime,
    user,
    source_scale: str,
) -> None:
    """The author's stated values on a numeric or date draft, with how the words were read."""
    interval_form = plan.stated.value_low is not None
    note = describe(
        plan, phrase=claim.phrase, scale_name=SCALES[claim.scale], interval=claim.stated_interval
    )
    if interval_form:
        note += " " + conversion_note(claim, source_scale)
    assert source.author is not None  # check_source refused a source without one
    ledger.forecast_create(
        question=question,
        author=source.author,
        source=source,
        stated_at=stated_at,
        quote=claim.sentence,
        phrase=claim.phrase[:120],
        scale=claim.scale,
        interval=claim.stated_interval if interval_form else None,
        scale_point=claim.stated_probability if interval_form else None,
        conversion_note=note,
        entered_by=user,
        allow_draft=True,
        value=plan.stated.value,
        value_low=plan.stated.value_low,
        value_high=plan.stated.value_high,
        coverage=plan.stated.coverage,
    )


def positive_wording(claim: DraftClaim) -> tuple[float, tuple[float, float]]:
    """P(yes) and the interval for the question worded the positive way, until confirmed.

    "Will almost certainly miss the target" (97% on missing) drafts 3%, the
    number "Will the EU meet its target?" carries; the editor confirms which
    way the reworded question asks before approving (``ledger.question_approve``).
    """
    if claim.direction == AFFIRMS:
        return claim.stated_probability, claim.stated_interval
    low, high = claim.stated_interval
    return round(1 - claim.stated_probability, 6), (round(1 - high, 6), round(1 - low, 6))


@transaction.atomic
def draft_discard(
    *, question: Question, by=None, reason: str = DiscardedClaim.Reason.UNSTATED
) -> list[DiscardedClaim]:
    """Delete a draft question with its suggested forecasts; remember the sentences and why.

    Only drafts can be discarded: their forecasts were never published or
    scored, so deleting them does not rewrite anyone's record. The sentences
    are kept as DiscardedClaim rows so drafting the source again skips them.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state != Question.State.DRAFT:
        raise ValidationError({"question": "Only a draft can be discarded."})
    if reason not in DiscardedClaim.Reason.values:
        raise ValidationError({"reason": f"Unknown reason {reason!r}."})
    if question.conditional_questions.exists():
        raise ValidationError(
            {"question": "Other questions are conditional on this draft; change them first."}
        )
    forecasts = list(question.forecasts.select_related("source"))
    remembered = DiscardedClaim.objects.bulk_create(
        DiscardedClaim(
            source=forecast.source,
            sentence=forecast.quote,
            paragraph=paragraph_of(forecast.source.full_text, forecast.quote),
            phrase=forecast.phrase,
            question_title=question.title,
            reason=reason,
            discarded_by=by if getattr(by, "pk", None) else None,
        )
        for forecast in forecasts
        if forecast.source is not None and forecast.quote
    )
    ledger.allow_forecast_writes()  # the immutability guard, lifted for this transaction
    ForecastCorrection.objects.filter(forecast__question=question).delete()
    question.forecasts.all().delete()
    try:
        question.delete()
    except ProtectedError as error:
        raise ValidationError({"question": "Something still refers to this draft."}) from error
    return remembered


def conversion_note(claim: DraftClaim, source_scale: str) -> str:
    """How the phrase became the number, in words an editor can check against the scale."""
    reading = claim.reading
    low, high = reading.interval
    scale = SCALES[reading.scale]
    note = (
        f"{scale} maps “{claim.phrase}” to {format_percent(low)}–{format_percent(high)}; "
        f"scored at {format_percent(reading.point)}."
    )
    if reading.negated:
        note += (
            f" It negates “{reading.phrase}”, so the range is the complement of "
            f"{format_percent(1 - high)}–{format_percent(1 - low)}."
        )
    elif claim.phrase.lower() != reading.phrase.lower():
        note += f" The scale lists it as “{reading.phrase}”."
    note += f" Why “{reading.phrase}”: {reading.rationale}"
    if reading.scale != source_scale:
        note += (
            f" The source's scale, {SCALES[source_scale]}, does not list this phrase, "
            f"so {scale} supplied the numbers."
        )
    if claim.direction == NEGATES:
        note += (
            f" The author asserts that {claim.outcome} "
            f"({format_percent(claim.stated_probability)}); a question framed the positive way "
            f"takes 1 − p = {format_percent(1 - claim.stated_probability)}."
        )
    # Public text (shown beside the forecast): the editor's instruction to check it
    # against the quote is in the review panel (admin/drafts.py), not here.
    return note


def claim_as_dict(claim: DraftClaim) -> dict:
    """The JSON form of a claim, for previews and other tools."""
    return {
        "index": claim.index,
        "sentence": claim.sentence,
        "phrase": claim.phrase,
        "scale": claim.scale,
        "interval": list(claim.interval) if claim.interval else None,
        "probability": claim.probability,
        "direction": claim.direction,
        "stated_probability": claim.stated_probability,
        "outcome": claim.outcome,
        "quantity": _quantity_as_dict(claim),
        "suggested_resolve_by": (
            claim.suggested_resolve_by.isoformat() if claim.suggested_resolve_by else None
        ),
    }


def _quantity_as_dict(claim: DraftClaim) -> dict | None:
    quantity = claim.quantity
    if quantity is None:
        return None

    def shown(value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value

    return {
        "form": quantity.form,
        "kind": quantity.kind,
        "unit": quantity.unit,
        "low": shown(quantity.low),
        "high": shown(quantity.high),
        "value": quantity.value,
        "words": quantity.text,
    }


def draft_dates(published_on: date, resolve_by: date | None) -> tuple[datetime, datetime, datetime]:
    """Opens, closes and resolve-by of a draft: see the module docstring."""
    opens_at = datetime.combine(published_on, time.min, tzinfo=UTC)
    until = resolve_by or _years_later(published_on, DEFAULT_HORIZON_YEARS)
    closes_at = datetime.combine(until, time(23, 59, 59), tzinfo=UTC)
    return opens_at, closes_at, closes_at + RESOLUTION_GRACE


def _draft_question(
    source: Source, published_on: date, claim: DraftClaim, user, plan: QuantityDraft | None = None
) -> Question:
    opens_at, closes_at, resolve_by = draft_dates(published_on, claim.suggested_resolve_by)
    if plan is not None:
        resolve_by = resolve_by_for(plan, resolve_by)
    sentence = " ".join(claim.sentence.split())
    title = f"{ledger.DRAFT_TITLE_MARK} {sentence}"
    if len(title) > 300:
        title = title[:299].rstrip() + "…"
    dated = (
        f"the date the sentence names ({_long_date(claim.suggested_resolve_by)})"
        if claim.suggested_resolve_by
        else f"the default, {DEFAULT_HORIZON_YEARS} year after publication (no date in the text)"
    )
    notes = (
        f"Drafted from “{source.title}”"
        f"{f' ({source.publisher})' if source.publisher else ''}, published "
        f"{_long_date(published_on)}, sentence {claim.index + 1}: “{sentence}”\n\n"
        f"Closes on {dated}. Before approving: rewrite the title as a question, write "
        "resolution criteria and check the dates."
    )
    if plan is not None:
        notes += "\n\n" + plan_note(plan)
    question = Question(
        title=title,
        **(plan.question_fields if plan is not None else {"kind": Question.Kind.BINARY}),
        resolution_criteria="",
        editor_notes=notes,  # editors only: never copied to the public background
        opens_at=opens_at,
        closes_at=closes_at,
        resolve_by=resolve_by,
        state=Question.State.DRAFT,
        created_by=user,
    )
    question.full_clean(
        exclude=["slug", "resolution_criteria"], validate_unique=False, validate_constraints=False
    )
    return question


def _assign_unique_slugs(questions: list[Question], claims: list[DraftClaim]) -> None:
    """Slugs from the sentences' first words, suffixed -2, -3… where taken (one query)."""
    bases = [
        ledger.slugs.slug_from(
            " ".join(claim.sentence.split()[:SLUG_WORDS]), max_length=80, fallback="claim"
        )
        for claim in claims
    ]
    for question, slug in zip(questions, ledger.slugs.unique_slugs(Question, bases), strict=True):
        question.slug = slug


def _normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(text.replace("\u201d", '"').lower().split())


def _already_said(sentence: str, stored: Iterable[str]) -> bool:
    """The sentence is the stored text, or one contains the other (a quoted clause)."""
    for text in stored:
        if text == sentence:
            return True
        if len(text.split()) >= MIN_QUOTE_WORDS_TO_MATCH_INSIDE and (
            text in sentence or sentence in text
        ):
            return True
    return False


def format_percent(value: float | None) -> str:
    """0.675 → "67.5%", as scales and conversion notes write it."""
    return "—" if value is None else f"{value * 100:.4g}%"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)

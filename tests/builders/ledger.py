"""Builders for the ledger: users, authors, sources, tags, questions, forecasts, resolutions.

Each builder writes one thing and returns it. Arguments are keywords with
defaults that make a valid record, so a test names only what it is about.
Forecasts, resolutions and corrections go through ``forecasts.ledger``,
as the site writes them; ``raw_forecast`` and ``raw_resolution`` write straight
into the tables (the database guards still check them) for tests of those
guards, or of stored scores, that must not depend on the services' rules.

The service builders take ``at``: the moment the clock is stopped at while the
service writes (a forecast's ``recorded_at``, a resolution's ``resolved_at``).
Without it they write at whatever the clock says, frozen or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.utils import timezone
from django.utils.text import slugify

from forecasts import ledger
from forecasts.ledger.roles import EDITORS, RESOLVERS
from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    Option,
    Question,
    Resolution,
    Source,
    Tag,
)

# The default question's window: open from 1 Nov 2024, closed after 30 Jun 2025, due 31 Dec 2025.
OPENS = datetime(2024, 11, 1, tzinfo=UTC)
CLOSES = datetime(2025, 6, 30, tzinfo=UTC)
RESOLVE_BY = datetime(2025, 12, 31, tzinfo=UTC)
PUBLISHED = date(2024, 11, 12)  # the default source's publication date
# Where the ``frozen_clock`` fixture stops the clock unless a module overrides ``frozen_at``:
# after every default date, so the default question may be resolved and corrected.
FROZEN_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CRITERIA = "Per the official record."
EVIDENCE_URL = "https://example.org/record"
# The article the claim detector is tuned on (fixtures/seed-article.txt): 17 claims.
SEED_ARTICLE = Path(__file__).resolve().parents[2] / "fixtures" / "seed-article.txt"
SEED_ARTICLE_TEXT = SEED_ARTICLE.read_text(encoding="utf-8")

Probabilities = Mapping[int, float] | Sequence[float]


def _clock(at: datetime | None) -> AbstractContextManager:
    """The clock stopped at ``at``, or left as it is."""
    return time_machine.travel(at, tick=False) if at is not None else nullcontext()


# --- people -----------------------------------------------------------------


def user(
    username: str = "ada",
    *,
    email: str | None = None,
    password: str | None = None,
    is_staff: bool = False,
    groups: Iterable[str] = (),
) -> AbstractUser:
    """A user with email ``<username>@example.org`` and password ``pw-<username>-123``,
    in the named groups (which must exist: migrations create the roles)."""
    made = get_user_model().objects.create_user(
        username,
        f"{username}@example.org" if email is None else email,
        f"pw-{username}-123" if password is None else password,
        is_staff=is_staff,
    )
    made.groups.add(*(Group.objects.get(name=name) for name in groups))
    return made


def editor(username: str = "edith") -> AbstractUser:
    """A staff user in the Editors group: enters claims, sources and questions."""
    return user(username, is_staff=True, groups=[EDITORS])


def resolver(username: str = "rex") -> AbstractUser:
    """A staff user in the Resolvers group: resolves, corrects and annuls questions."""
    return user(username, is_staff=True, groups=[RESOLVERS])


def forecaster(author: Author, username: str = "ada") -> AbstractUser:
    """A user with no group, linked to ``author`` (the author's own account)."""
    made = user(username)
    author.user = made
    author.save(update_fields=["user"])
    return made


def author(name: str = "Ada Pundit", *, slug: str | None = None, **fields) -> Author:
    """An author; the slug defaults to the name slugified ("Ada Pundit" → "ada-pundit")."""
    return Author.objects.create(name=name, slug=slug or slugify(name), **fields)


def source(
    author: Author | None = None,
    *,
    title: str = "What next",
    slug: str | None = None,
    published_on: date | None = PUBLISHED,
    **fields,
) -> Source:
    """A source by ``author`` (none if not given), published 12 Nov 2024 unless told;
    the slug defaults to the title slugified."""
    return Source.objects.create(
        title=title, slug=slug or slugify(title), author=author, published_on=published_on, **fields
    )


def seed_article(author: Author, **fields) -> Source:
    """The seed article ("Trump, Xi and Putin", 12 Nov 2024) as a source no forecast quotes yet."""
    fields = {"title": "Trump, Xi and Putin", "slug": "trump-xi-putin", **fields}
    return source(author, full_text=SEED_ARTICLE_TEXT, **fields)


def tag(name: str = "Economy", *, slug: str | None = None) -> Tag:
    """A tag; the slug defaults to the name slugified."""
    return Tag.objects.create(name=name, slug=slug or slugify(name))


# --- questions --------------------------------------------------------------


def question(
    slug: str = "will-it-happen",
    *,
    title: str | None = None,
    resolution_criteria: str = CRITERIA,
    opens_at: datetime = OPENS,
    closes_at: datetime = CLOSES,
    resolve_by: datetime = RESOLVE_BY,
    kind: str | None = None,
    options: Sequence[str] = (),
    tags: Iterable[Tag] = (),
    **fields,
) -> Question:
    """A live question, open 1 Nov 2024 to 30 Jun 2025 and due 31 Dec 2025 unless told.

    The title defaults to "Question <slug>". Given ``options`` (labels, in
    position order) it is multiple-choice, unless ``kind`` says otherwise.
    Other fields (``state``, ``condition_question``, …) go to the model as given.
    """
    if kind is None:
        kind = Question.Kind.MULTIPLE_CHOICE if options else Question.Kind.BINARY
    made = Question.objects.create(
        title=f"Question {slug}" if title is None else title,
        slug=slug,
        kind=kind,
        resolution_criteria=resolution_criteria,
        opens_at=opens_at,
        closes_at=closes_at,
        resolve_by=resolve_by,
        **fields,
    )
    for position, label in enumerate(options):
        Option.objects.create(question=made, label=label, position=position)
    if tags:
        made.tags.set(tags)
    return made


def choice_question(
    slug: str = "who-wins", *, options: Sequence[str] = ("Red", "Blue", "Green"), **fields
) -> Question:
    """A multiple-choice question with options Red, Blue and Green unless told."""
    return question(slug, options=options, **fields)


def closed_question(slug: str, *, overdue: timedelta = timedelta(days=1), **fields) -> Question:
    """A binary question that opened 60 days ago, closed 30 days ago, due ``overdue`` ago."""
    now = timezone.now()
    return question(
        slug,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        resolve_by=now - overdue,
        **fields,
    )


def open_question(slug: str, **fields) -> Question:
    """A binary question that opened 10 days ago and closes in 30 days (due in 40)."""
    now = timezone.now()
    return question(
        slug,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
        resolve_by=now + timedelta(days=40),
        **fields,
    )


def resolved_question(slug: str, outcome: str = "yes", *, known_at: datetime, **fields) -> Question:
    """A question already resolved, written raw: state RESOLVED (ANNULLED for "annulled"),
    a current resolution known at ``known_at``, resolution_changed_at = ``known_at``.

    For tests of stored scores; forecasts added afterwards with ``raw_forecast``
    still count if stated before ``known_at``.
    """
    made = question(slug, **fields)
    raw_resolution(made, outcome, known_at=known_at, settle=True)
    return made


def conditional_question(
    condition: Question,
    *,
    outcome: str = "yes",
    slug: str = "will-it-last",
    title: str = "If it happens, will it last?",
    resolution_criteria: str = "Lasts a year.",
    resolve_by: datetime | None = None,
    **fields,
) -> Question:
    """A question that counts only if ``condition`` resolves ``outcome``; it shares the
    condition's window and is due a year after it unless told."""
    fields.setdefault("opens_at", condition.opens_at)
    fields.setdefault("closes_at", condition.closes_at)
    return question(
        slug,
        title=title,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by or condition.resolve_by + timedelta(days=365),
        condition_question=condition,
        condition_outcome=outcome,
        **fields,
    )


# --- forecasts --------------------------------------------------------------


def forecast(
    question: Question,
    author: Author,
    *,
    source: Source | None = None,
    probability: float | None = 0.7,
    option_probabilities: Probabilities | None = None,
    stated_at: datetime | None = None,
    at: datetime | None = None,
    **fields,
) -> Forecast:
    """A forecast recorded by ``ledger.forecast_create``, with the server's time.

    Stated an hour after the question opened unless told, so it holds on every
    scored day. On a multiple-choice question give ``option_probabilities``
    (in position order, or by option pk); ``probability`` is then not sent.
    ``at`` stops the clock while it is recorded: its ``recorded_at``. Other
    fields (``quote``, ``phrase``, ``scale``, ``interval``, …) go to the service.
    """
    if option_probabilities is not None:
        probability = None
    with _clock(at):
        return ledger.forecast_create(
            question=question,
            author=author,
            source=source,
            probability=probability,
            option_probabilities=option_probabilities,
            stated_at=question.opens_at + timedelta(hours=1) if stated_at is None else stated_at,
            **fields,
        )


def raw_forecast(
    question: Question,
    author: Author,
    *,
    probability: float | None = 0.7,
    option_probabilities: Sequence[float] | None = None,
    stated_at: datetime | None = None,
    recorded_at: datetime | None = None,
    **fields,
) -> Forecast:
    """A forecast inserted straight into the table, past the services' checks.

    Stated an hour after the question opened unless told; ``recorded_at``
    defaults to now (the model's default). ``option_probabilities`` (in
    position order) writes one row per option and leaves ``probability`` empty.
    """
    if option_probabilities is not None:
        probability = None
    if recorded_at is not None:
        fields["recorded_at"] = recorded_at
    made = Forecast.objects.create(
        question=question,
        author=author,
        stated_at=question.opens_at + timedelta(hours=1) if stated_at is None else stated_at,
        probability=probability,
        **fields,
    )
    if option_probabilities is not None:
        ForecastProbability.objects.bulk_create(
            ForecastProbability(forecast=made, option=option, probability=p)
            for option, p in zip(question.options.all(), option_probabilities, strict=True)
        )
    return made


def correct_forecast(
    forecast: Forecast, *, reason: str = "Typed wrongly.", by=None, **changes
) -> Forecast:
    """Correct fields of a forecast (``probability=0.25``, …) through the service: audited."""
    return ledger.forecast_correct(forecast=forecast, changes=changes, reason=reason, by=by)


# --- resolutions ------------------------------------------------------------


def resolve(
    question: Question,
    outcome: str = "yes",
    *,
    known_at: datetime | None = None,
    option: Option | None = None,
    evidence_url: str | None = None,
    evidence_note: str = "",
    by=None,
    at: datetime | None = None,
) -> Resolution:
    """Resolve through ``ledger.question_resolve``: forecasts recorded before count.

    The outcome is known now (the clock at ``at`` if given) unless told; giving
    an ``option`` makes the outcome "option". The evidence is a link to the
    record unless a note (or another URL) is given.
    """
    if evidence_url is None:
        evidence_url = "" if evidence_note else EVIDENCE_URL
    with _clock(at):
        return ledger.question_resolve(
            question=question,
            outcome="option" if option is not None else outcome,
            option=option,
            outcome_known_at=timezone.now() if known_at is None else known_at,
            evidence_url=evidence_url,
            evidence_note=evidence_note,
            by=by,
        )


def correct(
    question: Question,
    outcome: str | None = None,
    *,
    known_at: datetime | None = None,
    reason: str = "Misread.",
    option: Option | None = None,
    evidence_url: str = "",
    evidence_note: str = "",
    by=None,
    at: datetime | None = None,
) -> Resolution:
    """Correct the current resolution through ``ledger.resolution_correct``.

    Without an ``outcome`` a yes/no outcome flips (giving an ``option`` makes
    it "option"); the moment the outcome was known stays the current
    resolution's unless told.
    """
    current = question.resolutions.get(is_current=True)
    if option is not None:
        outcome = "option"
    elif outcome is None:
        flips = {"yes": "no", "no": "yes"}
        if current.outcome not in flips:
            raise ValueError(f"Only a yes/no outcome flips; say what {current.outcome!r} becomes.")
        outcome = flips[current.outcome]
    with _clock(at):
        return ledger.resolution_correct(
            question=question,
            outcome=outcome,
            outcome_known_at=current.outcome_known_at if known_at is None else known_at,
            reason=reason,
            option=option,
            evidence_url=evidence_url,
            evidence_note=evidence_note,
            by=by,
        )


def annul(
    question: Question,
    *,
    reason: str = "Ambiguous wording.",
    by=None,
    at: datetime | None = None,
    **fields,
) -> Resolution:
    """Annul through ``ledger.question_annul``: the question's forecasts stop counting."""
    with _clock(at):
        return ledger.question_annul(question=question, reason=reason, by=by, **fields)


def raw_resolution(
    question: Question,
    outcome: str = "yes",
    *,
    known_at: datetime,
    option: Option | None = None,
    settle: bool = False,
    **fields,
) -> Resolution:
    """A current resolution inserted straight into the table, past the services' checks.

    With ``settle`` the question is also left as the services leave it: state
    RESOLVED (ANNULLED for "annulled") and resolution_changed_at = ``known_at``.
    """
    made = Resolution.objects.create(
        question=question, outcome=outcome, option=option, outcome_known_at=known_at, **fields
    )
    if settle:
        annulled = outcome == Resolution.Outcome.ANNULLED
        question.state = Question.State.ANNULLED if annulled else Question.State.RESOLVED
        question.resolution_changed_at = known_at
        question.save()
    return made

"""The small ledger the standings tests read: three authors, four questions, one tag."""

from datetime import UTC, datetime, timedelta

import pytest

from forecasts.engine import rescoring
from forecasts.models import Author, Forecast, Question, Resolution, Tag

OPENS = datetime(2024, 1, 1, tzinfo=UTC)


def _record(question: Question, author: Author, p: float) -> Forecast:
    """A forecast stated and recorded when the question opened (never hindsight)."""
    return Forecast.objects.create(
        question=question,
        author=author,
        stated_at=question.opens_at,
        recorded_at=question.opens_at,
        probability=p,
    )


@pytest.fixture
def record():
    """``record(question, author, p)``: a forecast as if entered when the question opened."""
    return _record


@pytest.fixture
def ledger(db):
    """Three authors over four questions; two resolved in 2024, one in 2025, one pending.

    Ada scores 0.01, 0.04 and 0.16 (mean 0.07), Bob 0.16, 0.25 and 0.09, Cy 0.64 and 0.49;
    q1 and q3 (and the pending q4) are tagged politics.
    """
    politics = Tag.objects.create(name="Politics", slug="politics")
    ada, bob, cy = (Author.objects.create(name=n, slug=n.lower()) for n in ("Ada", "Bob", "Cy"))
    plan = [
        ("q1", "yes", datetime(2024, 3, 1, tzinfo=UTC), [politics], {ada: 0.9, bob: 0.6, cy: 0.2}),
        ("q2", "no", datetime(2024, 6, 1, tzinfo=UTC), [], {ada: 0.2, bob: 0.5, cy: 0.7}),
        ("q3", "yes", datetime(2025, 2, 1, tzinfo=UTC), [politics], {ada: 0.6, bob: 0.7}),
        ("q4", None, None, [politics], {ada: 0.5, cy: 0.5}),
    ]
    for slug, outcome, known, tags, forecasts in plan:
        question = Question.objects.create(
            title=slug,
            slug=slug,
            resolution_criteria="Test.",
            opens_at=OPENS,
            closes_at=OPENS + timedelta(days=30),
            resolve_by=OPENS + timedelta(days=40),
        )
        question.tags.set(tags)
        for author, p in forecasts.items():
            _record(question, author, p)
        if outcome:
            Resolution.objects.create(question=question, outcome=outcome, outcome_known_at=known)
            question.state = Question.State.RESOLVED
            question.resolution_changed_at = known
            question.save()
    rescoring.rescore_all()
    return {"ada": ada, "bob": bob, "cy": cy, "politics": politics}

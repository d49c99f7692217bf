"""Small ledgers for tests that resolve and score questions (dates in the real past)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from forecasts.ledger import services
from forecasts.models import Author, Forecast, Question, Resolution, Source


def closed_question(slug: str, *, overdue: timedelta = timedelta(days=1)) -> Question:
    """A binary question that opened 60 days ago, closed 30 days ago and is now due."""
    now = timezone.now()
    return Question.objects.create(
        title=f"Question {slug}",
        slug=slug,
        resolution_criteria="Per the official record.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        resolve_by=now - overdue,
    )


def forecast(question: Question, author: Author, source: Source, p: float) -> Forecast:
    """One forecast stated the day the question opened, so every scored day holds ``p``."""
    return services.forecast_create(
        question=question,
        author=author,
        source=source,
        probability=p,
        stated_at=question.opens_at + timedelta(hours=1),
    )


def resolve(question: Question, outcome: str) -> Resolution:
    """Resolve now: forecasts recorded before this moment count (no hindsight)."""
    return services.question_resolve(
        question=question,
        outcome=outcome,
        outcome_known_at=timezone.now(),
        evidence_url="https://example.org/record",
    )

"""A small ledger for the page tests: authors, tagged questions, forecasts, outcomes, scores.

Built with the ledger builders: forecasts go through the services with the
clock at the moment they were stated, so none is hindsight unless a test asks
for it. Scores are computed by forecasts.engine.rescoring, the same code the
worker runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from forecasts.engine import rescoring
from forecasts.models import Author, Question, Source, Tag
from tests.builders.ledger import author, forecast, question, resolve, source, tag

START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class World:
    authors: list[Author]
    tags: list[Tag]
    questions: list[Question]
    outcomes: dict[int, bool] = field(default_factory=dict)
    source: Source | None = None


def build_world(
    *, n_authors: int = 3, n_questions: int = 6, n_open: int = 1, seed: int = 7
) -> World:
    """``n_questions`` resolved binary questions plus ``n_open`` still open, all forecast."""
    rng = random.Random(seed)
    tags = [tag(name) for name in ("Ukraine", "China")]
    authors = [author(f"Author {i}", is_synthetic=i == n_authors - 1) for i in range(n_authors)]
    outlook = source(authors[0], title="Outlook", published_on=START.date())
    world = World(authors=authors, tags=tags, questions=[], source=outlook)
    for i in range(n_questions + n_open):
        opens = START + timedelta(days=10 * i)
        q = question(
            f"question-{i}",
            title=f"Question {i}?",
            resolution_criteria=f"Criteria {i}.",
            opens_at=opens,
            closes_at=opens + timedelta(days=30),
            resolve_by=opens + timedelta(days=40)
            if i < n_questions
            else datetime(2099, 1, 1, tzinfo=UTC),
            tags=[tags[i % 2]],
        )
        world.questions.append(q)
        for j, pundit in enumerate(authors):
            for k in range(1 + (i + j) % 2):  # some authors update once
                stated = opens + timedelta(days=1 + 5 * k + j, hours=3)
                forecast(
                    q,
                    pundit,
                    source=outlook,
                    probability=round(rng.uniform(0.05, 0.95), 2),
                    stated_at=stated,
                    at=stated,
                    quote=f"{pundit.name} thinks question {i} is likely, take {k}.",
                    phrase="likely",
                    scale="icd203",
                )
        if i < n_questions:
            happened = rng.random() < 0.5
            known = opens + timedelta(days=35)
            resolve(
                q,
                "yes" if happened else "no",
                known_at=known,
                evidence_note="Reported widely.",
                evidence_url="https://example.org/evidence",
                at=known + timedelta(hours=1),
            )
            world.outcomes[q.pk] = happened
    return world


def store_scores(world: World) -> None:
    """Score the world with the real scorer, as the worker does after resolutions."""
    rescoring.rescore_all()

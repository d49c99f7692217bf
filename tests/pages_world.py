"""A small ledger for the page tests: authors, tagged questions, forecasts, outcomes, scores.

Forecasts are written through the services with the clock at the moment they
were stated, so none is hindsight unless a test asks for it. Scores are stored
the way the scorer stores them, with the numbers from forecasts.scoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from forecasts import scoring, services
from forecasts.models import Author, Question, QuestionScore, Scorecard, Source, Tag

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
    tags = [Tag.objects.create(name=n, slug=n.lower()) for n in ("Ukraine", "China")]
    authors = [
        Author.objects.create(
            name=f"Author {i}", slug=f"author-{i}", is_synthetic=i == n_authors - 1
        )
        for i in range(n_authors)
    ]
    source = Source.objects.create(
        title="Outlook", slug="outlook", author=authors[0], published_on=START.date()
    )
    world = World(authors=authors, tags=tags, questions=[], source=source)
    for i in range(n_questions + n_open):
        opens = START + timedelta(days=10 * i)
        q = Question.objects.create(
            title=f"Question {i}?",
            slug=f"question-{i}",
            resolution_criteria=f"Criteria {i}.",
            opens_at=opens,
            closes_at=opens + timedelta(days=30),
            resolve_by=opens + timedelta(days=40)
            if i < n_questions
            else datetime(2099, 1, 1, tzinfo=UTC),
        )
        q.tags.add(tags[i % 2])
        world.questions.append(q)
        for j, author in enumerate(authors):
            for k in range(1 + (i + j) % 2):  # some authors update once
                stated = opens + timedelta(days=1 + 5 * k + j, hours=3)
                with time_machine.travel(stated, tick=False):
                    services.forecast_create(
                        question=q,
                        author=author,
                        stated_at=stated,
                        source=source,
                        probability=round(rng.uniform(0.05, 0.95), 2),
                        quote=f"{author.name} thinks question {i} is likely, take {k}.",
                        phrase="likely",
                        scale="icd203",
                    )
        if i < n_questions:
            happened = rng.random() < 0.5
            known = opens + timedelta(days=35)
            with time_machine.travel(known + timedelta(hours=1), tick=False):
                services.question_resolve(
                    question=q,
                    outcome="yes" if happened else "no",
                    outcome_known_at=known,
                    evidence_note="Reported widely.",
                    evidence_url="https://example.org/evidence",
                )
            world.outcomes[q.pk] = happened
    return world


def store_scores(world: World, *, computed_at: datetime | None = None) -> None:
    """Write QuestionScore and overall/per-tag Scorecards as the scorer would."""
    computed_at = computed_at or timezone.now()
    per_author: dict[int, list[tuple[Question, float, float]]] = {}
    for q in world.questions:
        if q.pk not in world.outcomes:
            continue
        happened = world.outcomes[q.pk]
        for author in world.authors:
            pairs = [(f.stated_at, f.probability) for f in q.forecasts.filter(author=author)]
            bs = scoring.time_averaged_brier(pairs, q.opens_at.date(), q.closes_at.date(), happened)
            final = pairs[-1][1]
            QuestionScore.objects.create(
                author=author,
                question=q,
                resolution=q.resolutions.get(is_current=True),
                brier=bs,
                brier_final=scoring.brier(final, happened),
                log_loss=scoring.log_loss(final, happened),
                final_probability=final if happened else 1 - final,
                n_forecasts=len(pairs),
                computed_at=computed_at,
            )
            per_author.setdefault(author.pk, []).append((q, bs, final))
        Question.objects.filter(pk=q.pk).update(scored_at=computed_at)
    for author in world.authors:
        rows = per_author.get(author.pk, [])
        for tag in [None, *world.tags]:
            chosen = [r for r in rows if tag is None or r[0].tags.filter(pk=tag.pk).exists()]
            _store_card(author, tag, chosen, world.outcomes, computed_at)


def _store_card(author, tag, rows, outcomes, computed_at) -> None:
    if not rows:
        return
    briers = [bs for _, bs, _ in rows]
    finals = [final for _, _, final in rows]
    happened = [outcomes[q.pk] for q, _, _ in rows]
    mean, low, high = scoring.mean_with_interval(briers)
    Scorecard.objects.create(
        author=author,
        tag=tag,
        n_scored=len(rows),
        brier=mean,
        brier_0_2=scoring.brier_0_2(mean),
        brier_low=low,
        brier_high=high,
        brier_final=sum(scoring.brier(p, o) for p, o in zip(finals, happened, strict=True))
        / len(rows),
        skill=scoring.brier_skill_score(mean),
        log_loss=sum(scoring.log_loss(p, o) for p, o in zip(finals, happened, strict=True))
        / len(rows),
        n_better_than_coin=sum(bs < scoring.COIN_FLIP_BRIER for bs in briers),
        calibration=scoring.calibration_table(finals, happened),
        murphy=scoring.murphy_decomposition(finals, happened, n_bins=10),
        computed_at=computed_at,
    )

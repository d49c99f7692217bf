"""A ledger that strains the charts: a long leaderboard, a prolific author, a crowded question.

``n_ranked`` authors each forecast ``min_n`` questions (so all are ranked), with
names of every length; one prolific author forecasts every one of
``n_questions`` resolved questions; the first question draws ``n_crowded``
authors, each updating once. Everything goes through the services with the
clock at the moment stated, then the real scorer runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forecasts.engine import rescoring
from forecasts.models import Author, Question
from tests.builders.ledger import author, forecast, question, resolve

START = datetime(2023, 1, 2, tzinfo=UTC)
SURNAMES = ["Ng", "Okafor", "Lindqvist", "Castellanos-Whitmore", "Abernathy", "Oyelaran-Bakare"]


@dataclass
class ChartWorld:
    ranked: list[Author]
    prolific: Author
    crowded: Question
    questions: list[Question]


def build_chart_world(
    *,
    n_ranked: int = 42,
    n_questions: int = 110,
    n_crowded: int = 16,
    min_n: int = 5,
    seed: int = 17,
) -> ChartWorld:
    rng = random.Random(seed)
    prolific = author("Prolific Pat Forecaster")
    ranked = [
        author(f"{chr(65 + i % 26)}{'a' * (i % 4)} {SURNAMES[i % len(SURNAMES)]} {i}")
        for i in range(n_ranked)
    ]
    questions = []
    for i in range(n_questions):
        opens = START + timedelta(days=4 * i)
        questions.append(
            question(
                f"strain-{i}",
                title=f"Will strain test {i} come true?",
                resolution_criteria=f"As reported for test {i}.",
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                resolve_by=opens + timedelta(days=40),
            )
        )
    picks: dict[int, list[Author]] = {i: [prolific] for i in range(n_questions)}
    for k, pundit in enumerate(ranked):
        for j in range(min_n):
            picks[(k * min_n + j) % n_questions].append(pundit)
    for pundit in ranked[: n_crowded - 1]:
        if pundit not in picks[0]:
            picks[0].append(pundit)
    for i, q in enumerate(questions):
        skill = rng.uniform(0.0, 0.4)
        happened = rng.random() < 0.5
        for j, pundit in enumerate(picks[i]):
            for update in range(2 if i == 0 else 1):
                lean = rng.uniform(0.05, 0.95)
                true_ish = (1 - skill) * lean + skill * (1.0 if happened else 0.0)
                stated = q.opens_at + timedelta(hours=1 + j, days=6 * update + j % 5)
                forecast(q, pundit, probability=round(true_ish, 2), stated_at=stated, at=stated)
        known = q.opens_at + timedelta(days=35)
        resolve(q, "yes" if happened else "no", known_at=known, at=known + timedelta(hours=1))
    rescoring.rescore_all()
    return ChartWorld(ranked=ranked, prolific=prolific, crowded=questions[0], questions=questions)

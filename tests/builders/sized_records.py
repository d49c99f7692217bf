"""Authors with 0, 1, 2 and many scored questions, for the tests that read every page.

Each author forecasts the first ``n`` of the resolved questions (with the
words, scale and a source, as an editor enters them) and the one open
question, so even the author with nothing scored has a pending claim. A
multiple-choice question is among the many. Scores come from the real scorer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forecasts.engine import rescoring
from forecasts.models import Author, Question, Source, Tag
from tests.builders.ledger import author, forecast, question, resolve, source, tag

START = datetime(2024, 1, 1, tzinfo=UTC)
SIZES = (0, 1, 2, 12)
CHOICE = 3  # the index of the one multiple-choice question


@dataclass
class SizedRecords:
    authors: list[Author]  # in the order of SIZES, then "Pundit choice" if there is one
    questions: list[Question]
    tags: list[Tag]
    source: Source


def sized_records(sizes: tuple[int, ...] = SIZES, *, seed: int = 3) -> SizedRecords:
    """One author per size in ``sizes``; questions resolved every ten days from START."""
    rng = random.Random(seed)
    tags = [tag("Elections"), tag("Trade")]
    authors = [author(f"Pundit {n}") for n in sizes]
    article = source(authors[-1], title="The year ahead", url="https://example.org/ahead")
    n_resolved = max(sizes)
    # Who forecasts resolved question i: the first n for each size; "Pundit choice" only
    # the multiple-choice one (a record with nothing for a calibration chart).
    takes = [lambda i, n=n: i < n for n in sizes]
    if n_resolved > CHOICE:
        authors.append(author("Pundit choice"))
        takes.append(lambda i: i == CHOICE)
    made: list[Question] = []
    for i in range(n_resolved + 1):
        opens = START + timedelta(days=10 * i)
        still_open = i == n_resolved
        multiple = i == CHOICE
        q = question(
            f"sized-{i}",
            title=f"Will event {i} happen?",
            opens_at=opens,
            closes_at=opens + timedelta(days=20),
            resolve_by=datetime(2099, 1, 1, tzinfo=UTC)
            if still_open
            else opens + timedelta(days=30),
            options=("Red", "Blue") if multiple else (),
            tags=[tags[i % 2]],
        )
        made.append(q)
        for pundit, take in zip(authors, takes, strict=True):
            if not still_open and not take(i):
                continue
            stated = opens + timedelta(days=1, hours=2)
            words = {"quote": f"Event {i} is likely.", "phrase": "likely", "scale": "icd203"}
            if multiple:
                forecast(
                    q,
                    pundit,
                    source=article,
                    option_probabilities=[0.6, 0.4],
                    stated_at=stated,
                    at=stated,
                    quote=f"Red will win {i}.",
                )
            else:
                forecast(
                    q,
                    pundit,
                    source=article,
                    probability=round(rng.uniform(0.1, 0.9), 2),
                    stated_at=stated,
                    at=stated,
                    **words,
                )
        if not still_open:
            known = opens + timedelta(days=25)
            happened = rng.random() < 0.5
            option = q.options.order_by("position")[0 if happened else 1] if multiple else None
            resolve(
                q,
                "yes" if happened else "no",
                option=option,
                known_at=known,
                evidence_note="Reported.",
                evidence_url="https://example.org/news",
                at=known + timedelta(hours=1),
            )
    rescoring.rescore_all()
    return SizedRecords(authors=authors, questions=made, tags=tags, source=article)

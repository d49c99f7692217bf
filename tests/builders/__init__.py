"""How tests build data: here, in one place.

Every test builds its data with the functions below, or with the conftest
fixtures that wrap them (``author``, ``source``, ``question``,
``choice_question``, ``editor``, ``resolver``, ``forecaster``), and stops the
clock with the ``frozen_clock`` fixture. Builders are plain functions with
keyword arguments and defaults that make a valid record::

    from tests.builders import closed_question, forecast, resolve

    question = closed_question("gdp")                    # closed 30 days ago, due
    forecast(question, author, source=source, probability=0.8)  # via the ledger service
    resolve(question, "yes")                             # via the ledger service

- ``ledger``: users and roles, authors, sources, tags, questions (open, closed,
  resolved, multiple-choice, conditional), forecasts through the real service
  (``forecast``) or straight into the table (``raw_forecast``), resolutions,
  corrections and annulments (``resolve``, ``correct``, ``annul``,
  ``raw_resolution``, ``correct_forecast``).
- ``random_ledgers``: random ledgers for the property tests, and their scores
  worked out pair by pair with the pure library (``random_ledger``,
  ``expected_rows``, ``expected_cards``).
- ``pages_world``: a small scored world for the page tests (``build_world``,
  ``store_scores``).

A helper that builds something only one test file needs stays in that file;
anything a second file would copy belongs here.
"""

from tests.builders.ledger import (
    CLOSES,
    EVIDENCE_URL,
    FROZEN_AT,
    OPENS,
    PUBLISHED,
    RESOLVE_BY,
    SEED_ARTICLE_TEXT,
    annul,
    author,
    choice_question,
    closed_question,
    conditional_question,
    correct,
    correct_forecast,
    editor,
    forecast,
    forecaster,
    open_question,
    question,
    raw_forecast,
    raw_resolution,
    resolve,
    resolved_question,
    resolver,
    seed_article,
    source,
    tag,
    user,
)

__all__ = [
    "CLOSES",
    "EVIDENCE_URL",
    "FROZEN_AT",
    "OPENS",
    "PUBLISHED",
    "RESOLVE_BY",
    "SEED_ARTICLE_TEXT",
    "annul",
    "author",
    "choice_question",
    "closed_question",
    "conditional_question",
    "correct",
    "correct_forecast",
    "editor",
    "forecast",
    "forecaster",
    "open_question",
    "question",
    "raw_forecast",
    "raw_resolution",
    "resolve",
    "resolved_question",
    "resolver",
    "seed_article",
    "source",
    "tag",
    "user",
]

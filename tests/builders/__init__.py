"""How tests build data: here, in one place.

Every test builds its data with these builders, or with the conftest fixtures
that wrap them (``author``, ``source``, ``question``, ``choice_question``,
``editor``, ``resolver``, ``forecaster``). Builders are plain functions:
keyword arguments, with defaults that make a valid record, so a call names
only what the test is about. The fixtures share the builders' names, so a
module that uses both calls the builders through the package::

    from tests import builders

    def test_it_scores_a_resolved_claim(author, source):
        question = builders.closed_question("gdp")   # closed 30 days ago, now due
        builders.forecast(question, author, source=source, probability=0.8)
        builders.resolve(question, "yes")             # both through the ledger service

- ``ledger``: users and roles, authors, sources, tags, questions (open,
  closed, resolved, multiple-choice, conditional), forecasts through the
  ledger service (``forecast``) or straight into the table (``raw_forecast``),
  resolutions, corrections and annulments (``resolve``, ``correct``,
  ``annul``, ``raw_resolution``, ``correct_forecast``).
- ``quantities``: numeric and date questions (``numeric_question``,
  ``date_question``), their forecasts through the ledger (``value_forecast``,
  a point, an interval with coverage and/or ``quantiles(...)``) or raw
  (``raw_value_forecast``), and value outcomes (``resolve_value``,
  ``correct_value``, ``raw_value_resolution``); dates may be given as ``date``.
- ``random_ledgers``: random ledgers for the property tests, and their scores
  worked out pair by pair with the pure library (``random_ledger``,
  ``expected_rows``, ``expected_cards``).
- ``retrospective``: an author with a claim recorded in time and one entered
  after its outcome, proved by a dated source (``retrospective_world``).
- ``pages_world``: a small scored world for the page tests (``build_world``,
  ``store_scores``).

To stop the clock, a module asks for conftest's ``frozen_clock``
(``pytestmark = pytest.mark.usefixtures("frozen_clock")``): it stops at
``FROZEN_AT`` unless the module overrides the ``frozen_at`` fixture. The
service builders also take ``at=``, the moment to write at.

A helper that only one test file needs (a scenario, a query, stored score
rows with made-up figures) stays in that file; what a second file would copy
belongs here.
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

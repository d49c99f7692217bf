"""The ledger's writes: every change that spans models, and the rules it is checked by.

Callers write ``from forecasts import ledger`` and then ``ledger.forecast_create(...)``;
the admin, the API, the pages, the CSV import, drafting, the benchmarks and the
management commands all write through these, so they accept and refuse the same
things. Every service is keyword-only, runs in one transaction and raises
Django's ValidationError with a dict keyed by field name, so a caller can show
each message next to the field it is about and nothing is half-written.

What lives here:

* ``forecasts``   — forecast_check, forecast_create, forecast_correct (audited,
  also of a claim's direction: P(yes) follows the side the question asks),
  and the one-forecast-per-author-question-and-moment check;
* ``questions``   — question_create, question_approve, the check of an edit
  (question_change_check: no kind change once used, no close before forecasts
  except as question_close_correct, audited with what it changes in the scores),
  and rescoring a question
  when something its scores depend on changes (``queue_rescore``,
  ``rescore_retagged``);
* ``resolutions`` — question_resolve, resolution_correct, question_annul, and the
  annulment or reopening of questions conditional on the one resolved;
* ``sources``     — source_mark_complete (every claim in it entered or dismissed), and
  source_mark_incomplete;
* ``quantities``  — a numeric or date forecast's values (point, interval with
  coverage, quantiles) checked one by one and as one ordered set; question
  services take a unit and range (``question_range_change`` edits them);
* ``rules``       — the pure checks (they read what they are given, never the
  database, and write nothing) shared by the services, the forms and the CSV
  import, so a bad value gets the same message wherever it is entered;
* ``slugs``       — the one way a slug is made from a name or a title;
* ``roles``       — who may write what (the Editors and Resolvers groups).

What it may import: the models, and the engine only by queueing a rescore
through ``forecasts.tasks`` once a transaction commits. Never an interface
(admin, api, pages, management commands): they import the ledger, not the
other way round. Inside the ledger, modules import each other's functions
directly; patching ``ledger.forecast_create`` (as a test may) changes what the
callers outside get.
"""

from forecasts.ledger import quantities, roles, rules, slugs
from forecasts.ledger.forecasts import (
    CORRECTABLE_FORECAST_FIELDS,
    CheckedForecast,
    allow_forecast_writes,
    asks_the_authors_side,
    check_not_repeated,
    forecast_check,
    forecast_confirm_direction,
    forecast_correct,
    forecast_correction_check,
    forecast_create,
    repeated_message,
)
from forecasts.ledger.questions import (
    DRAFT_TITLE_MARK,
    question_approve,
    question_change_check,
    question_close_correct,
    question_create,
    question_range_change,
    question_range_check,
    queue_rescore,
    rescore_retagged,
    rescoring_deferred,
)
from forecasts.ledger.resolutions import (
    question_annul,
    question_resolve,
    resolution_correct,
)
from forecasts.ledger.sources import (
    completeness_problems,
    source_mark_complete,
    source_mark_incomplete,
)

__all__ = [
    "CORRECTABLE_FORECAST_FIELDS",
    "DRAFT_TITLE_MARK",
    "CheckedForecast",
    "allow_forecast_writes",
    "asks_the_authors_side",
    "check_not_repeated",
    "completeness_problems",
    "forecast_check",
    "forecast_confirm_direction",
    "forecast_correct",
    "forecast_correction_check",
    "forecast_create",
    "question_annul",
    "question_approve",
    "question_change_check",
    "question_close_correct",
    "question_create",
    "question_range_change",
    "question_range_check",
    "question_resolve",
    "quantities",
    "queue_rescore",
    "repeated_message",
    "rescore_retagged",
    "rescoring_deferred",
    "resolution_correct",
    "roles",
    "rules",
    "slugs",
    "source_mark_complete",
    "source_mark_incomplete",
]

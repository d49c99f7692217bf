"""The database's own guards are all there once every migration has run.

The rules that protect a track record are kept below the application by
triggers (docs/operations.md). On SQLite, a migration that rebuilds a table
(most ``AlterField`` operations do) drops that table's triggers without a word;
on PostgreSQL a migration may drop and recreate a function or a trigger. A
migration that loses one fails here, naming it, instead of leaving a guard
silently gone. The change-stamp triggers behind the API's ETags are checked
table by table in ``tests/api/test_conditional.py``.
"""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# (table, trigger) from the migrations that add them: 0002 and 0015 (ledger guards),
# 0022 (quantiles), 0028 (synthetic listing), 0031 (options on choice questions only).
GUARDS = {
    "postgresql": {
        ("forecasts_forecast", "forecast_immutable"),
        ("forecasts_forecast", "forecast_timing"),
        ("forecasts_forecast", "forecast_listing"),
        ("forecasts_forecastprobability", "forecast_probability_immutable"),
        ("forecasts_forecastprobability", "forecast_option_probabilities_sum"),
        ("forecasts_forecastquantile", "forecast_quantile_immutable"),
        ("forecasts_question", "question_guard"),
        ("forecasts_question", "forecasts_question_relisted"),
        ("forecasts_question", "question_kind_keeps_options"),
        ("forecasts_author", "forecasts_author_relisted"),
        ("forecasts_option", "option_on_choice_question"),
    },
    # SQLite enforces the ledger's rules in the application; the listing and the
    # options' guard are triggers there too.
    "sqlite": {
        ("forecasts_forecast", "forecast_listing"),
        ("forecasts_forecast", "forecast_listing_moved"),
        ("forecasts_question", "forecasts_question_relisted"),
        ("forecasts_question", "question_kind_keeps_options"),
        ("forecasts_author", "forecasts_author_relisted"),
        ("forecasts_option", "option_on_choice_question_insert"),
        ("forecasts_option", "option_on_choice_question_update"),
    },
}


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        return {(table, name) for table, name in cursor.fetchall()}


def test_every_guard_trigger_is_in_place_after_the_migrations():
    missing = GUARDS[connection.vendor] - _triggers()
    assert not missing, f"triggers a migration has dropped: {sorted(missing)}"

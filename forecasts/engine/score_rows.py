"""Stored QuestionScore rows read back as arrays, in the shape the totals are built from.

``stored_rows`` gives the rows as ``forecasts.engine.card_totals`` reads them
(``author``, ``question``, ``excluded`` codes, the scores with NaN for none,
``final_given``, ``outcome_yes``, ``n_hindsight``); ``question_tags`` the
current (question, tag) pairs. ``rescore_question`` rebuilds from them the
cards written before totals were kept; the read side sums them into records
for a period.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from forecasts.engine.bulkload import in_ids, read_columns
from forecasts.engine.pair_scores import EXCLUSIONS


def _ids_clause(column: str, ids: Sequence[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    condition, params = in_ids(connection, column, ids)
    return f" AND {condition}", params


def _nan_or(expression: str) -> str:
    # COPY BINARY rows must be fixed-width (no NULL); SQLite's NULL becomes NaN in NumPy.
    if connection.vendor == "postgresql":
        return f"COALESCE({expression}, 'NaN'::float8)"
    return expression


def stored_rows(author_ids: Sequence[int] | None, *, since=None, until=None) -> dict:
    """Stored QuestionScore rows of the given authors (all: None) as arrays.

    ``since``/``until`` keep the questions whose outcome became known in
    [since, until). Keys as ``forecasts.engine.card_totals.build_scorecards`` reads.
    """
    where, params = _ids_clause("s.author_id", author_ids)
    if since is not None:
        where, params = where + " AND r.outcome_known_at >= %s", [*params, since]
    if until is not None:
        where, params = where + " AND r.outcome_known_at < %s", [*params, until]
    excluded = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(EXCLUSIONS))
    nan = "'NaN'::float8" if connection.vendor == "postgresql" else "NULL"
    sql = (
        f"SELECT s.author_id, s.question_id, CASE s.excluded_reason {excluded} ELSE 1 END, "
        f"{_nan_or('s.brier')}, {_nan_or('s.brier_final')}, {_nan_or('s.log_loss')}, "
        f"{_nan_or('s.relative_brier')}, {_nan_or('s.final_probability')}, "
        f"CASE WHEN s.resolved_yes THEN 1.0 WHEN NOT s.resolved_yes THEN 0.0 ELSE {nan} END, "
        "s.n_hindsight "
        "FROM forecasts_questionscore s LEFT JOIN forecasts_resolution r ON r.id = s.resolution_id "
        f"WHERE TRUE{where}"
    )
    return read_columns(
        connection,
        sql,
        {
            "author": "int8",
            "question": "int8",
            "excluded": "int4",
            "brier": "float8",
            "brier_final": "float8",
            "log_loss": "float8",
            "relative_brier": "float8",
            "final_given": "float8",
            "outcome_yes": "float8",
            "n_hindsight": "int4",
        },
        params,
    )


def question_tags(question_ids: Sequence[int]) -> dict:
    """(question, tag) pairs of the given questions."""
    where, params = _ids_clause("question_id", question_ids)
    sql = f"SELECT question_id, tag_id FROM forecasts_question_tags WHERE TRUE{where}"
    return read_columns(connection, sql, {"question": "int8", "tag": "int8"}, params)

"""Stored QuestionScore rows read back as arrays, in the shape the totals are built from.

``stored_rows`` gives the rows of a QuestionScore queryset as
``forecasts.engine.card_totals`` reads them: ``author``, ``question``,
``excluded`` (codes of ``forecasts.engine.pair_scores.EXCLUSIONS``), the
scores with NaN for none, ``final_given``, ``outcome_yes`` (1/0, NaN when not
binary) and ``n_hindsight``; ``question_tags`` the current (question, tag)
pairs of those rows' questions. ``rescore_question`` rebuilds from them the
cards written before totals were kept; the read side sums them into records
for a period.

The rows are chosen with the ORM and moved in bulk: the queryset is compiled
by Django, which hands the database its parameters as it compares them (a
period's bounds on ``resolution__outcome_known_at`` compare as timestamps on
SQLite as on PostgreSQL), and the chosen rows come back through
``forecasts.engine.bulkload`` (binary COPY on PostgreSQL), one query each.
"""

from __future__ import annotations

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from forecasts.engine.bulkload import read_columns
from forecasts.engine.card_totals import uniform_reference
from forecasts.engine.pair_scores import EXCLUSIONS, HINDSIGHT
from forecasts.models import Option, Question, QuestionScore

_NAN = Value(float("nan"), output_field=FloatField())

# The arrays of a row and the QuestionScore columns they are read from, in order.
_ROW_COLUMNS = (
    ("author", "int8", "author_id"),
    ("question", "int8", "question_id"),
    ("excluded", "int4", "excluded_reason"),
    ("brier", "float8", "brier"),
    ("brier_final", "float8", "brier_final"),
    ("log_loss", "float8", "log_loss"),
    ("relative_brier", "float8", "relative_brier"),
    ("crowd_size", "float8", "crowd_size"),
    ("final_given", "float8", "final_probability"),
    ("outcome_yes", "float8", "resolved_yes"),
    ("n_hindsight", "int4", "n_hindsight"),
    ("n_retrospective", "int4", "n_retrospective"),
    ("baseline", "float8", "baseline"),
    ("peer", "float8", "peer"),
)
_EMPTY = {"int4": np.int64, "int8": np.int64, "float8": np.float64}


def stored_rows(scores: QuerySet[QuestionScore]) -> dict[str, np.ndarray]:
    """The rows of ``scores`` as arrays, keyed as above (those of ``card_totals.ROW_FIELDS``...).

    An excluded reason the scorer does not know counts as hindsight (never scored).
    """
    columns = {name: (kind, _column(field)) for name, kind, field in _ROW_COLUMNS}
    rows = _read(scores, {**columns, "n_options": ("int8", _n_options())})
    rows["reference"] = uniform_reference(rows.pop("n_options"))
    return rows


def _n_options() -> Combinable:
    """How many options the row's question has (0 for a yes/no question)."""
    options = (
        Option.objects.filter(question=OuterRef("question_id"))
        .order_by()
        .values("question")
        .annotate(k=Count("pk"))
        .values("k")
    )
    return Coalesce(Subquery(options), Value(0), output_field=IntegerField())


def question_tags(scores: QuerySet[QuestionScore]) -> dict[str, np.ndarray]:
    """The current (question, tag) pairs of the questions of ``scores``, as arrays."""
    pairs = Question.tags.through.objects.filter(
        question_id__in=scores.order_by().values("question_id")
    )
    return _read(pairs, {"question": ("int8", F("question_id")), "tag": ("int8", F("tag_id"))})


def _read(queryset: QuerySet, columns: dict[str, tuple[str, Combinable]]) -> dict:
    """The queryset's rows as arrays: one per column (name: kind and expression), in one query."""
    kinds = {name: kind for name, (kind, _) in columns.items()}
    selected = queryset.order_by().values_list(*(e for _, e in columns.values()))
    try:
        sql, params = selected.query.sql_with_params()
    except EmptyResultSet:  # a condition no row can meet, such as an empty list of ids
        return {name: np.zeros(0, _EMPTY[kind]) for name, kind in kinds.items()}
    return read_columns(connection, sql, kinds, params)


def _column(field: str) -> Combinable:
    """The expression a row's array is read from: no NULL on PostgreSQL (binary COPY)."""
    if field == "excluded_reason":
        codes = [When(excluded_reason=reason, then=Value(i)) for i, reason in enumerate(EXCLUSIONS)]
        return Case(*codes, default=Value(HINDSIGHT), output_field=IntegerField())
    if field == "resolved_yes":
        return Case(
            When(resolved_yes=True, then=Value(1.0)),
            When(resolved_yes=False, then=Value(0.0)),
            default=_NAN,
            output_field=FloatField(),
        )
    if isinstance(QuestionScore._meta.get_field(field), FloatField):
        return Coalesce(F(field), _NAN, output_field=FloatField())
    return F(field)

"""Stored QuestionScore rows read back as arrays, in the shape the totals are built from.

``stored_rows`` gives the rows of a QuestionScore queryset as
``forecasts.engine.card_totals`` reads them: ``author``, ``question``,
``excluded`` (codes of ``forecasts.engine.pair_scores.EXCLUSIONS``), the
scores with NaN for none, ``final_given``, ``outcome_yes`` (1/0, NaN when not
binary) and ``n_hindsight``; ``question_tags`` the current (question, tag)
pairs of those rows' questions. ``rescore_question`` rebuilds from them the
cards written before totals were kept; the read side sums them into records
for a period.

Both read through the ORM, each in one query: the queryset's conditions
(a period's bounds on ``resolution__outcome_known_at`` above all) are
compared as Django compares them on either database, timestamps as
timestamps, and ids go to the database as a subquery, not as a list of
parameters.
"""

from __future__ import annotations

import numpy as np
from django.db.models import QuerySet

from forecasts.engine.pair_scores import EXCLUSIONS, HINDSIGHT
from forecasts.models import Question, QuestionScore

# (array, QuestionScore field, dtype), in the order the rows are read.
_COLUMNS = (
    ("author", "author_id", np.int64),
    ("question", "question_id", np.int64),
    ("excluded", "excluded_reason", np.int64),
    ("brier", "brier", np.float64),
    ("brier_final", "brier_final", np.float64),
    ("log_loss", "log_loss", np.float64),
    ("relative_brier", "relative_brier", np.float64),
    ("final_given", "final_probability", np.float64),
    ("outcome_yes", "resolved_yes", np.float64),  # True/False/None: 1.0/0.0/NaN
    ("n_hindsight", "n_hindsight", np.int64),
)
_CODES = {reason: code for code, reason in enumerate(EXCLUSIONS)}


def stored_rows(scores: QuerySet[QuestionScore]) -> dict[str, np.ndarray]:
    """The rows of ``scores`` as arrays, one per name of ``card_totals.ROW_FIELDS`` and more.

    An excluded reason the scorer does not know counts as hindsight (never scored).
    """
    values = list(scores.order_by().values_list(*(field for _, field, _ in _COLUMNS)))
    columns = list(zip(*values, strict=True)) if values else [()] * len(_COLUMNS)
    rows = {}
    for (name, field, dtype), column in zip(_COLUMNS, columns, strict=True):
        if field == "excluded_reason":
            column = [_CODES.get(reason, HINDSIGHT) for reason in column]
        rows[name] = np.array(column, dtype=dtype)
    return rows


def question_tags(scores: QuerySet[QuestionScore]) -> dict[str, np.ndarray]:
    """The current (question, tag) pairs of the questions of ``scores``, as arrays."""
    pairs = list(
        Question.tags.through.objects.filter(
            question_id__in=scores.order_by().values("question_id")
        ).values_list("question_id", "tag_id")
    )
    question, tag = zip(*pairs, strict=True) if pairs else ((), ())
    return {"question": np.array(question, np.int64), "tag": np.array(tag, np.int64)}

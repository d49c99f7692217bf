"""Score rows in the shape the card totals and the score writers read.

``card_rows`` turns the scored (author, question) pairs of a ledger (from
``forecasts.engine.pair_scores``) into QuestionScore-like arrays with question
ids, each row's outcome and reference Brier, and its question's tags as JSON
labels shared by code. Both rescores use it, whole ledger or a chunk of it.
"""

from __future__ import annotations

import numpy as np

from forecasts.engine import card_totals
from forecasts.engine.crowd import distinct_codes, ragged_arange
from forecasts.engine.ledger_arrays import Ledger


def card_rows(rows: dict, ledger: Ledger) -> dict:
    """Scored pairs in the shape card_totals and the score writers read, with question ids."""
    question = rows["question"]
    binary = ledger.n_options[question] == 0
    outcome = ledger.outcome[question].astype(np.float64)
    tag_order = np.lexsort((ledger.tag_id, ledger.tag_question))  # ids sorted: stable labels
    tag_question, tag_id = ledger.tag_question[tag_order], ledger.tag_id[tag_order]
    labels, code = _tag_labels(tag_question, tag_id, ledger.question_id.size)
    return {
        **rows,
        "question": ledger.question_id[question],
        "outcome_yes": np.where(binary & (outcome >= 0), outcome, np.nan),
        "reference": card_totals.uniform_reference(ledger.n_options[question]),
        "tag_labels": labels,  # JSON lists of tag ids, and each row's entry among them
        "tag_code": code[question],
    }


def _tag_labels(tag_question, tag_id, n_questions) -> tuple[list[str], np.ndarray]:
    """Each question's tag ids as a JSON list; rows refer to them by code.

    ``tag_question`` is sorted. The questions' tag lists are laid out as rows
    of a padded matrix, so only the distinct lists are turned into text.
    """
    start = np.searchsorted(tag_question, np.arange(n_questions))
    count = np.searchsorted(tag_question, np.arange(n_questions), side="right") - start
    width = int(count.max(initial=0))
    tags, tag_code = distinct_codes(tag_id)
    matrix = np.zeros((n_questions, width), np.int64)  # 0: no tag, else 1 + tag code
    matrix[np.repeat(np.arange(n_questions), count), ragged_arange(count)] = tag_code + 1
    if (tags.size + 1) ** width < 2**62:  # each list as one number, base (tags + 1)
        powers = (tags.size + 1) ** np.arange(width, dtype=np.int64)
        lists, code = distinct_codes(matrix @ powers)
        example = np.empty(lists.size, np.int64)
        example[code] = np.arange(n_questions)  # any question with the list will do
        rows = matrix[example]
    else:
        rows, code = np.unique(matrix, axis=0, return_inverse=True)
    labels = ["[" + ",".join(str(tags[t - 1]) for t in row if t) + "]" for row in rows.tolist()]
    return labels, code.reshape(-1)

"""A full rescore in chunks of questions: bounded memory, and work to share out.

Questions are independent for scoring: a question's rows, digest and crowd
depend on its own forecasts only. What crosses questions is the authors'
scorecards, kept as totals of whole units (``forecasts.engine.card_totals``),
so the totals of a chunk are added to those of the others in any order and
the sum is bit for bit the whole ledger's.

``question_ranges`` cuts the question ids into ranges of ``CHUNK_QUESTIONS``
questions (the first and last open-ended, so a question added meanwhile is
in one of them); ``score_chunk`` reads one range's share of the ledger,
rewrites its changed score rows and digests and returns its card totals;
``merge_totals`` adds totals keyed by card. The whole-ledger service
(``rescoring.rescore_all``) runs the chunks one after the other; the Celery
tasks of ``forecasts.engine.parallel`` run them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import connection

from forecasts.engine import card_totals
from forecasts.engine.bulkload import read_columns
from forecasts.engine.card_rows import card_rows
from forecasts.engine.ledger_arrays import IdRange, read_ledger
from forecasts.engine.pair_scores import score_pairs
from forecasts.engine.quantity_tables import rescore_quantities
from forecasts.engine.score_digests import scores_digests, store_digests, stored_digests
from forecasts.engine.score_tables import (
    copy_question_scores,
    delete_question_scores,
    stamp_scored,
    take_rows,
    write_question_scores,
)

# About 100,000 forecasts per chunk at the synthetic world's density: some
# 100 MB of arrays while it is scored.
CHUNK_QUESTIONS = 10_000


@dataclass
class ChunkResult:
    """One chunk's card totals (keyed ``author << 32 | tag``, tag 0 overall) and counts."""

    keys: np.ndarray
    totals: np.ndarray
    counts: dict[str, int] = field(default_factory=dict)


def question_ranges(size: int = CHUNK_QUESTIONS) -> list[IdRange]:
    """Ranges of question ids, ``size`` questions each (the ends open)."""
    if size < 1:
        raise ValueError(f"chunk_questions must be at least 1, not {size}.")
    ids = np.sort(
        read_columns(connection, "SELECT id FROM forecasts_question", {"id": "int8"})["id"]
    )
    cuts = ids[size::size].tolist()
    return [IdRange(low, high) for low, high in zip([None, *cuts], [*cuts, None], strict=True)]


def card_keys(author: np.ndarray, tag: np.ndarray) -> np.ndarray:
    return (author.astype(np.int64) << 32) | tag.astype(np.int64)


def score_chunk(
    questions: IdRange, started: datetime, *, verify: bool = False, cold: bool = False
) -> ChunkResult:
    """Rescore one range of questions: its rows and digests written, its card totals returned.

    Rows are rewritten only for questions whose digest changed (``verify``:
    the digest of the rows actually stored; ``cold``: the score table is
    empty, so every row is copied in and nothing is looked up or deleted).
    """
    ledger = read_ledger(questions)
    scored = score_pairs(ledger)
    row_question = scored["question"]  # index into the chunk's questions
    rows = card_rows(scored, ledger)
    tags = {"question": ledger.question_id[ledger.tag_question], "tag": ledger.tag_id}
    author, tag, totals = card_totals.totals_from_rows(rows, tags)
    n_questions = ledger.question_id.size
    digests = scores_digests(rows, row_question, ledger.tag_question, ledger.tag_id, n_questions)
    if cold:
        changed = np.ones(n_questions, bool)
        written = copy_question_scores(rows, started)
    else:
        if verify:
            stored, orphans = stored_digests(ledger.question_id, questions)
            delete_question_scores(orphans)
        else:
            stored = ledger.scores_digest
        changed = digests != stored
        written = write_question_scores(
            take_rows(rows, np.flatnonzero(changed[row_question])),
            started,
            question_ids=ledger.question_id[changed],
        )
    store_digests(ledger.question_id[changed], digests[changed])
    stamp_scored(ledger, started)
    _, quantity_counts = rescore_quantities(questions, started)  # numeric and date questions
    return ChunkResult(
        card_keys(author, tag),
        totals,
        {
            "questions": int(n_questions),
            "forecasts": int(ledger.forecast_id.size),
            "question_scores": int(rows["author"].size),
            "question_scores_written": written,
            **quantity_counts,
        },
    )


def merge_totals(parts: list[ChunkResult]) -> ChunkResult:
    """The chunks' totals added card by card, and their counts summed.

    Totals are whole numbers of units below 2**53, so the sums are exact and
    do not depend on the order of the chunks.
    """
    keys = np.concatenate([part.keys for part in parts]) if parts else np.zeros(0, np.int64)
    totals = (
        np.concatenate([part.totals for part in parts])
        if parts
        else np.zeros((0, card_totals.WIDTH))
    )
    merged_keys, where = np.unique(keys, return_inverse=True)
    merged = np.zeros((merged_keys.size, card_totals.WIDTH))
    np.add.at(merged, where.reshape(-1), totals)
    counts: dict[str, int] = {}
    for part in parts:
        for name, value in part.counts.items():
            counts[name] = counts.get(name, 0) + value
    return ChunkResult(merged_keys, merged, counts)

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
from forecasts.engine.bulkload import EncodedRows, Query, read_small
from forecasts.engine.card_rows import card_rows
from forecasts.engine.ledger_arrays import IdRange, Ledger, cut_ranges, read_ledger
from forecasts.engine.pair_scores import score_pairs
from forecasts.engine.quantities import QuantityLedger
from forecasts.engine.quantity_tables import (
    FreshQuantities,
    rescore_quantities,
    score_fresh,
    write_fresh,
)
from forecasts.engine.score_digests import (
    scores_digests,
    stamped,
    stamps,
    store_digests,
    stored_digests,
    unstamp_changed,
)
from forecasts.engine.score_tables import (
    copy_question_scores,
    delete_question_scores,
    encode_question_scores,
    take_rows,
    write_question_scores,
)
from forecasts.engine.stopwatch import phase

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
    query = Query("SELECT id FROM forecasts_question", {"id": "int8"})
    return cut_ranges(np.sort(read_small(connection, [query])[0]["id"]), size)


def card_keys(author: np.ndarray, tag: np.ndarray) -> np.ndarray:
    return (author.astype(np.int64) << 32) | tag.astype(np.int64)


@dataclass
class ScoredChunk:
    """A range's scores computed, not yet written: its rows, digests and card totals."""

    questions: IdRange
    ledger: Ledger
    rows: dict
    row_question: np.ndarray  # each row's question, as an index into the ledger's
    digests: np.ndarray
    result: ChunkResult
    quantities: QuantityLedger | None = None  # read ahead with the ledger, or not yet
    encoded: EncodedRows | None = None  # a cold start's rows, encoded ahead (encode_ahead)
    fresh_quantities: FreshQuantities | None = None  # and its numeric rows, the same


def encode_ahead(chunk: ScoredChunk, started: datetime, *, quantities: bool = False) -> None:
    """Encode a cold start's rows for ``write_chunk`` now, in the scorer's thread
    (``quantities``: the numeric and date table is empty too: score and encode its rows).

    In a full rescore the writes run in a thread of their own while the next
    chunk is scored (``forecasts.engine.chunk_writer``), and in a cold start
    they are the slower half: building the rows' COPY tuples (NumPy) here and
    leaving the writer only to send them shares the work out between the two.
    """
    with phase("encode_scores"):
        chunk.encoded = encode_question_scores(chunk.rows, started)
    if quantities and chunk.quantities is not None:
        with phase("score_quantities"):
            chunk.fresh_quantities = score_fresh(chunk.quantities, started)


def score_chunk(
    questions: IdRange,
    started: datetime,
    *,
    verify: bool = False,
    cold: bool = False,
    cold_quantities: bool = False,
    ledger: Ledger | None = None,
) -> ChunkResult:
    """Rescore one range of questions: its rows and digests written, its card totals returned.

    ``ledger``: the range's ledger, read already (``forecasts.engine.prefetch``).
    The options are ``write_chunk``'s.
    """
    without_jit()
    if ledger is None:
        with phase("read"):
            ledger = read_ledger(questions)
    chunk = score_ledger(questions, ledger)
    written = write_chunk(chunk, started, verify=verify, cold=cold, cold_quantities=cold_quantities)
    return with_counts(chunk.result, written)


def score_ledger(
    questions: IdRange,
    ledger: Ledger,
    quantities: QuantityLedger | None = None,
    *,
    sum_into: TotalsSum | None = None,
) -> ScoredChunk:
    """Score a range's ledger: NumPy only, nothing read or written (``quantities``, the
    ledger of its numeric and date questions if read already, is scored with its writes).

    ``sum_into``: add the chunk's rows straight into this sum (``TotalsSum.add_rows``)
    and return no totals (its counts only) instead of the chunk's totals card by card.
    """
    with phase("score"):
        scored = score_pairs(ledger)
        rows = card_rows(scored, ledger)
        tags = {"question": ledger.question_id[ledger.tag_question], "tag": ledger.tag_id}
        if sum_into is None:
            author, tag, totals = card_totals.totals_from_rows(rows, tags)
        else:
            with phase("merge_totals"):
                sum_into.add_rows(rows, tags)
            author = tag = np.zeros(0, np.int64)
            totals = np.zeros((0, card_totals.WIDTH))
        n_questions = ledger.question_id.size
        digests = scores_digests(
            rows, scored["question"], ledger.tag_question, ledger.tag_id, n_questions
        )
    counts = {
        "questions": int(n_questions),
        "forecasts": int(ledger.forecast_id.size),
        "question_scores": int(rows["author"].size),
    }
    return ScoredChunk(
        questions,
        ledger,
        rows,
        scored["question"],
        digests,
        ChunkResult(card_keys(author, tag), totals, counts),
        quantities,
    )


def write_chunk(
    chunk: ScoredChunk,
    started: datetime,
    *,
    verify: bool = False,
    cold: bool = False,
    cold_quantities: bool = False,
    quantity_authors: list[np.ndarray] | None = None,
) -> dict[str, int]:
    """Store a scored range: its changed rows, their digests, its questions' stamps
    (``score_digests.stamped``) and its numeric and date scores. Returns counts of
    what was written; the authors whose numeric and date rows were written or
    deleted go into ``quantity_authors`` if given.

    Rows are rewritten only for questions whose digest changed (``verify``:
    the digest of the rows actually stored; ``cold``: the score table is
    empty, so every row is copied in and nothing is looked up or deleted;
    ``cold_quantities``: the same for the numeric and date scores).
    """
    ledger, rows, digests = chunk.ledger, chunk.rows, chunk.digests
    if cold:
        changed = np.ones(ledger.question_id.size, bool)
        with phase("copy_scores"):
            written = copy_question_scores(
                rows if chunk.encoded is None else chunk.encoded, started
            )
    else:
        with phase("compare"):
            if verify:
                stored, orphans = stored_digests(ledger.question_id, chunk.questions)
                delete_question_scores(orphans)
            else:
                stored = ledger.scores_digest
            changed = digests != stored
        with phase("write_scores"):
            written = write_question_scores(
                take_rows(rows, np.flatnonzero(changed[chunk.row_question])),
                started,
                question_ids=ledger.question_id[changed],
            )
    with phase("digests"):  # with the questions' stamps
        stamp = stamped(ledger, cold=cold)
        stored = changed | stamp
        store_digests(
            ledger.question_id[stored],
            digests[stored],
            scored_us=stamps(ledger, stamp, started)[stored],
            fresh=cold,
        )
    with phase("stamp_check"):
        unstamp_changed(ledger, stamp, started)
    with phase("quantities"):  # numeric and date questions
        if chunk.fresh_quantities is not None:
            touched, quantity_counts = write_fresh(chunk.fresh_quantities)
        else:
            touched, quantity_counts = rescore_quantities(
                chunk.questions, started, fresh=cold_quantities, ledger=chunk.quantities
            )
    if quantity_authors is not None:
        quantity_authors.append(touched)
    return {"question_scores_written": written, **quantity_counts}


def counts_only(counts: dict[str, int]) -> ChunkResult:
    """A result with counts and no cards."""
    return ChunkResult(np.zeros(0, np.int64), np.zeros((0, card_totals.WIDTH)), counts)


def with_counts(result: ChunkResult, counts: dict[str, int]) -> ChunkResult:
    return ChunkResult(result.keys, result.totals, {**result.counts, **counts})


def merge_totals(parts: list[ChunkResult]) -> ChunkResult:
    """The chunks' totals added card by card, and their counts summed.

    Totals are whole numbers of units below 2**53, so the sums are exact and
    do not depend on the order of the chunks.
    """
    merged_keys = np.unique(np.concatenate([np.zeros(0, np.int64), *(p.keys for p in parts)]))
    merged = np.zeros((merged_keys.size, card_totals.WIDTH))
    for part in parts:  # a part's keys are distinct: each of its rows adds to another card
        merged[np.searchsorted(merged_keys, part.keys)] += part.totals
    counts: dict[str, int] = {}
    for part in parts:
        for name, value in part.counts.items():
            counts[name] = counts.get(name, 0) + value
    return ChunkResult(merged_keys, merged, counts)


class TotalsSum:
    """Chunks' card totals added up one chunk at a time; ``result()`` is ``merge_totals``'s.

    Each card gets a slot for good the first time a chunk brings it, and its
    totals live in that slot of ``card_totals.ColumnTotals``: a new card costs a
    slot and a place in the sorted index of keys, never a copy of every card's
    totals (merging whole arrays held two copies of every card at once: over
    200 MB at ten million forecasts). ``add_rows`` adds a chunk's rows straight
    into the sum, so no chunk's totals exist card by card at all. Totals are
    whole units, so the order of the additions changes no bit.
    """

    def __init__(self) -> None:
        self.keys = np.zeros(0, np.int64)  # sorted
        self.slots = np.zeros(0, np.int64)  # the slot of each key
        self.totals = card_totals.ColumnTotals()
        self.counts: dict[str, int] = {}

    def add(self, part: ChunkResult) -> None:
        """Add a chunk's totals (each of its keys once) and its counts."""
        for name, value in part.counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        if part.keys.size:
            self.totals.add_totals(self._slots(part.keys), part.totals)

    def add_rows(self, rows: dict, tags: dict | None) -> None:
        """Add a chunk's score rows (``card_totals.totals_from_rows``'s input)."""
        row, group, author, tag, c = card_totals.grouped_contributions(rows, tags)
        self.totals.add_rows(self._slots(card_keys(author, tag))[group], row, c)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        """The slot of each of ``keys`` (distinct), new ones given the next free slots."""
        at = np.searchsorted(self.keys, keys)
        known = at < self.keys.size
        known[known] = self.keys[at[known]] == keys[known]
        slot = np.empty(keys.size, np.int64)
        slot[known] = self.slots[at[known]]
        new = np.flatnonzero(~known)
        if new.size:
            fresh = np.arange(self.keys.size, self.keys.size + new.size)
            slot[new] = fresh
            order = np.argsort(keys[new], kind="stable")
            place = at[new][order]  # equal places keep this (sorted) order
            self.keys = np.insert(self.keys, place, keys[new][order])
            self.slots = np.insert(self.slots, place, fresh[order])
            self.totals.reserve(self.keys.size)
        return slot

    def result(self) -> SummedTotals:
        return SummedTotals(self.keys, SlotTotals(self.totals, self.slots), dict(self.counts))


@dataclass
class SummedTotals:
    """``TotalsSum.result()``: the cards' keys (sorted), their totals in that order, counts."""

    keys: np.ndarray
    totals: SlotTotals
    counts: dict[str, int]


class SlotTotals:
    """``TotalsSum``'s totals in key order, read a slice of cards at a time: ``totals[a:b]``
    gathers just those rows, so the sum is never copied whole (``np.asarray`` does)."""

    def __init__(self, totals: card_totals.ColumnTotals, slots: np.ndarray):
        self.totals, self.slots = totals, slots
        self.shape = (slots.size, card_totals.WIDTH)

    def __len__(self) -> int:
        return self.slots.size

    def __getitem__(self, cards: slice) -> np.ndarray:
        return self.totals.rows(self.slots[cards])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)


def without_jit() -> None:
    """No JIT compilation for the rest of the transaction (PostgreSQL).

    A chunk's queries cost just enough for the planner to compile them, and
    compiling takes longer than it saves on a hundred thousand rows: about
    40 ms per chunk, every chunk.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")

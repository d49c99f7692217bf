"""Stored scores from the ledger, set-based: QuestionScore rows and Scorecards.

Two services, both idempotent and safe to run concurrently:

* ``rescore_question(question_id=...)`` after a question's resolution (or a
  forecast on it) changes: rewrites that question's QuestionScore rows and
  updates the Scorecards of its authors that the question counts in (overall
  and its tags) by taking the old rows out of their totals and the new ones in.
* ``rescore_all()`` rebuilds everything from the ledger: the safety net. It
  reads and scores the ledger a chunk of questions at a time
  (``forecasts.engine.chunks``), in bounded memory; ``forecasts.engine.parallel``
  shares the same chunks out between Celery workers.

Reading goes through ``forecasts.engine.ledger_arrays`` (rows packed by the server
and parsed by NumPy), scoring through ``forecasts.engine.pair_scores``,
``forecasts.engine.crowd`` and ``forecasts.engine.card_totals``: no query per forecast,
author or question. Writing goes through ``forecasts.engine.score_tables``, all in
one transaction: a full rescore rewrites only the questions whose rows'
digest changed and the cards whose totals changed; one question's rows and
its authors' cards are updated in place. On PostgreSQL, advisory locks
serialise the work:
``rescore_all`` takes the global lock exclusively and ``rescore_question``
shares it, locks its question row, then each affected author in id order.

A rescored question's ``scored_at`` (kept with its digest, ``ScoresDigest``)
is set to the moment the rescore started, so a resolution that changes while
it runs still shows as stale (``Question.objects.needing_rescore()``).
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import partial

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from forecasts.engine import card_totals, chunks, cold_start, prefetch, stopwatch
from forecasts.engine.bulkload import pg_array, read_columns, read_small
from forecasts.engine.card_rows import card_rows
from forecasts.engine.chunk_writer import chunk_writer
from forecasts.engine.chunks import card_keys
from forecasts.engine.ledger_arrays import IdRange, build_ledger, ledger_queries
from forecasts.engine.memory import keep_freed_memory, release_freed_memory
from forecasts.engine.pair_scores import score_pairs
from forecasts.engine.quantity_tables import rebuild_records, rescore_quantities
from forecasts.engine.score_digests import scores_digests, store_digests
from forecasts.engine.score_rows import question_tags, stored_rows
from forecasts.engine.score_tables import (
    decode_stored,
    delete_scorecard_ids,
    microseconds,
    rewrite_question_scores,
    scorecard_queries,
    store_scorecards,
    stored_rows_queries,
)
from forecasts.engine.stopwatch import phase
from forecasts.models import QuantityRecord, QuestionScore

_LOCK_SPACE = 0x5EC0  # advisory locks: (space, 0) global, (space + 1, author id) per author


def rescore_question(*, question_id: int) -> None:
    """Recompute one question's scores and update its authors' scorecards."""
    started = timezone.now()
    with transaction.atomic():
        lock_scores(shared=True)
        if not _lock_question(question_id):  # deleted since it was queued: nothing to score
            return
        *ledger_results, stored, stored_tags = read_small(
            connection, [*ledger_queries([question_id]), *stored_rows_queries(question_id)]
        )
        ledger = build_ledger(ledger_results)
        scored = score_pairs(ledger)
        rows = _with_tag_cards(card_rows(scored, ledger))
        old = _old_rows(stored, stored_tags, question_id)
        # The question's stored rows were scored against its options as they are now.
        k = int(ledger.n_options[0]) if ledger.n_options.size else 0
        old["reference"] = card_totals.uniform_reference(np.full(old["author"].size, k))
        if not _same_rows(old, rows):  # a repeated task finds nothing to change
            _lock_authors(np.union1d(old["author"], rows["author"]))
            rewrite_question_scores(question_id, old["author"], rows, started)
            _update_scorecards(old, rows, started)
        digest = scores_digests(
            rows, scored["question"], ledger.tag_question, ledger.tag_id, ledger.question_id.size
        )
        quantity_authors, _ = rescore_quantities([question_id], started)
        _lock_authors(quantity_authors)
        rebuild_records(authors=quantity_authors, at=started)
        # The question's row is locked: its resolution is the one read.
        store_digests(np.array([question_id]), digest, scored_us=np.array([microseconds(started)]))


def rescore_all(*, verify: bool = False, chunk_questions: int = chunks.CHUNK_QUESTIONS) -> dict:
    """Recompute every stored score; returns counts and how long each step took.

    The ledger is read and scored in chunks of ``chunk_questions`` questions
    (``forecasts.engine.chunks``), so memory holds one chunk's arrays and the
    cards' totals, however many questions there are. Only the questions whose
    new rows differ from the stored ones have their rows rewritten, and only
    changed scorecards are written, so an unchanged ledger costs a read and
    the arithmetic. The stored rows are known by the ``ScoresDigest`` written
    with them; with ``verify`` every stored row is read back and digested
    instead, which also catches rows changed behind the scorer's back (the
    nightly audit does this). Into an empty score table (a cold start) the
    rows are bulk-loaded (``forecasts.engine.cold_start``). All in one
    transaction.
    """
    keep_freed_memory()  # large arrays reuse freed heap instead of fresh pages
    started = timezone.now()
    clock = _Clock()
    with stopwatch.recording() as phases:
        with transaction.atomic():
            with phase("start"):
                lock_scores(shared=False)
                ranges = chunks.question_ranges(chunk_questions)
                cold = cold_start.score_table_empty()
                cold_quantities = cold_start.score_table_empty(cold_start.QUANTITY_TABLE)
            # The ledgers are read ahead on a second connection, in this transaction's
            # snapshot, exported before anything is written (the bulk load truncates);
            # each chunk's rows are written while the next is scored (chunk_writer).
            with (
                prefetch.chunk_ledgers(ranges, with_quantities=cold) as ledgers,
                cold_start.bulk_load(enabled=cold),
            ):
                chunks.without_jit()
                card_sum = chunks.TotalsSum()
                quantity_authors: list[np.ndarray] = []  # whose numeric rows changed
                read_ahead = iter(ledgers)
                with chunk_writer(overlap=ledgers.apart) as writer:
                    for questions in ranges:
                        with phase("read_wait"):
                            ledger, quantities = next(read_ahead)
                        chunk = chunks.score_ledger(
                            questions, ledger, quantities, sum_into=card_sum
                        )
                        card_sum.add(chunk.result)  # its counts (its totals are added)
                        if cold:
                            chunks.encode_ahead(chunk, started, quantities=cold_quantities)
                        writer.submit(
                            partial(
                                chunks.write_chunk,
                                chunk,
                                started,
                                verify=verify,
                                cold=cold,
                                cold_quantities=cold_quantities,
                                quantity_authors=quantity_authors,
                            )
                        )
                        del chunk, ledger, quantities  # the writer holds what it needs
                    for written in writer.results():
                        card_sum.add(chunks.counts_only(written))
                merged = card_sum.result()
                release_freed_memory()  # the chunks' arrays: the cards start from what is left
                clock.lap("score_s")
            keys, totals = merged.keys, merged.totals
            with phase("scorecards"):
                cards_written = replace_scorecards(keys >> 32, keys & 0xFFFFFFFF, totals, started)
            with phase("quantity_records"):
                # A record depends on its author's rows alone: only the authors whose
                # rows changed need theirs rebuilt; every record when verifying (the
                # nightly audit), after a cold start or when none is stored.
                everyone = verify or cold_quantities or not QuantityRecord.objects.exists()
                changed = np.unique(np.concatenate([np.zeros(0, np.int64), *quantity_authors]))
                records_written = rebuild_records(authors=None if everyone else changed, at=started)
            clock.lap("cards_s")
        clock.lap("commit_s")
        phases["commit"] = clock.laps["commit_s"]
    return {
        **merged.counts,
        "quantity_records_written": records_written,
        "chunks": len(ranges),
        "cold_start": cold,
        "scorecards": int(keys.size),
        "scorecards_written": cards_written,
        **clock.laps,
        "phases": phases,
    }


# Authors whose stored cards are read and compared at once when the cards are
# replaced: some 15 MB, however many authors there are.
CARD_AUTHORS = 1_000


def replace_scorecards(author, tag, totals, at) -> int:
    """Make the stored scorecards exactly these (tag 0: overall); returns cards written.

    The cards are sorted by (author, tag). They are replaced ``CARD_AUTHORS``
    authors at a time (ranges of author ids, the ends open, so that cards of
    authors with no card any more are deleted too): memory holds one slice's
    stored cards, not every card's.
    """
    authors = np.unique(author)
    cuts = authors[CARD_AUTHORS::CARD_AUTHORS].tolist()
    written = 0
    for low, high in zip([None, *cuts], [*cuts, None], strict=True):
        first = 0 if low is None else int(np.searchsorted(author, low))
        last = author.size if high is None else int(np.searchsorted(author, high))
        mine = slice(first, last)
        written += _replace_cards(
            author[mine], tag[mine], totals[mine], at, among=IdRange(low, high)
        )
    return written


def _replace_cards(author, tag, totals, at, *, among: IdRange) -> int:
    """Make the stored cards of the authors in ``among`` these.

    Cards whose stored totals are bit for bit the new ones are left alone:
    their figures are a function of the totals (and FIGURES_VERSION).
    """
    q = scorecard_queries(among)
    stored = read_columns(connection, q.sql, q.kinds, q.params)
    stored_totals, usable = decode_stored(stored)
    keys, stored_keys = (
        card_keys(author, tag),
        card_keys(stored["author"], stored["tag"]),
    )
    where, found = _lookup(keys, stored_keys)
    ids = np.zeros(keys.size, np.int64)
    ids[found] = stored["id"][where[found]]
    gone = np.ones(stored_keys.size, bool)
    gone[where[found]] = False
    same = found.copy()
    same[found] = usable[where[found]] & np.all(
        stored_totals[where[found]].view(np.uint64) == totals[found].view(np.uint64), axis=1
    )
    delete_scorecard_ids(stored["id"][gone])
    write = ~same
    return store_scorecards(author[write], tag[write], totals[write], ids[write], at)


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def lock_scores(*, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite transactions here are IMMEDIATE: one writer at a time already
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, 0)", [_LOCK_SPACE])


def _lock_question(question_id: int) -> bool:
    """Lock the question's row for this transaction; False if it no longer exists."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM forecasts_question WHERE id = %s{lock}", [question_id])
        return cursor.fetchone() is not None


def _lock_authors(authors: np.ndarray) -> None:
    """Serialise scorecard updates per author (in id order, so no deadlock)."""
    if connection.vendor != "postgresql" or authors.size == 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, (id %% 2147483647)::int)) "
            "FROM (SELECT id FROM unnest(%s::bigint[]) AS id ORDER BY id) AS authors",
            [_LOCK_SPACE + 1, pg_array(np.sort(authors))],
        )


def _old_rows(stored: dict, stored_tags: dict, question_id: int) -> dict:
    """The question's stored rows before rescoring (what its scorecards now count), by author.

    ``tag_cards`` lists the tag cards each row counts in: (row index, tag id) arrays.
    """
    order = np.argsort(stored["author"], kind="stable")
    old = {name: values[order] for name, values in stored.items()}
    old["question"] = np.full(old["author"].size, question_id, np.int64)
    pair = np.lexsort((stored_tags["tag"], stored_tags["author"]))
    old["tag_cards"] = (
        np.searchsorted(old["author"], stored_tags["author"][pair]),
        stored_tags["tag"][pair],
    )
    return old


def _with_tag_cards(new: dict) -> dict:
    """The new rows with the tag cards each counts in: all of the question's tags."""
    n = new["author"].size
    tags = np.array(_json_ids(new["tag_labels"][new["tag_code"][0]]) if n else [], np.int64)
    tags.sort()
    return {**new, "tag_cards": (np.repeat(np.arange(n), tags.size), np.tile(tags, n))}


def _same_rows(old: dict, new: dict) -> bool:
    """Whether the stored rows already hold exactly the new scores (tags included)."""
    if not np.array_equal(old["author"], new["author"]):
        return False
    fields = (
        "excluded",
        "n_hindsight",
        "n_retrospective",
        "n_forecasts",
        "n_days",
        "resolution",
        "brier",
        "brier_final",
        "log_loss",
        "relative_brier",
        "final_given",
        "crowd_brier",
        "crowd_size",
        "outcome_yes",
        "baseline",
        "peer",
    )
    for name in fields:
        if not np.array_equal(old[name], new[name], equal_nan=new[name].dtype.kind == "f"):
            return False
    return all(
        np.array_equal(a, b) for a, b in zip(old["tag_cards"], new["tag_cards"], strict=True)
    )


def _update_scorecards(old: dict, new: dict, at: datetime) -> None:
    """Take the question's old rows out of its authors' totals and put the new ones in.

    Each row counts in its author's overall card and one card per tag; a pass
    of ``apply_rows`` takes each card at most once (NumPy's fancy-index ``+=``
    would drop a repeated card), so there is one pass per kind of card. The
    totals are whole units, so the result is exactly a rebuild's.
    """
    passes = []  # (rows, row index of each entry, card key of each entry, sign)
    for rows, sign in ((old, -1), (new, 1)):
        overall = np.arange(rows["author"].size)
        passes.append((rows, overall, card_keys(rows["author"], np.zeros_like(overall)), sign))
        tagged, tag = rows["tag_cards"]
        passes.append((rows, tagged, card_keys(rows["author"][tagged], tag), sign))
    keys = np.unique(np.concatenate([key for _, _, key, _ in passes]))
    if keys.size == 0:
        return
    totals, ids, legacy = _current_totals(keys)
    if legacy.size:
        # Cards written before totals were kept: rebuild them from the authors'
        # other stored rows, so this question's old rows are not taken out of them.
        question = int((new if new["author"].size else old)["question"][0])
        _rebuild(totals, keys, legacy, without_question=question)
    for rows, row, key, sign in passes:
        card = np.searchsorted(keys, key)
        if sign < 0:
            # Old rows come out only of cards that hold them: not of rebuilt
            # cards (already without them), nor of cards no longer stored
            # (a deleted tag's cards went with it).
            keep = ~np.isin(rows["author"][row], legacy) & (ids[card] > 0)
            row, card = row[keep], card[keep]
        chosen = {name: rows[name][row] for name in card_totals.ROW_FIELDS}
        card_totals.apply_rows(totals, card, chosen, sign=sign)
    store_scorecards(keys >> 32, keys & 0xFFFFFFFF, totals, ids, at)


def _json_ids(text: str) -> list[int]:
    return [int(t) for t in text.strip("[]").split(",") if t]


def _current_totals(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored totals of the cards (zeros for one not stored yet), their ids (0: none),
    and the authors with a card whose totals cannot be used (written by older code)."""
    authors, tags = np.unique(keys >> 32), np.unique(keys & 0xFFFFFFFF)
    stored = read_small(connection, [scorecard_queries(authors, tags[tags > 0])])[0]
    stored_totals, usable = decode_stored(stored)
    where, found = _lookup(keys, card_keys(stored["author"], stored["tag"]))
    totals = np.zeros((keys.size, card_totals.WIDTH))
    ids = np.zeros(keys.size, np.int64)
    ids[found] = stored["id"][where[found]]
    good = found.copy()
    good[found] = usable[where[found]]
    totals[good] = stored_totals[where[good]]
    return totals, ids, np.unique(keys[found & ~good] >> 32)


def _lookup(keys: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each key is in ``among`` (unsorted, distinct), and whether it is there."""
    if among.size == 0:
        return np.zeros(keys.size, np.int64), np.zeros(keys.size, bool)
    order = np.argsort(among)
    at = order[np.minimum(np.searchsorted(among, keys, sorter=order), among.size - 1)]
    return at, among[at] == keys


def _rebuild(totals: np.ndarray, keys: np.ndarray, authors: np.ndarray, *, without_question):
    """Totals of the authors' cards from their stored rows, leaving one question out."""
    scores = QuestionScore.objects.filter(author_id__in=authors.tolist()).exclude(
        question_id=without_question
    )
    rows, tags = stored_rows(scores), question_tags(scores)
    author, tag, rebuilt_totals = card_totals.totals_from_rows(rows, tags)
    mine = np.isin(keys >> 32, authors)
    where, found = _lookup(keys, card_keys(author, tag))
    totals[mine] = 0.0
    totals[mine & found] = rebuilt_totals[where[mine & found]]

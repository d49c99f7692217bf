"""Stored scores from the ledger, set-based: QuestionScore rows and Scorecards.

Two services, both idempotent and safe to run concurrently:

* ``rescore_question(question_id=...)`` after a question's resolution (or a
  forecast on it) changes: rewrites that question's QuestionScore rows and
  updates the Scorecards of its authors that the question counts in (overall
  and its tags) by taking the old rows out of their totals and the new ones in.
* ``rescore_all()`` rebuilds everything from the ledger: the safety net.

Reading goes through ``forecasts.ledger_arrays`` (a few COPY streams into
NumPy), scoring through ``forecasts.pair_scores`` and ``forecasts.aggregates``:
no query per forecast, author or question. Writes are delete-then-insert
inside one transaction. On PostgreSQL, advisory locks serialise the work:
``rescore_all`` takes the global lock exclusively and ``rescore_question``
shares it, locks its question row, then each affected author in id order.

``Question.scored_at`` is set to the moment the rescore started, so a
resolution that changes while it runs still shows as stale
(``Question.objects.needing_rescore()``).
"""

from __future__ import annotations

import time
from datetime import datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from forecasts import aggregates
from forecasts.bulkload import pg_array, read_columns, read_small
from forecasts.crowd import distinct_codes, ragged_arange
from forecasts.ledger_arrays import Ledger, build_ledger, ledger_queries, read_ledger
from forecasts.pair_scores import score_pairs
from forecasts.score_tables import (
    decode_stored,
    delete_question_scores,
    delete_scorecard_ids,
    scorecard_queries,
    scores_digests,
    stamp_scored,
    store_digests,
    store_scorecards,
    stored_digests,
    stored_rows_query,
    take_rows,
    write_question_scores,
)
from forecasts.scorecards import question_tags, stored_rows

_LOCK_SPACE = 0x5EC0  # advisory locks: (space, 0) global, (space + 1, author id) per author


def rescore_question(*, question_id: int) -> None:
    """Recompute one question's scores and update its authors' scorecards."""
    started = timezone.now()
    with transaction.atomic():
        _lock(shared=True)
        if not _lock_question(question_id):  # deleted since it was queued: nothing to score
            return
        *ledger_results, stored, stored_tags = read_small(
            connection, [*ledger_queries([question_id]), *stored_rows_query(question_id)]
        )
        ledger = build_ledger(ledger_results)
        scored = score_pairs(ledger)
        rows = _card_rows(scored, ledger)
        old = _old_rows(stored, stored_tags, question_id)
        if not _same_rows(old, rows):  # a repeated task finds nothing to change
            _lock_authors(np.union1d(old["author"], rows["author"]))
            write_question_scores(rows, started, question_ids=[question_id])
            _update_scorecards(old, rows, started)
        digest = scores_digests(
            rows, scored["question"], ledger.tag_question, ledger.tag_id, ledger.question_id.size
        )
        store_digests(np.array([question_id]), digest)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE forecasts_question SET scored_at = %s WHERE id = %s", [started, question_id]
            )


def rescore_all(*, verify: bool = False) -> dict:
    """Recompute every stored score; returns counts and how long each step took.

    Only the questions whose new rows differ from the stored ones have their
    rows rewritten, and only changed scorecards are written, so an unchanged
    ledger costs a read and the arithmetic. The stored rows are known by the
    ``ScoresDigest`` written with them; with ``verify`` every stored row is
    read back and digested instead, which also catches rows changed behind
    the scorer's back (the nightly audit does this).
    """
    started = timezone.now()
    clock = _Clock()
    with transaction.atomic():
        _lock(shared=False)
        ledger = read_ledger()
        clock.lap("read_s")
        scored = score_pairs(ledger)
        row_question = scored["question"]  # index into the ledger's questions
        rows = _card_rows(scored, ledger)
        clock.lap("score_s")
        tags = {"question": ledger.question_id[ledger.tag_question], "tag": ledger.tag_id}
        author, tag, totals = aggregates.totals_from_rows(rows, tags)
        n_questions = ledger.question_id.size
        digests = scores_digests(
            rows, row_question, ledger.tag_question, ledger.tag_id, n_questions
        )
        clock.lap("aggregate_s")
        if verify:
            stored, orphans = stored_digests(ledger.question_id)
            delete_question_scores(orphans)
        else:
            stored = ledger.scores_digest
        changed = digests != stored
        rows_written = write_question_scores(
            take_rows(rows, np.flatnonzero(changed[row_question])),
            started,
            question_ids=ledger.question_id[changed],
        )
        store_digests(ledger.question_id[changed], digests[changed])
        cards_written = _replace_scorecards(author, tag, totals, started)
        stamp_scored(ledger, started)
        clock.lap("write_s")
    return {
        "questions": int(n_questions),
        "forecasts": int(ledger.forecast_id.size),
        "question_scores": int(rows["author"].size),
        "question_scores_written": rows_written,
        "scorecards": int(author.size),
        "scorecards_written": cards_written,
        **clock.laps,
    }


def _replace_scorecards(author, tag, totals, at) -> int:
    """Make the stored scorecards exactly these (tag 0: overall); returns cards written.

    Cards whose stored totals are bit for bit the new ones are left alone:
    their figures are a function of the totals (and FIGURES_VERSION).
    """
    q = scorecard_queries(None)
    stored = read_columns(connection, q.sql, q.kinds, q.params)
    stored_totals, usable = decode_stored(stored)
    keys, stored_keys = _card_keys(author, tag), _card_keys(stored["author"], stored["tag"])
    ids, same = np.zeros(keys.size, np.int64), np.zeros(keys.size, bool)
    gone = np.ones(stored_keys.size, bool)
    if stored_keys.size:
        order = np.argsort(stored_keys)
        match = order[np.minimum(np.searchsorted(stored_keys, keys, sorter=order), order.size - 1)]
        found = stored_keys[match] == keys
        ids[found] = stored["id"][match[found]]
        gone[match[found]] = False
        same = found & usable[match]
        same[same] = np.all(
            stored_totals[match[same]].view(np.uint64) == totals[same].view(np.uint64), axis=1
        )
    delete_scorecard_ids(stored["id"][gone])
    write = ~same
    return store_scorecards(author[write], tag[write], totals[write], ids[write], at)


def _card_keys(author: np.ndarray, tag: np.ndarray) -> np.ndarray:
    return (author.astype(np.int64) << 32) | tag.astype(np.int64)


class _Clock:
    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def _lock(*, shared: bool) -> None:
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


def _card_rows(rows: dict, ledger: Ledger) -> dict:
    """Scored pairs in the shape the aggregates and the writers read, with question ids."""
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


def _old_rows(stored: dict, stored_tags: dict, question_id: int) -> dict:
    """The question's stored rows before rescoring (what its scorecards now count), by author."""
    order = np.argsort(stored["author"], kind="stable")
    old = {name: values[order] for name, values in stored.items()}
    tag_order = np.lexsort((stored_tags["tag"], stored_tags["author"]))
    tag_author, tag_id = stored_tags["author"][tag_order], stored_tags["tag"][tag_order]
    lo = np.searchsorted(tag_author, old["author"], side="left")
    hi = np.searchsorted(tag_author, old["author"], side="right")
    old["tags"] = [tag_id[i:j].tolist() for i, j in zip(lo.tolist(), hi.tolist(), strict=True)]
    old["question"] = np.full(old["author"].size, question_id, np.int64)
    return old


def _same_rows(old: dict, new: dict) -> bool:
    """Whether the stored rows already hold exactly the new scores (tags included)."""
    if not np.array_equal(old["author"], new["author"]):
        return False
    fields = (
        "excluded",
        "n_hindsight",
        "n_forecasts",
        "n_days",
        "resolution",
        "brier",
        "brier_final",
        "log_loss",
        "relative_brier",
        "final_given",
        "crowd_brier",
        "outcome_yes",
    )
    for name in fields:
        if not np.array_equal(old[name], new[name], equal_nan=new[name].dtype.kind == "f"):
            return False
    new_tags = [sorted(_json_ids(new["tag_labels"][code])) for code in new["tag_code"].tolist()]
    return old["tags"] == new_tags


def _update_scorecards(old: dict, new: dict, at: datetime) -> None:
    """Take the question's old rows out of its authors' totals and put the new ones in."""
    new_tags = _json_ids(new["tag_labels"][new["tag_code"][0]]) if new["author"].size else []
    old_cards = _cards_of(old["author"], old["tags"])
    new_cards = _cards_of(new["author"], [new_tags] * new["author"].size)
    keys = sorted({key for cards in (*old_cards, *new_cards) for key in cards})
    if not keys:
        return
    totals, ids, legacy = _current_totals(keys)
    if legacy:
        # Cards written before totals were kept: rebuild them from the authors'
        # other stored rows, so this question's old rows are not taken out of them.
        question = int((new if new["author"].size else old)["question"][0])
        _rebuild(totals, keys, legacy, without_question=question)
        keep = ~np.isin(old["author"], list(legacy))
        old = {
            **{k: v[keep] for k, v in old.items() if k != "tags"},
            "tags": [t for t, kept in zip(old["tags"], keep, strict=True) if kept],
        }
        old_cards = [c for c, kept in zip(old_cards, keep, strict=True) if kept]
    index = {key: i for i, key in enumerate(keys)}
    for rows, cards, sign in ((old, old_cards, -1), (new, new_cards, 1)):
        # Each pass takes one card per row, so no card is updated twice in a pass.
        for slot in range(max(map(len, cards), default=0)):
            which = np.array([r for r, row_cards in enumerate(cards) if len(row_cards) > slot], int)
            card = np.array([index[cards[r][slot]] for r in which], int)
            chosen = {name: rows[name][which] for name in aggregates.ROW_FIELDS}
            aggregates.apply_rows(totals, card, chosen, sign=sign)
    author = np.array([a for a, _ in keys], np.int64)
    tag = np.array([t for _, t in keys], np.int64)
    store_scorecards(author, tag, totals, ids, at)


def _json_ids(text: str) -> list[int]:
    return [int(t) for t in text.strip("[]").split(",") if t]


def _cards_of(author: np.ndarray, tags: list[list[int]]) -> list[list[tuple[int, int]]]:
    """For each row, the (author, tag) cards it counts in: overall (tag 0) first."""
    return [
        [(a, 0), *((a, int(t)) for t in row_tags)]
        for a, row_tags in zip(author.tolist(), tags, strict=True)
    ]


def _current_totals(keys: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, set[int]]:
    """Stored totals of the cards (zeros for one not stored yet), their ids (0: none),
    and the authors with a card whose totals cannot be used (written by older code)."""
    authors = sorted({a for a, _ in keys})
    tags = sorted({t for _, t in keys if t})
    stored = read_small(connection, [scorecard_queries(authors, tags)])[0]
    stored_totals, usable = decode_stored(stored)
    found = {
        key: i
        for i, key in enumerate(zip(stored["author"].tolist(), stored["tag"].tolist(), strict=True))
    }
    totals = np.zeros((len(keys), aggregates.WIDTH))
    ids = np.zeros(len(keys), np.int64)
    legacy = set()
    for i, key in enumerate(keys):
        at = found.get(key)
        if at is None:
            continue
        ids[i] = stored["id"][at]
        if usable[at]:
            totals[i] = stored_totals[at]
        else:
            legacy.add(key[0])
    return totals, ids, legacy


def _rebuild(totals: np.ndarray, keys: list, authors: set[int], *, without_question: int) -> None:
    """Totals of the authors' cards from their stored rows, leaving one question out."""
    rows = stored_rows(sorted(authors))
    keep = rows["question"] != without_question
    rows = {name: values[keep] for name, values in rows.items()}
    tags = question_tags(np.unique(rows["question"]))
    author, tag, rebuilt_totals = aggregates.totals_from_rows(rows, tags)
    rebuilt = dict(
        zip(zip(author.tolist(), tag.tolist(), strict=True), rebuilt_totals, strict=True)
    )
    for i, key in enumerate(keys):
        if key[0] in authors:
            totals[i] = rebuilt.get(key, np.zeros(aggregates.WIDTH))

"""The ledger as NumPy arrays, read in a handful of streaming queries.

The set-based scorer works on these arrays instead of model instances: a
million forecasts come back as a few columns of numbers (COPY on PostgreSQL),
with no Python object per row. Questions are indexed by position; every
other array refers to a question by that position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from forecasts.engine.bulkload import NULL_TIME, Query, in_ids, read_small

US_PER_DAY = 86_400_000_000

# Where a question stands for scoring, from its current resolution.
DRAFT, PENDING, RESOLVED, ANNULLED = 0, 1, 2, 3


@dataclass
class Ledger:
    """Questions, their forecasts, option probabilities and tags, as arrays."""

    question_id: np.ndarray  # sorted
    status: np.ndarray  # DRAFT / PENDING / RESOLVED / ANNULLED
    n_options: np.ndarray  # 0 for a binary question
    open_day: np.ndarray  # UTC day numbers since 1970-01-01
    close_day: np.ndarray
    closes_us: np.ndarray
    known_us: np.ndarray  # outcome_known_at of the current resolution (resolved, annulled)
    outcome: np.ndarray  # binary: 1 yes / 0 no; multiple choice: option index; else -1
    resolution_id: np.ndarray  # 0 without a current resolution
    changed_us: np.ndarray  # resolution_changed_at as read (NULL_TIME when empty)
    stale: np.ndarray  # resolution changed after the last scoring (needing_rescore)
    scored_us: np.ndarray  # ScoresDigest.scored_at as read (NULL_TIME when empty)
    scores_digest: np.ndarray  # ScoresDigest.digest as stored (0 when none)
    forecast_id: np.ndarray  # sorted
    f_question: np.ndarray  # index into the question arrays
    f_author: np.ndarray  # author id
    f_stated_us: np.ndarray
    f_recorded_us: np.ndarray
    f_probability: np.ndarray  # P(yes); -1 for multiple choice
    f_proved: np.ndarray  # bool: a dated public source proves stated_at (retrospective rule)
    p_forecast: np.ndarray  # option probabilities: index into the forecast arrays
    p_option: np.ndarray  # option index within its question (by position, then id)
    p_probability: np.ndarray
    tag_question: np.ndarray  # question tags: index into the question arrays
    tag_id: np.ndarray


@dataclass(frozen=True)
class IdRange:
    """Question ids from ``low`` (inclusive) to ``high`` (exclusive); None: no bound."""

    low: int | None = None
    high: int | None = None

    def where(self, column: str) -> tuple[str, list]:
        bounds = [(">=", self.low), ("<", self.high)]
        conditions = [f"{column} {op} %s" for op, bound in bounds if bound is not None]
        return " AND ".join(conditions) or "TRUE", [b for _, b in bounds if b is not None]


Questions = Sequence[int] | IdRange | None


def cut_ranges(ids: np.ndarray, size: int) -> list[IdRange]:
    """Ranges of ``size`` of the sorted ``ids`` each, the first and last open-ended."""
    cuts = ids[size::size].tolist()
    return [IdRange(low, high) for low, high in zip([None, *cuts], [*cuts, None], strict=True)]


def _in_questions(column: str, question_ids: Questions) -> tuple[str, list]:
    """A WHERE clause limiting ``column`` to the given questions (none: no limit)."""
    if question_ids is None:
        return "", []
    if isinstance(question_ids, IdRange):
        condition, params = question_ids.where(column)
    else:
        condition, params = in_ids(connection, column, question_ids)
    return f" WHERE {condition}", params


def forecasts_sql(
    question_ids: Questions = None, also: Sequence[str] = ()
) -> tuple[str, list, dict]:
    """The forecast columns scoring needs: the query the benchmark's scan floor reads too.

    ``also``: more column expressions of the forecast row, selected after those (the
    numeric scorer's values), so that one scan reads both."""
    where, params = _in_questions("question_id", question_ids)
    # 1 when the forecast's source proves its stated_at: the source has a URL
    # and a publication date, and the claim was stated by the end (UTC) of
    # that day (forecasts.scoring.proved_by_source). One indexed look-up per
    # row, on the server; no Python per row.
    stated_day = (
        "CAST(stated_at AT TIME ZONE 'UTC' AS DATE)"
        if connection.vendor == "postgresql"
        else "date(stated_at)"
    )
    proved = (
        "COALESCE((SELECT 1 FROM forecasts_source s WHERE s.id = source_id "
        f"AND s.url <> '' AND s.published_on IS NOT NULL AND {stated_day} <= s.published_on), 0)"
    )
    sql = (
        "SELECT id, question_id, author_id, stated_at, recorded_at, COALESCE(probability, -1), "
        f"{proved}{''.join(f', {column}' for column in also)} FROM forecasts_forecast{where}"
    )
    kinds = {
        "id": "int8",
        "question": "int8",
        "author": "int8",
        "stated": "time",
        "recorded": "time",
        "probability": "float8",
        "proved": "int4",
    }
    return sql, params, kinds


def _query(sql: str, question_ids: Questions, column: str, kinds: dict) -> Query:
    where, params = _in_questions(column, question_ids)
    return Query(sql.format(where=where), kinds, params)


def _also_in(column: str, question_ids: Questions) -> tuple[str, list]:
    """The same limit as ``_in_questions``, to add to a join's condition (none: "").

    Repeated on each joined table's question column, it lets the planner read
    those tables by their index, a range at a time, instead of scanning them
    whole for every chunk of a full rescore.
    """
    if not isinstance(question_ids, IdRange):
        return "", []
    condition, params = question_ids.where(column)
    return f" AND {condition}", params


def _questions_query(question_ids: Questions) -> Query:
    """Each question with its current resolution and stored digest."""
    on_resolution, resolution_params = _also_in("r.question_id", question_ids)
    on_digest, digest_params = _also_in("d.question_id", question_ids)
    where, params = _in_questions("q.id", question_ids)
    return Query(
        # Numeric and date questions read as drafts: scored apart (forecasts.engine.quantities).
        "SELECT q.id, CASE WHEN q.state = 'draft' OR q.kind IN ('numeric', 'date') THEN 0 "
        "ELSE 1 END, q.opens_at, q.closes_at, "
        "COALESCE(r.id, 0), COALESCE(r.outcome_known_at, q.closes_at), "
        "COALESCE(q.resolution_changed_at, q.created_at), "
        "CASE WHEN q.resolution_changed_at IS NULL THEN 0 ELSE 1 END, "
        "COALESCE(d.scored_at, q.created_at), CASE WHEN d.scored_at IS NULL THEN 0 ELSE 1 END, "
        "CASE r.outcome WHEN 'yes' THEN 1 WHEN 'no' THEN 0 WHEN 'option' THEN 2 "
        "WHEN 'annulled' THEN 3 ELSE 4 END, COALESCE(r.option_id, 0), "
        "COALESCE(d.digest, 0) "
        "FROM forecasts_question q LEFT JOIN forecasts_resolution r "
        f"ON r.question_id = q.id AND r.is_current{on_resolution} "
        f"LEFT JOIN forecasts_scoresdigest d ON d.question_id = q.id{on_digest}{where}",
        {
            "id": "int8",
            "published": "int4",
            "opens": "time",
            "closes": "time",
            "resolution": "int8",
            "known": "time",
            "changed": "time",
            "has_changed": "int4",
            "scored": "time",
            "has_scored": "int4",
            "outcome": "int4",
            "option": "int8",
            "digest": "int8",
        },
        [*resolution_params, *digest_params, *params],
    )


def ledger_queries(question_ids: Questions = None) -> list[Query]:
    """The queries ``read_ledger`` runs: questions, options, forecasts, probabilities, tags."""
    questions = _questions_query(question_ids)
    options = _query(
        "SELECT id, question_id, CAST(position AS INTEGER) FROM forecasts_option{where}",
        question_ids,
        "question_id",
        {"id": "int8", "question": "int8", "position": "int4"},
    )
    where, params = _in_questions("question_id", question_ids)
    probabilities = (
        "SELECT p.forecast_id, p.option_id, p.probability FROM forecasts_forecastprobability p"
    )
    if isinstance(question_ids, IdRange) and connection.vendor == "postgresql":
        # A range's options, then their probabilities by the option index,
        # between the least and the greatest option id of the range (options
        # are numbered as they are made, so mostly in order of question):
        # without the bounds the planner scans every probability per chunk.
        probabilities = (
            f"WITH o AS MATERIALIZED (SELECT id FROM forecasts_option{where}) {probabilities} "
            "WHERE p.option_id IN (SELECT id FROM o) AND p.option_id >= (SELECT min(id) FROM o) "
            "AND p.option_id <= (SELECT max(id) FROM o)"
        )
    elif where:  # through the options' index: a binary question has none to look up
        probabilities += f" WHERE p.option_id IN (SELECT id FROM forecasts_option{where})"
    tags = _query(
        "SELECT question_id, tag_id FROM forecasts_question_tags{where}",
        question_ids,
        "question_id",
        {"question": "int8", "tag": "int8"},
    )
    f_sql, f_params, f_kinds = forecasts_sql(question_ids)
    return [
        questions,
        options,
        Query(f_sql, f_kinds, f_params),
        Query(
            probabilities,
            {"forecast": "int8", "option": "int8", "probability": "float8"},
            params,
        ),
        tags,
    ]


def read_ledger(question_ids: Questions = None) -> Ledger:
    """Everything scoring needs about the given questions (default: all of them).

    One round trip, in one snapshot, each query's rows packed by the server
    (``bulkload.read_small``). A full rescore reads the ledger a range of
    question ids at a time (``forecasts.engine.chunks``), so each packed
    result stays small.
    """
    return build_ledger(read_small(connection, ledger_queries(question_ids)))


def build_ledger(results: Sequence[dict]) -> Ledger:
    """The Ledger from the results of ``ledger_queries``, in their order."""
    q, o, f, p, tags = results
    by_id = np.argsort(q["id"], kind="stable")
    q = {name: values[by_id] for name, values in q.items()}
    options = _options(o, q["id"])
    by_id = np.argsort(f["id"], kind="stable")
    f = {name: values[by_id] for name, values in f.items()}
    probabilities = _option_probabilities(p, f["id"], options)
    return Ledger(
        question_id=q["id"],
        status=_status(q),
        n_options=np.bincount(options["question"], minlength=q["id"].size),
        open_day=q["opens"] // US_PER_DAY,
        close_day=q["closes"] // US_PER_DAY,
        closes_us=q["closes"],
        known_us=q["known"],
        outcome=_outcome(q, options),
        resolution_id=q["resolution"],
        changed_us=np.where(q["has_changed"] == 1, q["changed"], NULL_TIME),
        stale=(q["has_changed"] == 1) & ((q["has_scored"] == 0) | (q["scored"] < q["changed"])),
        scored_us=np.where(q["has_scored"] == 1, q["scored"], NULL_TIME),
        scores_digest=q["digest"],
        forecast_id=f["id"],
        f_question=np.searchsorted(q["id"], f["question"]),
        f_author=f["author"],
        f_stated_us=f["stated"],
        f_recorded_us=f["recorded"],
        f_probability=f["probability"],
        f_proved=f["proved"] == 1,
        p_forecast=probabilities["forecast"],
        p_option=probabilities["option"],
        p_probability=probabilities["probability"],
        tag_question=np.searchsorted(q["id"], tags["question"]),
        tag_id=tags["tag"],
    )


def _status(q: dict) -> np.ndarray:
    status = np.where(q["outcome"] <= 2, RESOLVED, PENDING)
    status = np.where(q["outcome"] == 3, ANNULLED, status)
    return np.where(q["published"] == 0, DRAFT, status)  # drafts (and quantities): no rows


def _options(o: dict, question_id: np.ndarray) -> dict:
    """Options with their index within the question, ordered as the services order them."""
    order = np.lexsort((o["id"], o["position"], o["question"]))
    o = {name: values[order] for name, values in o.items()}
    o["question"] = np.searchsorted(question_id, o["question"])
    first = np.searchsorted(o["question"], o["question"])  # first option of the same question
    o["index"] = np.arange(o["id"].size) - first
    by_id = np.argsort(o["id"])
    return {"id": o["id"][by_id], "question": o["question"][by_id], "index": o["index"][by_id]}


def _outcome(q: dict, options: dict) -> np.ndarray:
    outcome = np.where(q["outcome"] <= 1, q["outcome"], -1)
    chosen = q["outcome"] == 2
    at = np.searchsorted(options["id"], q["option"][chosen])
    outcome[chosen] = options["index"][np.minimum(at, max(options["id"].size - 1, 0))]
    return outcome


def _option_probabilities(p: dict, forecast_id: np.ndarray, options: dict) -> dict:
    return {
        "forecast": np.searchsorted(forecast_id, p["forecast"]),
        "option": options["index"][np.searchsorted(options["id"], p["option"])],
        "probability": p["probability"],
    }

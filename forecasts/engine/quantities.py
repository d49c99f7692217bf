"""Numeric and date questions scored set-based: the QuantityScore rows of a set of questions.

The array twin of ``forecasts.scoring.quantiles`` (a test checks they agree on
random ledgers). ``read_quantities`` reads the numeric and date questions
among some question ids (a list or an ``IdRange``), their forecasts (point,
interval, coverage) and quantiles; ``score_quantities`` gives one row per
(author, question) pair with a forecast on a published question, in the
columns of ``QuantityScore``. The binary scorer leaves these questions out
(``ledger_arrays`` reads them as drafts), so they never reach the Brier
headline.

The rules are the binary ones (``forecasts.engine.pair_scores``,
``forecasts.scoring.timing``): rows of a pending or annulled question carry
only the reason; a forecast recorded after the outcome was known is hindsight
unless a dated public source proves it was said in time (retrospective); a
forecast stated after the close never counts. A forecast is read as quantiles
(``StatedValues.as_quantiles``): its quantile rows, an interval's two levels
(1 − c)/2 and (1 + c)/2, and its point as the median beside them. One that
cannot be read so (unordered values, two values for one level, a value not
above 0 on a log scale) is malformed and ignored, like a malformed binary
forecast. Per pair:

* ``wis``: twice the mean pinball loss of each forecast, averaged over the
  days from the first forecast (or the open) to the close, the forecast in
  force each day being the latest stated on or before it; points alone are
  left out of these days. ``normalised``: the same with every value and the
  outcome mapped onto the range (``unit_scale``), when there is one;
* ``wis_final``/``normalised_final``, ``form``, ``point`` (the point or the
  0.5 quantile), ``abs_error`` and ``rel_error`` of the last forecast that
  counts, whatever its form.

The pinball losses are worked out for every (forecast, level) entry at once
and summed per forecast with ``bincount``: no Python per forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from forecasts.engine.bulkload import Query, in_ids, read_columns, read_small
from forecasts.engine.ledger_arrays import (
    ANNULLED,
    DRAFT,
    PENDING,
    RESOLVED,
    US_PER_DAY,
    Questions,
    _in_questions,
    forecasts_sql,
)
from forecasts.engine.pair_scores import ANNULLED_ROW, COUNTED, HINDSIGHT, NO_FORECAST, PENDING_ROW
from forecasts.scoring.quantiles import MEDIAN

QUANTITY_KINDS = "('numeric', 'date')"
_EMPTY = {
    "int4": np.zeros(0, np.int64),
    "int8": np.zeros(0, np.int64),
    "time": np.zeros(0, np.int64),
    "float8": np.zeros(0),
}
# Codes of QuantityScore.form, in this order ("" for a row without a final forecast).
FORMS = ("", "point", "interval", "quantiles")
NO_FORM, POINT, INTERVAL, QUANTILES = range(4)


@dataclass
class QuantityLedger:
    """Numeric and date questions, their forecasts and quantile entries, as arrays."""

    question_id: np.ndarray  # sorted
    status: np.ndarray  # DRAFT / PENDING / RESOLVED / ANNULLED
    open_day: np.ndarray
    close_day: np.ndarray
    closes_us: np.ndarray
    known_us: np.ndarray
    outcome: np.ndarray  # the value resolved (NaN unless resolved)
    low: np.ndarray  # the range (NaN: none)
    high: np.ndarray
    log_scale: np.ndarray  # bool
    resolution_id: np.ndarray  # 0: none
    forecast_id: np.ndarray  # sorted
    f_question: np.ndarray  # index into the question arrays
    f_author: np.ndarray
    f_stated_us: np.ndarray
    f_recorded_us: np.ndarray
    f_proved: np.ndarray  # bool
    f_point: np.ndarray  # NaN: none
    f_low: np.ndarray
    f_high: np.ndarray
    f_coverage: np.ndarray
    e_forecast: np.ndarray  # quantile rows: index into the forecast arrays
    e_level: np.ndarray
    e_value: np.ndarray
    tag_question: np.ndarray  # index into the question arrays
    tag_id: np.ndarray


def nan_if_null(column: str) -> str:
    """A nullable float column read as NaN when empty: binary COPY wants no NULL on
    PostgreSQL; SQLite has no NaN (NULL reads as NaN there)."""
    if connection.vendor != "postgresql":
        return column
    return f"COALESCE({column}, CAST('NaN' AS DOUBLE PRECISION))"


def quantity_question_ids(question_ids: Questions, db=connection) -> np.ndarray:
    """The ids of the numeric and date questions among ``question_ids`` (sorted)."""
    where, params = _in_questions("id", question_ids)
    where = f"{where} AND" if where else " WHERE"
    sql = f"SELECT id FROM forecasts_question{where} kind IN {QUANTITY_KINDS}"
    return np.sort(read_columns(db, sql, {"id": "int8"}, params)["id"])


def quantity_queries(ids: Sequence[int]) -> list[Query]:
    """The queries ``read_quantities`` runs for these numeric and date questions:
    questions, forecasts, quantiles, tags."""
    chosen, params = in_ids(connection, "question_id", ids)
    on_resolution, resolution_params = in_ids(connection, "r.question_id", ids)
    on_question, question_params = in_ids(connection, "q.id", ids)
    questions = Query(
        "SELECT q.id, CASE q.state WHEN 'draft' THEN 0 ELSE 1 END, q.opens_at, q.closes_at, "
        "COALESCE(r.id, 0), COALESCE(r.outcome_known_at, q.closes_at), "
        "CASE WHEN r.outcome = 'value' AND r.value IS NOT NULL THEN 1 "
        "WHEN r.outcome = 'annulled' THEN 2 ELSE 0 END, "
        f"{nan_if_null('r.value')}, {nan_if_null('q.range_low')}, {nan_if_null('q.range_high')}, "
        "CASE WHEN q.log_scale THEN 1 ELSE 0 END "
        # The ids repeated on the join, so the resolutions are read by their index, not
        # scanned whole for every chunk of a full rescore.
        "FROM forecasts_question q LEFT JOIN forecasts_resolution r "
        f"ON r.question_id = q.id AND r.is_current AND {on_resolution} WHERE {on_question}",
        {
            "id": "int8",
            "published": "int4",
            "opens": "time",
            "closes": "time",
            "resolution": "int8",
            "known": "time",
            "resolved": "int4",
            "value": "float8",
            "low": "float8",
            "high": "float8",
            "log": "int4",
        },
        [*resolution_params, *question_params],
    )
    values = ("value", "value_low", "value_high", "coverage")
    f_sql, f_params, f_kinds = forecasts_sql(ids, also=[nan_if_null(name) for name in values])
    forecasts = Query(
        # The binary scorer's forecast columns (the timing rule's "proved" among them),
        # then the values, in one read of the questions' forecasts.
        f_sql,
        {
            **{name: f_kinds[name] for name in ("id", "question", "author", "stated", "recorded")},
            "probability": f_kinds["probability"],
            "proved": "int4",
            "point": "float8",
            "low": "float8",
            "high": "float8",
            "coverage": "float8",
        },
        f_params,
    )
    quantiles = Query(
        # From the question's forecasts into the quantiles' forecast index. On PostgreSQL
        # the look-up is a LATERAL subquery kept apart by OFFSET 0, so the planner cannot
        # turn it into a hash join that reads the whole quantile table for every chunk
        # of a full rescore (it misjudges how many forecasts a chunk's questions have).
        (
            "SELECT e.forecast_id, e.level, e.value FROM forecasts_forecast f "
            "CROSS JOIN LATERAL (SELECT forecast_id, level, value "
            "FROM forecasts_forecastquantile WHERE forecast_id = f.id OFFSET 0) e "
            f"WHERE f.{chosen}"
            if connection.vendor == "postgresql"
            else "SELECT e.forecast_id, e.level, e.value FROM forecasts_forecast f "
            f"JOIN forecasts_forecastquantile e ON e.forecast_id = f.id WHERE f.{chosen}"
        ),
        {"forecast": "int8", "level": "float8", "value": "float8"},
        params,
    )
    tags = Query(
        f"SELECT question_id, tag_id FROM forecasts_question_tags WHERE {chosen}",
        {"question": "int8", "tag": "int8"},
        params,
    )
    return [questions, forecasts, quantiles, tags]


def read_quantities(question_ids: Questions, db=connection) -> QuantityLedger:
    """The numeric and date questions among ``question_ids``: their ids first (one query,
    and no other for none), then everything else in one round trip (on ``db``)."""
    ids = quantity_question_ids(question_ids, db).tolist()
    queries = quantity_queries(ids)
    if ids:
        q, f, e, tags = read_small(db, queries)
    else:
        q, f, e, tags = (
            {name: _EMPTY[kind] for name, kind in query.kinds.items()} for query in queries
        )
    order = np.argsort(q["id"], kind="stable")
    q = {name: values[order] for name, values in q.items()}
    order = np.argsort(f["id"], kind="stable")
    f = {name: values[order] for name, values in f.items()}
    status = np.where(q["published"] == 0, DRAFT, PENDING)
    status = np.where((q["published"] == 1) & (q["resolved"] == 1), RESOLVED, status)
    status = np.where((q["published"] == 1) & (q["resolved"] == 2), ANNULLED, status)
    return QuantityLedger(
        question_id=q["id"],
        status=status,
        open_day=q["opens"] // US_PER_DAY,
        close_day=q["closes"] // US_PER_DAY,
        closes_us=q["closes"],
        known_us=q["known"],
        outcome=np.where(status == RESOLVED, q["value"], np.nan),
        low=q["low"],
        high=q["high"],
        log_scale=q["log"] == 1,
        resolution_id=q["resolution"],
        forecast_id=f["id"],
        f_question=np.searchsorted(q["id"], f["question"]),
        f_author=f["author"],
        f_stated_us=f["stated"],
        f_recorded_us=f["recorded"],
        f_proved=f["proved"] == 1,
        f_point=f["point"],
        f_low=f["low"],
        f_high=f["high"],
        f_coverage=f["coverage"],
        e_forecast=np.searchsorted(f["id"], e["forecast"]),
        e_level=e["level"],
        e_value=e["value"],
        tag_question=np.searchsorted(q["id"], tags["question"]),
        tag_id=tags["tag"],
    )


def score_quantities(ledger: QuantityLedger) -> dict[str, np.ndarray]:
    """One row per (author, question) pair with a forecast on a published question.

    Keys: ``question`` (index into the ledger's questions), ``author``,
    ``excluded`` (codes of ``pair_scores.EXCLUSIONS``), ``form`` (codes of
    ``FORMS``), the scores (NaN for none) and the counts, as QuantityScore has them.
    """
    keep = np.flatnonzero(ledger.status[ledger.f_question] != DRAFT)
    order = keep[
        np.lexsort(
            (
                ledger.forecast_id[keep],
                ledger.f_stated_us[keep],
                ledger.f_author[keep],
                ledger.f_question[keep],
            )
        )
    ]
    q, author = ledger.f_question[order], ledger.f_author[order]
    new_pair = np.r_[True, (q[1:] != q[:-1]) | (author[1:] != author[:-1])] if q.size else q > 0
    pair = np.cumsum(new_pair) - 1
    n_pairs = int(new_pair.sum())
    stated = ledger.f_stated_us[order]
    entries = _entries(ledger)
    well_formed, scores, median = _forecast_scores(ledger, entries)
    well_formed, scores, median = well_formed[order], scores[order], median[order]
    resolved = ledger.status[q] == RESOLVED
    late = ledger.f_recorded_us[order] > ledger.known_us[q]
    proved = ledger.f_proved[order] & (stated <= ledger.known_us[q])
    hindsight = resolved & late & ~proved
    valid = resolved & ~hindsight & well_formed & (stated <= ledger.closes_us[q])
    rows = _time_averaged(ledger, q, pair, stated, valid, scores, n_pairs)
    rows.update(_final(ledger, order, q, pair, valid, scores, median, entries.form, n_pairs))
    first = np.flatnonzero(new_pair)
    pair_question = q[first]
    rows["question"], rows["author"] = pair_question, author[first]
    rows["n_forecasts"] = np.bincount(pair[valid], minlength=n_pairs)
    rows["n_hindsight"] = np.bincount(pair[hindsight], minlength=n_pairs)
    rows["n_retrospective"] = np.bincount(
        pair[valid & late & ledger.f_proved[order]], minlength=n_pairs
    )
    status = ledger.status[pair_question]
    reason = np.where(
        rows["n_forecasts"] > 0, COUNTED, np.where(rows["n_hindsight"] > 0, HINDSIGHT, NO_FORECAST)
    )
    reason = np.where(status == ANNULLED, ANNULLED_ROW, reason)
    rows["excluded"] = np.where(status == PENDING, PENDING_ROW, reason)
    rows["resolution"] = ledger.resolution_id[pair_question]
    rows["outcome"] = np.where(rows["excluded"] == COUNTED, ledger.outcome[pair_question], np.nan)
    return rows


@dataclass
class _Entries:
    """Every forecast's quantiles as (forecast, level, value) entries, and each forecast's form."""

    forecast: np.ndarray
    level: np.ndarray
    value: np.ndarray
    form: np.ndarray  # per forecast: POINT, INTERVAL or QUANTILES (NO_FORM: nothing given)
    conflicting: np.ndarray  # per forecast: two values for one level


def _entries(ledger: QuantityLedger) -> _Entries:
    """The quantile rows, each interval's two levels and the point beside them, sorted."""
    n = ledger.forecast_id.size
    has_interval = ~np.isnan(ledger.f_low) & ~np.isnan(ledger.f_high) & ~np.isnan(ledger.f_coverage)
    n_rows = np.bincount(ledger.e_forecast, minlength=n)
    form = np.where(n_rows > 0, QUANTILES, np.where(has_interval, INTERVAL, NO_FORM))
    form = np.where((form == NO_FORM) & ~np.isnan(ledger.f_point), POINT, form)
    interval = np.flatnonzero(has_interval)
    c = ledger.f_coverage[interval]
    point = np.flatnonzero(~np.isnan(ledger.f_point) & (form > POINT))  # the median beside them
    forecast = np.concatenate([ledger.e_forecast, interval, interval, point])
    level = np.concatenate(
        [ledger.e_level, (1.0 - c) / 2.0, (1.0 + c) / 2.0, np.full(point.size, MEDIAN)]
    )
    value = np.concatenate(
        [ledger.e_value, ledger.f_low[interval], ledger.f_high[interval], ledger.f_point[point]]
    )
    order = np.lexsort((value, level, forecast))
    forecast, level, value = forecast[order], level[order], value[order]
    same = (forecast[1:] == forecast[:-1]) & (level[1:] == level[:-1])
    conflicting = np.zeros(n, bool)
    conflicting[forecast[1:][same & (value[1:] != value[:-1])]] = True
    kept = np.r_[True, ~same] if forecast.size else np.zeros(0, bool)
    return _Entries(forecast[kept], level[kept], value[kept], form, conflicting)


def _forecast_scores(
    ledger: QuantityLedger, entries: _Entries
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per forecast: well formed, its WIS in the unit and on the range (n × 2, NaN: a
    point alone or no range), and its median (the point, else the 0.5 quantile)."""
    n = ledger.forecast_id.size
    f, tau, value = entries.forecast, entries.level, entries.value
    q = ledger.f_question[f]
    unordered = np.zeros(n, bool)
    step_down = (f[1:] == f[:-1]) & (value[1:] < value[:-1])
    unordered[f[1:][step_down]] = True
    log = ledger.log_scale[ledger.f_question]
    below_zero = np.zeros(n, bool)
    below_zero[f[log[f] & (value <= 0)]] = True
    below_zero |= log & (ledger.f_point <= 0)
    well_formed = (entries.form != NO_FORM) & ~entries.conflicting & ~unordered & ~below_zero
    count = np.bincount(f, minlength=n).astype(np.float64)
    y = ledger.outcome[q]
    scores = np.full((n, 2), np.nan)
    for column, (values, outcome) in enumerate(
        ((value, y), (_unit_scale(ledger, q, value), _unit_scale(ledger, q, y)))
    ):
        loss = ((outcome < values).astype(np.float64) - tau) * (values - outcome)
        total = np.bincount(f, weights=loss, minlength=n)
        scores[:, column] = np.divide(2.0 * total, count, out=scores[:, column], where=count > 0)
    median = ledger.f_point.copy()
    at_median = f[tau == MEDIAN]
    median[at_median] = value[tau == MEDIAN]
    return well_formed, scores, median


def _unit_scale(ledger: QuantityLedger, q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``unit_scale`` of each value on its question's range (NaN: no range, or not > 0 on a log
    scale)."""
    low, high, log = ledger.low[q], ledger.high[q], ledger.log_scale[q]
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = (x - low) / (high - low)
        positive = log & (x > 0) & (low > 0)
        logs = np.log(np.where(positive, x, 1.0)), np.log(np.where(positive, low, 1.0))
        scaled_log = (logs[0] - logs[1]) / (np.log(np.where(positive, high, 2.0)) - logs[1])
    return np.where(log, np.where(positive, scaled_log, np.nan), linear)


def _time_averaged(ledger, q, pair, stated, valid, scores, n_pairs) -> dict[str, np.ndarray]:
    """Mean daily WIS (unit and range) of each pair, over its probabilistic forecasts."""
    v = np.flatnonzero(valid & ~np.isnan(scores[:, 0]))
    q, pair = q[v], pair[v]
    start = np.maximum(stated[v] // US_PER_DAY, ledger.open_day[q])
    continues = np.r_[pair[1:] == pair[:-1], False] if v.size else np.zeros(0, bool)
    end = np.where(continues, np.r_[start[1:], 0], ledger.close_day[q] + 1)
    length = (end - start).astype(np.float64)
    days = np.bincount(pair, weights=length, minlength=n_pairs)
    rows = {"n_days": days.astype(np.int64)}
    for name, column in (("wis", 0), ("normalised", 1)):
        weighted = np.bincount(pair, weights=length * scores[v, column], minlength=n_pairs)
        rows[name] = np.divide(weighted, days, out=np.full(n_pairs, np.nan), where=days > 0)
    return rows


def _final(ledger, order, q, pair, valid, scores, median, form, n_pairs) -> dict[str, np.ndarray]:
    """The last forecast that counts of each pair: its form, scores, point and errors."""
    v = np.flatnonzero(valid)
    last = v[np.r_[pair[v][1:] != pair[v][:-1], True]] if v.size else v
    at = pair[last]
    rows = {name: np.full(n_pairs, np.nan) for name in ("wis_final", "normalised_final", "point")}
    rows["form"] = np.zeros(n_pairs, np.int64)
    rows["form"][at] = form[order[last]]
    rows["wis_final"][at] = scores[last, 0]
    rows["normalised_final"][at] = scores[last, 1]
    rows["point"][at] = median[last]
    y = np.full(n_pairs, np.nan)
    y[at] = ledger.outcome[q[last]]
    rows["abs_error"] = np.abs(rows["point"] - y)
    with np.errstate(invalid="ignore", divide="ignore"):
        rows["rel_error"] = np.where(y != 0, rows["abs_error"] / np.abs(y), np.nan)
    return rows

"""Keeping stored scores honest when the queue was not.

Scoring on resolution is queued on commit; if the broker was down at that
moment the resolution is saved but its task never existed. Two periodic jobs
make that a delay, never a loss:

* ``rescore_stale`` rescores every question whose latest resolution change is
  newer than its scores (``Question.objects.needing_rescore()``).
* ``audit_full_rescore`` (nightly) recomputes everything from the ledger and
  compares with what incremental scoring had stored; any difference is a bug
  and is logged as an error, field by field.
"""

from __future__ import annotations

import logging
import math
from array import array
from typing import Any

from django.utils import timezone

from forecasts.engine import rescoring
from forecasts.models import Forecast, Question, QuestionScore, Scorecard

logger = logging.getLogger(__name__)

# Fields that say when, not what: they differ after any recomputation.
_IGNORED = {"id", "computed_at"}
_SCORECARD_KEY = ("author_id", "tag_id")
_QUESTION_SCORE_KEY = ("author_id", "question_id")


def rescore_stale() -> list[int]:
    """Rescore questions whose scores are older than their resolution; return their ids."""
    stale = (
        Question.objects.needing_rescore()
        .order_by("resolution_changed_at", "pk")
        .values_list("pk", flat=True)
    )
    done = []
    for question_id in stale:
        try:
            rescoring.rescore_question(question_id=question_id)
        except Exception:
            # One bad question must not hold up the others; it stays stale and
            # the next run tries again.
            logger.exception("Reconciliation could not rescore question %s", question_id)
        else:
            done.append(question_id)
    if done:
        logger.warning("Reconciliation rescored %d stale question(s): %s", len(done), done)
    return done


def audit_full_rescore() -> dict[str, int]:
    """Rescore everything and report where incremental scoring had disagreed."""
    started = timezone.now()
    rescore_stale()
    before = scores_snapshot()
    rescoring.rescore_all(verify=True)
    after = scores_snapshot()
    # Resolutions recorded while the audit ran legitimately change scores.
    moving = set(
        Forecast.objects.filter(question__resolution_changed_at__gte=started).values_list(
            "author_id", flat=True
        )
    )
    differences = snapshot_differences(before, after, skip_authors=moving)
    for difference in differences:
        logger.error("Score audit: %s", difference)
    figures = {
        "scorecards": len(after["scorecard"]),
        "question_scores": len(after["question score"]),
        "differences": len(differences),
        "authors_skipped": len(moving),
    }
    if differences:
        logger.error("Score audit: incremental and full scoring disagree: %s", figures)
    else:
        logger.info("Score audit: incremental and full scoring agree: %s", figures)
    return figures


def scores_snapshot() -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every stored score, keyed by who and what, without timestamps."""

    def rows(queryset, key_fields):
        fields = [f.attname for f in queryset.model._meta.concrete_fields]
        kept = [f for f in fields if f not in _IGNORED]
        return {
            tuple(row[k] for k in key_fields): {f: _plain(row[f]) for f in kept}
            for row in queryset.values(*kept)
        }

    return {
        "scorecard": rows(Scorecard.objects.all(), _SCORECARD_KEY),
        "question score": rows(QuestionScore.objects.all(), _QUESTION_SCORE_KEY),
    }


def snapshot_differences(before: dict, after: dict, *, skip_authors=frozenset()) -> list[str]:
    """What differs between two snapshots, beyond floating-point summation order."""
    found = []
    for kind in before:
        old_rows, new_rows = before[kind], after[kind]
        for key in sorted(old_rows.keys() | new_rows.keys(), key=repr):
            if key[0] in skip_authors:
                continue
            old, new = old_rows.get(key), new_rows.get(key)
            if old is None or new is None:
                change = "added by" if old is None else "missing after"
                found.append(f"{kind} {key} {change} the full rescore (incremental: {old})")
                continue
            changed = {f: (old[f], new[f]) for f in old if not _close(old[f], new[f])}
            if changed:
                found.append(f"{kind} {key} differs (field: incremental → full): {changed}")
    return found


def _plain(value: Any) -> Any:
    """Stored running totals are packed float64s: compare them as numbers."""
    if isinstance(value, bytes | memoryview) and len(value) % 8 == 0:
        return array("d", bytes(value)).tolist()
    return value


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        both_nan = math.isnan(a) and math.isnan(b)
        return both_nan or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b

"""Score digests: every stored column counts, row order does not."""

import numpy as np
import pytest

from forecasts.engine.score_digests import _DIGESTED, scores_digests


def _rows(n: int, seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    rows = {name: rng.integers(0, 5, n) for name in _DIGESTED}
    for name in ("brier", "brier_final", "log_loss", "crowd_brier", "relative_brier"):
        rows[name] = rng.random(n)
    rows["final_given"] = rng.random(n)
    rows["outcome_yes"] = rng.integers(0, 2, n).astype(float)
    return rows


def _digests(rows: dict, question: np.ndarray, tags=((0, 7), (1, 8))) -> np.ndarray:
    tag_question = np.array([q for q, _ in tags], np.int64)
    tag_id = np.array([t for _, t in tags], np.int64)
    return scores_digests(rows, question, tag_question, tag_id, 3)


def test_row_order_does_not_matter():
    rows, question = _rows(8), np.array([0, 0, 0, 1, 1, 1, 1, 2])
    order = np.random.default_rng(1).permutation(8)
    shuffled = {name: values[order] for name, values in rows.items()}
    assert np.array_equal(_digests(rows, question), _digests(shuffled, question[order]))


@pytest.mark.parametrize("name", _DIGESTED)
def test_every_column_counts(name):
    rows, question = _rows(8), np.array([0, 0, 0, 1, 1, 1, 1, 2])
    before = _digests(rows, question)
    changed = {**rows, name: rows[name].copy()}
    changed[name][4] = changed[name][4] + 1  # a row of question 1
    after = _digests(changed, question)
    assert after[1] != before[1]
    assert after[0] == before[0] and after[2] == before[2]


def test_tags_count_and_every_nan_is_alike():
    rows, question = _rows(4), np.array([0, 0, 1, 1])
    assert _digests(rows, question)[0] != _digests(rows, question, tags=((0, 9), (1, 8)))[0]
    rows["brier"][0] = np.nan
    other_nan = rows["brier"].copy()
    other_nan[0] = -np.float64("nan")  # another bit pattern, stored as NULL all the same
    assert np.array_equal(
        _digests(rows, question), _digests({**rows, "brier": other_nan}, question)
    )


def test_a_question_without_rows_has_a_digest_too():
    digests = _digests(_rows(2), np.array([0, 0]))
    assert digests.dtype == np.int64 and np.all(digests != 0)


def test_the_digest_covers_every_stored_column():
    from forecasts.models import QuestionScore

    row_key = {
        "author_id": "author",
        "resolution_id": "resolution",
        "final_probability": "final_given",
        "resolved_yes": "outcome_yes",
        "excluded_reason": "excluded",
    }
    # The question is the digest's own key, tags are digested per question, and
    # computed_at says when, not what.
    skipped = {"id", "question_id", "tag_ids", "computed_at"}
    stored = {
        row_key.get(field.attname, field.attname)
        for field in QuestionScore._meta.concrete_fields
        if field.attname not in skipped
    }
    assert stored == set(_DIGESTED)

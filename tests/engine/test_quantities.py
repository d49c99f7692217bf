"""Numeric and date scores: the set-based engine against the pure library."""

import math
from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasts.engine import parallel, quantity_tables, rescoring
from forecasts.engine.quantity_tables import rebuild_records
from forecasts.models import (
    Author,
    Forecast,
    ForecastQuantile,
    QuantityRecord,
    QuantityScore,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
    Tag,
)
from tests.builders.random_ledgers import random_ledger
from tests.builders.random_quantities import (
    expected_quantity_records,
    expected_quantity_rows,
    random_quantity_ledger,
)

ROW_FIGURES = (
    "outcome",
    "wis",
    "wis_final",
    "normalised",
    "normalised_final",
    "point",
    "abs_error",
    "rel_error",
)
ROW_COUNTS = ("form", "n_forecasts", "n_days", "n_hindsight", "n_retrospective")
RECORD_COUNTS = ("n_scored", "n_unranged", "n_points", "n_pending")


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def assert_matches_library() -> None:
    rows = expected_quantity_rows()
    stored = {(s.author_id, s.question_id): s for s in QuantityScore.objects.all()}
    assert set(stored) == set(rows)
    for key, row in rows.items():
        score = stored[key]
        assert score.excluded_reason == row["excluded"], key
        assert sorted(score.tag_ids) == row["tags"], key
        for name in ROW_COUNTS:
            assert getattr(score, name) == row[name], (key, name)
        for name in ROW_FIGURES:
            assert close(getattr(score, name), row[name]), (key, name, getattr(score, name))
    records = expected_quantity_records(rows)
    stored = {(r.author_id, r.tag_id): r for r in QuantityRecord.objects.all()}
    assert set(stored) == set(records)
    for key, record in records.items():
        for name in RECORD_COUNTS:
            assert getattr(stored[key], name) == record[name], (key, name)
        for name in ("mean", "low", "high"):
            assert close(getattr(stored[key], name), record[name]), (key, name)


def written(report: dict) -> tuple[int, int]:
    return report["quantity_scores_written"], report["quantity_records_written"]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_agrees_with_the_pure_library_on_random_quantity_ledgers(seed):
    random_quantity_ledger(seed)
    report = rescoring.rescore_all()
    assert_matches_library()
    assert report["quantity_scores_written"] == QuantityScore.objects.count() > 0
    # Every kind of row turns up across the seeds; each seed has some counted rows.
    assert QuantityScore.objects.counted().exists()


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32), chunk=st.integers(1, 6))
def test_it_agrees_with_the_pure_library_in_chunks_of_any_size(seed, chunk):
    with transaction.atomic():  # each example on a ledger of its own
        random_quantity_ledger(seed, n_questions=8)
        rescoring.rescore_all(chunk_questions=chunk)
        assert_matches_library()
        assert written(rescoring.rescore_all(verify=True)) == (0, 0)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_binary_scorer_leaves_numeric_and_date_questions_alone():
    random_ledger(5, n_questions=8)
    rescoring.rescore_all()
    cards = {(c.author_id, c.tag_id): c.brier for c in Scorecard.objects.all()}
    binary_rows = QuestionScore.objects.count()
    random_quantity_ledger(5)
    report = rescoring.rescore_all()
    quantity = Question.objects.filter(kind__in=["numeric", "date"])
    assert not QuestionScore.objects.filter(question__in=quantity).exists()
    assert QuestionScore.objects.count() == binary_rows
    # The quantity ledger's authors forecast numbers only: no scorecard, and the others' Brier
    # is as it was.
    assert {(c.author_id, c.tag_id): c.brier for c in Scorecard.objects.all()} == cards
    assert report["question_scores_written"] == 0
    for question in quantity:
        rescoring.rescore_question(question_id=question.pk)
    assert not QuestionScore.objects.filter(question__in=quantity).exists()
    assert_matches_library()


@pytest.mark.django_db
def test_a_verifying_rescore_finds_nothing_to_rewrite_and_repairs_what_was_changed():
    random_quantity_ledger(7)
    rescoring.rescore_all()
    assert written(rescoring.rescore_all(verify=True)) == (0, 0)
    assert written(rescoring.rescore_all()) == (0, 0)
    score = QuantityScore.objects.counted().order_by("pk").first()
    QuantityScore.objects.filter(pk=score.pk).update(normalised=score.normalised + 1)
    QuantityRecord.objects.filter(author_id=score.author_id, tag=None).update(n_pending=99)
    binary = Question.objects.get(kind="binary")
    QuantityScore.objects.create(author_id=score.author_id, question=binary)  # not a quantity
    n_rows = QuantityScore.objects.filter(question_id=score.question_id).count()
    # The question's rows are rewritten (as a whole), the fake row deleted, one record repaired.
    assert written(rescoring.rescore_all(verify=True)) == (n_rows, 1)
    assert not QuantityScore.objects.filter(question=binary).exists()
    assert_matches_library()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"tag_ids": [999_999]},  # the tags kept on the row
        {"wis": None},  # a figure emptied
        {"excluded_reason": "hindsight"},  # a label
        {"n_days": 12_345},  # a count
    ],
    ids=["tags", "null", "label", "count"],
)
def test_a_verifying_rescore_sees_any_column_changed_behind_its_back(change):
    random_quantity_ledger(11)
    rescoring.rescore_all()
    score = QuantityScore.objects.counted().exclude(wis=None).order_by("pk").first()
    QuantityScore.objects.filter(pk=score.pk).update(**change)
    n_rows = QuantityScore.objects.filter(question_id=score.question_id).count()
    assert written(rescoring.rescore_all(verify=True))[0] == n_rows
    assert written(rescoring.rescore_all(verify=True))[0] == 0
    assert_matches_library()


@pytest.mark.django_db
def test_a_plain_rescore_rebuilds_the_records_of_the_authors_whose_rows_changed_only():
    random_quantity_ledger(13)
    rescoring.rescore_all()
    score = QuantityScore.objects.counted().order_by("pk").first()
    question = Question.objects.get(pk=score.question_id)
    on_it = QuantityScore.objects.filter(question=question).values("author_id")
    other = QuantityRecord.objects.filter(tag=None).exclude(author_id__in=on_it).first()
    # A record changed behind the scorer's back waits for the nightly audit...
    QuantityRecord.objects.filter(pk=other.pk).update(n_pending=99)
    # ...while a question's new tag reaches its authors' records at once.
    fresh = Tag.objects.create(name="Fresh", slug="fresh")
    question.tags.add(fresh)
    rescoring.rescore_all()
    assert QuantityRecord.objects.filter(author_id=score.author_id, tag=fresh).exists()
    assert QuantityRecord.objects.get(pk=other.pk).n_pending == 99
    QuantityRecord.objects.filter(pk=other.pk).update(n_pending=other.n_pending)
    assert_matches_library()
    QuantityRecord.objects.filter(pk=other.pk).update(n_pending=99)
    assert written(rescoring.rescore_all(verify=True)) == (0, 1)
    assert_matches_library()
    QuantityRecord.objects.all().delete()  # none stored: every record is rebuilt
    rescoring.rescore_all()
    assert_matches_library()


@pytest.mark.django_db
def test_rescoring_one_question_updates_its_rows_and_its_authors_records():
    random_quantity_ledger(9)
    rescoring.rescore_all()
    score = QuantityScore.objects.counted().order_by("pk").first()
    resolution = Resolution.objects.get(question_id=score.question_id, is_current=True)
    Resolution.objects.filter(pk=resolution.pk).update(value=resolution.value + 7)
    rescoring.rescore_question(question_id=score.question_id)
    row = QuantityScore.objects.get(author_id=score.author_id, question_id=score.question_id)
    assert row.outcome == resolution.value + 7
    assert_matches_library()
    assert written(rescoring.rescore_all(verify=True)) == (0, 0)


@pytest.mark.django_db
def test_malformed_forecasts_are_ignored_like_malformed_binary_ones():
    random_quantity_ledger(11)
    rescoring.rescore_all()
    for score in QuantityScore.objects.counted().order_by("pk"):
        own = Forecast.objects.filter(author=score.author_id, question=score.question_id)
        moment = own.latest("stated_at").stated_at + timedelta(seconds=1)
        if moment <= min(score.question.closes_at, score.resolution.outcome_known_at):
            break
    before = QuantityScore.objects.filter(pk=score.pk).values(*ROW_FIGURES, *ROW_COUNTS)[0]
    # Unordered quantiles: the ledger service refuses them; stored anyway, they never count
    # (had they counted, this would be the final forecast).
    forecast = Forecast.objects.create(
        question_id=score.question_id,
        author_id=score.author_id,
        stated_at=moment,
        recorded_at=moment,
        value=5.0,
    )
    ForecastQuantile.objects.bulk_create(
        [
            ForecastQuantile(forecast=forecast, level=0.25, value=10.0),
            ForecastQuantile(forecast=forecast, level=0.75, value=2.0),
        ]
    )
    rescoring.rescore_question(question_id=score.question_id)
    after = QuantityScore.objects.filter(author=score.author_id, question=score.question_id)
    assert after.values(*ROW_FIGURES, *ROW_COUNTS)[0] == before


@pytest.mark.django_db
def test_the_parallel_run_scores_and_records_them_too():
    random_quantity_ledger(12)
    run = parallel.start_run(parallel=3, chunk_questions=4)
    for index in range(run.n_chunks):
        parallel.score_run_chunk(str(run.pk), index)
    summary = parallel.merge_run(str(run.pk))
    assert summary["quantity_scores"] == QuantityScore.objects.count() > 0
    assert summary["quantity_records_written"] == QuantityRecord.objects.count()
    assert_matches_library()
    assert written(rescoring.rescore_all(verify=True)) == (0, 0)


@pytest.mark.django_db
def test_the_rescore_command_reports_nothing_to_rewrite_after_a_full_rescore(capsys):
    random_quantity_ledger(13)
    call_command("rescore")
    call_command("rescore", "--verify")
    first, second = capsys.readouterr().out.splitlines()
    n = QuantityScore.objects.count()
    assert f"{n} of {n} numeric scores" in first
    assert f"0 of {n} numeric scores" in second
    assert written(rescoring.rescore_all(verify=True)) == (0, 0)


@pytest.mark.django_db
def test_records_are_rebuilt_for_the_authors_asked_only():
    random_quantity_ledger(14)
    rescoring.rescore_all()
    QuantityRecord.objects.update(n_pending=50)
    author = QuantityScore.objects.order_by("pk").first().author_id
    at = QuantityScore.objects.first().computed_at
    written_now = rebuild_records(authors=np.array([author]), at=at)
    assert written_now >= 1
    assert not QuantityRecord.objects.filter(author_id=author, n_pending=50).exists()
    assert QuantityRecord.objects.exclude(author_id=author).filter(n_pending=50).exists()


@pytest.mark.django_db
def test_every_record_rebuilt_a_few_authors_at_a_time_is_the_one_built_at_once(monkeypatch):
    random_quantity_ledger(16)
    rescoring.rescore_all()
    fields = (
        "author_id",
        "tag_id",
        "n_scored",
        "mean",
        "low",
        "high",
        "n_unranged",
        "n_points",
        "n_pending",
    )
    in_order = QuantityRecord.objects.order_by("author_id", "tag_id")
    expected = list(in_order.values_list(*fields))
    assert any(r[4] is not None for r in expected)  # some with an interval
    # A record wrong, one gone, one of an author with no row: found slice by slice.
    records = list(QuantityRecord.objects.order_by("author_id", "tag_id"))
    QuantityRecord.objects.filter(pk=records[0].pk).update(mean=0.5, n_scored=99)
    QuantityRecord.objects.filter(pk=records[-1].pk).delete()
    stray = Author.objects.create(name="Nobody", slug="nobody-16")
    QuantityRecord.objects.create(author=stray, n_scored=3, computed_at=records[1].computed_at)
    monkeypatch.setattr(quantity_tables, "RECORD_AUTHORS", 2)
    with CaptureQueriesContext(connection) as queries:
        written_now = rebuild_records(authors=None, at=records[1].computed_at)
    assert written_now == 2
    assert list(in_order.values_list(*fields)) == expected
    n_authors = Author.objects.count()
    # Two reads per slice of two authors, then the stored records, a delete and a copy.
    assert len(queries) <= 2 * -(-n_authors // 2) + 8
    assert rebuild_records(authors=None, at=records[1].computed_at) == 0


@pytest.mark.django_db
def test_retagging_a_numeric_question_moves_its_scores_to_the_new_tags_records(
    eager, django_capture_on_commit_callbacks
):
    random_quantity_ledger(15)
    rescoring.rescore_all()
    score = QuantityScore.objects.counted().order_by("pk").first()
    question = Question.objects.get(pk=score.question_id)
    fresh = Tag.objects.create(name="Fresh", slug="fresh")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        question.tags.set([fresh])  # the tag receivers queue the rescore
    assert callbacks
    row = QuantityScore.objects.get(author_id=score.author_id, question=question)
    assert row.tag_ids == [fresh.pk]
    record = QuantityRecord.objects.get(author_id=score.author_id, tag=fresh)
    assert record.n_scored == 1 and record.mean == row.normalised
    assert_matches_library()


@pytest.mark.django_db
def test_it_agrees_with_the_pure_library_on_the_demo_world():
    call_command(
        "demo_world", authors=10, questions=60, seed=4, quantity_fraction=0.5, stdout=StringIO()
    )
    assert QuantityScore.objects.counted().count() > 50
    assert_matches_library()

"""A full rescore cut into chunk runs: each step safe to repeat, the merge exact."""

import pytest

from forecasts.engine import parallel, rescoring
from forecasts.models import Question, QuestionScore, RescoreChunk, Scorecard, ScoresDigest
from tests import builders
from tests.builders.random_ledgers import random_ledger
from tests.engine.test_chunks import assert_bit_identical, stored_state
from tests.engine.test_rescoring import _resolved_binary_question, assert_matches_library


def reference_then_empty(seed: int, **size) -> tuple:
    """A random ledger, what one process stores for it, then the score tables emptied."""
    random_ledger(seed, **size)
    rescoring.rescore_all()
    expected = stored_state()
    for model in (QuestionScore, ScoresDigest, Scorecard):
        model.objects.all().delete()
    return expected


@pytest.mark.django_db
def test_chunks_run_twice_and_merged_twice_store_what_one_process_does():
    expected = reference_then_empty(31, n_authors=8, n_questions=14)
    run = parallel.start_run(parallel=3, chunk_questions=4)
    assert run.n_chunks == 4 and RescoreChunk.objects.filter(run=run).count() == 4
    for index in range(3):
        assert parallel.score_run_chunk(str(run.pk), index) is False
    assert parallel.merge_run(str(run.pk)) is None  # a chunk is missing: nothing merged
    assert not Scorecard.objects.exists()
    assert parallel.score_run_chunk(str(run.pk), 3) is True
    assert parallel.score_run_chunk(str(run.pk), 1) is True  # delivered again: harmless
    summary = parallel.merge_run(str(run.pk))
    assert summary["chunks"] == 4 and summary["chunks_scored_again"] == 0
    assert summary["questions"] == Question.objects.count()
    assert parallel.merge_run(str(run.pk)) == summary  # merged again: the same, nothing redone
    assert parallel.score_run_chunk(str(run.pk), 0) is False  # after the merge: ignored
    assert_bit_identical(stored_state(), expected)
    assert not RescoreChunk.objects.filter(run=run, totals__isnull=False).exists()


@pytest.mark.django_db
def test_a_question_rescored_alone_after_its_chunk_is_scored_again_in_the_merge(resolver):
    random_ledger(32, n_authors=7, n_questions=12)
    rescoring.rescore_all()
    run = parallel.start_run(parallel=2)
    for index in range(run.n_chunks):
        parallel.score_run_chunk(str(run.pk), index)
    question = _resolved_binary_question()
    builders.correct(question, by=resolver)  # flips the outcome
    rescoring.rescore_question(question_id=question.pk)
    summary = parallel.merge_run(str(run.pk))
    assert summary["chunks_scored_again"] == 1
    assert_matches_library()


@pytest.mark.django_db
def test_a_run_refuses_fewer_than_one_worker():
    with pytest.raises(ValueError, match="parallel must be at least 1, not 0"):
        parallel.start_run(parallel=0)


@pytest.mark.django_db
def test_the_rescore_command_fans_out_and_refuses_what_it_cannot_do():
    from io import StringIO

    from celery import current_app
    from django.core.management import call_command
    from django.core.management.base import CommandError

    expected = reference_then_empty(33, n_authors=6, n_questions=9)
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True  # the tasks run inline
    try:
        out = StringIO()
        call_command("rescore", "--parallel", "3", stdout=out)
    finally:
        current_app.conf.task_always_eager = eager
    assert "as 3 chunk task(s)" in out.getvalue() and "question scores" in out.getvalue()
    assert_bit_identical(stored_state(), expected)
    for wrong, message in (
        (["--parallel", "0"], "--parallel must be at least 1"),
        (["--parallel", "2", "--stale"], "--parallel applies to the full rescore only"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("rescore", *wrong, stdout=StringIO())

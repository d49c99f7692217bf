"""manage.py bench scoring: runs end to end at a tiny scale and reports its figures."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.bench.scoring import naive_rescore
from forecasts.models import Author, Forecast, Question, QuestionScore

KEYS = {
    "forecasts",
    "questions",
    "authors",
    "scan_floor_s",
    "rescore_all_s",
    "rescore_all_vs_scan",
    "rescore_question_s",
    "full_vs_incremental",
    "naive_per_forecast_s",
    "naive_sample",
}


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_reports_every_figure_at_a_tiny_scale():
    out = StringIO()
    call_command("bench", "scoring", "--scale", "0.005", "--naive-sample", "20", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert KEYS <= set(figures)
    assert figures["benchmark"] == "scoring" and figures["database"] == "postgresql"
    assert figures["forecasts"] == Forecast.objects.count() > 4000
    assert figures["authors"] == Author.objects.count() == 10
    assert figures["naive_sample"] == 20
    assert figures["crowd_question_forecasters"] == 10
    for key in KEYS - {"naive_sample"}:
        assert figures[key] > 0, key
    assert QuestionScore.objects.counted().exists()  # the naive loop's writes were rolled back
    assert "rescore_question" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_records(author):
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("bench", "scoring", "--scale", "0.005", stdout=StringIO())
    assert Forecast.objects.count() == 0


@pytest.mark.django_db
def test_the_naive_loop_writes_the_same_time_averaged_brier():
    call_command("demo_world", authors=6, questions=30, seed=4, stdout=StringIO())
    expected = {(s.author_id, s.question_id): s.brier for s in QuestionScore.objects.counted()}
    forecast_ids = list(
        Forecast.objects.filter(question__state="resolved").values_list("pk", flat=True)
    )
    QuestionScore.objects.all().delete()
    naive_rescore(forecast_ids)
    naive = {(s.author_id, s.question_id): s.brier for s in QuestionScore.objects.all()}
    assert set(naive) == set(expected)
    assert all(naive[k] == pytest.approx(v, abs=1e-9) for k, v in expected.items())


@pytest.mark.django_db
def test_a_stored_world_of_the_same_size_is_measured_again_from_empty_score_tables():
    first = StringIO()
    call_command("bench", "scoring", "--scale", "0.002", "--naive-sample", "5", stdout=first)
    made = json.loads(first.getvalue().strip().splitlines()[-1])
    assert made["world_s"] > 0 and "Making the synthetic world" in first.getvalue()
    questions = set(Question.objects.values_list("pk", flat=True))
    again = StringIO()
    call_command(
        "bench",
        "scoring",
        *("--scale", "0.002", "--naive-sample", "5", "--reuse-world", "--runs", "1"),
        stdout=again,
    )
    reused = json.loads(again.getvalue().strip().splitlines()[-1])
    assert "Reusing the stored synthetic world" in again.getvalue()
    assert set(Question.objects.values_list("pk", flat=True)) == questions  # not rebuilt
    assert reused["world_s"] == 0 and len(reused["rescore_all_runs_s"]) == 1
    for key in ("forecasts", "questions", "authors", "question_scores", "scorecards"):
        assert reused[key] == made[key] > 0, key
    # Its score tables were emptied: the first rescore was a cold start again, by phase.
    assert reused["rescore_all_first_phases_s"]["copy_scores"] >= 0
    assert "copy_scores" not in reused["rescore_all_phases_s"]
    assert "into empty tables, by phase: " in again.getvalue()
    # Another scale's world is not reused: it is built.
    other = StringIO()
    call_command(
        "bench", "scoring", "--scale", "0.003", "--reuse-world", "--runs", "1", stdout=other
    )
    assert "Making the synthetic world" in other.getvalue()

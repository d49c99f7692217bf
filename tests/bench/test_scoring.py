"""manage.py bench scoring: runs end to end at a tiny scale and reports its figures."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.bench.scoring import naive_rescore
from forecasts.models import Author, Forecast, QuestionScore

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

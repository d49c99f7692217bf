"""manage.py bench import: the CSV import timed against a bare insert of the same rows."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from forecasts.models import Author, Forecast, ForecastProbability, Question

pytestmark = pytest.mark.django_db


def test_it_imports_every_row_after_the_baseline_and_leaves_nothing_behind():
    out = StringIO()
    call_command("bench", "import", "--rows", "40", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["rows"] == 40
    assert figures["bulk_insert_s"] > 0
    assert figures["import_s"] > 0
    assert figures["import_vs_bulk"] == round(figures["import_s"] / figures["bulk_insert_s"], 2)
    assert "import of 40 CSV rows" in out.getvalue()
    assert not Forecast.objects.exists()
    assert not ForecastProbability.objects.exists()
    assert not Question.objects.exists()
    assert not Author.objects.exists()

"""manage.py bench search: measures every query against the reference and reports it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from forecasts.bench import search as bench
from forecasts.models import Forecast
from tests.builders.sized_records import sized_records

pytestmark = pytest.mark.django_db


def test_it_measures_each_query_beside_the_reference_page():
    sized_records(sizes=(1, 3))
    out = StringIO()
    figures = bench._measure(1, out)
    assert set(figures["queries"]) == set(bench.QUERIES)
    for measured in figures["queries"].values():
        assert measured["page"]["median_ms"] > 0
        assert measured["ratio"] == round(
            measured["page"]["median_ms"] / figures["reference_questions_page"]["median_ms"], 2
        )
    assert "page/reference" in out.getvalue()


def test_the_command_loads_the_records_and_leaves_nothing_behind(monkeypatch, tmp_path):
    rows = json.loads(bench.RECORDS.read_text("utf-8"))[:12]  # the first, on lockdowns, among them
    sample = tmp_path / "records.json"
    sample.write_text(json.dumps(rows), "utf-8")
    monkeypatch.setattr(bench, "RECORDS", sample)
    monkeypatch.setattr(bench, "QUERIES", ("lockdown",))
    out = StringIO()
    call_command("bench", "search", "--repeat", "1", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["forecasts"] == 12
    assert figures["queries"]["lockdown"]["found"] > 0
    assert Forecast.objects.count() == 0  # rolled back

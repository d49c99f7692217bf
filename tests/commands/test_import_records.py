"""manage.py import_records and manage.py bootstrap, which runs it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forecasts.management.commands import bootstrap
from forecasts.models import Author, Forecast, Question, Scorecard

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "public_records_slice.json"


@pytest.mark.django_db
def test_it_imports_a_file_and_brings_the_authors_scorecards_up_to_date():
    out = io.StringIO()

    call_command("import_records", str(SLICE), stdout=out)

    assert "27 rows: 27 forecasts written (0 already imported), 11 authors, 13 sources" in (
        out.getvalue()
    )
    assert "21 resolved, 2 annulled, 4 left unresolved" in out.getvalue()
    assert "Stored scores brought up to date." in out.getvalue()
    names = set(Scorecard.objects.values_list("author__name", flat=True))
    assert {"Scott Alexander", "Zach Jacobi", "Jeff Chen"} <= names


@pytest.mark.django_db
def test_it_says_so_when_run_twice_and_writes_nothing():
    call_command("import_records", str(SLICE), stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_records", str(SLICE), stdout=out)

    assert "0 forecasts written (27 already imported)" in out.getvalue()
    assert "Stored scores" not in out.getvalue()
    assert Forecast.objects.count() == 27


@pytest.mark.django_db
def test_it_refuses_a_bad_file_naming_the_row_and_field(tmp_path):
    rows = json.loads(SLICE.read_text(encoding="utf-8"))
    rows[3]["resolution_status"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_records", str(bad), stdout=io.StringIO())

    assert f"row {rows[3]['id']}, field resolution_status: Choose one of" in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert not Question.objects.exists()


def test_it_refuses_a_file_that_is_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("id,author\n", encoding="utf-8")

    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_records", str(bad))


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_records", str(tmp_path / "absent.json"))


@pytest.fixture
def small_records(monkeypatch):
    """Bootstrap with the slice instead of the full file (the full one takes seconds)."""
    monkeypatch.setattr(bootstrap, "RECORDS", SLICE)


@pytest.mark.django_db
def test_bootstrap_loads_real_records_and_no_synthetic_world_by_default(
    small_records, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()

    call_command("bootstrap", stdout=out)
    call_command("bootstrap", stdout=out)

    assert Forecast.objects.filter(import_id__isnull=False).count() == 27
    assert not Author.objects.filter(is_synthetic=True).exists()
    assert Author.objects.filter(name="Scott Alexander", is_synthetic=False).exists()
    assert "0 forecasts written (27 already imported)" in out.getvalue()


@pytest.mark.django_db
def test_bootstrap_adds_the_labelled_demo_world_when_asked(small_records, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    call_command("bootstrap", "--demo", stdout=io.StringIO())

    assert Author.objects.filter(is_synthetic=True).exists()
    assert Author.objects.filter(is_synthetic=False, name="Zach Jacobi").exists()
    assert all(a.name.startswith("Synthetic") for a in Author.objects.filter(is_synthetic=True))

"""manage.py bootstrap, run on every start of ``make run``: it adds what is missing and
never rewrites what users changed."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command

from forecasts import ledger
from forecasts.management.commands import bootstrap
from forecasts.models import Author, Forecast, Question, Resolution

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "public_records_slice.json"
SEED = Path(bootstrap.FIXTURES) / "seed_article.json"
SEED_QUESTION = "us-russia-ukraine-deal-2025"


@pytest.fixture
def fixtures_dir(monkeypatch, settings, tmp_path):
    """A copy of the seed fixtures and the small records slice, so a test can extend them."""
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "fixtures"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    monkeypatch.setattr(bootstrap, "FIXTURES", folder)
    monkeypatch.setattr(bootstrap, "RECORDS", SLICE)
    return folder


def _every_row() -> dict[str, str]:
    """Every stored row of Reckon's own tables, serialised, by model."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_app_config("forecasts").get_models()
    }


def _resolve_and_edit() -> Question:
    question = Question.objects.get(slug=SEED_QUESTION)
    ledger.question_resolve(
        question=question,
        outcome="no",
        outcome_known_at=datetime(2026, 1, 2, tzinfo=UTC),
        evidence_url="https://example.org/no-deal",
    )
    Question.objects.filter(pk=question.pk).update(title="Edited: a US–Russia deal by 2025?")
    Author.objects.filter(pk=1).update(description="Edited by an editor.")
    return question


@pytest.mark.django_db
def test_it_keeps_a_resolution_and_edits_across_a_restart_row_for_row(fixtures_dir):
    call_command("bootstrap", stdout=io.StringIO())
    question = _resolve_and_edit()
    before = _every_row()

    out = io.StringIO()
    call_command("bootstrap", stdout=out)

    assert _every_row() == before
    question.refresh_from_db()
    assert question.state == Question.State.RESOLVED
    assert question.title == "Edited: a US–Russia deal by 2025?"
    assert "already loaded" in out.getvalue()


@pytest.mark.django_db
def test_it_adds_a_seed_object_missing_from_the_store_and_leaves_the_rest_alone(fixtures_dir):
    call_command("bootstrap", stdout=io.StringIO())
    question = _resolve_and_edit()
    # A newer seed file brings one more claim (say, after an upgrade).
    items = json.loads((fixtures_dir / SEED.name).read_text(encoding="utf-8"))
    claim = next(i for i in items if i["model"] == "forecasts.forecast")
    extra = {**claim, "pk": 9001, "fields": {**claim["fields"], "probability": 0.33}}
    extra["fields"]["stated_at"] = "2024-11-12T00:00:01Z"
    (fixtures_dir / "seed_extra.json").write_text(json.dumps([extra]), encoding="utf-8")

    out = io.StringIO()
    call_command("bootstrap", stdout=out)

    assert Forecast.objects.get(pk=9001).probability == 0.33
    question.refresh_from_db()
    assert question.state == Question.State.RESOLVED
    assert question.title == "Edited: a US–Russia deal by 2025?"
    assert Author.objects.get(pk=1).description == "Edited by an editor."
    assert question.resolutions.filter(is_current=True).get().outcome == "no"
    assert "Loaded 1 object(s)" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_a_second_plain_resolution_after_a_restart(fixtures_dir):
    call_command("bootstrap", stdout=io.StringIO())
    question = _resolve_and_edit()
    call_command("bootstrap", stdout=io.StringIO())

    with pytest.raises(ValidationError, match="record a correction"):
        ledger.question_resolve(
            question=question,
            outcome="yes",
            outcome_known_at=datetime(2026, 1, 3, tzinfo=UTC),
            evidence_url="https://example.org/deal",
        )

    assert Resolution.objects.filter(question=question).count() == 1


@pytest.mark.django_db
def test_it_loads_the_seed_articles_numeric_question_beside_its_threshold(fixtures_dir):
    call_command("bootstrap", stdout=io.StringIO())

    count = Question.objects.get(slug="us-troops-europe-count-end-2026")
    assert (count.kind, count.unit, count.range_low, count.range_high) == (
        Question.Kind.NUMERIC,
        "troops",
        40_000,
        140_000,
    )
    assert Question.objects.filter(slug="us-troops-europe-below-80000-2026").exists()

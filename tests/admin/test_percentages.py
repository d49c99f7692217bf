"""The admin in editors' words: percentages in and out, no constraint names, clear resolve form."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from forecasts.models import Forecast, Resolution
from tests import builders
from tests.admin.test_ledger_admin import form_data

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC


def add_forecast(client, question, author, source, probability: str):
    url = reverse("admin:forecasts_forecast_add")
    return client.post(
        url,
        form_data(client.get(url))
        | {
            "question": question.pk,
            "author": author.pk,
            "source": source.pk,
            "stated_at_0": "2024-11-20",
            "stated_at_1": "10:00:00",
            "probability": probability,
        },
    )


def test_typing_5_records_5_percent_and_the_admin_shows_it_as_5_percent(
    client, editor, question, author, source
):
    client.force_login(editor)

    response = add_forecast(client, question, author, source, "5")

    assert response.status_code == 302
    forecast = Forecast.objects.get()
    assert forecast.probability == 0.05
    change = client.get(reverse("admin:forecasts_forecast_change", args=[forecast.pk]))
    assert change.context["adminform"].form["probability"].value() == "5"
    listing = client.get(reverse("admin:forecasts_forecast_changelist")).content.decode()
    assert '<td class="field-probability_percent">5%</td>' in listing


def test_a_percentage_over_100_is_refused_in_words_not_a_constraint_name(
    client, editor, question, author, source
):
    client.force_login(editor)

    response = add_forecast(client, question, author, source, "500")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a percentage from 0 to 100 (5 means 5%), not 500." in page
    assert "Constraint" not in page and "unit_interval" not in page
    assert not Forecast.objects.exists()


def test_a_mistyped_interval_reads_as_words(client, editor, question, author, source):
    client.force_login(editor)
    url = reverse("admin:forecasts_forecast_add")
    response = client.post(
        url,
        form_data(client.get(url))
        | {
            "question": question.pk,
            "author": author.pk,
            "source": source.pk,
            "stated_at_0": "2024-11-20",
            "stated_at_1": "10:00:00",
            "probability": "60",
            "interval_low": "80",
            "interval_high": "55",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page and "forecast_interval_ordered" not in page
    assert not Forecast.objects.exists()


def test_the_source_field_says_when_it_becomes_required_before_saving(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:forecasts_forecast_add")).content.decode()
    assert "Required for a historical claim (stated more than 1 day before it is entered)" in page


def test_the_resolve_form_preselects_nothing_and_picks_dates_in_a_calendar(
    client, resolver, question
):
    client.force_login(resolver)
    url = reverse("admin:forecasts_question_resolve", args=[question.pk])

    form = client.get(url).context["form"]
    page = str(form)
    assert 'type="radio" name="outcome" value="yes"' in page
    assert "checked" not in page
    assert 'type="datetime-local" name="outcome_known_at"' in page

    evidence = {"outcome_known_at": "2026-11-20T09:30", "evidence_note": "Eurostat, 2026."}
    refused = client.post(url, evidence)
    assert refused.context["form"].errors["outcome"] == ["Choose what happened."]
    assert not Resolution.objects.exists()

    response = client.post(url, evidence | {"outcome": "no"})
    assert response.status_code == 302
    resolution = Resolution.objects.get()
    assert resolution.outcome == "no"
    assert resolution.outcome_known_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_the_claims_at_stake_show_percentages(client, resolver, author, source):
    question = builders.closed_question("at-stake")
    builders.forecast(
        question,
        author,
        source=source,
        probability=0.675,
        stated_at=question.opens_at + timedelta(hours=1),
    )
    client.force_login(resolver)
    page = client.get(reverse("admin:forecasts_question_resolve", args=[question.pk]))
    assert "<td>67.5%</td>" in page.content.decode()

"""The editors' desk for numeric and date questions: the range (dates as dates), forecasts
entered inline as a point, an interval with its coverage or quantiles, and resolving with a
value; every refusal on its field, with nothing written."""

from datetime import date

import pytest
from django.urls import reverse

from forecasts.models import Forecast, ForecastQuantile, Question, Resolution
from forecasts.models.quantity import day_number
from tests import builders
from tests.admin.test_ledger_admin import claim_prefix, form_data
from tests.builders.quantities import (
    date_question,
    numeric_question,
    raw_value_forecast,
    resolve_value,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC


def _new_question(**fields) -> dict:
    return {
        "title": "When will the ceasefire be signed?",
        "slug": "ceasefire",
        "kind": "date",
        "resolution_criteria": "The date the agreement is signed, per the signatories.",
        "opens_at_0": "2024-11-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2025-06-30",
        "closes_at_1": "00:00:00",
        "resolve_by_0": "2025-12-31",
        "resolve_by_1": "00:00:00",
        **fields,
    }


def _add_question(client, **fields):
    url = reverse("admin:forecasts_question_add")
    data = form_data(client.get(url)) | _new_question(**fields)
    return client.post(url, data)


def test_it_adds_a_date_question_with_its_range_entered_as_dates(client, editor):
    client.force_login(editor)
    response = _add_question(
        client, range_low="2025-01-01", range_high="2026-12-31", range_high_closed="on"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    q = Question.objects.get(slug="ceasefire")
    assert (q.kind, q.range_low, q.range_high, q.range_high_closed) == (
        "date",
        day_number(date(2025, 1, 1)),
        day_number(date(2026, 12, 31)),
        True,
    )
    page = client.get(reverse("admin:forecasts_question_change", args=[q.pk])).content.decode()
    assert 'value="2025-01-01"' in page


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"range_low": "2025-13-01"}, "range_low", "is not a date"),
        ({"kind": "numeric", "range_low": "nan"}, "range_low", "finite"),
        ({"kind": "numeric", "range_low": "5", "range_high": "1"}, "range_high", ""),
        ({"kind": "numeric", "range_high_closed": "on"}, "range_high", "needs a value"),
        (
            {"kind": "numeric", "range_low": "-1", "range_high": "9", "log_scale": "on"},
            "log_scale",
            "",
        ),
        ({"kind": "binary", "unit": "%"}, "unit", "Only numeric and date questions"),
    ],
)
def test_it_refuses_a_bad_range_on_its_field_and_writes_nothing(
    client, editor, fields, field, words
):
    client.force_login(editor)
    response = _add_question(client, **fields)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert words in str(errors[field])
    assert not Question.objects.exists()


def _enter(client, question, **claim):
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    page = client.get(url)
    prefix = claim_prefix(page)
    data = form_data(page) | {
        f"{prefix}-0-stated_at_0": "2024-12-01",
        f"{prefix}-0-stated_at_1": "10:00:00",
        f"{prefix}-0-quote": "Between 70,000 and 90,000, I would say 80% sure.",
    }
    data |= {f"{prefix}-0-{name}": value for name, value in claim.items()}
    response = client.post(url, data)
    errors = {}
    if response.status_code == 200:
        errors = next(
            f.errors
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.prefix == prefix
            for f in inline.formset.forms
        )
    return response, errors


def test_it_enters_an_interval_with_its_coverage_inline(client, editor, author, source):
    question = numeric_question()
    client.force_login(editor)
    response, errors = _enter(
        client,
        question,
        author=author.pk,
        source=source.pk,
        value_low="70,000",
        value_high="90000",
        coverage="80",
    )
    assert response.status_code == 302, errors
    f = Forecast.objects.get(question=question)
    assert (f.value, f.value_low, f.value_high, f.coverage) == (None, 70_000, 90_000, 0.8)


def test_it_enters_quantiles_and_a_date_point(client, editor, author, source):
    question = numeric_question()
    client.force_login(editor)
    response, errors = _enter(
        client,
        question,
        author=author.pk,
        source=source.pk,
        quantiles="5: 60000, 50: 80000, 95: 95000",
    )
    assert response.status_code == 302, errors
    rows = ForecastQuantile.objects.filter(forecast__question=question).order_by("level")
    assert [(r.level, r.value) for r in rows] == [(0.05, 60_000), (0.5, 80_000), (0.95, 95_000)]
    when = date_question()
    response, errors = _enter(client, when, author=author.pk, source=source.pk, value="2025-05-09")
    assert response.status_code == 302, errors
    assert Forecast.objects.get(question=when).value == day_number(date(2025, 5, 9))


@pytest.mark.parametrize(
    ("claim", "field"),
    [
        ({"quantiles": "5: 90000, 95: 60000"}, "quantiles"),
        ({"quantiles": "0: 1, 50: 2"}, "quantiles"),
        ({"value_low": "90000", "value_high": "70000", "coverage": "80"}, None),
        ({"value": "inf"}, "value"),
        ({"value": "-5"}, "value"),  # below the closed low end, 0
        ({"value_low": "1", "value_high": "2"}, None),  # no coverage
    ],
)
def test_it_refuses_bad_values_and_writes_nothing(client, editor, author, source, claim, field):
    question = numeric_question()
    client.force_login(editor)
    response, errors = _enter(client, question, author=author.pk, source=source.pk, **claim)
    assert response.status_code == 200
    assert errors
    if field is not None:
        assert field in errors, errors
    assert not Forecast.objects.exists()
    assert not ForecastQuantile.objects.exists()


def test_it_resolves_with_a_value_clamped_to_a_closed_end(client, resolver):
    question = numeric_question(range_high_closed=True, closes_at=builders.OPENS.replace(year=2025))
    client.force_login(resolver)
    url = reverse("admin:forecasts_question_resolve", args=[question.pk])
    page = client.get(url)
    assert list(page.context["form"].fields["outcome"].choices) == [
        ("value", Resolution.Outcome.VALUE.label)
    ]
    response = client.post(
        url,
        {
            "outcome": "value",
            "value": "250,000",
            "outcome_known_at": "2025-12-01 09:00",
            "evidence_url": "https://example.org/report",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    r = Resolution.objects.get(question=question, is_current=True)
    assert (r.value, r.reported_value) == (200_000, 250_000)


def test_it_resolves_a_date_question_with_a_date_and_asks_for_it(client, resolver):
    question = date_question(closes_at=builders.OPENS.replace(year=2025))
    client.force_login(resolver)
    url = reverse("admin:forecasts_question_resolve", args=[question.pk])
    base = {
        "outcome": "value",
        "outcome_known_at": "2025-12-01 09:00",
        "evidence_url": "https://example.org/signed",
    }
    response = client.post(url, {**base, "value": "1 May"})
    assert "is not a date" in str(response.context["form"].errors["value"])
    response = client.post(url, base)
    assert "value" in response.context["form"].errors
    assert not Resolution.objects.exists()
    assert client.post(url, {**base, "value": "2025-05-09"}).status_code == 302
    assert Resolution.objects.get(question=question).value == day_number(date(2025, 5, 9))


def test_the_correction_form_shows_the_clamped_value_and_the_forecasts_as_stated(
    client, resolver, author
):
    question = numeric_question(range_high_closed=True, closes_at=builders.OPENS.replace(year=2025))
    raw_value_forecast(question, author, value_low=60_000, value_high=90_000, coverage=0.8)
    resolve_value(question, 250_000, known_at=builders.OPENS.replace(year=2025, month=3))
    client.force_login(resolver)
    page = client.get(reverse("admin:forecasts_question_correct", args=[question.pk]))
    text = page.content.decode()
    assert "200,000 troops" in text and "Reported as 250,000 troops" in text
    assert "60,000–90,000 troops (80%)" in text
    assert page.context["form"]["value"].value() == "250000"


def test_it_corrects_a_dates_point_typed_as_a_date_with_an_audit_row(client, editor, author):
    from forecasts.models import ForecastCorrection

    question = date_question()
    forecast = raw_value_forecast(question, author, value=day_number(date(2025, 5, 9)))
    client.force_login(editor)
    url = reverse("admin:forecasts_forecast_change", args=[forecast.pk])
    page = client.get(url)
    assert page.context["adminform"].form["value"].value() == "2025-05-09"
    data = form_data(page) | {"value": "2025-06-09", "correction_reason": "Misread the month."}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    forecast.refresh_from_db()
    assert forecast.value == day_number(date(2025, 6, 9))
    (audit,) = ForecastCorrection.objects.filter(forecast=forecast)
    assert audit.field == "value"
    bad = client.post(url, data | {"value": "June"})
    assert "is not a date" in str(bad.context["adminform"].form.errors["value"])

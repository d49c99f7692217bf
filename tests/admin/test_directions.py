"""Whoever words or rewords a question confirms which side of each quoted claim YES means."""

from datetime import date

import pytest
from django.urls import reverse

from forecasts import ledger
from forecasts.drafting import drafts
from forecasts.models import Forecast, ForecastCorrection, Question
from tests import builders
from tests.admin.test_ledger_admin import form_data

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC

HEAT_PUMPS = (
    "Brussels has promised ten million new heat pumps. "
    "The Commission will almost certainly miss its heat-pump target by 2030."
)
REWORDED = "Will the EU install 10 million heat pumps by 2030?"


@pytest.fixture
def heat_pump_draft(db) -> Question:
    author = builders.author("Hanna Berg", slug="berg")
    source = builders.source(
        author, title="Heat pumps", published_on=date(2026, 3, 2), full_text=HEAT_PUMPS
    )
    drafts.draft_claims_from_source(source=source)
    return Question.objects.drafts().get()


def change_url(question: Question) -> str:
    return reverse("admin:forecasts_question_change", args=[question.pk])


def reworded(client, question: Question, **extra) -> dict:
    return form_data(client.get(change_url(question))) | {
        "title": REWORDED,
        "resolution_criteria": "Yes if Eurostat counts 10 million heat pumps installed.",
        **extra,
    }


def test_the_draft_shows_quote_phrase_number_question_and_p_yes_side_by_side(
    client, editor, heat_pump_draft
):
    client.force_login(editor)
    page = client.get(change_url(heat_pump_draft)).content.decode()

    table = page[page.index('<table class="side-by-side">') :]
    table = table[: table.index("</table>")]
    for cell in (
        "The Commission will almost certainly miss its heat-pump target by 2030.",
        "“almost certainly”",
        "97% that the Commission will miss its heat-pump target by 2030",
        "not confirmed: 97% if YES means what the author asserts, 3% if the opposite",
    ):
        assert cell in table
    assert "what the author asserts, that the Commission will miss" in page
    assert "the opposite: P(YES) = 3%" in page


def test_approving_a_positive_rewording_of_a_negated_claim_publishes_3_percent(
    client, editor, heat_pump_draft
):
    forecast = heat_pump_draft.forecasts.get()
    client.force_login(editor)

    # Approving without saying which side YES means is refused, with the question kept.
    refused = client.post(
        change_url(heat_pump_draft),
        reworded(client, heat_pump_draft, _approve="Save and approve"),
        follow=True,
    )
    assert "Confirm which way Hanna Berg leaned" in refused.content.decode()
    heat_pump_draft.refresh_from_db()
    assert heat_pump_draft.state == Question.State.DRAFT

    response = client.post(
        change_url(heat_pump_draft),
        reworded(
            client,
            heat_pump_draft,
            **{f"side_{forecast.pk}": "opposite", "_approve": "Save and approve"},
        ),
    )

    assert response.status_code == 302
    heat_pump_draft.refresh_from_db()
    forecast.refresh_from_db()
    assert (heat_pump_draft.state, heat_pump_draft.title) == (Question.State.LIVE, REWORDED)
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    assert forecast.question_agrees is False
    audit = ForecastCorrection.objects.get(forecast=forecast)
    assert (audit.field, audit.old_value, audit.new_value, audit.corrected_by) == (
        "question_agrees",
        "",
        "False",
        editor,
    )


def test_a_question_worded_like_the_author_carries_her_97_percent(client, editor, heat_pump_draft):
    forecast = heat_pump_draft.forecasts.get()
    client.force_login(editor)
    data = reworded(
        client,
        heat_pump_draft,
        title="Will the EU miss its target of 10 million heat pumps by 2030?",
        **{f"side_{forecast.pk}": "author", "_approve": "Save and approve"},
    )

    assert client.post(change_url(heat_pump_draft), data).status_code == 302

    forecast.refresh_from_db()
    assert (forecast.probability, forecast.interval_low, forecast.interval_high) == (
        0.97,
        0.95,
        0.99,
    )


def approved(question: Question, editor, *, agrees: bool) -> Forecast:
    question.title = REWORDED
    question.resolution_criteria = "Yes if Eurostat counts 10 million heat pumps installed."
    question.save()
    forecast = question.forecasts.get()
    ledger.forecast_confirm_direction(forecast=forecast, question_agrees=agrees, by=editor)
    ledger.question_approve(question=question, by=editor)
    return Forecast.objects.get(pk=forecast.pk)


def test_rewording_a_published_question_asks_to_check_the_sides(client, editor, heat_pump_draft):
    approved(heat_pump_draft, editor, agrees=False)
    client.force_login(editor)
    data = form_data(client.get(change_url(heat_pump_draft))) | {
        "title": "Will the EU reach 10 million heat pumps by 2030?"
    }

    response = client.post(change_url(heat_pump_draft), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["directions_checked"]
    assert "The question is reworded: check that YES still means the side" in errors[0]
    response = client.post(change_url(heat_pump_draft), data | {"directions_checked": "on"})
    assert response.status_code == 302
    heat_pump_draft.refresh_from_db()
    assert heat_pump_draft.title == "Will the EU reach 10 million heat pumps by 2030?"


def test_changing_a_published_side_needs_a_reason_and_is_audited(client, editor, heat_pump_draft):
    forecast = approved(heat_pump_draft, editor, agrees=True)  # the mistake: 97% yes
    assert forecast.probability == 0.97
    client.force_login(editor)
    data = form_data(client.get(change_url(heat_pump_draft))) | {f"side_{forecast.pk}": "opposite"}

    response = client.post(change_url(heat_pump_draft), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["direction_reason"]
    forecast.refresh_from_db()
    assert forecast.probability == 0.97

    reason = "She said the target will be missed; the question asks whether it is met."
    response = client.post(change_url(heat_pump_draft), data | {"direction_reason": reason})

    assert response.status_code == 302
    forecast.refresh_from_db()
    assert (forecast.probability, forecast.question_agrees) == (0.03, False)
    latest = ForecastCorrection.objects.filter(forecast=forecast, reason=reason)
    assert {row.field: row.new_value for row in latest} == {
        "question_agrees": "False",
        "probability": "0.03",
        "interval_low": "0.01",
        "interval_high": "0.05",
        "scale_point": "0.03",
    }


def test_the_direction_is_corrected_on_the_forecast_page_with_an_audit(
    client, editor, heat_pump_draft
):
    forecast = approved(heat_pump_draft, editor, agrees=True)
    client.force_login(editor)
    url = reverse("admin:forecasts_forecast_change", args=[forecast.pk])
    data = form_data(client.get(url)) | {
        "question_agrees": "False",
        "correction_reason": "The question asks the opposite of her claim.",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    forecast.refresh_from_db()
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    fields = set(
        ForecastCorrection.objects.filter(
            forecast=forecast, reason="The question asks the opposite of her claim."
        ).values_list("field", flat=True)
    )
    assert fields == {
        "question_agrees",
        "probability",
        "interval_low",
        "interval_high",
        "scale_point",
    }


def enter(client, question, author, source, **fields):
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
            "quote": "The Commission will almost certainly miss its heat-pump target.",
            "phrase": "almost certainly",
            "stated_outcome": "the Commission will miss its heat-pump target",
            "stated_probability": "97",
            **fields,
        },
    )


def test_an_editor_entering_a_worded_claim_says_which_side_yes_means(
    client, editor, question, author, source
):
    client.force_login(editor)

    unsure = enter(client, question, author, source)
    assert unsure.context["adminform"].form.errors["question_agrees"] == [
        "Choose which side of the claim YES means."
    ]
    contradicting = enter(
        client, question, author, source, question_agrees="False", probability="97"
    )
    assert (
        "so the author's 97% makes 3% on this question"
        in (contradicting.context["adminform"].form.errors["probability"][0])
    )
    assert not Forecast.objects.exists()

    response = enter(client, question, author, source, question_agrees="False")

    assert response.status_code == 302
    forecast = Forecast.objects.get()
    assert (forecast.probability, forecast.stated_probability) == (0.03, 0.97)
    assert forecast.asks_the_opposite

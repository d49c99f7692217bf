"""The editors' desk for drafted claims: draft from a source, review, approve, override, discard."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from forecasts.drafting import drafts
from forecasts.models import (
    DiscardedClaim,
    Forecast,
    ForecastCorrection,
    Question,
    Source,
)
from tests import builders
from tests.admin.test_ledger_admin import form_data

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
SOURCES = reverse("admin:forecasts_source_changelist")
DRAFTS = reverse("admin:forecasts_question_changelist") + "?status=draft"


@pytest.fixture
def article(db):
    return builders.seed_article(builders.author("Stefan Wolff", slug="wolff"))


def counts() -> tuple[int, int, int]:
    return Question.objects.count(), Forecast.objects.count(), Source.objects.count()


def run_action(client, url: str, action: str, *objects):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def draft_of(source: Source, start: str) -> Question:
    return Question.objects.drafts().get(
        forecasts__source=source, forecasts__quote__startswith=start
    )


def test_it_drafts_the_selected_source_and_links_to_its_drafts(client, editor, article):
    client.force_login(editor)
    response = run_action(client, SOURCES, "draft_claims", article)

    (message,) = texts(response)
    assert "“Trump, Xi and Putin”: drafted 16 question(s) from 16 claim(s) found" in message
    assert f'href="{DRAFTS}&amp;forecasts__source__id__exact={article.pk}"' in message
    assert Question.objects.drafts().filter(created_by=editor).count() == 16
    assert Forecast.objects.filter(source=article, entered_by=editor).count() == 16


def test_it_shows_bad_input_as_messages_and_drafts_only_the_good_sources(
    client, editor, article, author
):
    empty = builders.source(author, title="Empty", published_on=date(2024, 11, 1))
    anonymous = builders.source(
        title="Anonymous", published_on=None, full_text=builders.SEED_ARTICLE_TEXT
    )
    client.force_login(editor)

    response = run_action(client, SOURCES, "draft_claims", empty, anonymous, article)

    messages = " | ".join(texts(response))
    assert (
        "“Empty”: nothing drafted. Full text: Cannot draft claims from the full text: "
        "the article text is empty." in messages
    )
    assert "“Anonymous”: nothing drafted. Author: The source has no author" in messages
    assert "Published on: The source has no publication date" in messages
    assert "“Trump, Xi and Putin”: drafted 16 question(s)" in messages
    assert not Forecast.objects.filter(source__in=[empty, anonymous]).exists()


def test_a_resolver_is_not_offered_the_drafting_action(client, editor, resolver, article):
    client.force_login(editor)
    assert b"Draft claims from the text" in client.get(SOURCES).content
    client.force_login(resolver)
    response = client.get(SOURCES)
    assert response.status_code == 200
    assert b"Draft claims from the text" not in response.content
    before = counts()
    run_action(client, SOURCES, "draft_claims", article)
    assert counts() == before


def test_the_drafts_list_shows_quote_phrase_and_suggested_number(
    client, editor, article, django_assert_max_num_queries
):
    drafts.draft_claims_from_source(source=article)
    client.force_login(editor)

    # The claims are prefetched: the page costs the same for 16 drafts as for one.
    with django_assert_max_num_queries(13):
        response = client.get(DRAFTS)

    assert response.context["cl"].result_count == 16
    page = response.content.decode()
    assert "A Trump-brokered agreement is likely to involve" in page
    assert "likely (icd203)" in page and "67.5%" in page
    assert "won&#x27;t (reckon)" in page
    assert "90% that Beijing will not sit idly by" in page and "(YES not confirmed)" in page


def test_the_drafts_list_marks_an_overridden_number(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    forecast = draft_of(article, "Beijing, meanwhile").forecasts.get()
    builders.correct_forecast(forecast, probability=0.25, reason="Weaker.", by=editor)
    client.force_login(editor)
    page = client.get(DRAFTS).content.decode()
    assert "25% (overridden; scale: 10%)" in page


def test_a_draft_page_shows_the_drafted_claim_and_save_and_approve(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    question = draft_of(article, "A Trump-brokered agreement")
    forecast = question.forecasts.get()
    client.force_login(editor)

    page = client.get(reverse("admin:forecasts_question_change", args=[question.pk]))

    html = page.content.decode()
    assert "Drafted claim: review before approving" in html
    assert "“A Trump-brokered agreement is likely to involve" in html
    for shown in ("“likely”", "ICD 203 (2015)", "55%–80%", "<td>67.5%</td>"):
        assert shown in html
    assert reverse("admin:forecasts_forecast_change", args=[forecast.pk]) in html
    assert 'name="_approve"' in html


def test_a_live_question_has_no_approve_button(client, editor, question):
    client.force_login(editor)
    html = client.get(reverse("admin:forecasts_question_change", args=[question.pk])).content
    assert b'name="_approve"' not in html and b"Drafted claim" not in html


def test_save_and_approve_publishes_the_rewritten_draft(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    question = draft_of(article, "A Trump-brokered agreement")
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    client.force_login(editor)
    data = form_data(client.get(url)) | {
        "title": "Will a Trump–Putin deal recognise Russia's gains in Ukraine?",
        "resolution_criteria": "Yes if a signed US–Russia agreement recognises them.",
        f"side_{question.forecasts.get().pk}": "author",
        "_approve": "Save and approve",
    }

    response = client.post(url, data)

    assert response.status_code == 302 and response.url == DRAFTS
    question.refresh_from_db()
    assert question.state == Question.State.LIVE
    assert question.title.startswith("Will a Trump–Putin deal")


def test_save_and_approve_without_criteria_saves_but_keeps_the_draft(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    question = draft_of(article, "A Trump-brokered agreement")
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    client.force_login(editor)
    data = form_data(client.get(url)) | {
        "title": "Will a deal recognise Russia's gains?",
        "_approve": "Save and approve",
    }

    response = client.post(url, data, follow=True)

    assert (
        "Saved, but not approved. Resolution criteria: Write resolution criteria before approving."
        in texts(response)
    )
    question.refresh_from_db()
    assert question.state == Question.State.DRAFT
    assert question.title == "Will a deal recognise Russia's gains?"


def test_the_approve_action_refuses_an_unrewritten_title(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    question = draft_of(article, "A Trump-brokered agreement")
    Question.objects.filter(pk=question.pk).update(resolution_criteria="Yes if it happens.")
    client.force_login(editor)

    response = run_action(client, DRAFTS, "approve_drafts", question)

    assert any("Rewrite the drafted title" in m for m in texts(response))
    question.refresh_from_db()
    assert question.state == Question.State.DRAFT


def test_overriding_the_number_on_the_forecast_page_is_audited(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    forecast = draft_of(article, "Beijing, meanwhile").forecasts.get()
    url = reverse("admin:forecasts_forecast_change", args=[forecast.pk])
    client.force_login(editor)
    data = form_data(client.get(url)) | {
        "probability": "25",
        "correction_reason": "Read as a warning rather than a firm prediction.",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    forecast.refresh_from_db()
    assert (forecast.probability, forecast.scale_point) == (0.25, 0.1)
    audit = ForecastCorrection.objects.get(forecast=forecast)
    assert (audit.field, audit.new_value, audit.corrected_by) == ("probability", "0.25", editor)


def test_discarding_drafts_removes_them_for_good(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    junk = [
        draft_of(article, "This is of course a complete fantasy"),
        draft_of(article, "In contrast to Nixon"),
    ]
    client.force_login(editor)

    response = run_action(client, DRAFTS, "discard_not_a_claim", *junk)

    assert any("Discarded 2 draft(s) (not a forward-looking claim)" in m for m in texts(response))
    assert not Question.objects.filter(pk__in=[q.pk for q in junk]).exists()
    kept = DiscardedClaim.objects.filter(source=article, discarded_by=editor)
    assert sorted(kept.values_list("reason", flat=True)) == ["not_a_claim", "not_a_claim"]
    again = run_action(client, SOURCES, "draft_claims", article)
    assert any(
        "drafted 0 question(s) from 16 claim(s) found (16 skipped" in m for m in texts(again)
    )


def test_an_editor_can_release_a_discarded_sentence(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    (discarded,) = drafts.draft_discard(question=draft_of(article, "In contrast to Nixon"))
    client.force_login(editor)
    url = reverse("admin:forecasts_discardedclaim_delete", args=[discarded.pk])

    assert client.post(url, {"post": "yes"}).status_code == 302

    assert drafts.draft_claims_from_source(source=article).created == 1


def test_the_source_page_links_to_its_drafts(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    client.force_login(editor)
    html = client.get(reverse("admin:forecasts_source_change", args=[article.pk])).content
    assert b"16 draft(s) to review" in html


def test_an_editor_gives_a_reason_to_a_sentence_dismissed_without_one(client, editor, article):
    drafts.draft_claims_from_source(source=article)
    (discarded,) = drafts.draft_discard(question=draft_of(article, "In contrast to Nixon"))
    client.force_login(editor)
    url = reverse("admin:forecasts_discardedclaim_changelist")
    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": discarded.pk,
            "form-0-reason": "reported",
            "_save": "Save",
        },
        follow=True,
    )
    assert response.status_code == 200
    discarded.refresh_from_db()
    assert discarded.reason == "reported"

"""The drafts review screen: the sentence in its paragraph, why it was drafted, dismissal."""

from html import escape
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from forecasts.drafting import context, drafts
from forecasts.drafting.drafts import format_percent
from forecasts.models import DiscardedClaim, Question
from tests import builders
from tests.admin.test_drafts import DRAFTS, draft_of, texts
from tests.builders.ledger import SEED_ARTICLE_TEXT

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
BEIJING = "Beijing, meanwhile, won't sit idly by"


@pytest.fixture
def article(db):
    source = builders.seed_article(builders.author("Stefan Wolff", slug="wolff"))
    drafts.draft_claims_from_source(source=source)
    return source


def paragraph_starting(start: str) -> str:
    (line,) = [line for line in SEED_ARTICLE_TEXT.splitlines() if line.startswith(start)]
    return line.strip()


def dismiss_url(question: Question, reason: str) -> str:
    return reverse("admin:forecasts_question_dismiss", args=[question.pk, reason])


def test_each_draft_shows_its_sentence_highlighted_in_its_paragraph(
    client, editor, article, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(13):  # as before: the claims are prefetched
        page = client.get(DRAFTS).content.decode()

    forecast = draft_of(article, BEIJING).forecasts.get()
    paragraph = paragraph_starting(BEIJING)
    after = paragraph[len(forecast.quote) :]
    assert f"<mark>{escape(forecast.quote)}</mark>{escape(after)}</div>" in page
    interval = f"{format_percent(forecast.interval_low)}–{format_percent(forecast.interval_high)}"
    assert f"won&#x27;t (reckon)<br>{interval}" in page


def test_each_draft_has_the_three_dismiss_buttons(client, editor, article):
    client.force_login(editor)
    page = client.get(DRAFTS).content.decode()
    question = draft_of(article, BEIJING)
    for reason, label in [
        ("reported", "Reported"),
        ("not_a_claim", "Not a prediction"),
        ("duplicate", "Duplicate"),
    ]:
        assert f'formaction="{dismiss_url(question, reason)}"' in page
        assert f">{label}</button>" in page
    assert page.count('formaction="') == 3 * Question.objects.drafts().count()


def test_one_click_dismisses_a_draft_with_its_reason_and_paragraph(client, editor, article):
    question = draft_of(article, BEIJING)
    quote = question.forecasts.get().quote
    client.force_login(editor)
    listing = f"{DRAFTS}&forecasts__source__id__exact={article.pk}"

    response = client.post(dismiss_url(question, "reported"), HTTP_REFERER=listing, follow=True)

    assert response.redirect_chain[0] == (listing, 302)
    assert not Question.objects.filter(pk=question.pk).exists()
    kept = DiscardedClaim.objects.get()
    assert (kept.sentence, kept.reason, kept.discarded_by) == (quote, "reported", editor)
    assert kept.paragraph == paragraph_starting(BEIJING)
    assert any(
        "Dismissed “Beijing, meanwhile" in m and "(someone else&#x27;s claim" in m
        for m in texts(response)
    )


def test_dismissing_from_the_drafts_page_returns_to_the_sources_drafts(client, editor, article):
    question = draft_of(article, "In contrast to Nixon")
    client.force_login(editor)
    page = client.get(reverse("admin:forecasts_question_change", args=[question.pk]))
    html = page.content.decode()
    back = f"{DRAFTS}&forecasts__source__id__exact={article.pk}"
    button = f"{dismiss_url(question, 'not_a_claim')}?{urlencode({'next': back})}"
    assert f'formaction="{escape(button)}"' in html
    # After "Save", so that Enter in a field saves rather than dismisses.
    assert html.index('name="_save"') < html.index("formaction=")
    assert "<mark>In contrast to Nixon" in html

    response = client.post(button, HTTP_REFERER=page.wsgi_request.build_absolute_uri())

    assert response.status_code == 302 and response.url == back
    assert DiscardedClaim.objects.get().reason == "not_a_claim"


def test_the_detectors_reason_and_speaker_are_shown_when_it_gives_them(
    client, editor, article, monkeypatch
):
    client.force_login(editor)
    page = client.get(DRAFTS).content.decode()
    beijing = draft_of(article, BEIJING).forecasts.get().quote
    assert escape(context.claim_from_sentence(beijing).why) in page  # the detector's own words

    monkeypatch.setattr(context, "claim_from_sentence", lambda *args, **kwargs: SimpleNamespace())
    assert "The detector gives no reason" in client.get(DRAFTS).content.decode()

    said = SimpleNamespace(why="“won't” governs the main clause; no attribution", speaker="")
    monkeypatch.setattr(context, "claim_from_sentence", lambda *args, **kwargs: said)
    assert escape(said.why) in client.get(DRAFTS).content.decode()

    said.speaker = "Dr Chen"
    assert "Dr Chen&#x27;s claim, reported by the author." in client.get(DRAFTS).content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("resolver", 403), ("staff_without_role", 403)]
)
def test_only_editors_may_dismiss(client, article, who, status):
    question = draft_of(article, BEIJING)
    users = {
        "resolver": builders.resolver,
        "staff_without_role": lambda: builders.user("sam", is_staff=True),
    }
    if who:
        client.force_login(users[who]())
    response = client.post(dismiss_url(question, "reported"))
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response.url
    assert Question.objects.filter(pk=question.pk).exists()
    assert not DiscardedClaim.objects.exists()


def test_a_dismissal_is_a_post_with_a_known_reason(client, editor, article):
    question = draft_of(article, BEIJING)
    client.force_login(editor)
    assert client.get(dismiss_url(question, "reported")).status_code == 405
    assert client.post(dismiss_url(question, "because")).status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_published_question_is_not_dismissed(client, editor, db):
    question = builders.question("published")
    client.force_login(editor)
    response = client.post(dismiss_url(question, "duplicate"), follow=True)
    assert any("Only a draft can be discarded." in m for m in texts(response))
    assert Question.objects.filter(pk=question.pk).exists()
    assert not DiscardedClaim.objects.exists()


def test_a_stated_number_needs_no_reason_from_the_detector(client, editor, db):
    source = builders.source(builders.author(), full_text="1. Rates fall: 70%")
    question = builders.question("rates", state=Question.State.DRAFT)
    builders.forecast(
        question,
        source.author,
        source=source,
        quote="1. Rates fall: 70%",
        scale="numeric",
        allow_draft=True,
    )
    client.force_login(editor)
    page = client.get(DRAFTS).content.decode()
    assert "The author stated the number; no words were read." in page
    assert "<mark>1. Rates fall: 70%</mark>" in page

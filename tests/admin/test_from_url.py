"""Sources → "Draft from a URL": fetch, confirm what the page says, draft; refusals write none."""

from datetime import date
from html import escape

import pytest
from django.urls import reverse

from forecasts.drafting.claims import detect_claims
from forecasts.models import Author, DiscardedClaim, Forecast, Question, Source
from tests import builders
from tests.builders import web

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
FROM_URL = reverse("admin:forecasts_source_draft_from_url")


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Source, Author, Question, Forecast, DiscardedClaim)
    )


def confirmed(url: str, **changes) -> dict:
    """The confirmation form as the fetch filled it, with the editor's ``changes``."""
    return {
        "url": url,
        "title": "The fiscal rule will not survive contact with the councils",
        "author": "Miriam Okafor",
        "published_on": "2026-10-03",
        "publisher": "The Ledger Review",
        "scale": "icd203",
        "text": web.ARTICLE_TEXT,
        "_draft": "Draft claims",
        **changes,
    }


def test_the_sources_list_offers_it_to_editors(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:forecasts_source_changelist")).content.decode()
    assert f'href="{FROM_URL}"' in page


def test_fetching_shows_the_metadata_and_the_claims_to_confirm_and_writes_nothing(
    client, editor, newspaper
):
    client.force_login(editor)
    before = counts()

    response = client.post(FROM_URL, {"url": f"{newspaper}{web.ARTICLE}", "_fetch": "Fetch"})

    form = response.context["confirm_form"]
    assert form.initial["title"] == "The fiscal rule will not survive contact with the councils"
    assert form.initial["author"] == "Miriam Okafor"
    assert str(form.initial["published_on"]) == "2026-10-03"
    assert form.initial["publisher"] == "The Ledger Review"
    page = response.content.decode()
    assert 'name="title"' in page and 'name="author"' in page and 'name="text"' in page
    assert f'type="hidden" name="url" value="{newspaper}{web.ARTICLE}"' in page
    assert "Borrowing will almost certainly overshoot the target" in page
    assert form.initial["text"].startswith(form.initial["title"] + "\n")  # the headline too
    claims = detect_claims(form.initial["text"], "icd203", today=date(2026, 10, 3))
    assert f"The detector would draft {len(claims)} claim(s)" in page
    assert claims and all(escape(claim.sentence) in page for claim in claims)
    assert counts() == before


def test_confirming_stores_the_source_with_the_url_and_drafts_it(client, editor, newspaper):
    client.force_login(editor)
    url = f"{newspaper}{web.ARTICLE}"

    response = client.post(FROM_URL, confirmed(url, publisher="Ledger Review (print)"))

    source = Source.objects.get(url=url)
    assert response.status_code == 302
    assert response.url.endswith(f"forecasts__source__id__exact={source.pk}")
    assert (source.title, source.author.name, str(source.published_on), source.publisher) == (
        "The fiscal rule will not survive contact with the councils",
        "Miriam Okafor",
        "2026-10-03",
        "Ledger Review (print)",
    )
    assert source.full_text == web.ARTICLE_TEXT
    drafted = Question.objects.drafts().filter(forecasts__source=source, created_by=editor)
    quotes = sorted(drafted.values_list("forecasts__quote", flat=True))
    expected = detect_claims(web.ARTICLE_TEXT, "icd203", today=date(2026, 10, 3))
    assert quotes and quotes == sorted(claim.sentence for claim in expected)


def test_a_redirected_article_is_stored_under_the_address_it_ended_at(client, editor, newspaper):
    client.force_login(editor)
    response = client.post(FROM_URL, {"url": f"{newspaper}/old-link", "_fetch": "Fetch"})
    assert response.context["confirm_form"].initial["url"] == f"{newspaper}{web.ARTICLE}"


@pytest.mark.parametrize(("path", "message"), sorted(web.BAD_PAGES.items()))
def test_a_page_that_cannot_be_drafted_is_refused_naming_the_problem(
    client, editor, newspaper, path, message
):
    client.force_login(editor)
    before = counts()

    response = client.post(FROM_URL, {"url": f"{newspaper}{path}", "_fetch": "Fetch"})

    assert response.status_code == 200 and response.context["confirm_form"] is None
    (error,) = response.context["fetch_form"].errors["url"]
    assert error.startswith(f"Cannot draft from {newspaper}{path}: ") and message in error
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https URLs can be fetched, not “file:”"),
        ("javascript:alert(1)", "not “javascript:”"),
        ("", "This field is required."),
    ],
)
def test_a_bad_url_is_refused_before_any_fetch(client, editor, db, url, message):
    client.force_login(editor)
    before = counts()
    response = client.post(FROM_URL, {"url": url, "_fetch": "Fetch"})
    assert message in response.context["fetch_form"].errors["url"][0]
    assert counts() == before


def test_production_settings_refuse_a_loopback_address(client, editor, newspaper, settings):
    settings.RECKON_FETCH_ALLOW_NETWORKS = []
    client.force_login(editor)
    response = client.post(FROM_URL, {"url": f"{newspaper}{web.ARTICLE}", "_fetch": "Fetch"})
    assert "“127.0.0.1” resolves to 127.0.0.1, a loopback" in str(
        response.context["fetch_form"].errors
    )


def test_an_article_already_stored_is_refused_with_the_source_to_use(
    client, editor, newspaper, author
):
    url = f"{newspaper}{web.ARTICLE}"
    builders.source(author, title="Stored", url=url)
    client.force_login(editor)
    before = counts()

    fetched = client.post(FROM_URL, {"url": url, "_fetch": "Fetch"})
    drafted = client.post(FROM_URL, confirmed(url))

    assert "already stored as the source “stored”" in fetched.context["fetch_form"].errors["url"][0]
    assert "already stored as the source “stored”" in str(drafted.context["confirm_form"].errors)
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"author": ""}, "author", "This field is required."),
        ({"published_on": "2027-01-05"}, "published_on", "The publication date is in the future."),
        ({"title": ""}, "title", "This field is required."),
        ({"text": "Короче, всё будет хорошо."}, "text", "Cannot draft claims from the full text"),
        ({"scale": "numeric"}, "scale", "Select a valid choice."),
    ],
)
def test_a_bad_confirmation_names_the_field_and_writes_nothing(
    client, editor, db, changes, field, message
):
    client.force_login(editor)
    before = counts()
    response = client.post(FROM_URL, confirmed("https://example.org/a", **changes))
    assert message in " ".join(response.context["confirm_form"].errors[field])
    assert counts() == before


def test_only_editors_may_draft_from_a_url(client, resolver, db):
    assert client.get(FROM_URL).status_code == 302  # anonymous: to the admin login
    assert "/login/" in client.get(FROM_URL).url
    client.force_login(resolver)  # staff, but may not add sources
    before = counts()
    assert client.get(FROM_URL).status_code == 403
    assert client.post(FROM_URL, confirmed("https://example.org/a")).status_code == 403
    assert counts() == before
    page = client.get(reverse("admin:forecasts_source_changelist")).content.decode()
    assert FROM_URL not in page

"""Marking a source complete in the admin: refused with the reason until it can be."""

import pytest
from django.urls import reverse

from forecasts.drafting import drafts
from forecasts.models import Question
from tests import builders
from tests.admin.test_ledger_admin import form_data

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def article(author):
    return builders.source(author, url="https://example.org/what-next")


def _mark_complete(client, article):
    url = reverse("admin:forecasts_source_change", args=[article.pk])
    data = form_data(client.get(url))
    data["is_complete"] = "on"
    return client.post(url, data)


def test_an_editor_marks_a_source_complete_and_the_admin_records_who(client, editor, article):
    client.force_login(editor)
    response = _mark_complete(client, article)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.is_complete and article.completed_by == editor


def test_the_admin_refuses_while_a_draft_from_the_source_waits(client, editor, article, author):
    question = builders.question("drafted", state=Question.State.DRAFT)
    builders.raw_forecast(question, author, source=article, quote="It will surely happen.")
    client.force_login(editor)
    response = _mark_complete(client, article)
    assert response.status_code == 200
    assert "still wait for review" in response.content.decode()
    article.refresh_from_db()
    assert not article.is_complete
    drafts.draft_discard(question=question, reason="not_a_claim")
    assert _mark_complete(client, article).status_code == 302

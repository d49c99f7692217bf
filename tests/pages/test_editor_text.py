"""Editors' working text never reaches the public: pages, the API and the exports.

A question made the usual way, drafted from an article, reviewed, approved,
resolved and scored, is read through every public page and every public
API read; none of drafting's notes to editors, nor the resolver's login,
appears in any of them.
"""

from datetime import UTC, date, datetime

import pytest

from forecasts import ledger
from forecasts.drafting import drafts
from forecasts.engine import rescoring
from forecasts.models import Question
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

# What drafting writes for editors (notes, instructions, the draft's own wording).
EDITOR_TEXT = (
    "Before approving",
    "rewrite the title",
    "Suggested by Reckon's claim detector",
    "check it against the quote",
    "Drafted from",
    ledger.DRAFT_TITLE_MARK,
)


@pytest.fixture
def approved(editor):
    """A question drafted from the seed article, rewritten, approved, resolved, scored."""
    wolff = builders.author("Stefan Wolff", slug="wolff")
    article = builders.seed_article(
        wolff,
        publisher="The Conversation",
        published_on=date(2024, 11, 12),
        url="https://example.org/trump-xi-and-putin",
    )
    drafts.draft_claims_from_source(source=article, by=editor)
    claim = next(
        f
        for f in article.forecasts.select_related("question")
        if f.quote.startswith("A Trump-brokered agreement")
    )
    question = claim.question
    question.title = "Will a Trump-brokered Ukraine agreement cede Russian-held territory?"
    question.resolution_criteria = "Yes if a signed agreement cedes territory by the close."
    question.save()
    # The reworded question asks the author's side: the editor confirms it before approving.
    ledger.forecast_confirm_direction(forecast=claim, question_agrees=True, by=editor)
    ledger.question_approve(question=question, by=editor)
    rosa = builders.resolver("rosa")
    builders.resolve(
        question,
        "no",
        known_at=datetime(2025, 12, 1, tzinfo=UTC),
        evidence_note="No deal.",
        by=rosa,
    )
    rescoring.rescore_all()
    question.refresh_from_db()
    return question


def public_reads(question: Question) -> list[str]:
    forecast = question.forecasts.select_related("author", "source").get()
    author, source = forecast.author, forecast.source
    return [
        "/",
        "/leaderboard/",
        "/questions/",
        question.get_absolute_url(),
        author.get_absolute_url(),
        "/sources/",
        source.get_absolute_url(),
        "/topics/",
        "/about/scoring/",
        "/api/questions/",
        f"/api/questions/{question.slug}/",
        f"/api/questions/{question.pk}/",
        "/api/forecasts/",
        f"/api/forecasts/{forecast.pk}/",
        "/api/forecasts/export.csv",
        "/api/forecasts/export.json",
        "/api/resolutions/",
        "/api/scores/",
        "/api/scorecards/",
        "/api/scorecards/export.csv",
        "/api/leaderboard/",
        f"/api/authors/{author.slug}/",
        f"/api/authors/{author.slug}/scorecard/",
        "/api/sources/",
        f"/api/sources/{source.slug}/",
        f"/api/sources/{source.slug}/scorecard/",
    ]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_public_page_or_api_read_shows_editors_text_or_a_login(client, approved):
    assert approved.state == Question.State.RESOLVED
    for url in public_reads(approved):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        for text in EDITOR_TEXT:
            assert text not in body, (url, text)
        assert "rosa" not in body, url
    page = _body(client.get(approved.get_absolute_url()))
    assert approved.title in page
    assert "maps “likely” to 55%–80%; scored at 67.5%." in page  # the public note stays


def test_the_editors_keep_their_notes_in_the_editor_only_field(approved):
    assert approved.background == ""
    assert "Before approving: rewrite the title as a question" in approved.editor_notes
    assert "Drafted from “Trump, Xi and Putin” (The Conversation)" in approved.editor_notes

"""Marking a source complete: every forward-looking claim in it entered or dismissed, and why."""

import pytest
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.drafting import drafts
from forecasts.models import DiscardedClaim, Question
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def article(author):
    return builders.source(author, url="https://example.org/what-next")


def _draft(article, author, slug="drafted"):
    question = builders.question(slug, state=Question.State.DRAFT)
    builders.raw_forecast(question, author, source=article, quote="It will surely happen.")
    return question


def test_it_marks_a_source_complete_with_who_and_when(article, editor, frozen_clock):
    ledger.source_mark_complete(source=article, by=editor)
    article.refresh_from_db()
    assert article.is_complete
    assert (article.completed_by, article.completed_at) == (editor, frozen_clock)


def test_it_refuses_while_a_drafted_claim_waits_for_review(article, author):
    _draft(article, author)
    with pytest.raises(ValidationError) as refused:
        ledger.source_mark_complete(source=article)
    assert "still wait for review" in str(refused.value.message_dict["is_complete"])
    article.refresh_from_db()
    assert not article.is_complete


def test_it_refuses_while_a_dismissed_sentence_has_no_reason(article, author):
    drafts.draft_discard(question=_draft(article, author))
    with pytest.raises(ValidationError) as refused:
        ledger.source_mark_complete(source=article)
    assert "have no reason" in str(refused.value.message_dict["is_complete"])
    DiscardedClaim.objects.update(reason=DiscardedClaim.Reason.NOT_A_CLAIM)
    assert ledger.source_mark_complete(source=article).is_complete


def test_it_keeps_the_reason_a_draft_was_dismissed_for(article, author):
    (kept,) = drafts.draft_discard(
        question=_draft(article, author), reason=DiscardedClaim.Reason.REPORTED
    )
    assert kept.reason == "reported"
    assert article.dismissed_by_reason() == {"reported": 1}


def test_it_refuses_an_unknown_reason_and_discards_nothing(article, author):
    question = _draft(article, author)
    with pytest.raises(ValidationError) as refused:
        drafts.draft_discard(question=question, reason="bored")
    assert "reason" in refused.value.message_dict
    assert Question.objects.filter(pk=question.pk).exists()


def test_it_refuses_a_source_nobody_can_check(author):
    undated = builders.source(author, url="", published_on=None)
    with pytest.raises(ValidationError) as refused:
        ledger.source_mark_complete(source=undated)
    assert "URL and publication date" in str(refused.value.message_dict["is_complete"])


def test_it_withdraws_the_mark(article):
    ledger.source_mark_complete(source=article)
    ledger.source_mark_incomplete(source=article)
    article.refresh_from_db()
    assert (article.is_complete, article.completed_at, article.completed_by) == (False, None, None)

"""The source page: the article's text with each claim marked and linked to its question."""

from datetime import UTC, datetime, timedelta

import pytest

from forecasts.pages import quotes
from tests import builders

pytestmark = pytest.mark.django_db

TEXT = (
    "Reports of a phone call set the tone.\n"
    "Any deal is likely to involve the recognition of\nRussian territorial gains.\n\n"
    "It is hard to imagine Putin <sticking> to it.\n"
    "The EU may tilt towards China."
)


@pytest.fixture
def article(source, author, question):
    source.full_text = TEXT
    source.save()
    other = builders.question(
        "putin-sticks",
        title="Will Putin stick to a deal?",
        resolution_criteria="…",
        opens_at=question.opens_at,
        closes_at=question.closes_at,
        resolve_by=question.resolve_by,
    )
    stated = datetime(2024, 11, 12, 9, tzinfo=UTC)
    for q, quote, p in [
        (question, "likely to involve the recognition of Russian territorial gains", 0.7),
        (other, "hard to imagine Putin <sticking> to it", 0.1),
        (other, "a sentence the article never had", 0.2),
    ]:
        # One forecast per author, question and moment: the second on ``other`` a minute on.
        stated += timedelta(minutes=1)
        builders.forecast(
            q, author, source=source, probability=p, stated_at=stated, at=stated, quote=quote
        )
    return source


def test_it_marks_each_claim_where_it_occurs_linked_to_its_question(client, article, question):
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<mark id="claim-1"><a href="/questions/will-it-happen/" '
        'title="Question: Will it happen by 2025?">'
        "likely to involve the recognition of\nRussian territorial gains</a></mark>"
    ) in html
    assert "hard to imagine Putin &lt;sticking&gt; to it</a></mark>" in html
    assert "<sticking>" not in html  # the article's text is escaped
    assert html.count("<mark") == 2


def test_it_lists_quotes_it_could_not_find(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    missing = html.split("Not found word for word")[1]
    assert "a sentence the article never had" in missing


def test_it_matches_curly_quotes_and_spacing_and_skips_overlaps():
    text = "He said “never again”  to  them. He said “never again” twice."
    passages = quotes.locate(
        text, [('said "never again" to them', "/q/a/", "A"), ("never again", "/q/b/", "B")]
    )
    html = "".join(quotes.marked_paragraphs(text, passages))
    assert html.count("<mark") == 2
    assert 'title="Question: A">said “never again”  to  them</a>' in html
    assert 'title="Question: B">never again</a></mark>” twice' in html


def test_the_source_list_counts_the_claims_on_published_questions_only(
    client, article, author, question
):
    draft = builders.question(
        "a-draft",
        opens_at=question.opens_at,
        closes_at=question.closes_at,
        resolve_by=question.resolve_by,
        state="draft",
    )
    builders.raw_forecast(draft, author, source=article, probability=0.4)
    other = builders.source(author, title="Another column", slug="another-column")
    page = client.get("/sources/").content.decode()
    assert "· 3 claims" in page  # the article's three; not the one on the draft
    assert "· 0 claims" in page  # a source with none says so
    assert other.title in page


def test_the_question_list_counts_each_question_s_forecasts(client, article, question):
    page = client.get("/questions/").content.decode()
    assert "· 1 forecast ·" in page  # the first question's one claim
    assert "· 2 forecasts ·" in page  # the other's two

"""The quote, the phrase, the question and the number agree on every page and in the API."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests import builders

pytestmark = pytest.mark.django_db

STATED = datetime(2024, 11, 12, tzinfo=UTC)
READING = "97% that the Commission will miss its heat-pump target by 2030, so 3% on this question."
QUOTE = "The Commission will almost certainly miss its heat-pump target by 2030."


@pytest.fixture
def opposite():
    """ "Will almost certainly miss", on a question asking whether the target is met."""
    author = builders.author("Hanna Berg", slug="berg")
    source = builders.source(author, title="Heat pumps")
    question = builders.question(
        "heat-pumps", title="Will the EU install 10 million heat pumps by 2030?"
    )
    with time_machine.travel(datetime(2025, 1, 10, tzinfo=UTC), tick=False):
        return builders.forecast(
            question,
            author,
            source=source,
            stated_at=STATED,
            probability=None,
            quote=QUOTE,
            phrase="almost certainly",
            scale="icd203",
            interval=(0.01, 0.05),
            scale_point=0.03,
            direction="negates",
            stated_probability=0.97,
            stated_outcome="the Commission will miss its heat-pump target by 2030",
            question_agrees=False,
        )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_question_page_reads_the_number_the_authors_way(client, opposite):
    html = page(client, opposite.question.get_absolute_url())
    assert QUOTE in html
    assert READING in html
    # The phrase keeps the scale's numbers for what she said, not for the question's YES.
    assert (
        "“almost certainly” on the ICD 203 (US intelligence, 2015) scale (95%–99%), point value 97%"
        in html
    )
    assert "<strong>3%</strong> yes" in html


@pytest.mark.parametrize("where", ["source", "home", "author"])
def test_every_page_listing_the_claim_explains_the_3_percent(client, opposite, where):
    url = {
        "source": opposite.source.get_absolute_url(),
        "home": "/",
        "author": opposite.author.get_absolute_url(),
    }[where]
    html = page(client, url)
    assert READING in html
    assert "“almost certainly” → <strong>3%</strong>" not in html


def test_the_api_gives_the_reading_but_not_the_detector_output(api_client, opposite):
    row = api_client.get("/api/forecasts/", {"question": "heat-pumps"}).json()["results"][0]
    assert (row["probability"], row["stated_probability"], row["question_agrees"]) == (
        0.03,
        0.97,
        False,
    )
    assert row["stated_outcome"] == "the Commission will miss its heat-pump target by 2030"
    assert "direction" not in row

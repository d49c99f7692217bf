"""No N+1: every list costs the same number of queries for 3 rows or 30."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.api import compiled
from forecasts.drafting import readings
from forecasts.models import Question, QuestionScore, Scorecard, Tag
from tests import builders

pytestmark = pytest.mark.django_db

START = datetime(2024, 1, 1, tzinfo=UTC)


def grow(n: int, tags: list[Tag]) -> None:
    """Add n of everything: authors, sources, questions (half multiple-choice, half resolved)."""
    base = Question.objects.count()
    for i in range(base, base + n):
        author = builders.author(f"Author {i}")
        source = builders.source(author, title=f"Source {i}", published_on=START.date())
        binary = i % 2 == 0
        question = builders.question(
            f"question-{i}",
            kind=Question.Kind.BINARY if binary else Question.Kind.MULTIPLE_CHOICE,
            opens_at=START,
            closes_at=START + timedelta(days=30),
            resolve_by=START + timedelta(days=60 + i),
            state=Question.State.RESOLVED if i % 3 == 0 else Question.State.LIVE,
            options=() if binary else ("A", "B"),  # the database refuses them elsewhere
            tags=tags,
        )
        options = list(question.options.all())
        builders.raw_forecast(
            question,
            author,
            source=source,
            stated_at=START + timedelta(days=1),
            probability=0.6,
            option_probabilities=None if binary else [0.5, 0.5],
        )
        if question.state == Question.State.RESOLVED:
            resolution = builders.raw_resolution(
                question,
                "yes" if binary else "option",
                option=None if binary else options[0],
                known_at=START + timedelta(days=40),
            )
            QuestionScore.objects.create(
                author=author,
                question=question,
                resolution=resolution,
                brier=0.16,
                final_probability=0.6,
            )
        Scorecard.objects.create(author=author, n_scored=10, brier=0.1 + i / 1000)
        for tag in tags:
            Scorecard.objects.create(author=author, tag=tag, n_scored=10, brier=0.2)


LISTS = [
    "/api/authors/",
    "/api/sources/",
    "/api/tags/",
    "/api/questions/",
    "/api/questions/?status=resolved",
    "/api/due/",
    "/api/forecasts/",
    "/api/forecasts/?author=author-0&tag=alpha",
    "/api/resolutions/",
    "/api/scores/",
    "/api/scorecards/",
    "/api/leaderboard/?min_n=1",
    "/api/leaderboard/?min_n=1&since=2024-01-01T00:00:00Z",
    "/api/leaderboard/?min_n=1&order=peer",
    "/api/leaderboard/?min_n=1&order=baseline&since=2024-01-01T00:00:00Z",
    "/api/authors/author-0/scorecard/?since=2024-01-01T00:00:00Z",
    "/api/authors/author-0/scorecard/",
]


@pytest.fixture
def tags(db):
    return [builders.tag(n.title()) for n in ("alpha", "beta")]


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured)


@pytest.mark.parametrize("path", LISTS)
def test_it_runs_a_fixed_number_of_queries_whatever_the_data_size(
    api_client, tags, path, django_assert_num_queries
):
    grow(3, tags)
    few = count_queries(api_client, path)
    grow(27, tags)
    with django_assert_num_queries(few):
        response = api_client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", LISTS)
def test_it_runs_a_fixed_number_of_queries_whatever_the_page_size(
    client_for, editor, tags, path, django_assert_num_queries
):
    grow(30, tags)
    client = client_for(editor)  # an editor also sees drafts: one more query for the role, once
    joiner = "&" if "?" in path else "?"
    small = count_queries(client, f"{path}{joiner}page_size=2")
    cache.clear()  # both read cold: the records under each scale are cached across pages
    readings.forget()  # (in Redis, and in this process)
    compiled.forget()  # and each list's count is remembered across page sizes
    with django_assert_num_queries(small):
        response = client.get(f"{path}{joiner}page_size=200")
    assert response.status_code == 200
    body = response.json()
    if "results" in body:  # the bigger page really held more rows
        assert len(body["results"]) == min(body["count"], 200)


# The busiest reads, as an anonymous client with the public cache off makes them:
# the validator, the page counted in its own query (``forecasts.api.compiled``) and
# its related rows. By database: (PostgreSQL, SQLite).
EXACT = {
    # The current resolution joined to the page's rows; on PostgreSQL the tags and
    # options too (arrays), on SQLite a query each.
    "/api/questions/": (2, 4),
    # On PostgreSQL the option probabilities and quantiles in the rows, on SQLite a
    # query for the probabilities (and one for quantiles on a numeric page).
    "/api/forecasts/": (2, 3),
}


@pytest.mark.parametrize("path", EXACT)
def test_the_busiest_lists_run_exactly_their_queries(api_client, tags, path):
    grow(10, tags)
    expected = EXACT[path][0 if connection.vendor == "postgresql" else 1]
    assert count_queries(api_client, path) == expected

"""The author page shows a long record a page of claims at a time, in the same queries."""

import re

import pytest
from django.core.cache import cache

from forecasts.models import QuestionScore
from forecasts.pages.paging import PER_PAGE
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db

N_RESOLVED = PER_PAGE + 5


@pytest.fixture
def long_world():
    w = build_world(n_authors=2, n_questions=N_RESOLVED, n_open=1)
    store_scores(w)
    return w


def resolved_section(html: str) -> str:
    return html.split('id="resolved-h"')[1].split('id="pending-h"')[0]


def claimed(section: str) -> list[str]:
    return re.findall(r'<tr class="claim" data-question="([^"]+)"', section)


def test_the_first_page_shows_a_page_of_claims_and_links_to_the_rest(client, long_world):
    author = long_world.authors[0]
    html = client.get(author.get_absolute_url()).content.decode()
    section = resolved_section(html)
    assert f"Resolved claims ({N_RESOLVED})" in html
    assert len(claimed(section)) == PER_PAGE
    assert f"Showing 1–{PER_PAGE} of {N_RESOLVED}" in section
    assert 'href="?page=2#resolved"' in section and 'rel="next"' in section
    assert f"/api/forecasts/export.csv?author={author.slug}" in section
    assert 'aria-current="page">1<' in section


def test_the_pages_together_list_every_scored_claim_once(client, long_world):
    author = long_world.authors[0]
    first = claimed(resolved_section(client.get(author.get_absolute_url()).content.decode()))
    html = client.get(f"{author.get_absolute_url()}?page=2").content.decode()
    second = claimed(resolved_section(html))
    assert len(second) == N_RESOLVED - PER_PAGE
    scored = QuestionScore.objects.filter(author=author).counted()
    assert sorted(first + second) == sorted(scored.values_list("question__slug", flat=True))
    assert 'rel="prev" href="?#resolved"' in resolved_section(html)


def test_a_page_past_the_end_or_not_a_number_shows_the_last_or_the_first(client, long_world):
    url = long_world.authors[0].get_absolute_url()
    last = claimed(resolved_section(client.get(f"{url}?page=99").content.decode()))
    assert len(last) == N_RESOLVED - PER_PAGE
    first = claimed(resolved_section(client.get(f"{url}?page=x").content.decode()))
    assert len(first) == PER_PAGE


def test_page_links_keep_the_filters(client, long_world):
    url = long_world.authors[0].get_absolute_url()
    section = resolved_section(client.get(f"{url}?since=2000-01-01").content.decode())
    assert 'href="?since=2000-01-01&amp;page=2#resolved"' in section
    html = client.get(f"{url}?since=2000-01-01&page=2").content.decode()
    assert len(claimed(resolved_section(html))) == N_RESOLVED - PER_PAGE


@pytest.mark.parametrize("page", ["", "?page=2"])
def test_each_page_reads_as_many_times_as_a_short_record(
    client, long_world, page, django_assert_num_queries
):
    cache.clear()
    # As tests/pages/test_queries.py counts for an author with a handful of claims.
    with django_assert_num_queries(10):
        response = client.get(long_world.authors[0].get_absolute_url() + page)
    assert response.status_code == 200


def test_the_claims_shown_are_completed_in_one_query(long_world, django_assert_num_queries):
    from forecasts.models import Resolution
    from forecasts.standings.records import author_record, complete

    author = long_world.authors[0]
    record = author_record(author)
    shown = [*record.scored[:3], *record.pending]
    with django_assert_num_queries(1):
        complete(author, shown)
    for claim in shown:
        assert [f.pk for f in claim.forecasts] == list(
            author.forecasts.filter(question=claim.question)
            .order_by("stated_at", "pk")
            .values_list("pk", flat=True)
        )
        current = Resolution.objects.filter(question=claim.question, is_current=True).first()
        assert claim.resolution == current  # None for a pending claim
        score = QuestionScore.objects.filter(author=author, question=claim.question).first()
        assert claim.score == score
    assert any(claim.resolution is None for claim in shown)
    assert all(isinstance(claim.score, QuestionScore) for claim in record.scored[:3])

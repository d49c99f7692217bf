"""Whatever a query string says, the public pages answer it without a server error.

A filter that cannot be used is refused with a 400 and a message beside the
field; everything else is ignored or shown. The fuzz test sends generated
query strings to every public page.
"""

import string
from datetime import date
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = build_world(n_authors=2, n_questions=3, n_open=1)
    store_scores(w)
    return w


def page_paths(world) -> list[str]:
    return [
        "/",
        "/leaderboard/",
        world.authors[0].get_absolute_url(),
        "/questions/",
        world.questions[0].get_absolute_url(),
        world.questions[-1].get_absolute_url(),
        "/sources/",
        world.source.get_absolute_url(),
        "/topics/",
        "/about/scoring/",
    ]


@pytest.mark.parametrize("until", ["9999-12-31", "9999-01-01"])
@pytest.mark.parametrize("page", ["leaderboard", "author"])
def test_it_refuses_a_period_ending_past_the_last_day_naming_the_field(client, world, page, until):
    path = "/leaderboard/" if page == "leaderboard" else world.authors[0].get_absolute_url()
    response = client.get(path, {"until": until})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a day no later than 9998-12-31." in html
    # The message sits with the "Resolved until" field, and the page still lists everyone.
    assert html.index('for="id_until"') < html.index("Give a day no later than")
    assert world.authors[0].name in html


def test_it_refuses_a_period_starting_past_the_last_day(client, world):
    response = client.get("/leaderboard/", {"since": "9999-12-31"})
    assert response.status_code == 400
    assert "Give a day no later than 9998-12-31." in response.content.decode()


def test_it_accepts_a_period_ending_on_the_last_day(client, world):
    assert client.get("/leaderboard/", {"until": "9998-12-31"}).status_code == 200


def test_it_refuses_a_period_that_ends_before_it_starts(client, world):
    response = client.get("/leaderboard/", {"since": "2025-02-01", "until": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


KEYS = ["since", "until", "tag", "status", "page", "q", "format", "ordering", "id", "slug"]
edge_dates = st.dates(min_value=date.min, max_value=date.max).map(date.isoformat)
values = st.one_of(
    edge_dates,
    st.sampled_from(["", "0", "-1", "1" + "0" * 400, "9999-12-31", "0001-01-01", "null"]),
    st.integers().map(str),
    st.text(max_size=40),
    st.text(string.printable, max_size=40),
)
queries = st.one_of(
    st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=10), values), max_size=5).map(
        lambda pairs: urlencode(pairs)
    ),
    # Raw bytes, percent-encoded: malformed UTF-8 and stray separators included.
    st.binary(max_size=60).map(lambda raw: quote(raw, safe="=&;%+")),
)


@settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(index=st.integers(min_value=0, max_value=9), query=queries)
def test_no_query_string_gives_a_server_error(client, world, index, query):
    path = page_paths(world)[index]
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 400, 404), (path, query, response.status_code)

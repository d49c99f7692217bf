"""What the pages remember between visits (``pages.fragments``) never outlives the data."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from forecasts.models import Author, Question
from forecasts.pages import fragments
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(n_authors=6, n_questions=14, n_open=3)
    store_scores(w)
    return w


def urls(world) -> dict[str, str]:
    return {
        "home": "/",
        "leaderboard": "/leaderboard/",
        "author": world.authors[0].get_absolute_url(),
        "author, second page of a filter": (
            f"{world.authors[0].get_absolute_url()}?tag={world.tags[0].slug}&page=2"
        ),
        "question": world.questions[0].get_absolute_url(),
        "open question": world.questions[-1].get_absolute_url(),
    }


# On a second visit with nothing written: the change stamp, and what the page reads
# besides what it remembers (the author and the topics of the filter form; the
# question's title bar).
AGAIN = {
    "home": 1,
    "leaderboard": 2,
    "author": 3,
    "author, second page of a filter": 3,
    "question": 2,
    "open question": 2,
}


# One world for every page in each test below: building it costs far more than the visits.


def test_a_second_visit_reads_the_stamp_and_the_same_page(client, world):
    found = {}
    for name, url in urls(world).items():
        fragments.forget()
        first = client.get(url)
        assert first.status_code == 200, name
        with CaptureQueriesContext(connection) as again:
            second = client.get(url)
        assert second.content == first.content, name
        found[name] = len(again)
    assert found == AGAIN


def test_with_the_memory_off_every_visit_works_it_all_out(client, world, settings):
    firsts = {name: client.get(url).content for name, url in urls(world).items()}
    settings.RECKON_PAGE_MEMORY_BYTES = 0
    fragments.forget()
    for name, url in urls(world).items():
        with CaptureQueriesContext(connection) as cold:
            off = client.get(url)
        with CaptureQueriesContext(connection) as again:
            assert client.get(url).content == off.content, name
        assert len(again) == len(cold) > AGAIN[name], name
        assert off.content == firsts[name], name


def test_a_write_shows_on_the_next_visit(client, world):
    for url in urls(world).values():
        assert client.get(url).status_code == 200
    Question.objects.update(title=Concat(Value("Retitled "), F("title")))
    Author.objects.update(name=Concat(Value("Renamed "), F("name")))
    for name, url in urls(world).items():
        page = client.get(url).content.decode()
        shows = {"home": ["Retitled "], "leaderboard": ["Renamed "]}.get(
            name, ["Retitled ", "Renamed "]
        )
        for text in shows:
            assert text in page, name


def test_pages_remember_without_redis(client, world, redis_down, django_assert_num_queries):
    url = world.authors[0].get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(AGAIN["author"]):
        assert client.get(url).content == first.content


def test_an_open_question_is_worked_out_again_in_the_next_hour(client, world):
    question = world.questions[-1]
    at = question.closes_at - timedelta(days=10, minutes=30)  # still open, after its forecasts
    url = question.get_absolute_url()
    with time_machine.travel(at, tick=False):
        client.get(url)
        assert client.get(url).status_code == 200
    held = {key for key in fragments._held if key[0] == "question"}
    with time_machine.travel(at + timedelta(hours=1), tick=False):
        assert client.get(url).status_code == 200
    assert len({key for key in fragments._held if key[0] == "question"} - held) == 1


def test_the_bound_lets_the_least_recently_used_go(settings):
    settings.RECKON_PAGE_MEMORY_BYTES = 3 * (1000 + 49)  # three strings of 1,000 characters
    made = []

    def work(name):
        def make():
            made.append(name)
            return name * 1000

        return make

    for name in "abcd":
        fragments.remembered("test", name, work(name))
    fragments.remembered("test", "b", work("b"))  # kept: read again, now the most recent
    fragments.remembered("test", "a", work("a"))  # gone: the least recently used
    assert made == ["a", "b", "c", "d", "a"]


def test_a_result_larger_than_the_bound_is_not_kept(settings):
    settings.RECKON_PAGE_MEMORY_BYTES = 100
    made = []
    for _ in range(2):
        fragments.remembered("test", "big", lambda: made.append(1) or "x" * 1000)
    assert made == [1, 1]

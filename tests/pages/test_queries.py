"""Every public page reads the database a fixed number of times, whatever the data's size."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.drafting import readings
from forecasts.pages import fragments
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db

SIZES = [
    pytest.param((2, 2, 1), id="small"),
    pytest.param((6, 14, 3), id="larger"),
]


@pytest.fixture(params=SIZES)
def world(request):
    n_authors, n_questions, n_open = request.param
    w = build_world(n_authors=n_authors, n_questions=n_questions, n_open=n_open)
    store_scores(w)
    cache.clear()  # charts drawn afresh: drawing must not query either
    return w


def pages(world):
    author, question, tag = world.authors[0], world.questions[0], world.tags[0]
    # The overall board's ranks under each scale: the scored pairs holding a worded
    # forecast (none here; tests/standings/test_readings.py has them); its cache key's
    # change stamp is the one the page read.
    under_scales = 1 if len(world.outcomes) >= settings.RECKON_LEADERBOARD_MIN_N else 0
    # Every page below but the lists, the source, the topics and about scoring reads the
    # change stamp first (what it remembers is kept under it: pages.fragments); these
    # are the counts of a first visit, with nothing remembered (test_fragments.py has
    # the second).
    return {
        "home": ("/", 4),
        "leaderboard": ("/leaderboard/", 4 + under_scales),
        "leaderboard by tag": (f"/leaderboard/?tag={tag.slug}", 3),
        "leaderboard by peer": ("/leaderboard/?order=peer", 4 + under_scales),
        # The author page's folded table comes with its count of scored questions from
        # complete sources (one query); then whether a rescore is pending (updating); the
        # board, for the author's percentile among ranked authors; the change stamp (read
        # once, for the page and the record under each scale) and the record under each
        # scale (the scored pairs with words); the full rows of the claims shown (the
        # record itself is read light), their resolutions and scores joined to them. No
        # claim shown here is on a multiple-choice question: one more query reads their
        # options (test_author_paging.py).
        "author": (author.get_absolute_url(), 10),
        "author by tag": (f"{author.get_absolute_url()}?tag={tag.slug}", 9),
        # Rebuilt from the score rows: on PostgreSQL they come by binary COPY, which the
        # query counter does not see; on SQLite it is one more SELECT.
        "author, recorded in time": (
            f"{author.get_absolute_url()}?recorded_before_outcome=on",
            8 if connection.vendor == "postgresql" else 10,
        ),
        # The title bar's columns and the change stamp; then the question, its tags, the
        # forecasts, their corrections, the resolutions, the scores. A question that is
        # not binary reads its options too, and a multiple-choice question's option
        # probabilities are one more (test_question.py).
        "question": (question.get_absolute_url(), 8),
        "question list": ("/questions/", 4),
        "question list by tag": (f"/questions/?tag={tag.slug}&status=resolved", 4),
        "source": (world.source.get_absolute_url(), 6),  # the 6th: dismissed, by reason
        "source list": ("/sources/", 1),
        "topics": ("/topics/", 1),
        # The worked record and its stored score, and the ranked real authors' cards.
        "about scoring": ("/about/scoring/", 3),
    }


def test_every_page_reads_a_fixed_number_of_times(client, world, settings, tmp_path):
    """Each page on a first visit, nothing remembered or drawn by the others (one world a
    size for every page: building it costs far more than the visits)."""
    found = {}
    for i, (name, (url, expected)) in enumerate(pages(world).items()):
        fragments.forget()
        readings.forget()
        cache.clear()
        settings.RECKON_CHART_DIR = tmp_path / f"charts-{i}"  # an empty chart store
        settings.RECKON_CHART_DIR.mkdir()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        found[name] = (len(queries), expected)
    assert {name: n for name, (n, _) in found.items()} == {
        name: expected for name, (_, expected) in found.items()
    }

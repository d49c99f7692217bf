"""The record under other readings of words in the scorecard API and the leaderboard API."""

import pytest

from forecasts.models import Scorecard
from tests.builders.worded import worded_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return worded_world()


def test_the_scorecard_gives_each_scale_and_the_bounds(api_client, world):
    ada = world["authors"]["Ada"]
    body = api_client.get(f"/api/authors/{ada.slug}/scorecard/").json()
    words = body["words"]
    card = Scorecard.objects.get(author=ada, tag=None)
    assert words["headline"] == card.brier
    assert (words["n_scored"], words["n_questions"], words["n_worded"]) == (2, 1, 1)
    lines = {line["scale"]: line for line in words["scales"]}
    assert lines["icd203"]["brier"] == card.brier
    assert lines["kent1964"]["brier"] == pytest.approx(0.07625)
    assert lines["kent1964"]["scale_name"] == "Kent (1964)"
    assert (lines["reckon"]["n_fallback"], lines["reckon"]["n_affected"]) == (1, 0)
    assert words["bounds"]["best"] == pytest.approx(0.065)
    assert words["bounds"]["worst"] == pytest.approx(0.14625)


def test_the_scorecard_counts_an_editors_number(api_client, world):
    body = api_client.get(f"/api/authors/{world['authors']['Cy'].slug}/scorecard/").json()
    assert body["words"]["n_overridden"] == 1
    assert {line["n_overridden"] for line in body["words"]["scales"]} == {1}


def test_a_period_has_no_words_record(api_client, world):
    ada = world["authors"]["Ada"]
    body = api_client.get(f"/api/authors/{ada.slug}/scorecard/?since=2020-01-01T00:00:00Z").json()
    assert body["words"] is None


def test_the_leaderboard_gives_ranks_under_each_scale(api_client, world):
    rows = api_client.get("/api/leaderboard/?min_n=1").json()["results"]
    by_slug = {row["author_slug"]: row for row in rows}
    ada = {line["scale"]: (line["rank"], line["places"]) for line in by_slug["ada"]["under_scales"]}
    assert ada == {"icd203": (2, 0), "kent1964": (1, 1), "ipcc_ar5": (1, 1), "reckon": (2, 0)}
    bob = {line["scale"]: line["places"] for line in by_slug["bob"]["under_scales"]}
    assert bob["kent1964"] == -1


def test_a_period_board_has_no_ranks_under_scales(api_client, world):
    rows = api_client.get("/api/leaderboard/?min_n=1&since=2020-01-01T00:00:00Z").json()["results"]
    assert rows and all(row["under_scales"] is None for row in rows)

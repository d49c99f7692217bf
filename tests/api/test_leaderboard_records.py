"""The API leaderboard ranks real authors unless the synthetic demo records are asked for."""

import pytest

from tests.pages.test_leaderboard import real_and_demo

pytestmark = pytest.mark.django_db


def slugs(client, **params):
    response = client.get("/api/leaderboard/", params)
    assert response.status_code == 200, response.content
    return [row["author_slug"] for row in response.json()["results"]]


def test_real_authors_are_ranked_unless_asked_for_synthetic_ones(client, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 1
    real, demo = real_and_demo()  # the synthetic author has the better score
    assert slugs(client) == [real.slug]
    assert slugs(client, records="synthetic") == [demo.slug]
    assert slugs(client, records="all") == [demo.slug, real.slug]
    response = client.get("/api/leaderboard/", {"records": "everyone"})
    assert response.status_code == 400 and "records" in response.json()

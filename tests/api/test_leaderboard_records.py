"""The API leaderboard ranks real authors unless the synthetic demo records are asked for."""

import pytest

from forecasts.models import Author
from tests import builders
from tests.pages.test_leaderboard import card

pytestmark = pytest.mark.django_db


def slugs(client, **params):
    response = client.get("/api/leaderboard/", params)
    assert response.status_code == 200, response.content
    return [row["author_slug"] for row in response.json()["results"]]


def test_real_authors_are_ranked_unless_asked_for_synthetic_ones(client, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 1
    real = builders.author("Real Rita")
    demo = builders.author("Demo Dan")
    Author.objects.filter(pk=demo.pk).update(is_synthetic=True)
    card(real, n=5, brier=0.20, low=0.1, high=0.3)
    card(demo, n=5, brier=0.05, low=0.01, high=0.1)  # better, but synthetic
    assert slugs(client) == [real.slug]
    assert slugs(client, records="synthetic") == [demo.slug]
    assert slugs(client, records="all") == [demo.slug, real.slug]
    response = client.get("/api/leaderboard/", {"records": "everyone"})
    assert response.status_code == 400 and "records" in response.json()

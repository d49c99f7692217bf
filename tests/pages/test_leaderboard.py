"""The leaderboard: ranked by mean Brier with intervals, too-few-questions apart."""

import re
from datetime import UTC, datetime

import pytest

from forecasts.models import Author, Scorecard
from tests import builders
from tests.pages import svg

pytestmark = pytest.mark.django_db


def card(author, tag=None, *, n, brier, low=None, high=None):
    return Scorecard.objects.create(
        author=author,
        tag=tag,
        n_scored=n,
        brier=brier,
        brier_0_2=2 * brier,
        brier_low=low,
        brier_high=high,
        skill=1 - brier / 0.25,
    )


@pytest.fixture
def authors(db):
    names = ["Steady Sam", "Lucky Lou", "Middling Mo", "Never Scored"]
    return [builders.author(n) for n in names]


def rows(html: str, section: str) -> list[str]:
    part = html.split(f'id="{section}-h"')[1]
    if section == "ranked":
        part = part.split('id="unranked-h"')[0]
    return re.findall(r'class="board-row" data-author="([\w-]+)"', part)


def test_it_ranks_only_authors_with_enough_questions(client, authors, question, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 5
    steady, lucky, middling, never = authors
    stated = datetime(2024, 11, 20, tzinfo=UTC)
    builders.forecast(question, never, probability=0.6, stated_at=stated, at=stated)
    card(steady, n=40, brier=0.12, low=0.09, high=0.15)
    card(lucky, n=3, brier=0.01, low=0.0, high=0.2)  # best score, but only three questions
    card(middling, n=12, brier=0.21, low=0.15, high=0.27)
    html = client.get("/leaderboard/").content.decode()
    assert rows(html, "ranked") == ["steady-sam", "middling-mo"]
    assert rows(html, "unranked") == ["lucky-lou", "never-scored"]
    assert "fewer than 5 scored questions" in html


def test_it_shows_each_interval_beside_the_score(client, authors):
    card(authors[0], n=40, brier=0.12, low=0.09, high=0.15)
    html = client.get("/leaderboard/").content.decode()
    assert 'data-field="brier_low" value="0.09">0.090' in html
    assert 'data-field="brier_high" value="0.15">0.150' in html
    svg = re.search(r'<svg role="img" aria-label="Leaderboard chart.*?</svg>', html, re.S).group(0)
    assert "1. Steady Sam" in svg


def test_it_follows_the_configured_minimum(client, authors, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 2
    card(authors[1], n=3, brier=0.01, low=0.0, high=0.2)
    html = client.get("/leaderboard/").content.decode()
    assert rows(html, "ranked") == ["lucky-lou"]


def test_it_filters_by_tag(client, authors):
    ukraine = builders.tag("Ukraine")
    card(authors[0], n=40, brier=0.12, low=0.09, high=0.15)
    card(authors[2], n=12, brier=0.21, low=0.15, high=0.27)
    card(authors[2], ukraine, n=6, brier=0.05, low=0.01, high=0.1)
    html = client.get("/leaderboard/", {"tag": "ukraine"}).content.decode()
    assert rows(html, "ranked") == ["middling-mo"]
    assert 'href="/authors/middling-mo/?tag=ukraine"' in html
    assert '<a href="?tag=ukraine" aria-current="page">Ukraine</a>' in html


def test_it_labels_synthetic_authors(client, authors):
    Author.objects.filter(pk=authors[0].pk).update(is_synthetic=True)
    card(authors[0], n=40, brier=0.12, low=0.09, high=0.15)
    html = client.get("/leaderboard/", {"records": "all"}).content.decode()
    ranked = html.split('id="ranked-h"')[1].split('id="unranked-h"')[0]
    assert "Synthetic demo" in ranked
    assert "1. Steady Sam (synthetic)" in ranked


def test_it_ranks_by_a_metaculus_score_when_asked(client, authors, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 5
    steady, lucky, middling, _ = authors
    card(steady, n=40, brier=0.12, low=0.09, high=0.15)
    card(middling, n=12, brier=0.21, low=0.15, high=0.27)
    Scorecard.objects.filter(author=steady).update(n_baseline=40, baseline=20.0, n_peer=4, peer=3.0)
    Scorecard.objects.filter(author=middling).update(
        n_baseline=12, baseline=35.5, n_peer=12, peer=-1.0
    )
    html = client.get("/leaderboard/", {"order": "baseline"}).content.decode()
    assert rows(html, "ranked") == ["middling-mo", "steady-sam"]
    assert "ranked by mean Metaculus Baseline score (higher is better" in html
    assert 'data-field="baseline" value="35.5">+35.5' in html
    assert '<a href="?order=baseline" aria-current="page">' in html
    # Steady has only 4 Peer scores, below the minimum of 5.
    assert rows(client.get("/leaderboard/", {"order": "peer"}).content.decode(), "ranked") == [
        "middling-mo"
    ]
    assert client.get("/leaderboard/", {"order": "points"}).status_code == 400


def test_it_charts_every_ranked_author_down_to_the_worst(client, db):
    """Forty-five ranked authors: each is in both drawings of the chart, the worst too."""
    ranked = [builders.author(f"Pundit {i:02d}") for i in range(45)]
    for i, a in enumerate(ranked):
        brier = 0.05 + 0.012 * i
        card(a, n=20, brier=brier, low=brier - 0.04, high=brier + 0.05)
    html = client.get("/leaderboard/").content.decode()
    drawings = svg.drawings(html, "Leaderboard chart")
    assert len(drawings) == 2
    for drawing in drawings:
        assert svg.marks(drawing, "brier") == 45
        for rank, a in enumerate(ranked, start=1):
            assert f">{rank}. {a.name}</text>" in drawing


def real_and_demo():
    """A real author and a better synthetic one, both ranked with RECKON_LEADERBOARD_MIN_N=1."""
    real = builders.author("Real Rita")
    demo = builders.author("Demo Dan")
    Author.objects.filter(pk=demo.pk).update(is_synthetic=True)
    card(real, n=5, brier=0.20, low=0.1, high=0.3)
    card(demo, n=5, brier=0.05, low=0.01, high=0.1)
    return real, demo


def test_it_ranks_real_authors_unless_the_synthetic_records_are_asked_for(client, db, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 1
    real, demo = real_and_demo()
    assert rows(client.get("/leaderboard/").content.decode(), "ranked") == [real.slug]
    html = client.get("/leaderboard/", {"records": "synthetic"}).content.decode()
    assert rows(html, "ranked") == [demo.slug]
    html = client.get("/leaderboard/", {"records": "all"}).content.decode()
    assert rows(html, "ranked") == [demo.slug, real.slug]
    assert rows(client.get("/leaderboard/", {"records": "x"}).content.decode(), "ranked") == [
        real.slug
    ]

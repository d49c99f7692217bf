"""Metaculus's Baseline and Peer scores through the API: fields, and the leaderboard's order."""

import pytest

from forecasts.models import QuestionScore, Scorecard
from tests.api.test_scores import scored  # noqa: F401  (the three authors' stored records)

pytestmark = pytest.mark.django_db

# Overall cards: (n_baseline, baseline, n_peer, peer).
LOG_SCORES = {"ann": (4, 10.0, 4, -5.0), "ben": (4, 30.0, 3, 5.0), "cat": (2, 50.0, 0, None)}


@pytest.fixture
def with_log_scores(scored):  # noqa: F811
    for slug, (n_baseline, baseline, n_peer, peer) in LOG_SCORES.items():
        Scorecard.objects.filter(author__slug=slug, tag=None).update(
            n_baseline=n_baseline,
            baseline=baseline,
            baseline_low=baseline - 20,
            baseline_high=baseline + 20,
            n_peer=n_peer,
            peer=peer,
        )
    return scored


def ranking(api_client, **params) -> list[tuple[int, str]]:
    response = api_client.get("/api/leaderboard/", params)
    assert response.status_code == 200, response.content
    return [(r["rank"], r["author_slug"]) for r in response.json()["results"]]


def test_it_ranks_by_mean_baseline_highest_first(api_client, with_log_scores):
    assert ranking(api_client, min_n=1, order="baseline") == [(1, "cat"), (2, "ben"), (3, "ann")]
    # cat has only two Baseline scores: below a minimum of three, unranked.
    assert ranking(api_client, min_n=3, order="baseline") == [(1, "ben"), (2, "ann")]


def test_it_ranks_by_mean_peer_among_authors_with_one(api_client, with_log_scores):
    assert ranking(api_client, min_n=1, order="peer") == [(1, "ben"), (2, "ann")]
    assert ranking(api_client, min_n=4, order="peer") == [(1, "ann")]  # ben has 3 Peer scores
    assert ranking(api_client, min_n=1) == [(1, "ann"), (2, "ben"), (3, "cat")]  # Brier


def test_it_shows_the_scores_with_n_and_interval(api_client, with_log_scores):
    body = api_client.get("/api/leaderboard/", {"min_n": 1, "order": "baseline"}).json()
    ben = body["results"][1]
    assert (ben["n_baseline"], ben["baseline"], ben["baseline_low"], ben["baseline_high"]) == (
        4,
        30.0,
        10.0,
        50.0,
    )
    assert (ben["n_peer"], ben["peer"]) == (3, 5.0)
    card = api_client.get("/api/authors/cat/scorecard/").json()["overall"]
    assert (card["n_peer"], card["peer"], card["peer_low"]) == (0, None, None)


def test_it_refuses_an_unknown_order_naming_it(api_client, with_log_scores):
    response = api_client.get("/api/leaderboard/", {"order": "points"})
    assert response.status_code == 400
    assert "order" in response.json()


def test_it_recomputes_the_order_for_a_period_from_the_question_scores(api_client, with_log_scores):
    for score in QuestionScore.objects.select_related("author"):
        bonus = {"ann": 40.0, "ben": 20.0, "cat": 0.0}[score.author.slug]
        score.baseline = bonus + score.brier
        score.peer = bonus - 20.0 if score.author.slug != "cat" else None
        score.save()
    period = {"since": "2024-08-01T00:00:00Z", "until": "2024-10-01T00:00:00Z", "min_n": 1}
    assert ranking(api_client, **period, order="baseline") == [(1, "ann"), (2, "ben"), (3, "cat")]
    body = api_client.get("/api/leaderboard/", {**period, "order": "peer"}).json()
    assert [(r["author_slug"], r["n_peer"], r["peer"]) for r in body["results"]] == [
        ("ann", 2, pytest.approx(20.0)),
        ("ben", 2, pytest.approx(0.0)),
    ]
    ann = body["results"][0]
    assert ann["baseline"] == pytest.approx(40.0 + (0.04 + 0.09) / 2)


def test_it_lists_per_question_scores_with_baseline_and_peer(api_client, with_log_scores):
    QuestionScore.objects.filter(author__slug="ann").update(baseline=12.5, peer=-3.0)
    body = api_client.get("/api/scores/", {"author": "ann", "ordering": "-baseline"}).json()
    assert {(r["baseline"], r["peer"]) for r in body["results"]} == {(12.5, -3.0)}

"""Scores through the API: stored scorecards, per-question scores, leaderboard, calibration."""

from datetime import UTC, datetime

import pytest

from forecasts import scoring
from forecasts.engine import card_totals
from forecasts.engine.score_rows import stored_rows
from forecasts.models import Author, Question, QuestionScore, Scorecard
from tests import builders

pytestmark = pytest.mark.django_db

BRIERS = {"ann": [0.01, 0.04, 0.09, 0.16], "ben": [0.25, 0.25, 0.36, 0.49], "cat": [0.64, 0.81]}


def _totals(author: Author) -> bytes:
    """The stored totals of an author's overall card, from their question scores."""
    rows = stored_rows(QuestionScore.objects.filter(author=author))
    _, _, totals = card_totals.totals_from_rows(rows, None)
    return card_totals.encode_totals(totals)[0]


def _final_yes(author_slug: str) -> list[float]:
    return [1 - b**0.5 for b in BRIERS[author_slug]]


@pytest.fixture
def scored(db):
    """Three authors' stored records, as forecasts.engine.rescoring leaves them."""
    economy = builders.tag("Economy")
    authors = [builders.author(n) for n in ("Ann", "Ben", "Cat")]
    questions = [
        builders.question(
            f"q{i}",
            state=Question.State.RESOLVED,
            opens_at=datetime(2024, 1, 1, tzinfo=UTC),
            closes_at=datetime(2024, 6, 1, tzinfo=UTC),
            resolve_by=datetime(2024, 12, 1, tzinfo=UTC),
            tags=[economy] if i % 2 else [],
        )
        for i in range(4)
    ]
    resolutions = [
        builders.raw_resolution(q, "yes", known_at=datetime(2024, 7 + i, 1, tzinfo=UTC))
        for i, q in enumerate(questions)
    ]
    for author in authors:
        for q, r, b in zip(questions, resolutions, BRIERS[author.slug], strict=False):
            QuestionScore.objects.create(
                author=author,
                question=q,
                resolution=r,
                brier=b,
                brier_final=b,
                log_loss=b * 2,
                relative_brier=b - 0.2,
                final_probability=1 - b**0.5,  # the outcome was yes: brier = (1 - p)²
                resolved_yes=True,
                n_forecasts=1,
                n_days=10,
            )
        values = BRIERS[author.slug]
        mean = sum(values) / len(values)
        Scorecard.objects.create(
            author=author,
            n_scored=len(values),
            brier=mean,
            brier_0_2=2 * mean,
            brier_low=mean - 0.05,
            brier_high=mean + 0.05,
            brier_final=mean,
            skill=1 - mean / 0.25,
            log_loss=2 * mean,
            relative_brier=mean - 0.2,
            n_resolved=len(values),
            totals=_totals(author),
        )
        tagged = values[1::2]
        Scorecard.objects.create(
            author=author,
            tag=economy,
            n_scored=len(tagged),
            brier=sum(tagged) / len(tagged),
            brier_0_2=2 * sum(tagged) / len(tagged),
        )
    return {"authors": authors, "tag": economy}


def test_it_ranks_the_leaderboard_by_brier_among_authors_with_enough_scores(api_client, scored):
    body = api_client.get("/api/leaderboard/", {"min_n": 3}).json()
    assert [(r["rank"], r["author_slug"], r["n_scored"]) for r in body["results"]] == [
        (1, "ann", 4),
        (2, "ben", 4),
    ]
    ann = body["results"][0]
    assert ann["brier"] == pytest.approx(0.075)
    assert ann["brier_0_2"] == pytest.approx(0.15)
    assert ann["skill"] == pytest.approx(0.7)
    assert (ann["brier_low"], ann["brier_high"]) == (pytest.approx(0.025), pytest.approx(0.125))


def test_it_uses_the_configured_minimum_by_default(api_client, scored, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 2
    assert [r["author_slug"] for r in api_client.get("/api/leaderboard/").json()["results"]] == [
        "ann",
        "ben",
        "cat",
    ]


def test_it_ranks_within_a_tag(api_client, scored):
    body = api_client.get("/api/leaderboard/", {"tag": "economy", "min_n": 1}).json()
    assert [(r["author_slug"], r["n_scored"]) for r in body["results"]] == [
        ("ann", 2),
        ("ben", 2),
        ("cat", 1),
    ]


def test_it_recomputes_the_leaderboard_for_a_period(api_client, scored):
    body = api_client.get(
        "/api/leaderboard/",
        {"since": "2024-08-01T00:00:00Z", "until": "2024-10-01T00:00:00Z", "min_n": 1},
    ).json()
    # Only q1 (known 2024-08-01) and q2 (2024-09-01) fall in the window.
    rows = {r["author_slug"]: r for r in body["results"]}
    assert rows["ann"]["n_scored"] == 2
    assert rows["ann"]["brier"] == pytest.approx((0.04 + 0.09) / 2)
    assert rows["cat"]["n_scored"] == 1
    assert rows["cat"]["brier_low"] is None  # one score: no spread to estimate
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]


def test_it_refuses_a_period_that_ends_before_it_starts(api_client, scored):
    response = api_client.get(
        "/api/leaderboard/", {"since": "2024-10-01T00:00:00Z", "until": "2024-08-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert "until" in response.json()


def test_it_answers_404_for_an_unknown_tag_on_the_leaderboard(api_client, scored):
    response = api_client.get("/api/leaderboard/", {"tag": "no-such-tag"})
    assert response.status_code == 404
    message = "No tag has the id or slug “no-such-tag”."
    assert response.json() == {"detail": message, "tag": [message]}


def test_it_shows_an_author_scorecard_overall_and_per_tag(api_client, scored):
    body = api_client.get("/api/authors/ann/scorecard/").json()
    assert body["author_slug"] == "ann"
    assert body["overall"]["n_scored"] == 4
    assert body["overall"]["brier"] == pytest.approx(0.075)
    murphy = scoring.murphy_decomposition(_final_yes("ann"), [True] * 4, n_bins=10)
    assert body["overall"]["murphy"] == pytest.approx(murphy, abs=1e-9)
    assert [(c["tag"], c["n_scored"]) for c in body["by_tag"]] == [("economy", 2)]


def test_it_computes_an_author_scorecard_for_a_period(api_client, scored):
    body = api_client.get("/api/authors/ann/scorecard/", {"since": "2024-08-01T00:00:00Z"}).json()
    assert body["overall"]["n_scored"] == 3
    assert body["overall"]["brier"] == pytest.approx((0.04 + 0.09 + 0.16) / 3)
    assert [(c["tag"], c["n_scored"]) for c in body["by_tag"]] == [("economy", 2)]


def test_it_shows_an_empty_scorecard_for_an_unscored_author(api_client, scored):
    builders.author("New")
    body = api_client.get("/api/authors/new/scorecard/").json()
    assert body["overall"] is None
    assert body["by_tag"] == []


def test_it_shows_the_calibration_table(api_client, scored):
    body = api_client.get("/api/authors/ann/calibration/").json()
    assert body["n_scored"] == 4
    assert len(body["bins"]) == 10
    assert body["bins"][3]["lower"] == 0.3
    table = scoring.calibration_table(_final_yes("ann"), [True] * 4)
    assert [(b["count"], b["n_event"]) for b in body["bins"]] == [
        (b["count"], b["n_event"]) for b in table
    ]
    for got, want in zip(body["bins"], table, strict=True):
        assert got == pytest.approx(dict(want), abs=1e-9)


def test_it_derives_murphy_for_a_page_of_scorecards(api_client, scored):
    body = api_client.get("/api/scorecards/", {"overall": "true"}).json()
    murphy = {c["author_slug"]: c["murphy"] for c in body["results"]}
    for slug in BRIERS:
        n = len(BRIERS[slug])
        expected = scoring.murphy_decomposition(_final_yes(slug), [True] * n, n_bins=10)
        assert murphy[slug] == pytest.approx(expected, abs=1e-9)
    tagged = api_client.get("/api/scorecards/", {"tag": "economy"}).json()["results"]
    assert [c["murphy"] for c in tagged] == [{}, {}, {}]  # written without totals


def test_it_lists_and_filters_scorecards(api_client, scored):
    overall = api_client.get("/api/scorecards/", {"overall": "true", "ordering": "brier"}).json()
    assert [c["author_slug"] for c in overall["results"]] == ["ann", "ben", "cat"]
    assert all(c["tag"] is None for c in overall["results"])
    tagged = api_client.get("/api/scorecards/", {"tag": "economy", "min_n": 2}).json()
    assert [c["author_slug"] for c in tagged["results"]] == ["ann", "ben"]


def test_it_lists_per_question_scores(api_client, scored):
    body = api_client.get("/api/scores/", {"author": "ben", "ordering": "-brier"}).json()
    assert [s["brier"] for s in body["results"]] == [0.49, 0.36, 0.25, 0.25]
    assert body["results"][0]["brier_0_2"] == pytest.approx(0.98)
    assert body["results"][0]["counted"] is True

"""Through the API: claims entered after their outcome, the switch, and complete sources."""

import pytest

from forecasts import ledger
from tests.builders.retrospective import retrospective_world


@pytest.fixture
def world(db):
    return retrospective_world()


def test_the_scorecard_says_how_many_claims_were_entered_late_and_how_many_are_complete(
    api_client, world
):
    ledger.source_mark_complete(source=world.article)
    body = api_client.get("/api/authors/ada/scorecard/").json()
    assert body["recorded_before_outcome"] is False
    assert (body["overall"]["n_scored"], body["overall"]["n_retrospective"]) == (2, 1)
    assert body["overall"]["brier"] == pytest.approx(0.265)
    assert body["n_from_complete_sources"] == 1


def test_the_switch_recomputes_the_scorecard_from_claims_recorded_in_time(api_client, world):
    body = api_client.get("/api/authors/ada/scorecard/", {"recorded_before_outcome": "true"})
    body = body.json()
    assert body["recorded_before_outcome"] is True
    assert (body["overall"]["n_scored"], body["overall"]["n_retrospective"]) == (1, 0)
    assert body["overall"]["brier"] == pytest.approx(0.04)
    assert body["n_from_complete_sources"] == 0


def test_the_switch_applies_to_the_leaderboard_and_both_calibration_tables(api_client, world):
    get = api_client.get
    on = {"recorded_before_outcome": "true", "min_n": 1}
    assert get("/api/leaderboard/", {"min_n": 1}).json()["results"][0]["n_scored"] == 2
    assert get("/api/leaderboard/", on).json()["results"][0]["n_scored"] == 1
    assert get("/api/authors/ada/calibration/").json()["n_scored"] == 2
    binned = get("/api/authors/ada/calibration/", {"recorded_before_outcome": "true"}).json()
    assert (binned["n_scored"], binned["recorded_before_outcome"]) == (1, True)
    assert sum(b["count"] for b in binned["bins"]) == 1
    folded = get(
        "/api/authors/ada/calibration/", {"folded": "true", "recorded_before_outcome": "true"}
    ).json()
    assert folded["n_forecasts"] == 1


def test_it_refuses_a_switch_that_is_not_a_boolean(api_client, world):
    response = api_client.get("/api/authors/ada/scorecard/", {"recorded_before_outcome": "maybe"})
    assert response.status_code == 400
    assert "recorded_before_outcome" in response.json()


def test_a_source_says_whether_it_is_complete_and_what_was_dismissed(api_client, world):
    assert api_client.get("/api/sources/what-next/").json()["is_complete"] is False
    ledger.source_mark_complete(source=world.article)
    body = api_client.get("/api/sources/what-next/").json()
    assert body["is_complete"] is True and body["completed_at"]
    assert body["dismissed"] == {}
    listed = api_client.get("/api/sources/").json()["results"]
    assert [s["is_complete"] for s in listed] == [True]
    assert api_client.get("/api/sources/", {"is_complete": "false"}).json()["results"] == []


def test_completeness_cannot_be_written_through_the_api(client_for, editor, world):
    response = client_for(editor).post(
        "/api/sources/",
        {"title": "Another", "url": "https://example.org/x", "is_complete": True},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["is_complete"] is False

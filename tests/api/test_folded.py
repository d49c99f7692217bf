"""The folded calibration table, sources by URL and a source's scorecards, through the API."""

from datetime import UTC, datetime

import pytest

from forecasts import scoring
from forecasts.engine import rescoring
from tests import builders
from tests.builders.graded_lists import OPENS, VOX_2021, graded_list

URL = "https://www.vox.com/future-perfect/22167877/predicting-biden-coronavirus-transition-vaccines-2021"


@pytest.fixture
def vox(db):
    author = builders.author("Vox Future Perfect", slug="vox")
    source = builders.source(
        author, title="Predictions for 2021", slug="vox-2021", published_on=OPENS.date(), url=URL
    )
    graded_list(author, source, VOX_2021)
    rescoring.rescore_all()
    return author, source


def test_it_gives_the_folded_table_one_row_per_stated_level(api_client, vox):
    body = api_client.get("/api/authors/vox/calibration/", {"folded": "true"}).json()
    assert body["folded"] is True
    assert body["n_forecasts"] == 11
    rows = [(r["level"], r["count"], r["right"], r["wrong"]) for r in body["levels"]]
    assert rows == [
        (0.55, 1, 0, 1),
        (0.6, 1, 0, 1),
        (0.65, 1, 1, 0),
        (0.7, 6, 4, 2),
        (0.8, 2, 1, 1),
    ]
    low, high = scoring.wilson_interval(4, 6)
    assert (body["levels"][3]["wilson_lower"], body["levels"][3]["wilson_upper"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    assert body["right_side"]["count"] == 11
    assert body["right_side"]["share"] == pytest.approx(6 / 11)


def test_it_filters_the_folded_table_by_source_and_period(api_client, vox):
    author, _ = vox
    other = builders.source(author, title="Predictions for 2022", slug="vox-2022")
    graded_list(
        author,
        other,
        [("vfp-2022-01", 0.9, True)],
        opens=datetime(2022, 1, 1, tzinfo=UTC),
        closes=datetime(2022, 12, 31, tzinfo=UTC),
        known=datetime(2023, 1, 10, tzinfo=UTC),
    )
    rescoring.rescore_all()
    get = api_client.get
    assert get("/api/authors/vox/calibration/", {"folded": "true"}).json()["n_forecasts"] == 12
    by_source = get("/api/authors/vox/calibration/", {"folded": "true", "source": other.pk}).json()
    assert (by_source["source_slug"], by_source["n_forecasts"]) == ("vox-2022", 1)
    period = {"folded": "true", "until": "2023-01-01T00:00:00Z"}
    assert get("/api/authors/vox/calibration/", period).json()["n_forecasts"] == 11


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"folded": "maybe"}, "folded"),
        ({"folded": "true", "source": "not a slug!"}, "source"),
        ({"source": "vox-2021"}, "source"),
        ({"since": "2022-01-01T00:00:00Z"}, "since"),
        (
            {"folded": "true", "since": "2022-01-01T00:00:00Z", "until": "2021-01-01T00:00:00Z"},
            "until",
        ),
    ],
)
def test_it_refuses_a_bad_calibration_parameter_naming_it(api_client, vox, params, field):
    response = api_client.get("/api/authors/vox/calibration/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_it_answers_404_for_a_source_that_does_not_exist(api_client, vox):
    params = {"folded": "true", "source": "no-such-source"}
    response = api_client.get("/api/authors/vox/calibration/", params)
    assert response.status_code == 404
    assert "source" in response.json()


def test_the_unfolded_table_is_unchanged(api_client, vox):
    body = api_client.get("/api/authors/vox/calibration/", {"folded": "false"}).json()
    assert len(body["bins"]) == 10
    assert body["bins"][7]["count"] == 6


def test_it_finds_a_source_by_its_url(api_client, vox):
    builders.source(title="Another", url="https://example.com/another")
    body = api_client.get("/api/sources/", {"url": URL}).json()
    assert [s["slug"] for s in body["results"]] == ["vox-2021"]
    assert api_client.get("/api/sources/", {"url": URL + "x"}).json()["results"] == []


def test_it_gives_a_source_scorecard_with_brier_n_interval_and_both_tables(api_client, vox):
    body = api_client.get("/api/sources/vox-2021/scorecard/").json()
    assert (body["slug"], body["title"], body["byline"]) == (
        "vox-2021",
        "Predictions for 2021",
        "vox",
    )
    [card] = body["cards"]
    briers = [(p - o) ** 2 for _, p, o in VOX_2021]
    mean, low, high = scoring.score_interval(briers)
    assert (card["author_slug"], card["n_scored"]) == ("vox", 11)
    assert (card["brier"], card["brier_low"], card["brier_high"]) == pytest.approx(
        (mean, low, high)
    )
    assert card["brier"] == pytest.approx(0.255)
    assert [b["count"] for b in card["calibration"]] == [0, 0, 0, 0, 1, 1, 1, 6, 2, 0]
    assert [(r["level"], r["count"]) for r in card["folded"]][-1] == (0.8, 2)
    assert card["right_side"]["right"] == 6
    assert (card["author_overall"]["n_scored"], card["author_overall"]["brier"]) == (
        11,
        pytest.approx(0.255),
    )


def test_it_reads_a_folded_table_and_a_source_scorecard_in_a_fixed_number_of_queries(
    api_client, vox, django_assert_max_num_queries
):
    # The author or source, the tag or source parameter, and one for the rows (two for cards);
    # here no parameter, and the ETag's validator (forecasts.api.conditional).
    with django_assert_max_num_queries(3):
        assert (
            api_client.get("/api/authors/vox/calibration/", {"folded": "true"}).status_code == 200
        )
    # The source, the rows, the authors, their cards, and the ETag's validator.
    with django_assert_max_num_queries(5):
        assert api_client.get("/api/sources/vox-2021/scorecard/").status_code == 200


def test_it_gives_a_404_for_an_unknown_source_scorecard(api_client, vox):
    assert api_client.get("/api/sources/nope/scorecard/").status_code == 404


def test_the_schema_documents_the_folded_table_the_url_filter_and_the_source_scorecard(
    api_client, db
):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    calibration = paths["/api/authors/{id_or_slug}/calibration/"]["get"]
    assert {"folded", "source", "tag", "since", "until"} <= {
        p["name"] for p in calibration["parameters"]
    }
    assert "url" in {p["name"] for p in paths["/api/sources/"]["get"]["parameters"]}
    assert "200" in paths["/api/sources/{id_or_slug}/scorecard/"]["get"]["responses"]

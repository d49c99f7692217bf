"""The record under other readings of words: author page, leaderboard and about page."""

import re

import pytest

from forecasts.models import Scorecard
from tests.builders.worded import worded_world

pytestmark = pytest.mark.django_db


def figures(html: str, field: str) -> list[str]:
    return re.findall(rf'<data data-field="{field}" value="([^"]*)"', html)


@pytest.fixture
def world(settings):
    settings.RECKON_LEADERBOARD_MIN_N = 1
    return worded_world()


def test_the_author_page_shows_the_headline_under_each_scale(client, world):
    ada = world["authors"]["Ada"]
    card = Scorecard.objects.get(author=ada, tag=None)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert "How much the reading of words matters" in html
    briers = [float(v) for v in figures(html, "words_brier")]
    assert briers == pytest.approx([card.brier, 0.07625, 0.0692, card.brier])
    assert figures(html, "n_affected") == ["0", "1", "1", "0"]
    assert figures(html, "n_fallback") == ["0", "0", "0", "1"]
    assert float(figures(html, "brier_best")[0]) == pytest.approx(0.065)
    assert float(figures(html, "brier_worst")[0]) == pytest.approx(0.14625)
    assert "set by an editor" not in html


def test_the_author_page_says_an_editors_number_was_kept(client, world):
    html = client.get(world["authors"]["Cy"].get_absolute_url()).content.decode()
    assert figures(html, "n_overridden") == ["1"]
    assert "kept as the editor" in html


def test_the_section_is_left_out_of_a_filtered_record(client, world):
    ada = world["authors"]["Ada"]
    html = client.get(f"{ada.get_absolute_url()}?recorded_before_outcome=on").content.decode()
    assert "How much the reading of words matters" not in html


def test_the_leaderboard_shows_who_moves_under_which_scale(
    client, world, django_assert_num_queries
):
    with django_assert_num_queries(6):  # the board's 3, then the stamp, the pairs, the forecasts
        html = client.get("/leaderboard/").content.decode()
    table = html[html.index('data-section="under-scales"') :]
    ada = re.search(r'<tr data-author="ada">(.*?)</tr>', table, re.DOTALL).group(1)
    places = dict(re.findall(r'data-scale="(\w+)" data-places="(-?\d+)"', ada))
    assert places == {"icd203": "0", "kent1964": "1", "ipcc_ar5": "1", "reckon": "0"}
    assert "1 (↑1)" in ada
    bob = re.search(r'<tr data-author="bob">(.*?)</tr>', table, re.DOTALL).group(1)
    assert "2 (↓1)" in bob


def test_a_period_board_has_no_table_of_scales(client, world):
    html = client.get("/leaderboard/?since=2020-01-01").content.decode()
    assert 'data-section="under-scales"' not in html


def test_the_about_page_works_the_example(client):
    html = client.get("/about/scoring/").content.decode()
    assert 'id="words-matter"' in html
    for figure in ("0.098", "0.076", "0.069", "0.065", "0.146"):
        assert figure in html

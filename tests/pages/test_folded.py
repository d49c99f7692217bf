"""The folded calibration table on the author page, and a source's record on the source page."""

import re

import pytest

from forecasts import scoring
from forecasts.engine import rescoring
from tests import builders
from tests.builders.graded_lists import OPENS, SLOAT_2017, VOX_2021, graded_list


@pytest.fixture
def vox(db):
    author = builders.author("Vox Future Perfect", slug="vox")
    source = builders.source(
        author, title="Predictions for 2021", slug="vox-2021", published_on=OPENS.date()
    )
    graded_list(author, source, VOX_2021)
    rescoring.rescore_all()
    return author, source


def _levels(html: str) -> list[tuple[str, str, str, str]]:
    rows = re.findall(r'<tr class="folded-level">(.*?)</tr>', html, re.S)
    cells = [
        re.findall(r'data-field="(?:level|count|right|wrong)" value="([^"]*)"', r) for r in rows
    ]
    return [tuple(c) for c in cells]


def test_the_author_page_shows_the_folded_table_with_the_right_side_share(client, vox):
    html = client.get("/authors/vox/").content.decode()
    assert "Calibration as forecasters publish it" in html
    assert _levels(html) == [
        ("0.55", "1", "0", "1"),
        ("0.6", "1", "0", "1"),
        ("0.65", "1", "1", "0"),
        ("0.7", "6", "4", "2"),
        ("0.8", "2", "1", "1"),
    ]
    assert ">70%</data>" in html
    assert 'data-field="right_side_right" value="6"' in html
    assert 'data-field="right_side_count" value="11"' in html
    assert f'data-field="right_side_share" value="{6 / 11!r}"' in html


def test_the_author_page_prints_a_fifty_percent_level_and_ninety_nine_percent(client, db):
    author = builders.author("Alex Sloat", slug="sloat")
    source = builders.source(author, title="2017 predictions")
    graded_list(author, source, SLOAT_2017)
    rescoring.rescore_all()
    html = client.get("/authors/sloat/").content.decode()
    assert _levels(html)[0] == ("0.5", "1", "0", "1")
    assert ">50%</data>" in html and ">95%</data>" in html and ">99%</data>" in html


def test_the_source_page_shows_its_brier_n_interval_and_tables_beside_the_overall_record(
    client, vox
):
    author, source = vox
    other = builders.source(author, title="Another list", slug="another")
    graded_list(author, other, [("vfp-x-01", 0.9, True)])
    rescoring.rescore_all()
    html = client.get(source.get_absolute_url()).content.decode()
    briers = [(p - o) ** 2 for _, p, o in VOX_2021]
    mean, low, high = scoring.score_interval(briers)
    record = html.split('<tr class="source-record">')[1].split("</tr>")[0]
    shown = dict(re.findall(r'data-field="(\w+)" value="([^"]*)"', record))
    assert shown["n_scored"] == "11"
    assert [float(shown[k]) for k in ("brier", "brier_low", "brier_high")] == pytest.approx(
        [mean, low, high]
    )
    assert ">0.255</data>" in record
    overall = html.split('<tr class="overall-record">')[1].split("</tr>")[0]
    assert 'data-field="overall_n_scored" value="12"' in overall
    assert _levels(html)[-1] == ("0.8", "2", "1", "1")
    assert html.count('<tr class="calibration-bin">') == 5


def test_a_source_without_scored_claims_shows_no_record(client, db):
    source = builders.source(builders.author(), title="Unscored")
    html = client.get(source.get_absolute_url()).content.decode()
    assert "forecasts scored" not in html

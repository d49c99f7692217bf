"""Numeric and date questions on the question page: the range, intervals over time with
the outcome, and each author's stored score, every figure recomputed from
``forecasts.scoring.quantiles``."""

from __future__ import annotations

import html
import re
from datetime import UTC, date

import pytest

from forecasts.models import Question
from forecasts.models.quantity import day_number
from forecasts.scoring import (
    StatedValues,
    normalised,
    point_errors,
    stated_score,
    time_averaged_stated_score,
    unit_scale,
)
from tests.builders.ledger import author
from tests.builders.quantity_pages import quantity_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    pundits = [author("Ada Numbers"), author("Ben Point"), author("Cy Wide")]
    return {"authors": pundits, **quantity_questions(pundits)}


def _rows(page: str) -> dict[str, str]:
    """Each score row of the page by author slug."""
    return dict(re.findall(r'<tr class="score" data-author="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))


def _figures(row: str) -> dict[str, float]:
    return {
        field: float(value)
        for field, value in re.findall(r'<data data-field="([^"]+)" value="([^"]+)">', row)
    }


def _stated(f) -> StatedValues:
    return StatedValues(
        point=f.value,
        lower=f.value_low,
        upper=f.value_high,
        coverage=f.coverage,
        quantiles=tuple((q.level, q.value) for q in f.quantiles.order_by("level")),
    )


def _expected(question: Question, author_id: int) -> dict[str, float]:
    """What the page must show for one author, from the ledger and the pure functions."""
    y = question.resolutions.get(is_current=True).value
    own = question.forecasts.filter(author_id=author_id).order_by("stated_at")
    stated = [(f.stated_at, _stated(f)) for f in own]
    opens = question.opens_at.astimezone(UTC).date()
    out: dict[str, float] = {}
    last = stated[-1][1]
    if last.as_quantiles() is not None:
        scale = (question.range_low, question.range_high, question.log_scale)
        out["wis"] = time_averaged_stated_score(stated, opens, question.closes_at, y)
        out["wis_final"] = stated_score(last, y)
        out["normalised"] = time_averaged_stated_score(
            [(t, normalised(s, *scale)) for t, s in stated],
            opens,
            question.closes_at,
            unit_scale(y, *scale),
        )
    point = last.point if last.point is not None else dict(last.quantiles).get(0.5)
    if point is not None:
        out["abs_error"], rel = point_errors(point, y)
        if question.kind == Question.Kind.NUMERIC and rel is not None:
            out["rel_error"] = rel
    return out


@pytest.mark.parametrize("slug", ["inflation", "troops", "ceasefire"])
def test_every_score_shown_is_recomputed_from_the_pure_functions(client, world, slug):
    question = world[slug]
    page = client.get(question.get_absolute_url()).content.decode()
    rows = _rows(page)
    assert set(rows) == {
        a.slug for a in world["authors"] if question.forecasts.filter(author=a).exists()
    }
    for who in world["authors"]:
        if who.slug not in rows:
            continue
        shown = _figures(rows[who.slug])
        expected = _expected(question, who.pk)
        assert shown.keys() == expected.keys(), who.name
        for field, value in expected.items():
            assert shown[field] == pytest.approx(value, rel=1e-12, abs=1e-12), (who.name, field)


def test_a_point_alone_is_said_to_carry_no_probability_and_keeps_its_errors(client, world):
    page = client.get(world["inflation"].get_absolute_url()).content.decode()
    ben = _rows(page)[world["authors"][1].slug]
    assert "A point alone carries no probability to score." in ben
    assert "about 3%" in ben
    assert re.search(r'data-field="abs_error" value="0\.29+\d*">0\.3%</data>', ben)
    assert 'data-field="wis"' not in ben


def test_forecasts_read_as_people_state_them(client, world):
    page = html.unescape(client.get(world["inflation"].get_absolute_url()).content.decode())
    assert "2%–3% (80%)" in page
    assert "1.8%–3.4% (90%), median 2.6%" in page
    assert "3.5%–4.5% (90%), about 4%" in page
    troops = html.unescape(client.get(world["troops"].get_absolute_url()).content.decode())
    assert "70,000–90,000 troops (70%)" in troops
    assert "78,000 troops" in troops


def test_the_range_says_which_ends_are_closed_and_the_scale(client, world):
    page = html.unescape(client.get(world["inflation"].get_absolute_url()).content.decode())
    assert "Range from 0% (closed: a value below it resolves to 0%)" in page
    assert "to 10% (open: the outcome may lie beyond it)" in page
    troops = html.unescape(client.get(world["troops"].get_absolute_url()).content.decode())
    assert "On a log scale" in troops


def test_a_date_question_shows_dates_and_the_clamped_outcome(client, world):
    page = html.unescape(client.get(world["ceasefire"].get_absolute_url()).content.decode())
    assert "1 Apr 2025 to 30 Sep 2025 (80%)" in page
    assert "about 9 May 2025" in page
    assert '<span data-field="outcome">31 Dec 2025</span>' in page
    assert (
        "Reported as 1 Feb 2026, beyond the closed end of the range: scored as 31 Dec 2025." in page
    )
    errors = _figures(_rows(page)[world["authors"][1].slug])
    expected = day_number(date(2025, 12, 31)) - day_number(date(2025, 5, 9))
    assert errors["abs_error"] == expected
    assert f">{expected:.0f} days</data>" in page


def _chart(page: str) -> str:
    wide = re.search(r'<div class="chart-wide">(<svg.*?</svg>)\s*</div>', page, re.S)
    assert wide, "no chart"
    return wide.group(1)


def test_the_chart_draws_each_authors_intervals_and_the_outcome(client, world):
    svg = _chart(client.get(world["inflation"].get_absolute_url()).content.decode())
    groups = re.findall(r'data-series="([\w-]+)"', svg)
    # Ada and Cy: a band and a line each; Ben's point alone: a line only; the outcome.
    assert sorted(groups) == sorted(
        ["author-0"] * 2 + ["author-1"] + ["author-2"] * 2 + ["outcome"]
    )
    assert 'role="img"' in svg and "The forecasts are listed in the table below." in svg


def test_the_date_chart_has_dates_up_and_the_log_chart_plain_numbers(client, world):
    dates = _chart(client.get(world["ceasefire"].get_absolute_url()).content.decode())
    ticks = re.findall(r"<text[^>]*>([^<]+)</text>", dates)
    months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    assert any(re.fullmatch(rf"({months}) 2025", t) for t in ticks), ticks
    log = _chart(client.get(world["troops"].get_absolute_url()).content.decode())
    assert "logarithmic" in log
    ticks = re.findall(r"<text[^>]*>([^<]+)</text>", log)
    assert len([t for t in ticks if re.fullmatch(r"\d{2,3},000", t)]) >= 3, ticks


def test_the_author_page_keeps_the_numeric_record_apart_with_n_and_interval(client, world):
    from forecasts.models import QuantityRecord, QuantityScore
    from forecasts.scoring import mean_with_t_interval

    ada = world["authors"][0]
    page = client.get(ada.get_absolute_url()).content.decode()
    section = page[page.index('id="numeric-h"') : page.index('id="resolved-h"')]
    counted = list(
        QuantityScore.objects.filter(author=ada).counted().values_list("normalised", flat=True)
    )
    mean, low, high = mean_with_t_interval(counted)
    shown = _figures(section)
    assert shown["quantity_mean"] == pytest.approx(mean, rel=1e-12)
    assert shown["quantity_low"] == pytest.approx(low, rel=1e-12)
    assert shown["quantity_high"] == pytest.approx(high, rel=1e-12)
    assert f'<dd data-field="quantity_n">{len(counted)}</dd>' in section
    record = QuantityRecord.objects.get(author=ada, tag=None)
    assert record.n_scored == len(counted) == 3
    # Each question is listed once, with its stored normalised score, none as awaiting a Brier.
    for slug in ("inflation", "troops", "ceasefire"):
        assert f'data-question="{world[slug].slug}"' in section
        assert page.count(f'data-question="{world[slug].slug}"') == 1
    assert "resolved but not scored yet" not in page


def test_the_author_page_counts_points_only_and_shows_their_errors(client, world):
    ben = world["authors"][1]
    page = html.unescape(client.get(ben.get_absolute_url()).content.decode())
    assert '<dd data-field="quantity_n">0</dd>' in page
    assert "nothing to average yet" in page
    assert '<dd data-field="quantity_points">2 ' in page
    assert "about 3%" in page and "about 9 May 2025" in page


def test_numeric_pages_read_as_often_whatever_the_number_of_forecasts(
    client, world, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.builders.quantity_pages import store_quantity_scores, value_forecast

    question, ada = world["inflation"], world["authors"][0]
    paths = [question.get_absolute_url(), ada.get_absolute_url()]
    counts = []
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as seen:
            assert client.get(path).status_code == 200
        counts.append(len(seen))
    for i in range(6):  # more authors, with quantiles, intervals and points
        extra = author(f"Extra {i}")
        value_forecast(
            question, extra, stated_at=question.opens_at,
            quantiles=[(0.1, 1.0 + i / 10), (0.5, 2.0 + i / 10), (0.9, 3.0 + i / 10)],
        )  # fmt: skip
        value_forecast(question, extra, stated_at=question.opens_at.replace(day=9), value=2.5)
        value_forecast(question, ada, stated_at=question.opens_at.replace(day=21 + i), low=2.0,
                       high=3.0 + i / 10, coverage=0.5)  # fmt: skip
    store_quantity_scores(question)
    for path, n in zip(paths, counts, strict=True):
        cache.clear()
        with django_assert_num_queries(n):
            assert client.get(path).status_code == 200


def test_an_authors_feed_gives_numeric_claims_and_value_outcomes_in_their_terms(client, world):
    from tests.pages.test_follow import rss_items

    ada = world["authors"][0]
    titles = {i["title"] for i in rss_items(client, f"/authors/{ada.slug}/feed/")}
    assert "Ada Numbers: 2%–3% (80%) on What will inflation be in May 2025?" in titles
    assert "What will inflation be in May 2025? resolved 2.7%" in titles
    assert "When will the ceasefire be signed? resolved 31 Dec 2025" in titles

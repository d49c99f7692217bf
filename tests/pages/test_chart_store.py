"""Charts are drawn once per change of their data and kept on disk, so a Redis outage
never means drawing them again (forecasts.pages.chart_store)."""

import logging
import os
import time

import pytest
from django.core.cache import cache

from forecasts.pages import chart_store, charts, drawings
from tests.builders.pages_world import build_world, store_scores

ROWS = [
    {"name": "1. Steady Sam", "brier": 0.12, "brier_low": 0.08, "brier_high": 0.16},
    {"name": "2. Lucky Lou", "brier": 0.21, "brier_low": 0.15, "brier_high": 0.27},
]


@pytest.fixture
def drawn(monkeypatch):
    """Counts the forest plots matplotlib draws (each chart is drawn at two widths)."""
    cache.clear()  # nothing drawn by an earlier run or test
    calls = []
    forest = drawings.forest

    def counting(*args, **kwargs):
        calls.append(kwargs["width"])
        return forest(*args, **kwargs)

    monkeypatch.setattr(drawings, "forest", counting)
    return calls


def test_a_chart_is_drawn_once_and_then_read_from_the_store_without_the_cache(drawn):
    first = charts.leaderboard_chart(ROWS)
    assert len(drawn) == 2
    cache.clear()  # as after a Redis outage or restart: only the store has it
    again = charts.leaderboard_chart(ROWS)
    assert len(drawn) == 2
    assert again == first
    assert "<svg" in again.wide and "<svg" in again.narrow


def test_other_data_is_another_drawing(drawn):
    first = charts.leaderboard_chart(ROWS)
    second = charts.leaderboard_chart([dict(ROWS[0], brier=0.13), ROWS[1]])
    assert len(drawn) == 4
    assert second.wide != first.wide


def test_a_drawing_in_the_shared_cache_is_copied_into_an_empty_store(drawn, settings, tmp_path):
    charts.leaderboard_chart(ROWS)
    settings.RECKON_CHART_DIR = tmp_path / "another-host"
    charts.leaderboard_chart(ROWS)
    assert len(drawn) == 2
    assert len(list((tmp_path / "another-host").glob("*/*.json"))) == 1


def test_an_unwritable_store_costs_a_drawing_and_one_warning_never_the_chart(
    drawn, settings, tmp_path, caplog, monkeypatch
):
    monkeypatch.setitem(chart_store._state, "warned", False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.RECKON_CHART_DIR = blocker / "charts"
    with caplog.at_level(logging.WARNING, logger="forecasts.pages.chart_store"):
        chart = charts.leaderboard_chart(ROWS)
        cache.clear()
        charts.leaderboard_chart(ROWS)
    assert "<svg" in chart.wide
    assert len(drawn) == 4
    warnings = [r for r in caplog.records if r.name == "forecasts.pages.chart_store"]
    assert len(warnings) == 1
    assert "charts are drawn again instead" in warnings[0].getMessage()


def test_a_damaged_file_is_drawn_again_and_replaced(drawn, settings):
    charts.leaderboard_chart(ROWS)
    (stored,) = settings.RECKON_CHART_DIR.glob("*/*.json")
    stored.write_text("{half a drawi")
    cache.clear()
    chart = charts.leaderboard_chart(ROWS)
    assert len(drawn) == 4
    assert "<svg" in chart.wide
    assert chart_store.read(stored.stem) is not None


def test_the_sweep_removes_drawings_not_written_for_a_month(settings):
    charts.leaderboard_chart(ROWS)
    charts.leaderboard_chart(ROWS[:1])
    old, recent = sorted(settings.RECKON_CHART_DIR.glob("*/*.json"))
    month_ago = time.time() - (chart_store.KEEP_DAYS + 1) * 24 * 3600
    os.utime(old, (month_ago, month_ago))
    assert chart_store.sweep() == 1
    assert not old.exists() and recent.exists()


@pytest.mark.django_db
def test_pages_with_charts_draw_nothing_again_when_the_cache_is_gone(client, monkeypatch):
    cache.clear()
    world = build_world(n_authors=3, n_questions=6, n_open=1)
    store_scores(world)
    urls = [
        "/leaderboard/",
        world.authors[0].get_absolute_url(),
        world.questions[0].get_absolute_url(),
    ]
    first = [client.get(url).content for url in urls]
    stored = len(list(chart_store.Path(chart_store.settings.RECKON_CHART_DIR).glob("*/*.json")))
    assert stored >= 4  # the board, the author's calibration, folded and over-time, a timeline
    cache.clear()

    def refuse(*args, **kwargs):
        raise AssertionError("drawn again")

    for name in ("forest", "calibration", "over_time", "timeline"):
        monkeypatch.setattr(drawings, name, refuse)
    assert [client.get(url).content for url in urls] == first

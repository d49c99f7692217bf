"""The charts and pages on a ledger that strains them, in headless Chromium at 1280 and 390 px.

The ledger (tests/builders/chart_world.py): 43 ranked authors, one with 110
resolved forecasts, a question with 16 authors. At each width, on the
leaderboard, the prolific author's page and the crowded question's page:

* no two texts of a chart overlap (their boxes meet by more than half a pixel);
* no chart text is under 11 CSS px as shown;
* every pair of series differs in colour by CIEDE2000 at least ``NORMAL`` for
  normal vision and ``DEFICIENT`` under simulated protanopia, deuteranopia and
  tritanopia, or else in both dash pattern and marker shape;
* every ranked author is in the leaderboard chart, the worst as well.

Then every main page passes axe-core with no serious or critical violation at
both widths, its tables scroll inside their box at 390 px, and keyboard focus
is drawn. Screenshots of each go to artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.builders.chart_world import build_chart_world
from tests.builders.quantity_pages import crowded_numeric, quantity_questions
from tests.pages import chromium
from tests.pages.colours import VISIONS, difference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
NORMAL, DEFICIENT = 20.0, 10.0  # CIEDE2000; about 2 is just noticeable side by side
SMALLEST = 11.0  # CSS px


@pytest.fixture
def strained(transactional_db, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 5
    world = build_chart_world(min_n=5)
    names = [world.prolific.name, *(a.name for a in world.ranked)]
    quantities = quantity_questions(world.ranked[:3])
    crowded = crowded_numeric(world.ranked[:16])
    return {
        "names": names,
        "pages": {
            "leaderboard": "/leaderboard/",
            "author": world.prolific.get_absolute_url(),
            "question": world.crowded.get_absolute_url(),
            "numeric": crowded.get_absolute_url(),
            "date": quantities["ceasefire"].get_absolute_url(),
        },
    }


def test_charts_keep_their_text_apart_legible_distinct_and_whole(live_server, strained, browser):
    problems: list[str] = []
    seen_charts = 0
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name, path in strained["pages"].items():
            page.goto(live_server.url + path)
            charts = page.evaluate(chromium.CHARTS)
            assert charts, f"{name} @{width}: no chart shown"
            seen_charts += len(charts)
            for chart in charts:
                where = f"{name} @{width}px, {chart['label'][:40]!r}"
                problems += [f"{where}: {p}" for p in _overlaps(chart["texts"])]
                problems += [
                    f"{where}: {t['text']!r} at {t['size']:.1f}px"
                    for t in chart["texts"]
                    if t["size"] < SMALLEST
                ]
                problems += [f"{where}: {p}" for p in _alike(chart["series"])]
            if name == "leaderboard":
                (board,) = charts
                texts = [t["text"] for t in board["texts"]]
                for who in strained["names"]:
                    if not any(re.fullmatch(rf"\d+\. {re.escape(who)}.*", t) for t in texts):
                        problems.append(f"leaderboard @{width}px: {who} not in the chart")
            page.screenshot(path=chromium.SHOTS / f"strained-{name}-{width}.png", full_page=True)
        page.close()
    assert problems == []
    assert seen_charts >= 2 * 6  # leaderboard, calibration, folded, over time, timeline,
    # and the intervals of a numeric and of a date question


def _overlaps(texts: list[dict]) -> list[str]:
    out = []
    for a, b in itertools.combinations(texts, 2):
        w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
        h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
        if w > 0.5 and h > 0.5:
            out.append(f"{a['text']!r} overlaps {b['text']!r}")
    return out


def _alike(series: list[dict]) -> list[str]:
    """Pairs of differently named series a reader could mistake for each other."""
    looks = {s["name"]: s for s in series}  # repeated groups of one series look the same
    out = []
    for a, b in itertools.combinations(looks.values(), 2):
        apart = all(
            difference(a["colour"], b["colour"], v) >= (NORMAL if v == "normal" else DEFICIENT)
            for v in VISIONS
        )
        if not apart and (a["dash"] == b["dash"] or a["marker"] == b["marker"]):
            out.append(f"{a['name']} and {b['name']} look alike ({a} vs {b})")
    return out


def test_main_pages_pass_axe_scroll_their_tables_and_show_focus(live_server, strained, browser):
    axe = chromium.axe_source()
    paths = {
        "home": "/",
        **strained["pages"],
        "questions": "/questions/",
        "sources": "/sources/",
        "topics": "/topics/",
        "about-scoring": "/about/scoring/",
    }
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        for name, path in paths.items():
            page.goto(live_server.url + path)
            page.evaluate(axe)
            found = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                " first: v.nodes[0].target.join(' ')}))"
            )
            problems += [
                f"{name} @{width}px axe {v['id']} ({v['impact']}, {v['n']}×, e.g. {v['first']})"
                for v in found
                if v["impact"] in ("serious", "critical")
            ]
            if width == 390:
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > 390:
                    problems.append(f"{name} @390px: the page is {wide}px wide")
                problems += [
                    f"{name} @390px: table {t!r} sticks out"
                    for t in page.evaluate(chromium.OVERFLOWING_TABLES)
                ]
            else:
                problems += _unfocused(page, name)
            page.screenshot(path=chromium.SHOTS / f"page-{name}-{width}.png", full_page=True)
        context.close()
    assert problems == []


def _unfocused(page, name: str) -> list[str]:
    """Tab through the first controls: each must be on screen with a visible outline."""
    page.locator("body").focus()
    out = []
    for _ in range(6):
        page.keyboard.press("Tab")
        f = page.evaluate(chromium.FOCUSED)
        if f["tag"] == "BODY":
            break
        if f["outline"] == "none" or f["width"] < 2 or not f["shown"]:
            out.append(f"{name}: focus on {f['tag']} {f['text']!r} is not visible ({f})")
    return out

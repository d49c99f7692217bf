"""The public pages in a real headless Chromium: follow links, read charts, filter, look.

Screenshots land in artifacts/screenshots/ (gitignored) for people to inspect.
"""

import re

import pytest

from forecasts.models import Scorecard
from forecasts.standings.scorecards import binned_figures
from tests.builders.pages_world import build_world, store_scores
from tests.pages import chromium

# Playwright's sync API runs an event loop in this thread, where Django refuses
# ORM calls: every query is made in fixtures that run before the browser starts
# (and the live server answers from its own threads).

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = chromium.SHOTS


@pytest.fixture
def world(transactional_db):
    w = build_world(n_authors=4, n_questions=12, n_open=2, seed=11)
    store_scores(w)
    return w


@pytest.fixture
def cards(world):
    """The stored scorecards the pages should show, read before the browser starts."""
    author = world.authors[0]
    return (
        Scorecard.objects.get(author=author, tag=None),
        Scorecard.objects.get(author=author, tag=world.tags[1]),
    )


def test_it_follows_an_author_reads_the_calibration_chart_and_filters_by_tag(
    live_server, world, cards, browser
):
    author = world.authors[0]
    overall, by_tag = cards
    filled = sum(1 for b in binned_figures([overall])[0].calibration if b["count"])

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Who said what")
    page.screenshot(path=SHOTS / "home.png", full_page=True)

    page.locator("#newest-h ~ ul a", has_text=author.name).first.click()
    page.wait_for_url(re.compile(rf"/authors/{author.slug}/$"))
    chart = page.locator('.chart-wide svg[aria-label^="Calibration chart"]')
    assert chart.get_attribute("role") == "img"
    assert chart.locator('g[data-series="observed"] > path').count() == filled
    assert page.locator("tr.calibration-bin").count() == filled
    assert page.locator('[data-field="n_scored"]').first.inner_text() == str(overall.n_scored)
    page.screenshot(path=SHOTS / "author.png", full_page=True)

    page.select_option("#id_tag", world.tags[1].slug)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"tag={world.tags[1].slug}"))
    assert page.locator('[data-field="n_scored"]').first.inner_text() == str(by_tag.n_scored)
    assert page.locator('[data-field="brier"]').first.get_attribute("value") == repr(by_tag.brier)
    page.screenshot(path=SHOTS / "author-filtered.png", full_page=True)

    page.locator("tr.claim th a").first.click()
    page.wait_for_url(re.compile(r"/questions/[\w-]+/$"))
    timeline = page.locator('.chart-wide svg[aria-label*="forecasts over time"]')
    assert timeline.count() == 1
    assert page.locator("tr.forecast").count() >= len(world.authors)
    page.screenshot(path=SHOTS / "question.png", full_page=True)


def test_it_reads_on_a_phone_and_by_keyboard(live_server, world, browser):
    author = world.authors[0]
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(live_server.url + author.get_absolute_url())
    # Nothing wider than the screen: tables stack or scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert skip.bounding_box()["y"] >= 0  # visible once focused
    page.screenshot(path=SHOTS / "author-phone.png")
    _shot_from(page, "#calibration-h", "author-phone-calibration.png")
    _shot_from(page, "#resolved-h", "author-phone-claims.png")
    page.goto(live_server.url + "/leaderboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SHOTS / "leaderboard-phone.png")
    _shot_from(page, "#ranked-h", "leaderboard-phone-table.png")
    page.goto(live_server.url + world.questions[0].get_absolute_url())
    _shot_from(page, "#timeline-h", "question-phone.png")


def _shot_from(page, selector: str, name: str, height: int = 1400) -> None:
    """A screenshot of the page from one heading down, at phone width."""
    top = page.locator(selector).bounding_box()["y"] + page.evaluate("window.scrollY")
    width = page.viewport_size["width"]
    page.screenshot(
        path=SHOTS / name, full_page=True, clip={"x": 0, "y": top, "width": width, "height": height}
    )


def test_it_renders_every_page_and_the_api_docs_with_no_policy_violation(
    live_server, world, browser
):
    """Chromium enforces the Content-Security-Policy: nothing on these pages is blocked."""
    pages = [
        "/",
        "/leaderboard/",
        world.authors[0].get_absolute_url(),
        world.questions[0].get_absolute_url(),
        "/admin/login/",
        "/api/docs/",
        "/api/redoc/",
    ]
    blocked: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and blocked.append(f"{page.url}: {m.text}"),
    )
    for path in pages:
        page.goto(live_server.url + path)
        if path == "/api/docs/":
            page.locator(".opblock").first.wait_for()
            assert page.locator(".opblock").count() >= 30
            page.get_by_role("button", name=re.compile("Authorize")).click()
            box = page.locator(".auth-container", has_text="tokenAuth")
            assert "Token <key>" in box.inner_text()
        elif path == "/api/redoc/":
            page.locator("h2", has_text="Get an API token").first.wait_for()
        else:
            page.wait_for_load_state("load")
        page.screenshot(path=SHOTS / f"csp{path.replace('/', '-')}.png")
    # Redoc's sidebar shows a logo from cdn.redoc.ly; the policy blocks it and
    # Redoc hides the image. Nothing else may be blocked.
    assert [b for b in blocked if "cdn.redoc.ly" not in b] == []

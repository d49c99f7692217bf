"""Fixtures of the page tests: a headless Chromium for the browser tests."""

import pytest
from django.db import connections

from tests.pages import chromium


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright (nothing downloads a browser)."""
    from playwright.sync_api import sync_playwright

    chromium.SHOTS.mkdir(parents=True, exist_ok=True)
    # Request threads of the live server must not keep connections open past
    # the test, or the test database cannot be dropped afterwards.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.CHROMIUM, args=chromium.ARGS)
        yield browser
        browser.close()

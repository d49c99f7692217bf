"""The Content-Security-Policy on every page, and pages written so it blocks nothing.

A browser enforces the policy; here we check what it would enforce against:
every page sends the policy, no inline script or style runs without the
response's nonce, and no element carries a ``style`` attribute (which a policy
without 'unsafe-inline' blocks). tests/pages/test_browser.py loads the same
pages in Chromium and listens for violations.
"""

import re

import pytest

from tests import builders
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(n_authors=3, n_questions=4, n_open=1)
    store_scores(w)
    return w


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def public_pages(world) -> list[str]:
    return [
        "/",
        "/leaderboard/",
        "/questions/",
        world.questions[0].get_absolute_url(),
        world.authors[0].get_absolute_url(),
        "/sources/",
        "/topics/",
        "/about/scoring/",
        "/search/?q=question",
        f"/authors/{world.authors[0].slug}/badge.svg",
        "/feed/resolved/atom/",
    ]


def test_it_sends_a_strict_policy_with_every_page(client, world):
    for path in [*public_pages(world), "/admin/login/", "/api/docs/", "/api/questions/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        rules = policy(response)
        assert rules["default-src"] == ["'self'"], path
        assert rules["object-src"] == ["'none'"], path
        assert rules["frame-ancestors"] == ["'none'"], path
        assert "'unsafe-inline'" not in rules["script-src"], path
        assert "'unsafe-inline'" not in rules["style-src"], path
        assert not any(s.startswith(("http:", "https:", "*")) for s in rules["script-src"]), path


def test_it_nonces_every_inline_script_and_style_and_uses_no_style_attributes(client, world):
    for path in [*public_pages(world), "/admin/login/", "/api/docs/"]:
        response = client.get(path)
        html = response.content.decode()
        nonces = {v[len("'nonce-") : -1] for v in policy(response)["style-src"] if "nonce" in v}
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            if tag.startswith("<script") and " src=" in tag:
                continue
            found = re.search(r'nonce="([^"]+)"', tag)
            assert found and found.group(1) in nonces, f"{path}: {tag}"
        assert re.findall(r"<[^>]+\sstyle=", html) == [], path


def test_it_draws_charts_that_the_policy_lets_through(client, world):
    """Charts need no nonce: no <style>, no <script>, no style attribute, ids of their own."""
    html = client.get(world.authors[0].get_absolute_url()).content.decode()
    charts = re.findall(r'<svg role="img".*?</svg>', html, re.S)
    assert len(charts) >= 4  # calibration and Brier over time, each at two widths
    for svg in charts:
        assert "<style" not in svg and "<script" not in svg and " style=" not in svg
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', "".join(charts)):
        assert ref in ids


def test_it_serves_the_swagger_page_with_no_inline_script(client, db):
    page = client.get("/api/docs/")
    html = page.content.decode()
    (script_url,) = re.findall(r'<script src="(/api/docs/\?[^"]*)"', html)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_it_lets_redoc_write_its_own_styles_but_no_inline_script(client, db):
    response = client.get("/api/redoc/")
    rules = policy(response)
    assert rules["style-src"] == ["'self'", "'unsafe-inline'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["worker-src"] == ["'self'", "blob:"]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert "fonts.googleapis.com" not in html


def test_it_keeps_the_policy_on_the_admin_once_signed_in(client, db):
    client.force_login(builders.editor())
    response = client.get("/admin/forecasts/question/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy(response)["script-src"]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)(?![^>]*nonce=)[^>]*>", html) == []

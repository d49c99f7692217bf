"""Following and embedding: RSS/Atom feeds and the author's SVG badge."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from forecasts.models import Scorecard
from tests.builders.ledger import author
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    w = build_world(n_authors=3, n_questions=4, n_open=1)
    store_scores(w)
    return w


def rss_items(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return [{c.tag: c.text for c in item} for item in channel.findall("item")]


def atom_entries(client, url) -> list[dict]:
    response = client.get(url)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [{c.tag.removeprefix(ATOM): c.text for c in e} for e in root.findall(f"{ATOM}entry")]


def test_the_resolved_feed_lists_the_newest_outcomes_first(client, world):
    items = rss_items(client, "/feed/resolved/")
    assert len(items) == 4
    assert items[0]["title"].startswith("Question 3? resolved ")
    assert items[0]["link"].endswith("/questions/question-3/")
    assert [i["guid"] for i in items] == sorted((i["guid"] for i in items), reverse=True)
    assert len(atom_entries(client, "/feed/resolved/atom/")) == 4


def test_the_resolved_feed_leaves_synthetic_questions_out(client, world):
    world.questions[0].__class__.objects.filter(pk=world.questions[3].pk).update(is_synthetic=True)
    titles = [i["title"] for i in rss_items(client, "/feed/resolved/")]
    assert not any(t.startswith("Question 3?") for t in titles)


def test_an_authors_feed_has_their_claims_and_the_outcomes(client, world):
    pundit = world.authors[0]
    items = rss_items(client, f"/authors/{pundit.slug}/feed/")
    claims = [i for i in items if i["guid"].startswith("forecast-")]
    outcomes = [i for i in items if i["guid"].startswith("resolution-")]
    assert len(outcomes) == 4
    assert len(claims) == pundit.forecasts.count()
    assert all(c["title"].startswith("Author 0: ") for c in claims)
    entries = atom_entries(client, f"/authors/{pundit.slug}/feed/atom/")
    assert len(entries) == len(items)


def test_a_topics_feed_has_only_its_questions(client, world):
    tag = world.tags[0]
    items = rss_items(client, f"/topics/{tag.slug}/feed/")
    tagged = {f"/questions/{q.slug}/" for q in world.questions if tag in q.tags.all()}
    assert items and {re.sub(r"^https?://[^/]+", "", i["link"]) for i in items} <= tagged


def test_an_unknown_author_or_topic_has_no_feed(client, world):
    assert client.get("/authors/nobody/feed/").status_code == 404
    assert client.get("/topics/nothing/feed/atom/").status_code == 404


def test_pages_with_a_feed_announce_it(client, world):
    pundit, tag = world.authors[0], world.tags[0]
    html = client.get(pundit.get_absolute_url()).content.decode()
    title = "Author 0: new claims and outcomes (Atom)"
    atom = f"/authors/{pundit.slug}/feed/atom/"
    assert f'rel="alternate" type="application/atom+xml" title="{title}" href="{atom}"' in html
    html = client.get(f"/questions/?tag={tag.slug}").content.decode()
    assert f'href="/topics/{tag.slug}/feed/"' in html
    assert 'href="/feed/resolved/atom/"' in client.get("/").content.decode()


def test_the_badge_is_an_svg_with_the_headline_n_and_a_link_back(client, world):
    pundit = world.authors[0]
    card = Scorecard.objects.get(author=pundit, tag=None)
    response = client.get(f"/authors/{pundit.slug}/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    svg = response.content.decode()
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert f"Brier {card.brier:.3f} · N {card.n_scored}" in svg
    assert f'href="http://testserver/authors/{pundit.slug}/"' in svg


def test_the_badge_runs_no_script_and_escapes_the_name(client, db):
    evil = author('<script>alert(1)</script> & "Co"', slug="evil")
    svg = client.get(f"/authors/{evil.slug}/badge.svg").content.decode()
    ElementTree.fromstring(svg)  # well-formed despite the name
    assert "<script" not in svg.lower()
    assert not re.search(r"\son\w+=", svg)
    assert "&lt;script&gt;" in svg
    assert "not scored yet" in svg


def test_the_badge_answers_a_matching_etag_with_304(client, world):
    url = f"/authors/{world.authors[1].slug}/badge.svg"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_badge_is_drawn_afresh_after_a_rescoring(client, world):
    pundit = world.authors[0]
    url = f"/authors/{pundit.slug}/badge.svg"
    before = client.get(url)
    Scorecard.objects.filter(author=pundit, tag=None).update(brier=0.0123)
    assert client.get(url).content == before.content  # cached: same card stamp
    card = Scorecard.objects.get(author=pundit, tag=None)
    card.computed_at = card.computed_at.replace(year=card.computed_at.year + 1)
    card.save(update_fields=["computed_at"])
    after = client.get(url)
    assert "Brier 0.012" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_the_badge_is_served_while_redis_is_down(client, world, redis_down):
    response = client.get(f"/authors/{world.authors[0].slug}/badge.svg")
    assert response.status_code == 200
    assert b"Brier " in response.content

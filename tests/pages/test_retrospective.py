"""On the pages: claims entered after their outcome, the switch, and complete sources."""

import pytest
from django.urls import reverse

from forecasts import ledger
from tests.builders.retrospective import retrospective_world


@pytest.fixture
def world(db):
    return retrospective_world()


def _page(client, *args, **query):
    return client.get(reverse("author-detail", args=["ada"]), query).content.decode()


def test_the_scorecard_says_how_many_scored_claims_were_entered_late(client, world):
    page = _page(client)
    assert 'data-field="n_retrospective" value="1"' in page
    assert "entered after the outcome was known" in page
    assert 'data-field="n_from_complete_sources" value="0"' in page
    assert "?recorded_before_outcome=on" in page  # the switch, as a link


def test_the_switch_shows_only_claims_recorded_before_the_outcome(client, world):
    page = _page(client, recorded_before_outcome="on")
    assert 'data-field="n_scored" value="1"' in page
    assert "only claims recorded before the outcome was known" in page
    assert world.late.title not in page.split('id="excluded-h"')[0]  # not among the scored
    assert "Count every claim again" in page


def test_a_source_page_says_whether_the_source_is_complete(client, world):
    url = reverse("source-detail", kwargs={"slug": "what-next"})
    assert "Not marked complete" in client.get(url).content.decode()
    ledger.source_mark_complete(source=world.article)
    page = client.get(url).content.decode()
    assert "<strong>Complete:</strong>" in page


def test_the_leaderboard_counts_late_entries_and_switches_them_off(client, world, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 1
    page = client.get(reverse("leaderboard")).content.decode()
    assert 'data-field="n_retrospective" value="1"' in page
    switched = client.get(reverse("leaderboard"), {"recorded_before_outcome": "on"})
    assert 'data-field="n_scored" value="1"' in switched.content.decode()

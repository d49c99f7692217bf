"""The author page's rows, written out in Python (pages.claim_rows), escape what they print."""

import pytest

from forecasts.models import Question
from forecasts.pages.claim_rows import url
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


def test_a_title_with_markup_is_printed_as_text_in_every_table(client):
    world = build_world(n_authors=2, n_questions=3, n_open=1)
    store_scores(world)
    hostile = '<script>alert("x")</script> & more'
    Question.objects.filter(pk__in=[q.pk for q in world.questions]).update(title=hostile)
    html = client.get(world.authors[0].get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"
    # Resolved claims, the pending one, and the running-mean table.
    assert html.count(escaped) >= 3 + 1 + 3


def test_links_are_the_routes_own():
    assert url("question-detail", "will-it-rain") == "/questions/will-it-rain/"
    assert url("source-detail", "outlook") == "/sources/outlook/"

"""Home, question list, topics and the scoring conventions page."""

import pytest

from forecasts.models import Question
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(n_authors=2, n_questions=3, n_open=2)
    store_scores(w)
    return w


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_it_shows_recently_resolved_due_and_newest_claims(client, world):
    html = client.get("/").content.decode()
    resolved = section(html, "resolved-h")
    assert [q.title in resolved for q in world.questions] == [True, True, True, False, False]
    assert resolved.index("Question 2?") < resolved.index("Question 0?")  # newest first
    due = section(html, "due-h")
    assert "Question 3?" in due and "Question 4?" in due and "Question 0?" not in due
    newest = section(html, "newest-h")
    last = world.questions[-1].forecasts.order_by("-recorded_at", "-pk").first()
    assert last.quote in newest
    assert f'href="{last.author.get_absolute_url()}"' in newest


def test_it_has_a_language_a_skip_link_and_labelled_navigation(client, world):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip" href="#main">Skip to content</a>' in html
    assert '<nav aria-label="Main">' in html
    assert 'name="viewport"' in html


def test_it_lists_questions_by_topic_and_status(client, world):
    tag = world.tags[0]
    html = client.get("/questions/", {"tag": tag.slug}).content.decode()
    tagged = {q.title for q in Question.objects.filter(tags=tag)}
    listed = {q.title for q in world.questions if f">{q.title}</a>" in html}
    assert listed == tagged
    html = client.get("/questions/", {"status": "resolved"}).content.decode()
    assert "3 questions" in html
    assert '<label for="q-status">Status</label>' in html


def test_it_lists_topics_with_links_to_their_questions_and_leaderboard(client, world):
    html = client.get("/topics/").content.decode()
    for tag in world.tags:
        assert f'href="/questions/?tag={tag.slug}"' in html
        assert f'href="/leaderboard/?tag={tag.slug}"' in html


def test_it_explains_every_scoring_convention(client, db):
    html = client.get("/about/scoring/").content.decode()
    for words in [
        "0.25",
        "0–2 scale",
        "Time-averaged",
        "Final.",
        "[0.001, 0.999]",
        "ten equal bins",
        "Wilson",
        "95% interval",
        "Murphy",
        "within-bin",
    ]:
        assert words in html, words


def test_its_numbers_and_dates_example_is_what_the_library_computes(client, db):
    from forecasts import scoring

    html = client.get("/about/scoring/").content.decode()
    stated = scoring.StatedValues(point=2.0, lower=1.5, upper=2.5, coverage=0.8)
    assert scoring.interval_score(1.5, 2.5, 0.8, 3.1) == pytest.approx(7.0)
    wis = scoring.weighted_interval_score(2.0, [(0.8, 1.5, 2.5)], 3.1)
    assert scoring.stated_score(stated, 3.1) == pytest.approx(wis)
    on_range = scoring.stated_score(scoring.normalised(stated, 0.0, 5.0), 3.1 / 5)
    assert f"= {wis:.3f} percentage points" in html
    assert f"0.833 ÷ 5 = {on_range:.3f}" in html
    assert "weighted interval score" in html and "never averaged into it" in html


@pytest.mark.parametrize("n", [1, 3, 8, 40])
def test_the_newest_claims_are_those_of_a_whole_sort_real_records_first(world, n):
    from forecasts.models import Author, Forecast
    from forecasts.pages.views import PUBLISHED, _newest

    # Every kind: real on real, a synthetic author on a real question, a real author
    # on a synthetic question, synthetic on synthetic; fewer real claims than 40.
    Question.objects.filter(pk__in=[world.questions[1].pk, world.questions[3].pk]).update(
        is_synthetic=True
    )
    Author.objects.filter(pk=world.authors[1].pk).update(is_synthetic=True)
    whole = Forecast.objects.filter(PUBLISHED).order_by(
        "question__is_synthetic", "author__is_synthetic", "-recorded_at", "-pk"
    )
    assert [f.pk for f in _newest(n)] == [f.pk for f in whole[:n]]


@pytest.mark.parametrize("n", [1, 3, 8, 40])
def test_the_recently_resolved_are_those_of_a_whole_sort_real_questions_first(world, n):
    from forecasts.models import Resolution
    from forecasts.pages.views import PUBLISHED, _recently_resolved

    # A synthetic question among the real ones, and fewer real resolutions than 40.
    Question.objects.filter(pk=world.questions[1].pk).update(is_synthetic=True)
    whole = (
        Resolution.objects.current()
        .filter(PUBLISHED)
        .order_by("question__is_synthetic", "-resolved_at", "-pk")
    )
    assert [r.pk for r in _recently_resolved(n)] == [r.pk for r in whole[:n]]

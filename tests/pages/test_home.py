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


# The loops of _home_newest.html and _home_resolved.html before their items were
# written out in Python (pages.home_rows).
NEWEST_LOOP = """{% load reckon quantities %}{% for f in newest %}
      <li>
        <p class="who"><a href="{{ f.author.get_absolute_url }}">{{ f.author.name }}</a>{% include "forecasts/_synthetic.html" with item=f.author %} on <a href="{{ f.question.get_absolute_url }}">{{ f.question.title }}</a></p>
        {% if f.quote %}<blockquote>{{ f.quote }}</blockquote>{% endif %}
        <p class="meta">{% if f.phrase %}“{{ f.phrase }}” → {% endif %}{% if f.asks_the_opposite %}{% reading f %}{% elif f.probability is not None %}<strong>{{ f.probability|percent }}</strong>{% elif f.question.is_quantity %}<strong>{{ f|stated }}</strong>{% else %}probabilities per option{% endif %} · stated <time datetime="{{ f.stated_at|date:'c' }}">{{ f.stated_at|date:"j M Y" }}</time>{% if f.source %} in <a href="{{ f.source.get_absolute_url }}">{{ f.source.title }}</a>{% endif %}</p>
      </li>
    {% endfor %}"""  # noqa: E501 - the template's own lines
RESOLVED_LOOP = """{% load reckon quantities %}{% for r in resolved %}
      <li>
        <a href="{{ r.question.get_absolute_url }}">{{ r.question.title }}</a>
        <span class="outcome outcome-{{ r.outcome }}">{% if r.option %}{{ r.option.label }}{% elif r.value is not None %}{{ r|resolved_value }}{% else %}{{ r.get_outcome_display }}{% endif %}</span>
        <small>outcome known <time datetime="{{ r.outcome_known_at|date:'c' }}">{{ r.outcome_known_at|date:"j M Y" }}</time>{% if r.is_correction %} · corrected{% endif %}</small>
      </li>
    {% endfor %}"""  # noqa: E501 - the template's own lines


def test_the_home_items_are_what_the_templates_printed(world):
    from django.template import Context, Template

    from forecasts.pages.home_rows import newest_items, resolved_items
    from forecasts.pages.views import _newest, _recently_resolved

    newest = _newest(8)
    # Every branch: markup in a quote, a phrase, no source, the author's words read
    # against the question's YES (agreeing and not), a synthetic author.
    newest[0].quote, newest[0].phrase = '<i>"Surely"</i> & so', "almost certainly"
    newest[1].source = None
    newest[2].stated_probability, newest[2].stated_outcome = 0.9, "it will not rain"
    newest[2].question_agrees = False
    newest[3].stated_probability, newest[3].stated_outcome = 0.7, "it will rain"
    newest[3].question_agrees = True
    newest[4].author.is_synthetic = True
    printed = Template(NEWEST_LOOP).render(Context({"newest": newest}))
    assert str(newest_items(newest)) == printed
    assert "&lt;i&gt;&quot;Surely&quot;&lt;/i&gt; &amp; so" in printed
    assert "on this question" in printed
    resolved = _recently_resolved(8)
    resolved[0].supersedes_id = resolved[-1].pk  # shown as a correction
    printed = Template(RESOLVED_LOOP).render(Context({"resolved": resolved}))
    assert str(resolved_items(resolved)) == printed
    assert "· corrected" in printed

"""The question page: criteria, every forecast on a timeline with the crowd, outcome, scores."""

import re
from datetime import UTC, datetime

import pytest

from forecasts.models import Question
from tests import builders
from tests.builders.late_claims import late_claims
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world(n_authors=3, n_questions=2, n_open=1)
    store_scores(w)
    return w


def test_it_shows_criteria_forecasts_outcome_evidence_and_scores(client, world):
    q = world.questions[0]
    html = client.get(q.get_absolute_url()).content.decode()
    assert "Criteria 0." in html
    assert html.count('class="forecast"') == q.forecasts.count()
    for f in q.forecasts.all():
        assert f.quote in html
    assert "Reported widely." in html
    assert 'href="https://example.org/evidence"' in html
    for score in q.scores.all():
        assert f'data-author="{score.author.slug}"' in html
        assert repr(score.brier) in html


def test_it_draws_each_author_and_the_crowd_median_over_time(client, world):
    q = world.questions[0]
    html = client.get(q.get_absolute_url()).content.decode()
    svg = re.search(r'<svg role="img" aria-label="Probability of yes.*?</svg>', html, re.S).group(0)
    for author in world.authors:
        assert author.name in svg
    assert "Crowd median" in svg
    # The crowd table: after the last forecast, the median of each author's latest.
    latest = {}
    for f in q.forecasts.order_by("stated_at", "pk"):
        latest[f.author_id] = f.probability
    values = sorted(latest.values())
    median = values[len(values) // 2]
    crowd_rows = html.split("crowd median after each forecast")[1].split("</table>")[0]
    assert crowd_rows.strip().endswith(f"<td>{median * 100:.1f}%</td></tr></tbody>")


def test_it_draws_one_chart_per_option_of_a_multiple_choice_question(client, choice_question):
    red, blue, green = choice_question.options.all()
    stated = datetime(2024, 11, 20, tzinfo=UTC)
    builders.forecast(
        choice_question,
        builders.author("Ada"),
        option_probabilities={red.pk: 0.5, blue.pk: 0.3, green.pk: 0.2},
        stated_at=stated,
        at=stated,
    )
    html = client.get(choice_question.get_absolute_url()).content.decode()
    assert html.count('<div class="chart-wide">') == html.count('<div class="chart-narrow">') == 3
    assert "Probability of “Blue”" in html
    assert "Blue 30%" in html


def test_it_keeps_the_correction_history(client, world, resolver):
    q = world.questions[1]
    # Corrected after the stored scores were computed (they were computed "now").
    builders.correct(  # flips the outcome
        q,
        reason="The first report was wrong.",
        evidence_note="Correction published.",
        by=resolver,
        at=datetime(2031, 1, 1, tzinfo=UTC),
    )
    html = client.get(q.get_absolute_url()).content.decode()
    assert "Correction history" in html
    assert "The first report was wrong." in html
    assert "(superseded)" in html and "(current)" in html
    assert "being recomputed" in html  # scored before the correction


def test_it_hides_draft_questions(client, world):
    q = world.questions[2]
    Question.objects.filter(pk=q.pk).update(state=Question.State.DRAFT)
    assert client.get(q.get_absolute_url()).status_code == 404
    assert q.title not in client.get("/questions/").content.decode()
    assert q.title not in client.get(world.authors[0].get_absolute_url()).content.decode()


def test_it_draws_the_crowd_from_the_forecasts_scoring_counts(client, resolver):
    world = late_claims(by=resolver)
    html = client.get(world.question.get_absolute_url()).content.decode()
    crowd_rows = html.split("crowd median after each forecast")[1].split("</table>")[0]
    rows = re.findall(r"<td><time[^>]*>([^<]*)</time></td><td>([^<]*)</td>", crowd_rows)
    # Cora's 80% from the open, then the median of 80% and Dan's 40%; neither Dan's 0%
    # entered in hindsight nor Cora's 20% stated after the noon close moves it.
    assert rows == [("2024-11-01 01:00", "80.0%"), ("2024-12-01 00:00", "60.0%")]
    # Both still appear in their authors' lists of forecasts on the page.
    assert html.count('data-author="dan-late"') >= 1


def test_it_names_a_resolver_by_full_name_or_role_never_by_login(client, world):
    rosa = builders.resolver("rosa")
    q = world.questions[1]
    builders.correct(q, reason="The first report was wrong.", evidence_note="Correction.", by=rosa)
    html = client.get(q.get_absolute_url()).content.decode()
    history = html.split("Correction history")[1]
    assert "by a resolver" in history
    assert "rosa" not in html
    rosa.first_name, rosa.last_name = "Rosa", "Lind"
    rosa.save()
    html = client.get(q.get_absolute_url()).content.decode()
    assert "by Rosa Lind" in html.split("Correction history")[1]


def test_it_shows_each_authors_metaculus_scores_adding_up_to_zero(client, world):
    q = world.questions[0]
    html = client.get(q.get_absolute_url()).content.decode()
    scores = list(q.scores.filter(excluded_reason=""))
    assert len(scores) == 3
    for score in scores:
        assert f'data-field="baseline" value="{score.baseline!r}"' in html
        assert f'data-field="peer" value="{score.peer!r}"' in html
    assert sum(s.peer for s in scores) == pytest.approx(0.0, abs=1e-6)  # every day sums to 0


def test_it_lists_each_correction_of_a_forecast_under_it(client, world, editor):
    question = world.questions[-1]  # the open one: its forecasts may still be corrected
    forecast = question.forecasts.order_by("pk").first()
    builders.correct_forecast(forecast, probability=0.25, reason="Typed 52% for 25%.", by=editor)
    html = client.get(question.get_absolute_url()).content.decode()
    corrected = html[html.index('<details class="corrections">') :]
    corrected = corrected[: corrected.index("</details>")]
    assert "Corrected 1 time</summary>" in corrected
    assert "“0.25”" in corrected and "Typed 52% for 25%." in corrected
    assert html.count('<details class="corrections">') == 1


def test_a_multiple_choice_question_reads_its_option_probabilities_in_one_query(
    client, choice_question, django_assert_num_queries
):
    options = list(choice_question.options.all())
    stated = datetime(2024, 11, 20, tzinfo=UTC)
    for n, name in enumerate(["Ada", "Bo", "Cy", "Di"]):
        builders.forecast(
            choice_question,
            builders.author(name),
            option_probabilities={o.pk: p for o, p in zip(options, [0.5, 0.3, 0.2], strict=True)},
            stated_at=stated.replace(day=10 + n),
            at=stated.replace(day=10 + n),
        )
    # The title bar's columns, the change stamp, then the question, tags, options,
    # forecasts, their option probabilities, corrections, resolutions, scores: the same
    # for one forecast or forty.
    with django_assert_num_queries(10):
        html = client.get(choice_question.get_absolute_url()).content.decode()
    assert html.count('<tr class="forecast">') == 4
    assert html.count("<li>Blue 30%</li>") == 4


# The scores table's rows as the question page's template printed them before they were
# written out in Python (pages.forecast_rows.score_rows).
SCORE_ROWS_TEMPLATE = """{% load reckon %}{% for s in scores %}
      <tr class="score" data-author="{{ s.author.slug }}">
        <th scope="row"><a href="{{ s.author.get_absolute_url }}">{{ s.author.name }}</a></th>
        {% if s.counted %}
          <td class="num">{% figure s.brier "brier" %}</td>
          <td class="num">{% figure s.brier_final "brier_final" %}</td>
          <td class="num">{% figure s.log_loss "log_loss" %}</td>
          {% if s.crowd_brier is None %}<td class="num" colspan="3">no crowd of at least {{ min_crowd }} other authors to compare with</td>{% else %}
          <td class="num">{% figure s.crowd_brier "crowd_brier" %}</td>
          <td class="num">{% figure s.relative_brier "relative_brier" signed=True %}</td>
          <td class="num">{% figure s.crowd_size "crowd_size" 1 %}</td>{% endif %}
          <td class="num">{% figure s.baseline "baseline" places=1 signed=True %}</td>
          <td class="num">{% if s.peer is None %}<small>no other author</small>{% else %}{% figure s.peer "peer" places=1 signed=True %}{% endif %}</td>
          <td class="num">{{ s.n_forecasts }}</td>
        {% else %}
          <td colspan="9">Not counted: {{ s.get_excluded_reason_display|lower }}.</td>
        {% endif %}
      </tr>
    {% endfor %}"""  # noqa: E501 - the template's own lines


def test_the_score_rows_are_what_the_template_printed(world):
    from django.template import Context, Template

    from forecasts.models import Author, QuestionScore
    from forecasts.pages.forecast_rows import score_rows

    q = world.questions[0]
    rows = list(q.scores.select_related("author").order_by("brier", "author__name"))
    assert len(rows) == 3
    # One of each: counted with a crowd, counted without a crowd or a peer, not counted;
    # and a name with markup.
    QuestionScore.objects.filter(pk=rows[1].pk).update(crowd_brier=None, peer=None)
    QuestionScore.objects.filter(pk=rows[2].pk).update(
        excluded_reason=QuestionScore.Exclusion.HINDSIGHT
    )
    Author.objects.filter(pk=rows[0].author_id).update(name='<b>"Bold" & co</b>')
    scores = list(q.scores.select_related("author").order_by("brier", "author__name"))
    printed = Template(SCORE_ROWS_TEMPLATE).render(Context({"scores": scores, "min_crowd": 3}))
    assert str(score_rows(scores, min_crowd=3)) == printed
    assert "&lt;b&gt;&quot;Bold&quot; &amp; co&lt;/b&gt;" in printed
    assert "no other author" in printed and "Not counted: recorded after" in printed

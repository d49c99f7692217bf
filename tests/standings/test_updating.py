"""'Updating' while a resolution change waits for its rescore, read from the data alone."""

from datetime import datetime

import pytest

from forecasts.engine import rescoring
from forecasts.models import Question
from forecasts.standings.updating import author_updating, updating
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(author, source):
    """Two questions Ada forecast, resolved and scored."""
    questions = [builders.closed_question(slug) for slug in ("one", "two")]
    for question in questions:
        builders.forecast(question, author, source=source, probability=0.8)
        builders.resolve(question, "yes")
    rescoring.rescore_all()
    return questions


def test_it_says_nothing_while_every_score_is_up_to_date(scored, author):
    assert author_updating(author) is None
    assert all(q.rescore_pending_since is None for q in Question.objects.all())


def test_it_says_updating_from_a_correction_until_the_rescore_lands(
    scored, author, api_client, client, resolver
):
    builders.correct(scored[0], by=resolver)  # no worker here: nothing rescored it yet
    changed = Question.objects.get(pk=scored[0].pk).resolution_changed_at
    assert author_updating(author).n_questions == 1
    assert author_updating(author).resolution_changed_at == changed
    body = api_client.get(f"/api/authors/{author.slug}/scorecard/").json()
    assert body["updating"]["n_questions"] == 1
    assert datetime.fromisoformat(body["updating"]["resolution_changed_at"]) == changed
    page = client.get(scored[0].get_absolute_url()).content.decode()
    assert 'data-field="updating"' in page
    assert updating([author.pk, author.pk + 1000]).keys() == {author.pk}

    rescoring.rescore_question(question_id=scored[0].pk)
    assert author_updating(author) is None
    assert api_client.get(f"/api/authors/{author.slug}/scorecard/").json()["updating"] is None
    assert 'data-field="updating"' not in client.get(scored[0].get_absolute_url()).content.decode()

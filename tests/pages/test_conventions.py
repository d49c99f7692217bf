"""What the pages say about the scoring conventions: the interval, chance, the crowd, Murphy."""

import re
from html import unescape

import pytest

from forecasts.engine import rescoring
from forecasts.models import Scorecard
from forecasts.standings.scorecards import binned_figures
from tests import builders

pytestmark = pytest.mark.django_db


def figures(html: str, field: str) -> list[str]:
    return re.findall(rf'<data data-field="{field}" value="([^"]*)"', html)


@pytest.fixture
def crowded():
    """Four authors on two yes/no questions; Ada alone on a third."""
    authors = [builders.author(name) for name in ("Ada", "Bob", "Cy", "Di")]
    source = builders.source(authors[0])
    questions = [builders.closed_question(f"q{i}") for i in range(3)]
    for question, values in zip(
        questions, [(0.9, 0.4, 0.3, 0.5), (0.2, 0.6, 0.7, 0.5)], strict=False
    ):
        for who, p in zip(authors, values, strict=True):
            builders.forecast(question, who, source=source, probability=p)
    builders.forecast(questions[2], authors[0], source=source, probability=0.8)
    for question, outcome in zip(questions, ("yes", "no", "yes"), strict=True):
        builders.resolve(question, outcome)
    rescoring.rescore_all()
    return authors, questions


def test_it_says_not_enough_to_say_for_a_single_question(client):
    ada = builders.author("Ada")
    question = builders.closed_question("only")
    builders.forecast(question, ada, source=builders.source(ada), probability=0.8)
    builders.resolve(question, "yes")
    rescoring.rescore_all()
    html = client.get(ada.get_absolute_url()).content.decode()
    assert 'data-field="brier_interval">no interval: one question is too few' in html
    assert "– to –" not in html and "−" not in figures(html, "brier_low")
    assert "bounded score interval" in html


def test_it_shows_the_interval_method_and_the_crowd_size(client, crowded):
    (ada, *_), _ = crowded
    card = Scorecard.objects.get(author=ada, tag=None)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert figures(html, "brier_low") == [repr(card.brier_low)]
    assert "Wilson's form with Student's t" in unescape(html)
    # Two of her three questions had three others: the third had no crowd at all.
    assert figures(html, "n_crowd_compared") == ["2"]
    assert figures(html, "crowd_size") == [repr(3.0)]
    assert "Skill against chance" in html


def test_it_says_why_the_decomposition_brier_differs_from_the_headline(client, crowded):
    (ada, *_), _ = crowded
    card = Scorecard.objects.get(author=ada, tag=None)
    (binned,) = binned_figures([card])
    html = client.get(ada.get_absolute_url()).content.decode()
    basis = html.split('data-field="murphy_basis"')[1].split("</p>")[0]
    assert "final forecast" in basis and "time-averaged" in basis
    assert figures(basis, "murphy_brier") == [repr(binned.murphy["brier"])]
    assert figures(basis, "headline_brier") == [repr(card.brier)]


def test_a_question_page_gives_each_rows_crowd_size(client, crowded):
    _, (first, _, alone) = crowded
    html = client.get(first.get_absolute_url()).content.decode()
    assert figures(html, "crowd_size") == [repr(3.0)] * 4
    html = client.get(alone.get_absolute_url()).content.decode()
    assert "no crowd" in html and figures(html, "crowd_size") == []

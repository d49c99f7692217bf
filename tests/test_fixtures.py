"""The seed article ships as real data: it loads, and every claim is traceable to its words."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from forecasts.models import Author, Forecast, Question, Source

FIXTURES = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


@pytest.fixture
def seed(db):
    call_command("loaddata", *FIXTURES, verbosity=0)
    return Source.objects.get(slug="wolff-2024-trump-xi-putin")


def test_it_loads_into_an_empty_database(seed):
    assert Author.objects.get(slug="stefan-wolff") == seed.author
    assert Question.objects.count() >= 10
    assert Forecast.objects.filter(source=seed).count() >= 10


def test_it_carries_the_article_text_and_attribution(seed):
    article = (Path(settings.BASE_DIR) / "fixtures" / "seed-article.txt").read_text()
    assert seed.full_text == article
    assert "Creative Commons" in seed.attribution and seed.published_on is not None


def test_every_quote_is_verbatim_and_every_number_is_explained(seed):
    for forecast in Forecast.objects.filter(source=seed):
        assert forecast.quote in seed.full_text
        assert forecast.phrase.lower() in forecast.quote.lower()
        assert forecast.interval_low <= forecast.scale_point <= forecast.interval_high
        assert forecast.probability == forecast.scale_point
        assert forecast.conversion_note


def test_the_deal_terms_are_conditional_on_a_deal(seed):
    deal = Question.objects.get(slug="us-russia-ukraine-deal-2025")
    conditional = set(deal.conditional_questions.values_list("slug", flat=True))
    assert {
        "deal-recognises-russian-territorial-gains",
        "deal-complete-sanctions-relief",
        "deal-international-rehabilitation",
        "deal-downscales-us-nato-commitment",
        "deal-pledge-no-nato-enlargement",
        "putin-sticks-to-deal",
    } <= conditional


def test_no_outcome_is_invented(seed):
    assert not Question.objects.exclude(state=Question.State.LIVE).exists()
    for question in Question.objects.all():
        assert question.closes_at > question.opens_at
        assert question.resolve_by >= question.closes_at
        assert len(question.resolution_criteria) > 80


def test_every_seed_number_is_what_the_lexicon_gives_for_the_quote(seed):
    from forecasts.drafting.lexicon import read_phrase

    for forecast in Forecast.objects.filter(source=seed):
        reading = read_phrase(forecast.quote, seed.scale)
        assert reading.phrase == forecast.phrase
        assert (forecast.scale, forecast.interval_low, forecast.interval_high) == (
            reading.scale,
            *reading.interval,
        )
        assert forecast.scale_point == reading.point


def test_the_troops_claim_is_offered_as_a_numeric_question_beside_its_threshold(seed):
    threshold = Question.objects.get(slug="us-troops-europe-below-80000-2026")
    count = Question.objects.get(slug="us-troops-europe-count-end-2026")

    assert (threshold.kind, count.kind) == (Question.Kind.BINARY, Question.Kind.NUMERIC)
    assert (count.unit, count.range_low, count.range_high) == ("troops", 40_000, 140_000)
    assert not (count.range_low_closed or count.range_high_closed or count.log_scale)
    # The threshold lies inside the range, so the numeric question scores either side of it.
    assert count.range_low < 80_000 < count.range_high
    assert set(count.tags.all()) == set(threshold.tags.all())
    assert (count.opens_at, count.closes_at) == (threshold.opens_at, threshold.closes_at)
    # The note on the reading: the author's words, the unit and range, the threshold.
    note = count.background
    for words in (
        "further weaken the transatlantic alliance",
        "down-scaling of the US commitment to Nato",
    ):
        assert words in seed.full_text and words in note
    assert threshold.slug in note and "80,000" in note and "40,000 to 140,000" in note
    # No number is put in the author's mouth: his forecast stays on the yes/no question.
    assert not count.forecasts.exists()
    assert threshold.forecasts.get().author == seed.author

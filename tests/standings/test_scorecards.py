"""An author's scorecards, stored and for a period, and the figures derived from their totals."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts import scoring
from forecasts.engine import card_totals, rescoring
from forecasts.models import Author, Question, QuestionScore, Scorecard, Tag
from forecasts.standings.scorecards import (
    FIGURES,
    NOTHING_BINNED,
    BinnedFigures,
    author_scorecards,
    binned_figures,
    scorecard,
)
from tests.builders import closed_question, forecast, resolve


def test_it_returns_the_stored_scorecard(ledger):
    card = scorecard(ledger["ada"])
    expected = scoring.score_interval([0.01, 0.04, 0.16])
    assert card.pk is not None and card.computed_at is not None
    assert (card.n_scored, card.n_pending, card.n_resolved) == (3, 1, 3)
    assert card.brier == pytest.approx(expected[0])
    assert (card.brier_low, card.brier_high) == pytest.approx(expected[1:])
    assert card.skill == pytest.approx(1 - expected[0] / 0.25)
    assert all(hasattr(card, name) for name in FIGURES)
    (binned,) = binned_figures([card])
    assert len(binned.calibration) == 10 and binned.murphy["brier"] == pytest.approx(0.07)


def test_it_returns_a_tag_scorecard(ledger):
    card = scorecard(ledger["ada"], tag=ledger["politics"])
    assert (card.n_scored, card.n_pending) == (2, 1)
    assert card.brier == pytest.approx((0.01 + 0.16) / 2)


def test_it_computes_a_scorecard_for_a_period(ledger):
    card = scorecard(
        ledger["ada"],
        since=datetime(2024, 1, 1, tzinfo=UTC),
        until=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert card.pk is None and card.computed_at is None  # worked out now, not stored
    assert (card.author, card.tag) == (ledger["ada"], None)
    # A pending question has no outcome date: never in a period.
    assert (card.n_scored, card.n_resolved, card.n_pending) == (2, 2, 0)
    assert card.brier == pytest.approx((0.01 + 0.04) / 2)
    later = scorecard(ledger["bob"], since=datetime(2025, 1, 1, tzinfo=UTC))
    assert (later.n_scored, later.brier) == (1, pytest.approx(0.09))
    tagged = scorecard(
        ledger["ada"], tag=ledger["politics"], until=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert (tagged.tag, tagged.n_scored, tagged.brier) == (
        ledger["politics"],
        1,
        pytest.approx(0.01),
    )


def test_it_gives_no_scorecard_to_an_author_without_scores(db):
    nobody = Author.objects.create(name="Nobody", slug="nobody")
    assert scorecard(nobody) is None
    assert scorecard(nobody, since=datetime(2024, 1, 1, tzinfo=UTC)) is None
    assert author_scorecards(nobody) == (None, [])
    assert author_scorecards(nobody, until=datetime(2030, 1, 1, tzinfo=UTC)) == (None, [])


def test_it_gives_an_authors_cards_overall_and_by_tag(ledger):
    politics = ledger["politics"]
    economy = Tag.objects.create(name="Economy", slug="economy")
    Question.objects.get(slug="q2").tags.add(economy)  # now, after scoring: no stored card
    overall, by_tag = author_scorecards(ledger["ada"])
    assert (overall.tag, overall.n_scored) == (None, 3)
    assert [(c.tag, c.n_scored) for c in by_tag] == [(politics, 2)]
    since = datetime(2024, 1, 1, tzinfo=UTC)
    overall, by_tag = author_scorecards(ledger["ada"], since=since)
    assert (overall.tag, overall.n_scored, overall.computed_at) == (None, 3, None)
    # A period takes the questions' tags now, by tag slug.
    assert [(c.tag.slug, c.n_scored) for c in by_tag] == [("economy", 1), ("politics", 2)]
    assert by_tag[0].brier == pytest.approx(0.04)
    assert by_tag[1].brier == pytest.approx((0.01 + 0.16) / 2)


@pytest.mark.parametrize("period", [{}, {"since": datetime(2024, 1, 1, tzinfo=UTC)}])
def test_it_reads_with_a_fixed_number_of_queries(ledger, source, period):
    def count(work) -> int:
        with CaptureQueriesContext(connection) as queries:
            work()
        return len(queries.captured_queries)

    ada = ledger["ada"]
    one = count(lambda: scorecard(ledger["ada"], **period))
    tagged = count(lambda: scorecard(ledger["ada"], tag=ledger["politics"], **period))
    every = count(lambda: author_scorecards(ledger["ada"], **period))
    for i in range(12):  # more questions for the author, and more authors
        question = closed_question(f"extra-{i}")
        question.tags.set([ledger["politics"], Tag.objects.create(name=f"T{i}", slug=f"t{i}")])
        for author, p in ((Author.objects.create(name=f"X{i}", slug=f"x-{i}"), 0.3), (ada, 0.8)):
            forecast(question, author, source=source, probability=p)
        resolve(question, "yes")
    rescoring.rescore_all()
    # (On PostgreSQL a period's rows come by COPY, which the query log does not see.)
    assert count(lambda: scorecard(ledger["ada"], **period)) == one <= 1
    assert count(lambda: scorecard(ledger["ada"], tag=ledger["politics"], **period)) == tagged <= 1
    assert count(lambda: author_scorecards(ledger["ada"], **period)) == every <= 3
    assert len(author_scorecards(ledger["ada"], **period)[1]) == 13


def _library_figures(author: Author, tag: Tag | None) -> tuple[list, dict]:
    """The calibration table and Murphy terms of the author's counted binary question scores."""
    scores = QuestionScore.objects.filter(author=author).counted().tagged(tag)
    binary = [s for s in scores if s.resolved_yes is not None]
    if not binary:
        return [], {}
    # final_probability is what the final forecast gave to what happened.
    yes = [s.final_probability if s.resolved_yes else 1 - s.final_probability for s in binary]
    outcomes = [s.resolved_yes for s in binary]
    return (
        scoring.calibration_table(yes, outcomes, n_bins=10),
        scoring.murphy_decomposition(yes, outcomes, n_bins=10),
    )


def test_it_derives_calibration_and_murphy_from_the_stored_totals(ledger):
    cards = list(Scorecard.objects.all())
    assert len(cards) == 6 and all(card.totals for card in cards)
    together = binned_figures(cards)  # a list at once, or one by one: the same figures
    alone = [binned_figures([card])[0] for card in cards]
    for card, binned, one in zip(cards, together, alone, strict=True):
        assert binned == one
        table, murphy = _library_figures(card.author, card.tag)
        assert len(binned.calibration) == len(table) and binned.murphy.keys() == murphy.keys()
        for got, want in zip(binned.calibration, table, strict=True):
            assert got.keys() == want.keys()
            assert got == pytest.approx(dict(want), abs=1e-9)
        assert binned.murphy == pytest.approx(murphy, abs=1e-9)
    (period,) = binned_figures([scorecard(ledger["ada"], until=datetime(2025, 1, 1, tzinfo=UTC))])
    assert [b["count"] for b in period.calibration] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert period.murphy["brier"] == pytest.approx((0.01 + 0.04) / 2)


def test_it_gives_no_calibration_or_murphy_for_empty_or_legacy_totals(ledger):
    ada = ledger["ada"]
    card = Scorecard.objects.get(author=ada, tag=None)
    (binned,) = binned_figures([card])
    assert len(binned.calibration) == 10 and binned.murphy
    Scorecard.objects.filter(pk=card.pk).update(totals=b"")  # as written before totals were kept
    assert binned_figures([scorecard(ada)]) == [NOTHING_BINNED] == [BinnedFigures([], {})]
    legacy = Scorecard.objects.get(pk=card.pk)
    legacy.totals = bytes(8 * (card_totals.WIDTH + 1))  # the right length, another version
    assert binned_figures([legacy]) == [NOTHING_BINNED]
    unsaved = Scorecard(author=ada, n_scored=0)
    assert binned_figures([unsaved]) == [NOTHING_BINNED]

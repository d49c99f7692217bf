"""Reading track records: author_scorecard and leaderboard, stored and for a period."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts import scoring
from forecasts.engine import card_totals, rescoring
from forecasts.models import Author, Forecast, Question, QuestionScore, Resolution, Scorecard, Tag
from forecasts.standings.scorecards import (
    FIGURES,
    NOTHING_BINNED,
    BinnedFigures,
    author_scorecard,
    binned_figures,
    leaderboard,
)

OPENS = datetime(2024, 1, 1, tzinfo=UTC)


def resolved_question(slug: str, outcome: str, known: datetime, tags=()) -> Question:
    question = Question.objects.create(
        title=slug,
        slug=slug,
        resolution_criteria="Test.",
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=30),
        resolve_by=OPENS + timedelta(days=40),
    )
    question.tags.set(tags)
    return question


def forecast(question: Question, author: Author, p: float) -> None:
    Forecast.objects.create(
        question=question, author=author, stated_at=OPENS, recorded_at=OPENS, probability=p
    )


def resolve(question: Question, outcome: str, known: datetime) -> None:
    Resolution.objects.create(question=question, outcome=outcome, outcome_known_at=known)
    question.state = Question.State.RESOLVED
    question.resolution_changed_at = known
    question.save()


@pytest.fixture
def ledger(db):
    """Three authors over four questions; two resolved in 2024, one in 2025, one pending."""
    politics = Tag.objects.create(name="Politics", slug="politics")
    ada, bob, cy = (Author.objects.create(name=n, slug=n.lower()) for n in ("Ada", "Bob", "Cy"))
    plan = [
        ("q1", "yes", datetime(2024, 3, 1, tzinfo=UTC), [politics], {ada: 0.9, bob: 0.6, cy: 0.2}),
        ("q2", "no", datetime(2024, 6, 1, tzinfo=UTC), [], {ada: 0.2, bob: 0.5, cy: 0.7}),
        ("q3", "yes", datetime(2025, 2, 1, tzinfo=UTC), [politics], {ada: 0.6, bob: 0.7}),
        ("q4", None, None, [politics], {ada: 0.5, cy: 0.5}),
    ]
    for slug, outcome, known, tags, forecasts in plan:
        question = resolved_question(slug, outcome, known, tags)
        for author, p in forecasts.items():
            forecast(question, author, p)
        if outcome:
            resolve(question, outcome, known)
    rescoring.rescore_all()
    return {"ada": ada, "bob": bob, "cy": cy, "politics": politics}


def test_it_returns_the_stored_scorecard(ledger):
    card = author_scorecard(ledger["ada"])
    expected = scoring.mean_with_interval([0.01, 0.04, 0.16])
    assert (card["n_scored"], card["n_pending"], card["n_resolved"]) == (3, 1, 3)
    assert card["brier"] == pytest.approx(expected[0])
    assert (card["brier_low"], card["brier_high"]) == pytest.approx(expected[1:])
    assert card["skill"] == pytest.approx(1 - expected[0] / 0.25)
    assert set(FIGURES) <= set(card) and card["computed_at"] is not None
    assert len(card["calibration"]) == 10 and card["murphy"]["brier"] == pytest.approx(0.07)


def test_it_returns_a_tag_scorecard(ledger):
    card = author_scorecard(ledger["ada"], tag=ledger["politics"])
    assert (card["n_scored"], card["n_pending"]) == (2, 1)
    assert card["brier"] == pytest.approx((0.01 + 0.16) / 2)


def test_it_computes_a_scorecard_for_a_period(ledger):
    card = author_scorecard(
        ledger["ada"],
        since=datetime(2024, 1, 1, tzinfo=UTC),
        until=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert card["n_scored"] == 2 and card["n_pending"] is None
    assert card["brier"] == pytest.approx((0.01 + 0.04) / 2)
    assert card["since"] == datetime(2024, 1, 1, tzinfo=UTC)
    later = author_scorecard(ledger["bob"], since=datetime(2025, 1, 1, tzinfo=UTC))
    assert (later["n_scored"], later["brier"]) == (1, pytest.approx(0.09))
    tagged = author_scorecard(
        ledger["ada"], tag=ledger["politics"], until=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert (tagged["n_scored"], tagged["brier"]) == (1, pytest.approx(0.01))


def test_it_gives_an_empty_scorecard_to_an_author_without_scores(db):
    nobody = Author.objects.create(name="Nobody", slug="nobody")
    card = author_scorecard(nobody)
    assert (card["n_scored"], card["brier"], card["calibration"], card["murphy"]) == (
        0,
        None,
        [],
        {},
    )
    period = author_scorecard(nobody, since=datetime(2024, 1, 1, tzinfo=UTC))
    assert (period["n_scored"], period["brier"]) == (0, None)


def test_it_ranks_authors_with_enough_questions(ledger):
    board = leaderboard(min_n=3)
    assert [(e["author"].name, e["rank"], e["ranked"]) for e in board] == [
        ("Ada", 1, True),
        ("Bob", 2, True),
        ("Cy", None, False),  # two scored questions: shown, not ranked
    ]
    assert board[0]["n"] == 3 and board[0]["brier"] == pytest.approx(0.07)
    assert board[0]["brier_low"] is not None and "calibration" not in board[0]


def test_it_ranks_for_a_tag_and_a_period(ledger):
    board = leaderboard(tag=ledger["politics"], min_n=1)
    assert [e["author"].name for e in board] == ["Ada", "Bob", "Cy"]
    assert [e["rank"] for e in board] == [1, 2, 3]
    period = leaderboard(until=datetime(2025, 1, 1, tzinfo=UTC), min_n=2)
    assert [(e["author"].name, e["n"]) for e in period] == [("Ada", 2), ("Bob", 2), ("Cy", 2)]
    assert period[0]["brier"] == pytest.approx(0.025)


def test_it_shares_a_rank_between_equal_scores(ledger):
    Scorecard.objects.filter(tag=None).update(brier=0.1)
    assert [e["rank"] for e in leaderboard(min_n=1)] == [1, 1, 1]


@pytest.mark.parametrize("period", [{}, {"since": datetime(2024, 1, 1, tzinfo=UTC)}])
def test_it_reads_with_a_fixed_number_of_queries(ledger, period):
    def count(work) -> int:
        with CaptureQueriesContext(connection) as queries:
            work()
        return len(queries.captured_queries)

    few = count(lambda: leaderboard(min_n=1, **period))
    one = count(lambda: author_scorecard(ledger["ada"], **period))
    for i in range(12):  # more authors with scores
        author = Author.objects.create(name=f"Extra {i}", slug=f"extra-{i}")
        forecast(Question.objects.get(slug="q4"), author, 0.3)
        forecast(Question.objects.get(slug="q2"), author, 0.1)
    rescoring.rescore_all()
    assert count(lambda: leaderboard(min_n=1, **period)) == few
    assert len(leaderboard(min_n=1)) == 15
    assert count(lambda: author_scorecard(ledger["ada"], **period)) == one <= 2


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
            assert got == pytest.approx(dict(want), abs=1e-12)
        assert binned.murphy == pytest.approx(murphy, abs=1e-12)
    period = author_scorecard(ledger["ada"], until=datetime(2025, 1, 1, tzinfo=UTC))
    assert [b["count"] for b in period["calibration"]] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert period["murphy"]["brier"] == pytest.approx((0.01 + 0.04) / 2)


def test_it_gives_no_calibration_or_murphy_for_empty_or_legacy_totals(ledger):
    ada = ledger["ada"]
    card = Scorecard.objects.get(author=ada, tag=None)
    (binned,) = binned_figures([card])
    assert len(binned.calibration) == 10 and binned.murphy
    Scorecard.objects.filter(pk=card.pk).update(totals=b"")  # as written before totals were kept
    card.refresh_from_db()
    assert binned_figures([card]) == [NOTHING_BINNED] == [BinnedFigures([], {})]
    legacy = Scorecard.objects.get(pk=card.pk)
    legacy.totals = bytes(8 * (card_totals.WIDTH + 1))  # the right length, another version
    assert binned_figures([legacy]) == [NOTHING_BINNED]
    unsaved = Scorecard(author=ada, n_scored=0)
    assert binned_figures([unsaved]) == [NOTHING_BINNED]
    stored = author_scorecard(ada)
    assert (stored["calibration"], stored["murphy"]) == ([], {})

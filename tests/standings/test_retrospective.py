"""Claims entered after their outcome: counted on the cards, and the reader's switch."""

import pytest

from forecasts import ledger
from forecasts.models import QuestionScore
from forecasts.standings import folded, scorecards
from forecasts.standings.leaderboard import leaderboard
from forecasts.standings.records import author_record
from tests.builders.retrospective import retrospective_world


@pytest.fixture
def world(db):
    return retrospective_world()


def test_it_counts_the_claim_entered_after_its_outcome_on_the_stored_card(world):
    card = scorecards.scorecard(world.ada)
    assert (card.n_scored, card.n_retrospective) == (2, 1)
    assert card.brier == pytest.approx((0.04 + 0.49) / 2)
    late = QuestionScore.objects.get(question=world.late)
    assert (late.n_retrospective, late.brier) == (1, pytest.approx(0.49))


def test_it_leaves_out_the_late_claim_when_only_claims_recorded_in_time_count(world):
    card = scorecards.scorecard(world.ada, recorded_before_outcome=True)
    assert (card.n_scored, card.n_retrospective) == (1, 0)
    assert card.brier == pytest.approx(0.04)
    assert card.computed_at is None  # rebuilt on request, never stored


def test_the_switch_changes_the_leaderboard_and_the_folded_table_alike(world):
    everything = leaderboard(min_n=1).ranked[0].card
    in_time = leaderboard(min_n=1, recorded_before_outcome=True).ranked[0].card
    assert (everything.n_scored, in_time.n_scored) == (2, 1)
    assert folded.folded_record(world.ada).n_forecasts == 2
    assert folded.folded_record(world.ada, recorded_before_outcome=True).n_forecasts == 1


def test_the_claims_list_marks_the_late_claim_and_drops_it_with_the_switch(world):
    record = author_record(world.ada)
    late = next(c for c in record.scored if c.question.pk == world.late.pk)
    assert late.is_retrospective and not late.is_hindsight
    in_time = author_record(world.ada, recorded_before_outcome=True)
    assert [c.question.pk for c in in_time.scored] == [world.live.pk]


def test_it_counts_scored_questions_from_sources_marked_complete(world):
    assert scorecards.from_complete_sources(world.ada) == 0
    ledger.source_mark_complete(source=world.article)
    assert scorecards.from_complete_sources(world.ada) == 1
    assert scorecards.from_complete_sources(world.ada, recorded_before_outcome=True) == 0


def test_a_late_claim_belongs_to_the_dated_source_that_proves_it(world):
    record = folded.folded_record(world.ada, source=world.article)
    assert record.n_forecasts == 1
    (card,) = folded.source_scorecards(world.article)
    assert (card.n_scored, card.brier) == (1, pytest.approx(0.49))


@pytest.mark.parametrize("in_time", [False, True])
def test_the_folded_table_and_the_complete_sources_come_together_in_one_query(
    world, in_time, django_assert_num_queries
):
    ledger.source_mark_complete(source=world.article)
    with django_assert_num_queries(1):
        table, n_complete = scorecards.folded_and_complete_sources(
            world.ada, recorded_before_outcome=in_time
        )
    assert table == folded.folded_record(world.ada, recorded_before_outcome=in_time)
    assert n_complete == scorecards.from_complete_sources(
        world.ada, recorded_before_outcome=in_time
    )
    assert n_complete == (0 if in_time else 1)

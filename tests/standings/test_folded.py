"""Folded calibration and per-source scorecards, read from the stored per-question scores."""

from datetime import UTC, date, datetime, timedelta

import pytest

from forecasts import scoring
from forecasts.engine import rescoring
from forecasts.standings import folded
from tests import builders
from tests.builders.graded_lists import (
    CLOSES,
    KNOWN,
    OPENS,
    SLOAT_2017,
    VOX_2021,
    graded_list,
)


@pytest.fixture
def vox(db):
    author = builders.author("Vox Future Perfect")
    source = builders.source(author, title="Predictions for 2021", published_on=OPENS.date())
    graded_list(author, source, VOX_2021)
    rescoring.rescore_all()
    return author, source


def _counts(record):
    return [(r["level"], r["count"], r["right"], r["wrong"]) for r in record.levels]


def test_the_folded_table_for_one_author_year_equals_the_counts_worked_out_by_hand(vox):
    author, source = vox
    record = folded.folded_record(author, source=source)
    # By hand: 0.4 that X, X happened -> a wrong 60%; 0.55 no -> wrong; 0.65 yes -> right;
    # 70%: 01, 02, 05, 09 happened, 06, 08 did not; 80%: 12 happened, 07 did not.
    assert _counts(record) == [
        (0.55, 1, 0, 1),
        (0.6, 1, 0, 1),
        (0.65, 1, 1, 0),
        (0.7, 6, 4, 2),
        (0.8, 2, 1, 1),
    ]
    assert record.n_forecasts == 11
    seventy = record.levels[3]
    assert (seventy["wilson_lower"], seventy["wilson_upper"]) == pytest.approx(
        scoring.wilson_interval(4, 6)
    )
    assert (record.right_side["count"], record.right_side["right"]) == (11, 6)


def test_it_counts_a_fifty_percent_forecast_as_a_statement_that_did_not_happen(db):
    author = builders.author("Alex Sloat")
    source = builders.source(author, title="2017 predictions", published_on=date(2017, 1, 1))
    graded_list(
        author,
        source,
        SLOAT_2017,
        opens=datetime(2017, 1, 1, tzinfo=UTC),
        closes=datetime(2017, 12, 31, tzinfo=UTC),
        known=datetime(2018, 2, 11, tzinfo=UTC),
    )
    rescoring.rescore_all()
    record = folded.folded_record(author)
    assert _counts(record) == [
        (0.5, 1, 0, 1),
        (0.6, 1, 0, 1),
        (0.7, 3, 0, 3),
        (0.8, 3, 2, 1),
        (0.9, 2, 2, 0),
        (0.95, 1, 1, 0),
        (0.99, 1, 1, 0),
    ]
    # The right side of 50% leaves out the 50% forecast: 6 right of 11.
    assert (record.right_side["count"], record.right_side["right"]) == (11, 6)


def test_it_filters_by_source_tag_and_period(vox):
    author, source = vox
    other = builders.source(author, title="Predictions for 2022", published_on=date(2022, 1, 1))
    economy = builders.tag("Economy")
    graded_list(
        author,
        other,
        [("vfp-2022-01", 0.9, True), ("vfp-2022-02", 0.2, False)],
        opens=datetime(2022, 1, 1, tzinfo=UTC),
        closes=datetime(2022, 12, 31, tzinfo=UTC),
        known=datetime(2023, 1, 10, tzinfo=UTC),
        tags=[economy],
    )
    rescoring.rescore_all()
    assert folded.folded_record(author).n_forecasts == 13
    assert _counts(folded.folded_record(author, source=other)) == [(0.8, 1, 1, 0), (0.9, 1, 1, 0)]
    assert folded.folded_record(author, tag=economy).n_forecasts == 2
    since, until = datetime(2022, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC)
    assert folded.folded_record(author, since=since, until=until).n_forecasts == 11
    assert folded.folded_record(author, since=until).n_forecasts == 2


def test_a_question_belongs_to_the_source_its_final_forecast_cites(vox):
    author, source = vox
    later = builders.source(author, title="Mid-year update", published_on=date(2021, 6, 30))
    question = builders.resolved_question(
        "vfp-2021-update",
        "yes",
        known_at=KNOWN,
        opens_at=OPENS,
        closes_at=CLOSES,
        resolve_by=KNOWN,
    )
    builders.raw_forecast(
        question, author, probability=0.6, source=source, stated_at=OPENS, recorded_at=OPENS
    )
    mid_year = OPENS + timedelta(days=180)
    builders.raw_forecast(
        question, author, probability=0.9, source=later, stated_at=mid_year, recorded_at=mid_year
    )
    # Recorded after the outcome was known (hindsight): never the final forecast.
    builders.raw_forecast(
        question,
        author,
        probability=0.1,
        source=source,
        stated_at=OPENS + timedelta(days=200),
        recorded_at=KNOWN + timedelta(days=1),
    )
    rescoring.rescore_all()
    assert folded.folded_record(author, source=source).n_forecasts == 11
    assert _counts(folded.folded_record(author, source=later)) == [(0.9, 1, 1, 0)]


def test_a_source_card_gives_the_mean_brier_with_its_interval_and_both_tables(vox):
    author, source = vox
    [card] = folded.source_scorecards(source)
    briers = [(p - o) ** 2 for _, p, o in VOX_2021]  # one forecast in force all year
    mean, low, high = scoring.score_interval(briers)
    assert card.author == author
    assert card.overall is not None and card.overall.n_scored == 11
    assert card.n_scored == 11
    assert (card.brier, card.brier_low, card.brier_high) == pytest.approx((mean, low, high))
    assert card.brier == pytest.approx(0.255)
    bins = {round(b["lower"], 1): b["count"] for b in card.calibration if b["count"]}
    assert bins == {0.4: 1, 0.5: 1, 0.6: 1, 0.7: 6, 0.8: 2}
    assert _counts(card.folded) == _counts(folded.folded_record(author, source=source))


def test_a_source_card_leaves_out_other_authors_unless_their_final_forecast_cites_it(vox):
    author, source = vox
    guest = builders.author("Guest")
    question = builders.resolved_question(
        "guest-q", "no", known_at=KNOWN, opens_at=OPENS, closes_at=CLOSES, resolve_by=KNOWN
    )
    builders.raw_forecast(
        question, guest, probability=0.3, source=source, stated_at=OPENS, recorded_at=OPENS
    )
    rescoring.rescore_all()
    cards = folded.source_scorecards(source)
    shown = [(c.author.name, c.n_scored) for c in cards]
    assert shown == [("Vox Future Perfect", 11), ("Guest", 1)]
    assert (cards[1].brier, cards[1].brier_low) == (pytest.approx(0.09), None)


def test_it_reads_a_folded_table_and_the_source_cards_in_a_fixed_number_of_queries(
    vox, django_assert_num_queries
):
    author, source = vox
    with django_assert_num_queries(1):
        folded.folded_record(author, source=source, tag=None, since=OPENS)
    with django_assert_num_queries(3):
        folded.source_scorecards(source)


def test_it_has_nothing_to_fold_for_an_author_with_nothing_scored(db):
    record = folded.folded_record(builders.author("Nobody"))
    assert record == folded.NOTHING_FOLDED

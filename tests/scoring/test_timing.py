from datetime import UTC, date, datetime

from forecasts import scoring

CLOSES = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)
KNOWN = datetime(2025, 7, 5, tzinfo=UTC)
LATE = datetime(2025, 7, 10, tzinfo=UTC)
URL = "https://example.org/what-next"


def test_it_counts_a_late_claim_stated_by_the_end_of_its_sources_publication_day():
    stated = datetime(2024, 11, 12, 23, 59, 59, tzinfo=UTC)
    assert scoring.stated_in_time(
        stated,
        LATE,
        closes_at=CLOSES,
        outcome_known_at=KNOWN,
        source_url=URL,
        source_published_on=date(2024, 11, 12),
    )
    assert not scoring.is_hindsight(
        stated, LATE, outcome_known_at=KNOWN, source_url=URL, source_published_on=date(2024, 11, 12)
    )


def test_it_refuses_a_late_claim_stated_the_day_after_its_source_was_published():
    stated = datetime(2024, 11, 13, tzinfo=UTC)
    fields = {"source_url": URL, "source_published_on": date(2024, 11, 12)}
    assert not scoring.stated_in_time(
        stated, LATE, closes_at=CLOSES, outcome_known_at=KNOWN, **fields
    )
    assert scoring.is_hindsight(stated, LATE, outcome_known_at=KNOWN, **fields)


def test_it_refuses_a_late_claim_without_a_url_or_a_date():
    stated = datetime(2024, 11, 12, tzinfo=UTC)
    for fields in (
        {"source_url": "", "source_published_on": date(2024, 11, 12)},
        {"source_url": URL, "source_published_on": None},
        {},
    ):
        assert not scoring.stated_in_time(
            stated, LATE, closes_at=CLOSES, outcome_known_at=KNOWN, **fields
        )
        assert scoring.is_hindsight(stated, LATE, outcome_known_at=KNOWN, **fields)


def test_it_counts_a_claim_recorded_in_time_without_any_source_but_not_one_stated_after_close():
    stated = datetime(2025, 6, 1, tzinfo=UTC)
    assert scoring.stated_in_time(stated, stated, closes_at=CLOSES, outcome_known_at=KNOWN)
    after_close = datetime(2025, 7, 1, tzinfo=UTC)
    assert not scoring.stated_in_time(
        after_close, after_close, closes_at=CLOSES, outcome_known_at=KNOWN
    )


# --- the claim the final-forecast score uses ---------------------------------

EARLY = scoring.ClaimTimes(datetime(2024, 11, 12, tzinfo=UTC), datetime(2024, 11, 12, tzinfo=UTC))
# Stated before the close but recorded after the outcome was known: hindsight.
HINDSIGHT = scoring.ClaimTimes(datetime(2025, 6, 1, tzinfo=UTC), LATE)
# Stated later on the close day than a noon close.
AFTER_NOON = scoring.ClaimTimes(
    datetime(2025, 6, 30, 18, tzinfo=UTC), datetime(2025, 6, 30, 18, tzinfo=UTC)
)


def test_the_final_counted_claim_is_not_one_recorded_in_hindsight():
    claims = [EARLY, HINDSIGHT]
    assert scoring.final_counted(claims, closes_at=CLOSES, outcome_known_at=KNOWN) == 0
    assert [scoring.counts(c, closes_at=CLOSES, outcome_known_at=KNOWN) for c in claims] == [
        True,
        False,
    ]


def test_the_final_counted_claim_is_not_one_stated_after_the_close_moment():
    noon = datetime(2025, 6, 30, 12, tzinfo=UTC)
    claims = [EARLY, AFTER_NOON]
    assert scoring.final_counted(claims, closes_at=noon, outcome_known_at=KNOWN) == 0
    assert scoring.final_counted(claims, closes_at=CLOSES, outcome_known_at=KNOWN) == 1


def test_a_retrospective_claim_proved_by_its_source_can_be_the_final_one():
    proved = scoring.ClaimTimes(
        datetime(2025, 6, 1, tzinfo=UTC), LATE, URL, source_published_on=date(2025, 6, 1)
    )
    assert scoring.final_counted([EARLY, proved], closes_at=CLOSES, outcome_known_at=KNOWN) == 1


def test_no_claim_counts_when_all_are_hindsight_and_all_count_by_the_close_while_pending():
    assert scoring.final_counted([HINDSIGHT], closes_at=CLOSES, outcome_known_at=KNOWN) is None
    assert scoring.final_counted([EARLY, HINDSIGHT], closes_at=CLOSES, outcome_known_at=None) == 1


def test_of_two_claims_stated_at_one_instant_the_later_entered_is_final():
    twin = scoring.ClaimTimes(EARLY.stated_at, EARLY.recorded_at)
    assert scoring.final_counted([EARLY, twin], closes_at=CLOSES, outcome_known_at=KNOWN) == 1

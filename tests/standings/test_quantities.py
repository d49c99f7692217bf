"""Reading the numeric record: an author's QuantityRecords and a question's QuantityScores."""

from datetime import UTC, datetime, timedelta

import pytest

from forecasts.engine import rescoring
from forecasts.models import Author, Forecast, Question, Resolution, Tag
from forecasts.standings.quantities import (
    author_quantity_record,
    author_quantity_records,
    question_quantity_scores,
)

OPENS = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def numeric_ledger(db):
    """Troops (range 0-200, tagged conflict and money) resolved at 120: Ada said 100-140 80%
    sure, Bob said 150 alone, Cy said 20-40 90% sure; a pending question Ada forecast too."""
    conflict, money = (Tag.objects.create(name=n, slug=n.lower()) for n in ("Conflict", "Money"))
    ada, bob, cy = (Author.objects.create(name=n, slug=n.lower()) for n in ("Ada", "Bob", "Cy"))
    troops, pending = (
        Question.objects.create(
            title=title,
            slug=title.lower(),
            kind=Question.Kind.NUMERIC,
            unit="thousand troops",
            range_low=0.0,
            range_high=200.0,
            resolution_criteria="Test.",
            opens_at=OPENS,
            closes_at=OPENS + timedelta(days=10),
            resolve_by=OPENS + timedelta(days=30),
            state=Question.State.LIVE,
        )
        for title in ("Troops", "Pending")
    )
    troops.tags.set([conflict, money])
    for author, question, fields in (
        (ada, troops, {"value_low": 100.0, "value_high": 140.0, "coverage": 0.8}),
        (bob, troops, {"value": 150.0}),
        (cy, troops, {"value_low": 20.0, "value_high": 40.0, "coverage": 0.9}),
        (ada, pending, {"value": 10.0}),
    ):
        Forecast.objects.create(
            question=question, author=author, stated_at=OPENS, recorded_at=OPENS, **fields
        )
    known = OPENS + timedelta(days=11)
    Resolution.objects.create(
        question=troops, outcome="value", value=120.0, outcome_known_at=known, is_current=True
    )
    Question.objects.filter(pk=troops.pk).update(state="resolved", resolution_changed_at=known)
    rescoring.rescore_all()
    return {"ada": ada, "bob": bob, "cy": cy, "troops": troops, "conflict": conflict}


def test_an_authors_records_come_overall_first_then_by_tag(
    numeric_ledger, django_assert_num_queries
):
    with django_assert_num_queries(1):
        records = author_quantity_records(author=numeric_ledger["ada"])
        tags = [r.tag.name if r.tag else None for r in records]
    assert tags == [None, "Conflict", "Money"]
    overall = records[0]
    # Interval 100-140 at 80%: quantiles 0.1 and 0.9 around an outcome inside, on 0-200.
    assert (overall.n_scored, overall.n_pending, overall.n_points) == (1, 1, 0)
    assert overall.mean == pytest.approx(2 * (0.1 * 0.1 + 0.1 * 0.1) / 2)
    assert overall.low is None and overall.high is None  # one score: no interval


def test_one_record_by_tag_or_overall(numeric_ledger):
    bob = author_quantity_record(author=numeric_ledger["bob"])
    assert (bob.n_scored, bob.n_points, bob.mean) == (0, 1, None)
    tagged = author_quantity_record(author=numeric_ledger["cy"], tag=numeric_ledger["conflict"])
    assert tagged.tag == numeric_ledger["conflict"] and tagged.n_scored == 1
    assert author_quantity_record(author=Author.objects.create(name="Dee", slug="dee")) is None


def test_a_questions_scores_come_best_first_with_their_authors(
    numeric_ledger, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = list(question_quantity_scores(question=numeric_ledger["troops"]))
        names = [row.author.name for row in rows]
    assert names == ["Ada", "Cy", "Bob"]  # Bob's point alone has no score: last
    assert [row.form for row in rows] == ["interval", "interval", "point"]
    assert rows[2].abs_error == 30.0 and rows[2].rel_error == pytest.approx(0.25)
    assert rows[0].wis == pytest.approx(2 * (0.1 * 20 + 0.1 * 20) / 2)

"""Period records: the questions known in [since, until), the same on SQLite and PostgreSQL.

The expected figures are worked out here with forecasts.scoring from the
forecasts and outcomes themselves, so this module proves the right numbers on
whichever database the suite runs on (CI runs it on both). The outcome times
sit at odd hours and on the period's edges: known exactly at ``since``
counts, a microsecond before ``until`` counts, exactly at ``until`` does not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from statistics import mean

import pytest

from forecasts import scoring
from forecasts.engine import rescoring
from forecasts.models import Author, Forecast, Question, Resolution, Tag
from forecasts.standings.leaderboard import leaderboard
from forecasts.standings.periods import period_bounds
from forecasts.standings.scorecards import author_scorecards, binned_figures, scorecard

OPENS = datetime(2024, 10, 1, 6, 30, tzinfo=UTC)
CLOSES = datetime(2024, 11, 15, 17, 45, tzinfo=UTC)
SINCE = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
UNTIL = datetime(2025, 3, 1, 18, 30, tzinfo=UTC)

# slug: (outcome known at, happened, tagged politics, Ada's two forecasts, Bob's forecast)
PLAN = {
    "just-before-since": (SINCE - timedelta(seconds=1), True, False, (0.9, 0.8), 0.3),
    "at-since": (SINCE, False, False, (0.3, 0.1), 0.6),
    "inside": (datetime(2025, 2, 10, 9, 15, 30, tzinfo=UTC), True, True, (0.55, 0.7), 0.4),
    "just-before-until": (UNTIL - timedelta(microseconds=1), True, True, (0.6, 0.95), 0.8),
    "at-until": (UNTIL, False, True, (0.95, 0.9), 0.2),
    "after-until": (UNTIL + timedelta(days=1), False, False, (0.5, 0.5), 0.5),
}
IN_PERIOD = ["at-since", "inside", "just-before-until"]
ADA_STATED = (OPENS + timedelta(hours=3), OPENS + timedelta(days=20, hours=7, minutes=40))
BOB_STATED = OPENS + timedelta(days=5, hours=2, minutes=30)


@pytest.fixture
def edges(db):
    """Ada and Bob on six questions known around the period's edges (see PLAN)."""
    politics = Tag.objects.create(name="Politics", slug="politics")
    ada, bob = (Author.objects.create(name=n, slug=n.lower()) for n in ("Ada", "Bob"))
    for slug, (known, happened, tagged, ada_p, bob_p) in PLAN.items():
        question = Question.objects.create(
            title=slug,
            slug=slug,
            resolution_criteria="Test.",
            opens_at=OPENS,
            closes_at=CLOSES,
            resolve_by=CLOSES + timedelta(days=200),
        )
        if tagged:
            question.tags.add(politics)
        for stated, p in zip(ADA_STATED, ada_p, strict=True):
            Forecast.objects.create(
                question=question, author=ada, stated_at=stated, recorded_at=stated, probability=p
            )
        Forecast.objects.create(
            question=question,
            author=bob,
            stated_at=BOB_STATED,
            recorded_at=BOB_STATED,
            probability=bob_p,
        )
        Resolution.objects.create(
            question=question, outcome="yes" if happened else "no", outcome_known_at=known
        )
        question.state = Question.State.RESOLVED
        question.resolution_changed_at = known
        question.save()
    rescoring.rescore_all()
    return {"ada": ada, "bob": bob, "politics": politics}


def forecasts_of(author: str, slug: str) -> list[tuple[datetime, float]]:
    _, _, _, ada_p, bob_p = PLAN[slug]
    if author == "ada":
        return list(zip(ADA_STATED, ada_p, strict=True))
    return [(BOB_STATED, bob_p)]


def expected(author: str, slugs: list[str]) -> dict:
    """The period card of ``author`` over ``slugs``, by the scoring library alone."""
    briers, finals, losses, final_yes, outcomes = [], [], [], [], []
    for slug in slugs:
        happened = PLAN[slug][1]
        pairs = forecasts_of(author, slug)
        briers.append(scoring.time_averaged_brier(pairs, OPENS.date(), CLOSES.date(), happened))
        last = pairs[-1][1]
        finals.append(scoring.brier(last, happened))
        losses.append(scoring.log_loss(last, happened))
        final_yes.append(last)
        outcomes.append(happened)
    brier, low, high = scoring.score_interval(briers)
    return {
        "n_scored": len(slugs),
        "brier": brier,
        "brier_0_2": 2 * brier,
        "brier_low": low,
        "brier_high": high,
        "brier_final": mean(finals),
        "skill": 1 - brier / scoring.COIN_FLIP_BRIER,
        "log_loss": mean(losses),
        "n_better_than_coin": sum(b < scoring.COIN_FLIP_BRIER for b in briers),
        "calibration": scoring.calibration_table(final_yes, outcomes, n_bins=10),
        "murphy": scoring.murphy_decomposition(final_yes, outcomes, n_bins=10),
    }


def assert_card(card, want: dict) -> None:
    """The period card holds ``want``'s figures, and its totals the calibration and Murphy terms."""
    assert card.computed_at is None  # worked out for the period, not stored
    (binned,) = binned_figures([card])
    for name, value in want.items():
        if name == "calibration":
            assert [(b["count"], b["n_event"]) for b in binned.calibration] == [
                (b["count"], b["n_event"]) for b in value
            ]
            assert [b["mean_forecast"] for b in binned.calibration] == pytest.approx(
                [b["mean_forecast"] for b in value], abs=1e-9, nan_ok=True
            )
        elif name == "murphy":
            assert binned.murphy == pytest.approx(value, abs=1e-9)
        elif isinstance(value, int):
            assert getattr(card, name) == value, name
        else:
            assert getattr(card, name) == pytest.approx(value, abs=1e-9), name


EAST, WEST = timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    "since, until",
    [
        pytest.param(SINCE, UNTIL, id="utc"),
        pytest.param(SINCE.astimezone(EAST), UNTIL.astimezone(WEST), id="other-offsets"),
    ],
)
def test_it_counts_the_questions_known_from_since_to_just_before_until(edges, since, until):
    card = scorecard(edges["ada"], since=since, until=until)
    assert_card(card, expected("ada", IN_PERIOD))
    bob = scorecard(edges["bob"], since=since, until=until)
    assert_card(bob, expected("bob", IN_PERIOD))


def test_it_counts_the_same_edges_for_a_tag(edges):
    card = scorecard(edges["ada"], tag=edges["politics"], since=SINCE, until=UNTIL)
    assert_card(card, expected("ada", ["inside", "just-before-until"]))


def test_it_takes_open_ended_periods_at_their_one_edge(edges):
    since_only = scorecard(edges["ada"], since=SINCE)
    assert_card(since_only, expected("ada", [s for s in PLAN if s != "just-before-since"]))
    until_only = scorecard(edges["ada"], until=UNTIL)
    assert_card(until_only, expected("ada", ["just-before-since", *IN_PERIOD]))


def test_it_gives_every_tag_card_the_same_edges(edges):
    overall, by_tag = author_scorecards(edges["ada"], since=SINCE, until=UNTIL)
    assert_card(overall, expected("ada", IN_PERIOD))
    assert [card.tag for card in by_tag] == [edges["politics"]]
    assert_card(by_tag[0], expected("ada", ["inside", "just-before-until"]))


def test_it_ranks_the_period_by_the_librarys_scores(edges):
    board = leaderboard(since=SINCE, until=UNTIL, min_n=1)
    want = {name: expected(name, IN_PERIOD) for name in ("ada", "bob")}
    assert want["ada"]["brier"] < want["bob"]["brier"]
    assert [(s.author.slug, s.rank) for s in board.ranked] == [("ada", 1), ("bob", 2)]
    assert board.unranked == [] and board.computed_at is None
    for standing in board.ranked:
        assert_card(standing.card, want[standing.author.slug])


def test_it_gives_the_api_the_same_period_figures(edges, api_client):
    params = {"since": "2025-01-01T13:00:00+01:00", "until": "2025-03-01T13:30:00-05:00"}
    body = api_client.get("/api/authors/ada/scorecard/", params).json()
    want = expected("ada", IN_PERIOD)
    for name in ("n_scored", "brier", "brier_low", "brier_high", "brier_final", "log_loss"):
        assert body["overall"][name] == pytest.approx(want[name], abs=1e-9), name
    board = api_client.get("/api/leaderboard/", {**params, "min_n": 3}).json()["results"]
    assert [(r["author_slug"], r["rank"], r["n_scored"]) for r in board] == [
        ("ada", 1, 3),
        ("bob", 2, 3),
    ]


def test_it_turns_the_pages_whole_days_into_bounds(edges):
    since, until = period_bounds(date(2025, 1, 1), date(2025, 3, 1))
    assert (since, until) == (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC))
    assert period_bounds(None, None) == (None, None)
    # The whole of 1 January to 1 March: every edge question but the one known on 2 March.
    card = scorecard(edges["ada"], since=since, until=until)
    assert_card(card, expected("ada", [s for s in PLAN if s != "after-until"]))

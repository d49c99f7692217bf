"""The leaderboard: one ranking by mean Brier, ties sharing a rank, on the page and in the API."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forecasts.engine import rescoring
from forecasts.models import Author, Question, Scorecard
from forecasts.standings.leaderboard import competition_ranks, leaderboard, stored_place
from tests.builders import closed_question, forecast, resolve


@pytest.mark.parametrize(
    "scores, ranks",
    [
        ([], []),
        ([0.3], [1]),
        ([0.1, 0.2, 0.3], [1, 2, 3]),
        ([0.1, 0.1, 0.2], [1, 1, 3]),
        ([0.1, 0.2, 0.2, 0.2, 0.3, 0.4, 0.4], [1, 2, 2, 2, 5, 6, 6]),
        ([0.25, 0.25, 0.25], [1, 1, 1]),
    ],
)
def test_it_ranks_equal_scores_alike_and_skips_the_places_they_take(scores, ranks):
    assert competition_ranks(scores) == ranks


def test_it_ranks_authors_with_enough_questions(ledger):
    board = leaderboard(min_n=3)
    assert [(s.author.name, s.rank) for s in board.ranked] == [("Ada", 1), ("Bob", 2)]
    assert [(s.author.name, s.rank) for s in board.unranked] == [("Cy", None)]  # two questions
    ada = board.ranked[0].card
    assert (ada.n_scored, ada.brier) == (3, pytest.approx(0.07))
    assert ada.brier_low is not None and board.computed_at == ada.computed_at


def test_it_ranks_for_a_tag_and_a_period(ledger):
    board = leaderboard(tag=ledger["politics"], min_n=1)
    assert [(s.author.name, s.rank) for s in board.ranked] == [("Ada", 1), ("Bob", 2), ("Cy", 3)]
    period = leaderboard(until=datetime(2025, 1, 1, tzinfo=UTC), min_n=2)
    assert [(s.author.name, s.card.n_scored) for s in period.ranked] == [
        ("Ada", 2),
        ("Bob", 2),
        ("Cy", 2),
    ]
    assert period.ranked[0].card.brier == pytest.approx(0.025)
    assert period.computed_at is None


def test_it_shares_a_rank_between_equal_scores(ledger):
    Scorecard.objects.filter(tag=None).update(brier=0.1)
    assert [s.rank for s in leaderboard(min_n=1).ranked] == [1, 1, 1]
    Scorecard.objects.filter(tag=None, author=ledger["ada"]).update(brier=0.2)
    assert [(s.author.name, s.rank) for s in leaderboard(min_n=1).ranked] == [
        ("Bob", 1),  # three questions to Cy's two: listed first, same rank
        ("Cy", 1),
        ("Ada", 3),
    ]


def test_it_lists_authors_without_a_score_unranked(ledger, record):
    pending_only = Author.objects.create(name="Pending Pat", slug="pat")
    never = Author.objects.create(name="Never Ned", slug="ned")
    record(Question.objects.get(slug="q4"), pending_only, 0.4)
    rescoring.rescore_all()  # Pat gets a card with one pending question, nothing scored
    record(Question.objects.get(slug="q4"), never, 0.6)  # Ned: not rescored yet
    board = leaderboard(min_n=3, with_unscored=True)
    assert [(s.author.name, s.card.n_scored if s.card else None) for s in board.unranked] == [
        ("Cy", 2),
        ("Pending Pat", 0),
        ("Never Ned", None),
    ]
    assert [s.author.name for s in leaderboard(min_n=3).unranked] == ["Cy", "Pending Pat"]
    tagged = leaderboard(tag=ledger["politics"], min_n=3, with_unscored=True)
    assert "Never Ned" not in [s.author.name for s in tagged.unranked]


@pytest.mark.parametrize("period", [{}, {"since": datetime(2024, 1, 1, tzinfo=UTC)}])
def test_it_reads_with_a_fixed_number_of_queries(ledger, record, period):
    def count(work) -> int:
        with CaptureQueriesContext(connection) as queries:
            work()
        return len(queries.captured_queries)

    few = count(lambda: leaderboard(min_n=1, **period))
    for i in range(12):  # more authors with scores
        author = Author.objects.create(name=f"Extra {i}", slug=f"extra-{i}")
        record(Question.objects.get(slug="q4"), author, 0.3)
        record(Question.objects.get(slug="q2"), author, 0.1)
    rescoring.rescore_all()
    assert count(lambda: leaderboard(min_n=1, **period)) == few <= 2
    assert len(leaderboard(min_n=1, **period).ranked) == 15


# --- one rank for tied authors wherever a user reads it --------------------------------


@pytest.fixture
def tied(db, settings, source):
    """Ada and Bob forecast alike (tied first), Cy worse, Dee and Eve alike (tied fourth)."""
    settings.RECKON_LEADERBOARD_MIN_N = 3
    plan = {
        "ada": (0.8, 0.7, 0.3),
        "bob": (0.8, 0.7, 0.3),
        "cy": (0.7, 0.6, 0.4),
        "dee": (0.6, 0.5, 0.5),
        "eve": (0.6, 0.5, 0.5),
    }
    authors = {slug: Author.objects.create(name=slug.title(), slug=slug) for slug in plan}
    for i, outcome in enumerate(("yes", "yes", "no")):
        question = closed_question(f"tie-{i}")
        for slug, ps in plan.items():
            forecast(question, authors[slug], source=source, probability=ps[i])
        resolve(question, outcome)
    rescoring.rescore_all()
    return {"ada": 1, "bob": 1, "cy": 3, "dee": 4, "eve": 4}


def test_a_stored_card_has_the_place_the_board_gives_it_in_one_query(
    tied, django_assert_num_queries
):
    board = leaderboard()
    assert {s.author.slug: s.rank for s in board.ranked} == tied
    for standing in board.ranked:
        worse = sum(1 for s in board.ranked if s.card.brier > standing.card.brier)
        with django_assert_num_queries(1):
            place = stored_place(standing.card)
        assert place is not None
        assert (place.rank, place.n_ranked, place.n_worse) == (
            standing.rank,
            len(board.ranked),
            worse,
        )


def test_a_card_below_the_minimum_has_no_place(tied, django_assert_num_queries):
    card = Scorecard.objects.get(tag=None, author__slug="cy")
    with django_assert_num_queries(1):  # read all the same: a page's count stays fixed
        assert stored_place(card, min_n=card.n_scored + 1) is None
    assert stored_place(card, min_n=card.n_scored) is not None


# Bob and Dee as synthetic demo authors: each kind is ranked among itself.
REAL_RANKS = {"ada": 1, "cy": 2, "eve": 3}
SYNTHETIC_RANKS = {"bob": 1, "dee": 2}


def test_a_stored_card_is_placed_among_its_own_kind_as_that_kinds_board_places_it(
    tied, django_assert_num_queries
):
    Author.objects.filter(slug__in=SYNTHETIC_RANKS).update(is_synthetic=True)
    for synthetic, expected in ((False, REAL_RANKS), (True, SYNTHETIC_RANKS)):
        board = leaderboard(synthetic=synthetic)
        assert {s.author.slug: s.rank for s in board.ranked} == expected
        for standing in board.ranked:
            with django_assert_num_queries(1):
                place = stored_place(standing.card, synthetic=synthetic)
            assert place is not None
            assert (place.rank, place.n_ranked) == (standing.rank, len(expected))


@pytest.mark.parametrize("query", ["", "?recorded_before_outcome=on"])
def test_an_author_page_gives_the_rank_the_leaderboard_of_their_kind_gives(tied, client, query):
    """Stored cards, and a board rebuilt for a selection: the same place either way."""
    Author.objects.filter(slug__in=SYNTHETIC_RANKS).update(is_synthetic=True)
    for expected in (REAL_RANKS, SYNTHETIC_RANKS):
        for slug, rank in expected.items():
            page = client.get(f"/authors/{slug}/{query}").content.decode()
            sentence = re.search(r'data-field="percentile">(.*?)</p>', page, re.S).group(1)
            assert f"Ranked {rank} of {len(expected)}:" in sentence, (slug, query, sentence)


def page_ranks(html: str) -> dict[str, int]:
    ranked = html.split('id="ranked-h"')[1].split('id="unranked-h"')[0]
    rows = re.findall(r'data-author="([\w-]+)">\s*<td class="num">(\d+)</td>', ranked)
    return {slug: int(rank) for slug, rank in rows}


@pytest.mark.parametrize("period", [False, True], ids=["stored", "period"])
def test_it_gives_tied_authors_one_rank_on_the_page_and_in_the_api(
    client, api_client, tied, period
):
    today = timezone.now().date()
    page_period = {"since": today.isoformat()} if period else {}
    api_period = {"since": f"{today.isoformat()}T00:00:00Z"} if period else {}
    briers = {s.author.slug: s.card.brier for s in leaderboard().ranked}
    assert briers["ada"] == briers["bob"] < briers["cy"] < briers["dee"] == briers["eve"]

    assert page_ranks(client.get("/leaderboard/", page_period).content.decode()) == tied
    api = api_client.get("/api/leaderboard/", api_period).json()["results"]
    assert [(r["author_slug"], r["rank"]) for r in api] == list(tied.items())


def test_it_gives_tied_authors_one_rank_in_the_scorecard_export(api_client, tied, author, source):
    """The export ranks each stored card on its all-time board; unranked cards have none."""
    lone = closed_question("lone")
    forecast(lone, author, source=source, probability=0.9)
    resolve(lone, "yes")
    rescoring.rescore_all()
    export = api_client.get("/api/scorecards/export.csv", {"overall": "true"})
    rows = csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode()))
    assert {r["author_slug"]: r["rank"] for r in rows} == {
        **{slug: str(rank) for slug, rank in tied.items()},
        author.slug: "",  # one scored question: below the minimum, so not ranked
    }

"""Plain words on scorecards: every number in them is reproduced here with forecasts.scoring."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from forecasts import scoring
from forecasts.models import QuestionScore, Scorecard
from forecasts.standings.leaderboard import competition_ranks
from tests.builders.pages_world import build_world, store_scores
from tests.builders.sized_records import sized_records

pytestmark = pytest.mark.django_db


def field(page: str, name: str) -> list[str]:
    found = re.findall(rf'data-field="{name}">(.*?)</p>', page, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found]


@pytest.fixture
def world(settings):
    settings.RECKON_LEADERBOARD_MIN_N = 3
    w = build_world(n_authors=4, n_questions=8, n_open=1, seed=11)
    store_scores(w)
    return w


def test_the_scorecard_opens_with_a_sentence_built_from_the_stored_figures(client, world):
    author = world.authors[0]
    card = Scorecard.objects.get(author=author, tag=None)
    scores = QuestionScore.objects.counted().filter(author=author)
    finals = [s.final_probability if s.resolved_yes else 1 - s.final_probability for s in scores]
    table = scoring.folded_calibration(finals, [s.resolved_yes for s in scores])
    top = max(table, key=lambda r: (r["count"], r["level"]))
    mean, low, high = scoring.score_interval([s.brier for s in scores])
    sentence = field(client.get(author.get_absolute_url()).content.decode(), "headline_sentence")[0]
    assert sentence.startswith(f"Of the {len(scores)} questions we could score, Author 0's ")
    level = f"{top['level'] * 100:.2f}".rstrip("0").rstrip(".")
    if top["count"] > 1:
        assert (
            f"{level}% calls came true {top['frequency'] * 100:.0f}% of the time "
            f"({top['right']} of {top['count']})"
        ) in sentence
    verdict = "better than" if mean < 0.25 else "worse than"
    assert f"overall Author 0 did {verdict} always saying 50%" in sentence
    assert f"a Brier score of {mean:.3f} against the coin flip's 0.250" in sentence
    assert f"(95% interval {low:.3f} to {high:.3f})" in sentence
    assert card.n_scored == len(scores)


def test_the_statistics_sit_behind_a_disclosure(client, world):
    page = client.get(world.authors[0].get_absolute_url()).content.decode()
    details = page.split('<details class="statistics">')[1].split("</details>")[0]
    assert "<summary>The statistics behind this sentence</summary>" in details
    headline = page.split('<details class="statistics">')[0].split('id="headline-h"')[1]
    for name in ("brier", "n_scored", "brier_low", "brier_high"):  # in plain sight
        assert f'data-field="{name}"' in headline
    for name in ("brier_0_2", "skill", "log_loss", "brier_final"):
        assert f'data-field="{name}"' in details


@pytest.mark.parametrize("synthetic", [False, True])
def test_each_ranked_author_hears_their_percentile_among_ranked_authors_of_their_kind(
    client, world, synthetic
):
    """Real authors among the real ones, the synthetic among the synthetic, as the
    leaderboard ranks them (the world holds both)."""
    ranked = Scorecard.objects.filter(
        tag=None, n_scored__gte=3, author__is_synthetic=synthetic
    ).select_related("author")
    cards = sorted(ranked, key=lambda c: (c.brier, -c.n_scored))
    assert cards
    ranks = competition_ranks([c.brier for c in cards])
    for card, rank in zip(cards, ranks, strict=True):
        worse = sum(1 for other in cards if other.brier > card.brier)
        others = len(cards) - 1
        page = client.get(card.author.get_absolute_url()).content.decode()
        if others == 0:
            assert field(page, "percentile") == ["The only ranked author on this board."]
            continue
        assert field(page, "percentile") == [
            f"Ranked {rank} of {len(cards)}: a better Brier score than {worse} of the other "
            f"{others} ranked authors ({worse / others * 100:.0f}%)."
        ]


def test_each_scored_claim_ties_its_number_to_its_score(client, world):
    author = world.authors[1]
    page = client.get(author.get_absolute_url()).content.decode()
    lines = field(page, "claim_line")
    scores = {s.question.title: s for s in QuestionScore.objects.counted().filter(author=author)}
    assert len(lines) == len(scores)
    rows = re.findall(r'<tr class="claim".*?</tr>', page, re.S)
    for row in rows:
        title = re.search(r">(Question \d+\?)</a>", row).group(1)
        if title not in scores:
            continue
        score = scores[title]
        line = field(row, "claim_line")[0]
        final = author.forecasts.filter(question=score.question).order_by("-stated_at").first()
        outcome = 1 if score.resolved_yes else 0
        p = final.probability
        assert score.brier_final == pytest.approx(scoring.brier(p, bool(outcome)))
        assert line.startswith(f"Said “likely”, scored as {p * 100:.0f}% yes; ")
        assert f"({outcome} − {p:g})² = {score.brier_final:.3f}" in line
        if score.n_forecasts > 1:
            assert (
                f"the score counted, {score.brier:.3f}, is the mean of {score.n_days} daily "
                f"scores over the {score.n_forecasts} forecasts in force"
            ) in line


def test_a_one_question_record_says_one_and_has_no_interval(client):
    records = sized_records(sizes=(1, 2))
    page = client.get(records.authors[0].get_absolute_url()).content.decode()
    sentence = field(page, "headline_sentence")[0]
    assert sentence.startswith("Of the one question we could score, Pundit 1's one ")
    assert "no interval: one question is too few to say how far the score could move" in sentence
    assert "Not ranked: the leaderboard ranks authors with at least" in page


def test_the_about_page_works_one_real_claim_through_to_its_score(client):
    page = client.get("/about/scoring/").content.decode()
    assert '“likely” means <data data-field="words_low" value="0.55">55%</data>' in page
    assert "Bay Area lockdown (eg restaurants closed) will be extended beyond June 15" in page
    assert f'data-field="worked_brier" value="{scoring.brier(0.6, True)!r}"' in page
    assert "no stored score to compare with here" in page
    assert "No real author has" in page  # nothing ranked in an empty database


def test_the_about_page_measures_good_scores_from_the_stored_real_cards(client, world):
    for synthetic in world.authors[-1:]:
        assert synthetic.is_synthetic
    real = sorted(
        (
            c
            for c in Scorecard.objects.filter(tag=None, n_scored__gte=3)
            if not c.author.is_synthetic
        ),
        key=lambda c: c.brier,
    )
    page = client.get("/about/scoring/").content.decode()
    assert f"Among the <strong>{len(real)}</strong> real authors ranked" in page
    assert f'data-field="best_brier" value="{real[0].brier!r}"' in page
    assert f'data-field="worst_brier" value="{real[-1].brier!r}"' in page

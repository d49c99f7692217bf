"""Every figure on the scorecard equals the scoring library's, and the API's.

The figures are recomputed here with forecasts/scoring/__init__.py from the stored
forecasts and outcomes, not read back from the stored scores.
"""

import re
from statistics import mean

import pytest

from forecasts import scoring
from tests.builders.pages_world import build_world, store_scores

pytestmark = pytest.mark.django_db


def figure(html: str, field: str) -> float:
    return float(re.search(rf'<data data-field="{field}" value="([^"]+)"', html).group(1))


@pytest.fixture
def world():
    w = build_world(n_authors=3, n_questions=10, n_open=1, seed=3)
    store_scores(w)
    return w


def recompute(world, author, questions):
    """Per-question time-averaged and final scores of ``author``, from the raw forecasts."""
    rows = []
    for q in questions:
        pairs = [(f.stated_at, f.probability) for f in q.forecasts.filter(author=author)]
        happened = world.outcomes[q.pk]
        rows.append(
            (
                scoring.time_averaged_brier(pairs, q.opens_at.date(), q.closes_at.date(), happened),
                pairs[-1][1],
                happened,
            )
        )
    return rows


def resolved(world):
    return [q for q in world.questions if q.pk in world.outcomes]


def test_it_prints_the_scoring_librarys_numbers(client, world):
    author = world.authors[1]
    rows = recompute(world, author, resolved(world))
    briers = [bs for bs, _, _ in rows]
    finals, outcomes = [p for _, p, _ in rows], [o for _, _, o in rows]
    brier, low, high = scoring.score_interval(briers)
    html = client.get(author.get_absolute_url()).content.decode()
    assert figure(html, "n_scored") == len(rows)
    assert figure(html, "brier") == pytest.approx(brier, abs=1e-9)
    assert figure(html, "brier_0_2") == pytest.approx(2 * brier, abs=1e-9)
    assert figure(html, "brier_low") == pytest.approx(low, abs=1e-9)
    assert figure(html, "brier_high") == pytest.approx(high, abs=1e-9)
    assert figure(html, "skill") == pytest.approx(1 - brier / 0.25, abs=1e-9)
    assert figure(html, "log_loss") == pytest.approx(
        mean(scoring.log_loss(p, o) for p, o in zip(finals, outcomes, strict=True)), abs=1e-9
    )
    assert figure(html, "n_better_than_coin") == sum(b < 0.25 for b in briers)
    murphy = scoring.murphy_decomposition(finals, outcomes, n_bins=10)
    for key in ("reliability", "resolution", "uncertainty", "within_bin_variance"):
        assert figure(html, key) == pytest.approx(murphy[key], abs=1e-9)
    table = [b for b in scoring.calibration_table(finals, outcomes) if b["count"]]
    shown = re.findall(
        r'<tr class="calibration-bin">\s*<th scope="row">[^<]*</th>'
        r"\s*<td>(\d+)</td>\s*<td>(\d+)</td>",
        html,
    )
    assert shown == [(str(b["count"]), str(b["n_event"])) for b in table]


def test_it_agrees_with_the_api(client, world):
    author = world.authors[0]
    html = client.get(author.get_absolute_url()).content.decode()
    api = client.get(f"/api/authors/{author.slug}/scorecard/").json()["overall"]
    for field in ("brier", "brier_0_2", "brier_low", "brier_high", "skill", "log_loss"):
        assert figure(html, field) == pytest.approx(api[field], abs=1e-9), field
    assert figure(html, "n_scored") == api["n_scored"]


def test_it_recomputes_a_period_like_the_api_does(client, world):
    author = world.authors[2]
    in_period = [
        q
        for q in resolved(world)
        if "2024-02-15"
        <= q.resolutions.get(is_current=True).outcome_known_at.date().isoformat()
        <= "2024-03-31"
    ]
    assert 1 < len(in_period) < len(resolved(world))
    briers = [bs for bs, _, _ in recompute(world, author, in_period)]
    html = client.get(
        author.get_absolute_url(), {"since": "2024-02-15", "until": "2024-03-31"}
    ).content.decode()
    assert figure(html, "n_scored") == len(in_period)
    assert figure(html, "brier") == pytest.approx(mean(briers), abs=1e-9)
    resolved_claims = html.split('id="resolved-h"')[1].split('id="pending-h"')[0]
    assert resolved_claims.count('class="claim"') == len(in_period)
    api = client.get(
        f"/api/authors/{author.slug}/scorecard/",
        {"since": "2024-02-15T00:00:00Z", "until": "2024-04-01T00:00:00Z"},
    ).json()["overall"]
    for field in ("brier", "brier_low", "brier_high", "skill", "log_loss", "n_scored"):
        assert figure(html, field) == pytest.approx(api[field], abs=1e-9), field


def test_it_ranks_a_period_on_the_leaderboard(client, world, settings):
    settings.RECKON_LEADERBOARD_MIN_N = 2
    html = client.get(
        "/leaderboard/", {"since": "2024-02-15", "until": "2024-03-31", "records": "all"}
    ).content.decode()
    ranked = html.split('id="ranked-h"')[1].split('id="unranked-h"')[0]
    assert ranked.count('class="board-row"') == len(world.authors)

"""The author scorecard page: headline, calibration, decomposition, claims and exclusions."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from forecasts.models import Scorecard
from forecasts.standings.scorecards import binned_figures
from tests import builders
from tests.builders.late_claims import late_claims
from tests.builders.pages_world import build_world, store_scores
from tests.pages import svg

pytestmark = pytest.mark.django_db


def figures(html: str, field: str) -> list[str]:
    """Exact values printed inside <data data-field=...> for one field."""
    return re.findall(rf'<data data-field="{field}" value="([^"]*)"', html)


@pytest.fixture
def world():
    w = build_world(n_authors=3, n_questions=6, n_open=1)
    store_scores(w)
    return w


def test_it_shows_the_stored_headline_with_n_and_interval(client, world):
    author = world.authors[0]
    card = Scorecard.objects.get(author=author, tag=None)
    html = client.get(author.get_absolute_url()).content.decode()
    assert figures(html, "brier")[0] == repr(card.brier)
    assert figures(html, "brier_0_2") == [repr(card.brier_0_2)]
    assert figures(html, "brier_low") == [repr(card.brier_low)]
    assert figures(html, "brier_high") == [repr(card.brier_high)]
    assert figures(html, "skill") == [repr(card.skill)]
    assert figures(html, "log_loss") == [repr(card.log_loss)]
    assert figures(html, "n_scored") == ["6"]
    assert f"{card.brier:.3f}" in html
    assert (
        "Better than giving every option the same chance on "
        f'<strong><data data-field="n_better_than_coin" '
        f'value="{card.n_better_than_coin}">{card.n_better_than_coin}</data> of 6</strong>'
    ) in html


def test_it_draws_one_calibration_dot_per_non_empty_bin(client, world):
    author = world.authors[1]
    card = Scorecard.objects.get(author=author, tag=None)
    filled = [b for b in binned_figures([card])[0].calibration if b["count"]]
    html = client.get(author.get_absolute_url()).content.decode()
    wide, narrow = svg.drawings(html, "Calibration chart")
    for drawing in (wide, narrow):
        # One dot per bin in the observed series; the diagonal and the intervals are lines.
        assert svg.marks(drawing, "observed") == len(filled) > 0
        assert "<title>Calibration chart" in drawing
        # Counts are in the table, not printed over the dots where they would collide.
        assert ">n=" not in drawing
    rows = re.findall(r'<tr class="calibration-bin">.*?</tr>', html, re.S)
    assert [re.findall(r"<td>(\d+)</td>", r)[0] for r in rows] == [str(b["count"]) for b in filled]


def test_it_explains_each_murphy_term(client, world):
    author = world.authors[0]
    card = Scorecard.objects.get(author=author, tag=None)
    murphy = binned_figures([card])[0].murphy
    html = client.get(author.get_absolute_url()).content.decode()
    for key in (
        "reliability",
        "resolution",
        "uncertainty",
        "within_bin_variance",
        "within_bin_covariance",
        "base_rate",
    ):
        assert figures(html, key) == [repr(murphy[key])]
    assert "How hard the questions were" in html or "how hard the questions were" in html


def test_it_lists_resolved_claims_with_quote_number_outcome_and_score(client, world):
    author = world.authors[0]
    html = client.get(author.get_absolute_url()).content.decode()
    resolved = html.split('id="resolved-h"')[1].split('id="pending-h"')[0]
    assert resolved.count('class="claim"') == 6
    q = world.questions[0]
    score = q.scores.get(author=author)
    final = q.forecasts.filter(author=author).last()
    assert final.quote in resolved
    assert f"{final.probability * 100:.0f}%" in resolved
    assert repr(score.brier) in resolved
    assert ("Yes" if world.outcomes[q.pk] else "No") in resolved


def test_it_lists_pending_claims_with_their_due_date(client, world):
    author = world.authors[0]
    html = client.get(author.get_absolute_url()).content.decode()
    pending = html.split('id="pending-h"')[1].split('id="excluded-h"')[0]
    assert "Pending claims (1)" in html
    assert world.questions[-1].title in pending
    assert "1 Jan 2099" in pending


def test_it_says_what_was_left_out_and_why(client, world):
    author, q = world.authors[0], world.questions[-1]
    builders.annul(q, reason="The premise never happened.")
    html = client.get(author.get_absolute_url()).content.decode()
    excluded = html.split('id="excluded-h"')[1]
    assert "<strong>0</strong> unresolved" in excluded
    assert "<strong>1</strong> annulled" in excluded
    assert "The premise never happened." in excluded


def test_it_shows_a_claim_recorded_in_hindsight_as_unscored(client, world):
    author, q = world.authors[0], world.questions[-1]
    builders.resolve(
        q,
        "yes",
        known_at=q.opens_at + timedelta(hours=1),
        evidence_note="Early news.",
        at=datetime(2024, 4, 1, tzinfo=UTC),
    )
    html = client.get(author.get_absolute_url()).content.decode()
    excluded = html.split('id="excluded-h"')[1]
    assert "<strong>1</strong> recorded in hindsight" in excluded
    assert q.title in excluded.split("Recorded in hindsight")[1]


def test_it_labels_synthetic_authors(client, world):
    synthetic = world.authors[-1]
    html = client.get(synthetic.get_absolute_url()).content.decode()
    assert "Synthetic demo author." in html
    real = client.get(world.authors[0].get_absolute_url()).content.decode()
    assert "Synthetic demo author." not in real


def test_it_filters_by_tag(client, world):
    author, tag = world.authors[0], world.tags[0]
    card = Scorecard.objects.get(author=author, tag=tag)
    html = client.get(author.get_absolute_url(), {"tag": tag.slug}).content.decode()
    assert figures(html, "brier")[0] == repr(card.brier)
    assert figures(html, "n_scored") == [str(card.n_scored)]
    resolved = html.split('id="resolved-h"')[1].split('id="pending-h"')[0]
    assert resolved.count('class="claim"') == card.n_scored == 3
    assert 'for="id_tag">Topic</label>' in html


def test_it_reports_a_bad_period_next_to_the_field(client, world):
    author = world.authors[0]
    response = client.get(author.get_absolute_url(), {"since": "2025-02-01", "until": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_it_draws_the_running_mean_brier_by_resolution_date(client, world):
    author = world.authors[0]
    card = Scorecard.objects.get(author=author, tag=None)
    html = client.get(author.get_absolute_url()).content.decode()
    running = [float(v) for v in figures(html, "running_mean")]
    assert len(running) == 6
    assert running[-1] == pytest.approx(card.brier, abs=1e-9)
    assert 'aria-label="Brier score over time' in html


def test_it_draws_the_charts_once_whatever_rescoring_or_the_cache_do(client, world, monkeypatch):
    """Drawn once per change of what they plot (tests/pages/test_chart_store.py has a change)."""
    from forecasts.pages import drawings

    cache.clear()  # nothing drawn by an earlier run
    drawn = []
    calibration = drawings.calibration
    monkeypatch.setattr(
        drawings, "calibration", lambda *a, **k: drawn.append(k["width"]) or calibration(*a, **k)
    )
    author = world.authors[0]
    url = reverse("author-detail", kwargs={"slug": author.slug})
    first = client.get(url).content.decode()
    assert len(drawn) == 4  # the binned and the folded chart, each at two widths
    again = client.get(url).content.decode()
    assert len(drawn) == 4 and again == first  # served from the chart store
    # Recomputed with the same numbers, and the cache emptied (as by a Redis outage).
    Scorecard.objects.filter(author=author).update(computed_at=datetime(2030, 1, 1, tzinfo=UTC))
    cache.clear()
    assert client.get(url).content.decode() != first  # the new stamp is printed
    assert len(drawn) == 4


def test_it_answers_404_for_an_unknown_author(client, db):
    assert client.get("/authors/nobody/").status_code == 404


def test_it_says_so_when_nothing_is_scored_yet(client, author):
    html = client.get(author.get_absolute_url()).content.decode()
    assert "No scored questions" in html
    assert "<svg" not in html


@pytest.mark.parametrize(
    ("who", "shown", "not_shown"), [("cora", "80%", "20%"), ("dan", "40%", "0%")]
)
def test_it_shows_as_scored_the_forecast_the_score_used(client, resolver, who, shown, not_shown):
    world = late_claims(by=resolver)
    html = client.get(getattr(world, who).get_absolute_url()).content.decode()
    resolved = html.split('id="resolved-h"')[1].split('id="pending-h"')[0]
    scored_as = re.search(r'data-label="Scored as">\s*<strong>([^<]*)</strong>', resolved)
    assert scored_as.group(1) == shown  # not the later 20% (after the close) or 0% (hindsight)
    assert f"<strong>{not_shown}</strong>" not in resolved
    assert world.question.title in resolved  # scored, not listed as hindsight


def test_it_calls_a_forecast_scored_only_where_it_was(client, world):
    author, q = world.authors[0], world.questions[-1]
    builders.resolve(
        q,
        "yes",
        known_at=q.opens_at + timedelta(hours=1),
        evidence_note="Early news.",
        at=datetime(2024, 4, 1, tzinfo=UTC),
    )
    html = client.get(author.get_absolute_url()).content.decode()
    hindsight = html.split("Recorded in hindsight")[1]
    assert 'data-label="Last said"' in hindsight and "Scored as" not in hindsight
    assert 'data-label="Scored as"' in html.split('id="resolved-h"')[1]


def test_it_shows_the_metaculus_scores_with_n_and_interval(client, world):
    author = world.authors[0]
    card = Scorecard.objects.get(author=author, tag=None)
    assert card.n_baseline == 6 and card.baseline is not None and card.peer is not None
    html = client.get(author.get_absolute_url()).content.decode()
    assert figures(html, "baseline") == [repr(card.baseline)]
    assert figures(html, "n_baseline") == ["6"]
    assert figures(html, "baseline_low") == [repr(card.baseline_low)]
    assert figures(html, "peer") == [repr(card.peer)]
    assert figures(html, "n_peer") == [str(card.n_peer)]
    assert figures(html, "peer_high") == [repr(card.peer_high)]
    assert "Metaculus scores" in html

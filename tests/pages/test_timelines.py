"""Forecasts over time as steps, the crowd median, and a question page with no crowd to draw."""

from datetime import UTC, datetime, timedelta

import pytest

from forecasts.pages.timelines import crowd_median, drawn_until, steps
from tests import builders

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_steps_hold_each_forecast_until_the_next_and_the_last_until_the_end():
    assert steps([(day(0), 0.2), (day(3), 0.6)], until=day(10)) == [
        (day(0), 0.2),
        (day(3), 0.2),
        (day(3), 0.6),
        (day(10), 0.6),
    ]


def test_steps_draw_nothing_when_nothing_was_forecast_in_time():
    assert steps([], until=day(10)) == []
    assert steps([(day(11), 0.4)], until=day(10)) == []


def test_the_crowd_is_the_median_of_the_forecasts_in_force():
    forecasts = [("a", day(0), 0.2), ("b", day(1), 0.8), ("c", day(1), 0.5), ("a", day(2), 0.9)]
    assert crowd_median(forecasts) == [(day(0), 0.2), (day(1), 0.5), (day(2), 0.8)]


@pytest.mark.django_db
def test_a_question_whose_only_forecast_was_entered_in_hindsight_draws_no_crowd(client):
    q = builders.question("hindsight-only", opens_at=day(0), closes_at=day(30), resolve_by=day(40))
    builders.resolve(q, "yes", known_at=day(20), at=day(20))
    builders.raw_forecast(
        q, builders.author("Late Larry"), probability=0.7, stated_at=day(5), recorded_at=day(25)
    )
    html = client.get(q.get_absolute_url()).content.decode()
    assert html.count('<div class="chart-wide">') == 1
    assert "Late Larry" in html


def test_an_open_question_is_drawn_to_the_hour_or_to_its_newest_forecast():
    now = datetime(2025, 3, 4, 15, 42, 7, tzinfo=UTC)
    hour = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
    assert drawn_until(now, [hour - timedelta(days=2)]) == hour
    newest = datetime(2025, 3, 4, 15, 30, tzinfo=UTC)
    assert drawn_until(now, [hour - timedelta(days=2), newest]) == newest
    assert drawn_until(now, [now + timedelta(minutes=5)]) == hour  # never past now

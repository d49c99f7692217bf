"""Numeric and date forecasts: hand-worked values of the quantile scores, then bad input.

Pure maths, no database: run with
``pytest tests/scoring/test_quantiles.py -p no:django --noconftest``.
Every number of the worked examples in docs/scoring.md ("Numeric and date
questions") is recomputed here, with the arithmetic beside it.
"""

import math
from datetime import UTC, date, datetime

import pytest

from forecasts.scoring import (
    StatedValues,
    interval_score,
    normalised,
    pinball_loss,
    point_errors,
    stated_score,
    time_averaged_stated_score,
    unit_scale,
    weighted_interval_score,
)

approx = pytest.approx
JAN_1, JAN_10 = date(2027, 1, 1), date(2027, 1, 10)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


def days(day: date) -> float:
    """A date as the library scores it: UTC days since 1970-01-01 (as models.quantity)."""
    return float((day - date(1970, 1, 1)).days)


# The docs' example: "inflation near 2%, between 1.5% and 2.5%, 80% sure"; it came in at 3.1%.
SAID = StatedValues(point=2.0, lower=1.5, upper=2.5, coverage=0.8)
OUTCOME = 3.1


# --- The three functions, by hand -------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "values", "y", "expected"),
    [
        ([0.5], [2.0], 3.1, 0.55),  # above the median: 0.5 × (3.1 − 2.0)
        ([0.1], [1.5], 3.1, 0.16),  # above: τ·(y − q) = 0.1 × 1.6
        ([0.9], [2.5], 1.0, 0.15),  # below: (1 − τ)·(q − y) = 0.1 × 1.5
        ([0.9], [2.5], 3.1, 0.54),  # above a high quantile: 0.9 × 0.6, costly
        ([0.1], [2.0], 2.0, 0.0),  # the outcome on the quantile: no loss, either side
        # y = 2 on the median, between the others: (0.25 × 1 + 0 + 0.25 × 1) / 3
        ([0.25, 0.5, 0.75], [1.0, 2.0, 3.0], 2.0, 0.5 / 3),
        # the docs' example: (0.16 + 0.55 + 0.54) / 3 = 1.25 / 3
        ([0.1, 0.5, 0.9], [1.5, 2.0, 2.5], 3.1, 1.25 / 3),
        # equal quantiles (a step in the distribution) are allowed; y = 1 under both:
        # (1 − 0.2)·(2 − 1) + (1 − 0.8)·(2 − 1) = 0.8 + 0.2, mean 0.5
        ([0.2, 0.8], [2.0, 2.0], 1.0, 0.5),
    ],
)
def test_pinball_loss_by_hand(levels, values, y, expected):
    assert pinball_loss(levels, values, y) == approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("lower", "upper", "coverage", "y", "expected"),
    [
        (1.5, 2.5, 0.8, 3.1, 7.0),  # width 1 + (2/0.2) × (3.1 − 2.5) = 1 + 6
        (1.5, 2.5, 0.8, 2.0, 1.0),  # inside: the width alone
        (1.5, 2.5, 0.8, 1.5, 1.0),  # on the bound is inside
        (1.5, 2.5, 0.5, 1.0, 3.0),  # below: 1 + (2/0.5) × 0.5
        (2.0, 2.0, 0.9, 2.5, 10.0),  # no width: (2/0.1) × 0.5
        (1.5, 2.5, 0.99, 3.5, 201.0),  # 99% sure and wrong by 1: 1 + 200 × 1
    ],
)
def test_interval_score_by_hand(lower, upper, coverage, y, expected):
    assert interval_score(lower, upper, coverage, y) == approx(expected, abs=1e-9)


def test_weighted_interval_score_of_the_docs_example():
    # ½ × |3.1 − 2.0| = 0.55; (α/2) · IS = 0.1 × 7.0 = 0.7; (0.55 + 0.7) / (1 + ½) = 0.8333…
    wis = weighted_interval_score(2.0, [(0.8, 1.5, 2.5)], OUTCOME)
    assert wis == approx(1.25 / 1.5, abs=1e-12)
    assert round(wis, 4) == 0.8333
    # twice the mean pinball loss over 0.1, 0.5, 0.9: 2 × 1.25 / 3, the same number
    assert wis == approx(2 * pinball_loss([0.1, 0.5, 0.9], [1.5, 2.0, 2.5], OUTCOME))
    assert stated_score(SAID, OUTCOME) == approx(wis, abs=1e-12)


def test_weighted_interval_score_with_two_intervals():
    # median 2; 50% in [1.8, 2.3]; 90% in [1.2, 2.8]; outcome 3.1
    # ½ × 1.1 = 0.55
    # IS₅₀ = 0.5 + (2/0.5) × 0.8 = 3.7, weighted by α/2 = 0.25: 0.925
    # IS₉₀ = 1.6 + (2/0.1) × 0.3 = 7.6, weighted by 0.05: 0.38
    # (0.55 + 0.925 + 0.38) / (2 + ½) = 1.855 / 2.5 = 0.742
    intervals = [(0.5, 1.8, 2.3), (0.9, 1.2, 2.8)]
    assert weighted_interval_score(2.0, intervals, OUTCOME) == approx(0.742, abs=1e-12)
    assert weighted_interval_score(2.0, intervals[::-1], OUTCOME) == approx(0.742, abs=1e-12)
    # pinball at 0.05, 0.25, 0.5, 0.75, 0.95: 0.095 + 0.325 + 0.55 + 0.6 + 0.285 = 1.855
    levels, values = [0.05, 0.25, 0.5, 0.75, 0.95], [1.2, 1.8, 2.0, 2.3, 2.8]
    assert 2 * pinball_loss(levels, values, OUTCOME) == approx(0.742, abs=1e-12)


def test_weighted_interval_score_without_intervals_is_the_absolute_error():
    assert weighted_interval_score(2.0, [], OUTCOME) == approx(1.1)  # (½ × 1.1) / ½


def test_a_date_question_scores_in_days():
    # "A ceasefire between 1 March and 31 May 2027, 80% sure, most likely mid-April";
    # it came on 20 June. The interval is 91 days wide and missed by 20 days:
    # IS = 91 + (2/0.2) × 20 = 291; ½ × 66 days from 15 April; WIS = (33 + 0.1 × 291) / 1.5
    lower, upper = days(date(2027, 3, 1)), days(date(2027, 5, 31))
    median, outcome = days(date(2027, 4, 15)), days(date(2027, 6, 20))
    assert (upper - lower, outcome - upper, outcome - median) == (91.0, 20.0, 66.0)
    assert interval_score(lower, upper, 0.8, outcome) == approx(291.0)
    wis = weighted_interval_score(median, [(0.8, lower, upper)], outcome)
    assert wis == approx(41.4, abs=1e-9)  # 62.1 / 1.5 days
    said = StatedValues(point=median, lower=lower, upper=upper, coverage=0.8)
    assert stated_score(said, outcome) == approx(41.4, abs=1e-9)


# --- Points alone -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "y", "expected"),
    [
        (2.0, 3.1, (1.1, 1.1 / 3.1)),  # "about 2%", it was 3.1%: 1.1 points, 35.5% off
        (3.1, 3.1, (0.0, 0.0)),
        (-1.0, -2.0, (1.0, 0.5)),  # relative to |y|
        (0.5, 0.0, (0.5, None)),  # no relative error against 0
    ],
)
def test_point_errors(value, y, expected):
    absolute, relative = point_errors(value, y)
    assert absolute == approx(expected[0])
    assert relative == (None if expected[1] is None else approx(expected[1]))


def test_a_point_alone_has_no_probabilistic_score():
    assert StatedValues(point=2.0).as_quantiles() is None
    assert stated_score(StatedValues(point=2.0), OUTCOME) is None
    assert round(point_errors(2.0, OUTCOME)[1], 3) == 0.355


# --- What the stated forms become -------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "levels", "values"),
    [
        (StatedValues(lower=1.5, upper=2.5, coverage=0.8), [0.1, 0.9], [1.5, 2.5]),
        (SAID, [0.1, 0.5, 0.9], [1.5, 2.0, 2.5]),
        (StatedValues(lower=1.0, upper=3.0, coverage=0.5), [0.25, 0.75], [1.0, 3.0]),
        # (1 − 0.8)/2 is 0.09999999999999998 in floating point: rounded, it meets 0.1
        (
            StatedValues(lower=1.5, upper=2.5, coverage=0.8, quantiles=((0.1, 1.5), (0.5, 2.0))),
            [0.1, 0.5, 0.9],
            [1.5, 2.0, 2.5],
        ),
        (
            StatedValues(quantiles=((0.95, 9.0), (0.05, 1.0), (0.5, 4.0))),  # any order
            [0.05, 0.5, 0.95],
            [1.0, 4.0, 9.0],
        ),
        (StatedValues(point=4.0, quantiles=((0.5, 4.0),)), [0.5], [4.0]),  # agreeing
        (StatedValues(lower=2.0, upper=2.0, coverage=0.9), [0.05, 0.95], [2.0, 2.0]),
    ],
)
def test_stated_forms_become_quantiles(stated, levels, values):
    got = stated.as_quantiles()
    assert got is not None
    assert got[0] == levels
    assert got[1] == values


def test_an_interval_alone_scores_half_alpha_times_its_interval_score():
    # no median: 2 × mean(0.16, 0.54) = 0.7 = (0.2/2) × 7.0
    interval = StatedValues(lower=1.5, upper=2.5, coverage=0.8)
    assert stated_score(interval, OUTCOME) == approx(0.1 * interval_score(1.5, 2.5, 0.8, OUTCOME))
    assert stated_score(interval, OUTCOME) == approx(0.7)


# --- One scale for every question -------------------------------------------------


@pytest.mark.parametrize(
    ("x", "low", "high", "log_scale", "expected"),
    [
        (3.1, 0.0, 5.0, False, 0.62),  # 3.1 / 5
        (0.0, 0.0, 5.0, False, 0.0),
        (5.0, 0.0, 5.0, False, 1.0),
        (6.1, 0.0, 5.0, False, 1.22),  # beyond an open bound: beyond 1, not clamped
        (-1.0, 0.0, 5.0, False, -0.2),
        (10.0, 1.0, 100.0, True, 0.5),  # (ln 10 − ln 1) / (ln 100 − ln 1)
        (1.0, 1.0, 100.0, True, 0.0),  # on the low bound of a log range
        (100.0, 1.0, 100.0, True, 1.0),
        (1000.0, 1.0, 100.0, True, 1.5),  # beyond: ln 1000 / ln 100
        (0.5, 1.0, 100.0, True, math.log(0.5) / math.log(100)),  # below: negative
    ],
)
def test_unit_scale(x, low, high, log_scale, expected):
    assert unit_scale(x, low, high, log_scale) == approx(expected, abs=1e-12)


def test_the_docs_example_on_its_range():
    # Range 0% to 5%: every value and the outcome divided by 5, so is the score.
    # 0.8333… / 5 = 0.1667
    unit = normalised(SAID, 0.0, 5.0)
    assert unit == StatedValues(point=0.4, lower=0.3, upper=0.5, coverage=0.8)
    score = stated_score(unit, unit_scale(OUTCOME, 0.0, 5.0))
    assert score == approx(1.25 / 1.5 / 5, abs=1e-12)
    assert round(score, 4) == 0.1667


def test_an_outcome_beyond_an_open_range_is_scored_as_it_is():
    # 6.1% against a range of 0 to 5 with an open top: 1.22 on the unit scale.
    # IS = 0.2 + 10 × (1.22 − 0.5) = 7.4; WIS = (½ × 0.82 + 0.1 × 7.4) / 1.5 = 1.15 / 1.5
    unit = normalised(SAID, 0.0, 5.0)
    score = stated_score(unit, unit_scale(6.1, 0.0, 5.0))
    assert score == approx(1.15 / 1.5, abs=1e-12)
    assert score == approx(stated_score(SAID, 6.1) / 5, abs=1e-12)
    assert round(score, 4) == 0.7667


def test_an_outcome_clamped_to_a_closed_bound_is_scored_at_the_bound():
    # With a closed top at 5%, 6.1% resolves to 5%: 1.0 on the range.
    # IS = 0.2 + 10 × 0.5 = 5.2; WIS = (½ × 0.6 + 0.1 × 5.2) / 1.5 = 0.82 / 1.5
    score = stated_score(normalised(SAID, 0.0, 5.0), unit_scale(5.0, 0.0, 5.0))
    assert score == approx(0.82 / 1.5, abs=1e-12)
    assert round(score, 4) == 0.5467


def test_a_log_scale_scores_ratios():
    # Range 1,000 to 1,000,000 on a log scale; "about 20,000, 90% sure between 10,000 and
    # 40,000"; the outcome was 80,000. On the unit scale: ln(x/1000) / ln 1000.
    stated = StatedValues(point=20_000, lower=10_000, upper=40_000, coverage=0.9)
    unit = normalised(stated, 1_000, 1_000_000, log_scale=True)
    ln1000 = math.log(1000)
    m, lo, hi = math.log(20) / ln1000, math.log(10) / ln1000, math.log(40) / ln1000
    y = math.log(80) / ln1000
    # ½|y − m| + 0.05 × (hi − lo + 20 × (y − hi)), over 1.5
    expected = (0.5 * (y - m) + 0.05 * (hi - lo + 20 * (y - hi))) / 1.5
    score = stated_score(unit, unit_scale(80_000, 1_000, 1_000_000, log_scale=True))
    assert score == approx(expected, abs=1e-12)
    # ln 2 / ln 1000 per doubling: y − hi is one doubling, y − m and hi − lo two
    assert y - hi == approx(math.log(2) / ln1000)
    # the docs' figures, to 4 decimals
    assert [round(v, 4) for v in (m, lo, hi, y, y - m, hi - lo, y - hi)] == [
        0.4337,
        0.3333,
        0.5340,
        0.6344,
        0.2007,
        0.2007,
        0.1003,
    ]
    assert round(score, 4) == 0.1405


# --- Over the question's days -----------------------------------------------------


def test_time_averaged_stated_score_by_hand():
    # Open 1–10 January. 3 January: the docs' forecast (0.8333…). 6 January: "about
    # 2.5%, 80% sure between 2% and 3.5%": ½ × 0.6 + 0.1 × 1.5 = 0.45, / 1.5 = 0.3.
    # 8 January: "about 3%", a point alone: not scored, and the 0.3 stays in force.
    # 11 January: after the close. Days 1–2 are not scored.
    # (3 × 0.8333… + 5 × 0.3) / 8 = (2.5 + 1.5) / 8 = 0.5
    later = StatedValues(point=2.5, lower=2.0, upper=3.5, coverage=0.8)
    assert stated_score(later, OUTCOME) == approx(0.3)
    forecasts = [
        (at(3, 9), SAID),
        (at(6, 12), later),
        (at(8), StatedValues(point=3.0)),
        (at(11), StatedValues(point=3.1, lower=3.0, upper=3.2, coverage=0.9)),
    ]
    assert time_averaged_stated_score(forecasts, JAN_1, JAN_10, OUTCOME) == approx(0.5)


def test_time_averaged_stated_score_follows_the_close_moment_and_needs_a_scored_forecast():
    closes = datetime(2027, 1, 10, 12, tzinfo=UTC)
    late = [(at(10, 18), SAID)]  # later on the close day than the close
    assert time_averaged_stated_score(late, JAN_1, closes, OUTCOME) is None
    assert time_averaged_stated_score([], JAN_1, JAN_10, OUTCOME) is None
    points = [(at(2), StatedValues(point=2.0))]
    assert time_averaged_stated_score(points, JAN_1, JAN_10, OUTCOME) is None
    # before the open: in force from the open day, every day scored
    early = [(datetime(2026, 12, 1, tzinfo=UTC), SAID)]
    expected = stated_score(SAID, OUTCOME)
    assert time_averaged_stated_score(early, JAN_1, JAN_10, OUTCOME) == approx(expected)


def test_time_averaged_stated_score_on_the_unit_scale_is_the_unit_score_over_the_width():
    later = StatedValues(point=2.5, lower=2.0, upper=3.5, coverage=0.8)
    forecasts = [(at(3), SAID), (at(6), later)]
    in_unit = time_averaged_stated_score(forecasts, JAN_1, JAN_10, OUTCOME)
    on_range = time_averaged_stated_score(
        [(moment, normalised(s, 0.0, 5.0)) for moment, s in forecasts],
        JAN_1,
        JAN_10,
        unit_scale(OUTCOME, 0.0, 5.0),
    )
    assert in_unit == approx(0.5)
    assert on_range == approx(0.1)  # 0.5 / 5


# --- Bad input, refused with the field named --------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: pinball_loss([0.5], [NAN], 1.0), ValueError, r"values\[0\]"),
        (lambda: pinball_loss([0.5], [1.0], INF), ValueError, "y must be a finite"),
        (lambda: pinball_loss([0.0], [1.0], 1.0), ValueError, r"levels\[0\] = 0.0"),
        (lambda: pinball_loss([0.5, 1.0], [1.0, 2.0], 1.0), ValueError, r"levels\[1\]"),
        (lambda: pinball_loss([0.5, 0.25], [1.0, 2.0], 1.0), ValueError, "strictly increasing"),
        (lambda: pinball_loss([0.5, 0.5], [1.0, 1.0], 1.0), ValueError, "strictly increasing"),
        (lambda: pinball_loss([0.25, 0.75], [2.0, 1.0], 1.0), ValueError, r"values\[1\]"),
        (lambda: pinball_loss([0.5], [1.0, 2.0], 1.0), ValueError, "levels has 1"),
        (lambda: pinball_loss([], [], 1.0), ValueError, "levels must not be empty"),
        (lambda: pinball_loss([0.5], ["1"], 1.0), TypeError, r"values\[0\]"),
        (lambda: pinball_loss([0.5], [1.0], True), TypeError, "y must be a real"),
        (lambda: interval_score(3.0, 2.0, 0.8, 1.0), ValueError, "lower"),
        (lambda: interval_score(1.0, 2.0, 1.0, 1.0), ValueError, "coverage"),
        (lambda: interval_score(1.0, 2.0, 0.0, 1.0), ValueError, "coverage"),
        (lambda: interval_score(1.0, NAN, 0.5, 1.0), ValueError, "upper"),
        (lambda: weighted_interval_score(NAN, [], 1.0), ValueError, "median"),
        (lambda: weighted_interval_score(5.0, [(0.8, 1.0, 2.0)], 1.0), ValueError, "contain"),
        (lambda: weighted_interval_score(1.5, [(0.8, 1.0)], 1.0), ValueError, r"intervals\[0\]"),
        (
            lambda: weighted_interval_score(1.5, [(0.8, 1.0, 2.0), (1.2, 0.0, 3.0)], 1.0),
            ValueError,
            r"intervals\[1\] coverage",
        ),
        (
            lambda: weighted_interval_score(1.5, [(0.5, 1.0, 2.0), (0.9, 1.2, 3.0)], 1.0),
            ValueError,
            r"intervals\[1\] \(coverage 0.9\) must contain intervals\[0\]",
        ),
        (
            lambda: weighted_interval_score(1.5, [(0.5, 1.0, 2.0), (0.5, 0.5, 2.5)], 1.0),
            ValueError,
            "repeats the coverage",
        ),
        (lambda: point_errors(NAN, 1.0), ValueError, "value"),
        (lambda: unit_scale(1.0, 2.0, 2.0), ValueError, "low"),
        (lambda: unit_scale(1.0, 0.0, 10.0, True), ValueError, "low = 0.0"),
        (lambda: unit_scale(0.0, 1.0, 10.0, True), ValueError, "x = 0.0"),
        (lambda: unit_scale(INF, 0.0, 1.0), ValueError, "x must be a finite"),
        (
            lambda: normalised(StatedValues(quantiles=((0.5, -1.0),)), 1.0, 10.0, True),
            ValueError,
            r"quantiles\[0\] value = -1.0",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("stated", "match"),
    [
        (StatedValues(), "needs a point, an interval or quantiles"),
        (StatedValues(point=NAN), "point"),
        (StatedValues(lower=1.0, upper=2.0), "lower, upper and coverage"),
        (StatedValues(lower=1.0, coverage=0.8), "lower, upper and coverage"),
        (StatedValues(point=1.0, coverage=0.8), "coverage belongs to an interval"),
        (StatedValues(lower=2.0, upper=1.0, coverage=0.8), "lower"),
        (StatedValues(lower=1.0, upper=2.0, coverage=1.5), "coverage"),
        (StatedValues(point=3.0, lower=1.0, upper=2.0, coverage=0.8), r"upper \(2.0"),
        (StatedValues(point=0.5, lower=1.0, upper=2.0, coverage=0.8), r"point \(0.5"),
        (StatedValues(quantiles=((0.0, 1.0),)), r"quantiles\[0\] level"),
        (StatedValues(quantiles=((0.5, INF),)), r"quantiles\[0\] value"),
        (StatedValues(quantiles=((0.25, 3.0), (0.75, 2.0))), r"quantiles\[1\] value"),
        (StatedValues(point=2.0, quantiles=((0.5, 2.5),)), "contradicts"),
        (
            StatedValues(lower=1.5, upper=2.5, coverage=0.8, quantiles=((0.1, 1.4),)),
            r"lower \(1.5\) contradicts quantiles\[0\] value",
        ),
        (StatedValues(quantiles=((0.5,),)), r"quantiles\[0\] must be a \(level, value\)"),
    ],
)
def test_bad_stated_forecasts_are_refused_naming_the_field(stated, match):
    with pytest.raises(ValueError, match=match):
        stated.as_quantiles()


def test_time_averaging_refuses_a_window_that_ends_before_it_opens_even_when_empty():
    with pytest.raises(ValueError, match="before opens"):
        time_averaged_stated_score([], JAN_10, JAN_1, OUTCOME)

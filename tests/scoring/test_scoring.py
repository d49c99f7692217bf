"""Tests for forecasts.scoring: hand-worked reference values, then properties.

Pure maths, no database: run with
``pytest tests/scoring/test_scoring.py -p no:django --noconftest``.
"""

import math
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forecasts.scoring import (
    brier,
    brier_0_2,
    brier_multi,
    brier_skill_score,
    calibration_bin_index,
    calibration_table,
    crowd_daily,
    crowd_median,
    final_forecast,
    log_loss,
    log_loss_multi,
    mean_with_interval,
    murphy_decomposition,
    relative_brier,
    relative_time_averaged_brier,
    t_quantile,
    time_averaged_brier,
    time_averaged_brier_multi,
    wilson_interval,
)

approx = pytest.approx


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, tz=UTC) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


JAN_1, JAN_10 = date(2024, 1, 1), date(2024, 1, 10)

# --- Brier ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "outcome", "expected"),
    [
        (0.7, True, 0.09),  # (0.7 - 1)^2
        (0.7, False, 0.49),  # (0.7 - 0)^2
        (0.5, True, 0.25),
        (0.5, False, 0.25),
        (0.2, False, 0.04),
        (1.0, True, 0.0),
        (0.0, True, 1.0),
        (1, False, 1.0),
    ],
)
def test_it_scores_a_binary_forecast_by_squared_error(p, outcome, expected):
    assert brier(p, outcome) == approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("probabilities", "outcome_index", "expected"),
    [
        ([0.2, 0.7, 0.1], 1, 0.07),  # 0.5 * (0.2^2 + 0.3^2 + 0.1^2) = 0.5 * 0.14
        ([0.2, 0.7, 0.1], 0, 0.57),  # 0.5 * (0.8^2 + 0.7^2 + 0.1^2) = 0.5 * 1.14
        ([1.0, 0.0, 0.0], 0, 0.0),
        ([0.0, 1.0, 0.0], 0, 1.0),  # 0.5 * (1 + 1)
        ([0.25, 0.25, 0.25, 0.25], 3, 0.375),  # 0.5 * (3 * 0.0625 + 0.5625)
    ],
)
def test_it_halves_the_multiple_choice_brier_sum(probabilities, outcome_index, expected):
    assert brier_multi(probabilities, outcome_index) == approx(expected, abs=1e-15)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.35, 0.5, 0.8, 1.0])
def test_it_scores_a_two_option_question_like_a_binary_one(p):
    assert brier_multi([1 - p, p], 1) == approx(brier(p, True), abs=1e-15)
    assert brier_multi([1 - p, p], 0) == approx(brier(p, False), abs=1e-15)


def test_it_offers_brier_s_original_zero_to_two_scale():
    assert brier_0_2(0.09) == approx(0.18)
    assert brier_0_2(brier_multi([0.0, 1.0, 0.0], 0)) == 2.0


@pytest.mark.parametrize(
    ("bs", "reference", "expected"),
    [
        (0.25, 0.25, 0.0),  # the coin flip has no skill
        (0.0, 0.25, 1.0),
        (0.09, 0.25, 0.64),  # 1 - 0.09 / 0.25
        (0.5, 0.25, -1.0),
        (0.1, 0.2, 0.5),
    ],
)
def test_it_measures_skill_against_a_reference(bs, reference, expected):
    assert brier_skill_score(bs, reference) == approx(expected)


# --- log loss ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "outcome", "expected"),
    [
        (0.8, True, -math.log(0.8)),  # 0.2231
        (0.8, False, -math.log(0.2)),  # 1.6094
        (0.5, True, math.log(2)),
        (1.0, False, -math.log(0.001)),  # a failed certainty costs 6.9078, not infinity
        (0.0, True, -math.log(0.001)),
        (0.0, False, -math.log(0.999)),  # a right certainty still costs 0.0010005
        (0.9995, True, -math.log(0.999)),
    ],
)
def test_it_takes_minus_the_log_of_what_happened_clipped(p, outcome, expected):
    assert log_loss(p, outcome) == approx(expected, rel=1e-12)


def test_it_lets_the_caller_choose_the_log_loss_clip():
    assert log_loss(1.0, False, eps=0.01) == approx(-math.log(0.01))


def test_it_scores_multiple_choice_log_loss_on_the_option_that_happened():
    assert log_loss_multi([0.2, 0.7, 0.1], 1) == approx(-math.log(0.7))
    assert log_loss_multi([0.0, 1.0, 0.0], 0) == approx(-math.log(0.001))


# --- input validation -------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: brier(float("nan"), True), "NaN"),
        (lambda: brier(float("inf"), True), "infinite"),
        (lambda: brier(1.5, True), "outside"),
        (lambda: brier(-0.1, False), "outside"),
        (lambda: brier(0.5, 2), "True or False"),
        (lambda: brier_multi([0.5, 0.6], 0), "sums to"),
        (lambda: brier_multi([0.5, 0.5], 2), "not one of"),
        (lambda: brier_multi([1.0], 0), "two options"),
        (lambda: brier_multi([0.5, float("nan")], 0), r"probabilities\[1\] is NaN"),
        (lambda: log_loss(0.5, True, eps=0.0), "eps"),
        (lambda: murphy_decomposition([0.1, 0.2], [True]), "differ in length"),
        (lambda: murphy_decomposition([], []), "no forecasts"),
        (lambda: murphy_decomposition([0.1, 2.0], [True, False]), r"forecasts\[1\]"),
        (lambda: murphy_decomposition([0.1], [True], n_bins=0), "at least 1"),
        (lambda: calibration_table([0.1], [2]), "True or False"),
        (lambda: calibration_table([], []), "no forecasts"),
        (lambda: calibration_table([0.1], [True], strategy="kmeans"), "strategy"),
        (lambda: wilson_interval(0, 0), "n = 0"),
        (lambda: wilson_interval(11, 10), "more than"),
        (lambda: wilson_interval(-1, 10), "negative"),
        (lambda: mean_with_interval([]), "no scores"),
        (lambda: mean_with_interval([0.1, 0.2], method="jackknife"), "method"),
        (lambda: mean_with_interval([0.1, 0.2], level=1.0), "level"),
        (lambda: relative_brier([0.1, 0.2], [0.1]), "pair up"),
        (lambda: t_quantile(1.0, 3), "between 0 and 1"),
    ],
)
def test_it_rejects_invalid_input_and_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_it_refuses_a_string_for_a_probability():
    with pytest.raises(TypeError):
        brier("0.5", True)


# --- Wilson interval --------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "lower", "upper"),
    [
        # z^2 = 3.841459; bounds = (k + z^2/2 ± z sqrt(k(n-k)/n + z^2/4)) / (n + z^2)
        (0, 10, 0.0, 0.277533),  # upper = z^2 / (10 + z^2) = 3.841459 / 13.841459
        (5, 10, 0.236593, 0.763407),  # (6.920729 ± 1.959964 * sqrt(2.5 + 0.960365)) / 13.841459
        (10, 10, 0.722467, 1.0),
        (1, 1, 0.206549, 1.0),  # (2.920729 - 1.959964 * 0.980091) / 4.841459
        (2, 20, 0.027866, 0.301034),  # (3.920729 ± 1.959964 * 1.661435) / 23.841459
    ],
)
def test_it_gives_the_wilson_score_interval(k, n, lower, upper):
    assert wilson_interval(k, n) == approx((lower, upper), abs=1e-6)


def test_it_widens_the_wilson_interval_with_z():
    narrow, wide = wilson_interval(3, 10, z=1.0), wilson_interval(3, 10, z=3.0)
    assert wide[0] < narrow[0] < 0.3 < narrow[1] < wide[1]


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_it_keeps_wilson_bounds_around_the_proportion_and_inside_zero_one(k_n):
    k, n = k_n
    lower, upper = wilson_interval(k, n)
    assert 0.0 <= lower <= k / n <= upper <= 1.0
    assert lower < upper


# --- Murphy decomposition ---------------------------------------------------


def test_it_decomposes_a_small_set_by_distinct_forecast_values():
    # N = 5, base rate 3/5. Bin 0.2: n=2, o=1/2. Bin 0.8: n=3, o=2/3.
    # REL = (2 (0.2-0.5)^2 + 3 (0.8-2/3)^2) / 5 = (0.18 + 0.0533..) / 5 = 7/150
    # RES = (2 (0.5-0.6)^2 + 3 (2/3-0.6)^2) / 5 = (0.02 + 0.0133..) / 5 = 1/150
    # UNC = 0.6 * 0.4 = 0.24 = 36/150; REL - RES + UNC = 42/150 = 0.28
    # BS directly: (0.04 + 0.64 + 0.04 + 0.04 + 0.64) / 5 = 0.28
    result = murphy_decomposition([0.2, 0.2, 0.8, 0.8, 0.8], [False, True, True, True, False])
    assert result == approx(
        {
            "brier": 0.28,
            "reliability": 7 / 150,
            "resolution": 1 / 150,
            "uncertainty": 0.24,
            "base_rate": 0.6,
        },
        abs=1e-15,
    )


def test_it_adds_the_within_bin_terms_when_forecasts_are_binned():
    # Two bins, [0, 0.5) and [0.5, 1]. N = 4, base rate 0.75, UNC = 0.1875.
    # Bin 0: 0.1, 0.3 -> mean 0.2, o = 1/2. Bin 1: 0.6, 0.9 -> mean 0.75, o = 1.
    # REL = (2 * 0.3^2 + 2 * 0.25^2) / 4 = 0.305 / 4 = 0.07625
    # RES = (2 * 0.25^2 + 2 * 0.25^2) / 4 = 0.0625
    # WBV = (0.1^2 + 0.1^2 + 0.15^2 + 0.15^2) / 4 = 0.065 / 4 = 0.01625
    # WBC = 2/4 * ((-0.1)(-0.5) + (0.1)(0.5) + (-0.15)(0) + (0.15)(0)) = 0.05
    # REL - RES + UNC + WBV - WBC = 0.1675 = (0.01 + 0.49 + 0.16 + 0.01) / 4
    result = murphy_decomposition([0.1, 0.3, 0.6, 0.9], [False, True, True, True], n_bins=2)
    assert result == approx(
        {
            "brier": 0.1675,
            "reliability": 0.07625,
            "resolution": 0.0625,
            "uncertainty": 0.1875,
            "base_rate": 0.75,
            "within_bin_variance": 0.01625,
            "within_bin_covariance": 0.05,
        },
        abs=1e-15,
    )


def test_it_reports_a_perfect_forecaster_as_all_resolution():
    result = murphy_decomposition([1.0, 0.0, 1.0, 0.0], [True, False, True, False])
    assert result["brier"] == 0.0
    assert result["reliability"] == 0.0
    assert result["resolution"] == result["uncertainty"] == 0.25


# --- calibration ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "n_bins", "expected"),
    [
        (0.0, 10, 0),
        (0.05, 10, 0),
        (0.1, 10, 1),
        (0.3, 10, 3),  # not 2: floor(10 * 0.3) must not fall below 3
        (0.1 * 3, 10, 3),  # 0.30000000000000004
        (0.6, 10, 6),  # 10 * 0.6 == 6.000000000000001
        (0.7, 10, 7),  # 10 * 0.7 == 7.000000000000001
        (0.7 + 0.1, 10, 8),  # 0.7999999999999999
        (1 - 0.8, 10, 2),  # 0.19999999999999996, the complement of 0.8
        (1 - 0.9, 10, 1),  # 0.09999999999999998
        (0.29999999, 10, 2),  # genuinely below the edge
        (0.9, 10, 9),
        (0.95, 10, 9),
        (0.9999, 10, 9),
        (1.0, 10, 9),  # the last bin is closed
        (0.2, 5, 1),
        (0.4, 5, 2),
        (1.0, 1, 0),
    ],
)
def test_it_puts_probabilities_in_equal_width_bins(p, n_bins, expected):
    assert calibration_bin_index(p, n_bins) == expected


@given(st.integers(0, 1000), st.integers(1, 20))
def test_it_bins_decimal_probabilities_as_exact_arithmetic_would(thousandths, n_bins):
    expected = min(thousandths * n_bins // 1000, n_bins - 1)
    assert calibration_bin_index(thousandths / 1000, n_bins) == expected


@given(st.integers(0, 100), st.integers(1, 20))
def test_it_bins_complements_and_sums_of_decimals_by_their_exact_value(hundredths, n_bins):
    # 1 - q and tenths + hundredths carry floating-point error just below an edge.
    exact = min(hundredths * n_bins // 100, n_bins - 1)
    complement = 1 - (100 - hundredths) / 100
    summed = (hundredths // 10) / 10 + (hundredths % 10) / 100
    assert calibration_bin_index(complement, n_bins) == exact
    assert calibration_bin_index(summed, n_bins) == exact


def test_it_tabulates_calibration_in_ten_bins_listing_empty_ones():
    forecasts = [0.05, 0.3, 0.3, 0.35, 1.0, 0.95]
    outcomes = [False, True, False, True, True, True]
    table = calibration_table(forecasts, outcomes)

    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert [(row["lower"], row["upper"]) for row in table] == list(
        zip(edges[:-1], edges[1:], strict=True)
    )
    assert [row["count"] for row in table] == [1, 0, 0, 3, 0, 0, 0, 0, 0, 2]
    assert [row["n_event"] for row in table] == [0, 0, 0, 2, 0, 0, 0, 0, 0, 2]
    # bin 0: one miss; Wilson upper for 0/1 = z^2 / (1 + z^2) = 3.841459 / 4.841459
    assert table[0]["mean_forecast"] == 0.05
    assert table[0]["observed_frequency"] == 0.0
    assert (table[0]["wilson_lower"], table[0]["wilson_upper"]) == approx((0.0, 0.793451), abs=1e-6)
    # bin 3: mean forecast (0.3 + 0.3 + 0.35) / 3, not the bin centre 0.35; 2 of 3 happened
    # Wilson 2/3: (2 + 1.920729 ± 1.959964 * sqrt(2/3 + 0.960365)) / 6.841459
    assert table[3]["mean_forecast"] == approx(0.95 / 3)
    assert table[3]["observed_frequency"] == approx(2 / 3)
    assert (table[3]["wilson_lower"], table[3]["wilson_upper"]) == approx(
        (0.207660, 0.938508), abs=1e-6
    )
    assert table[9]["mean_forecast"] == approx(0.975)
    assert table[5] == {
        "lower": 0.5,
        "upper": 0.6,
        "count": 0,
        "n_event": 0,
        "mean_forecast": None,
        "observed_frequency": None,
        "wilson_lower": None,
        "wilson_upper": None,
    }


def test_it_makes_quantile_bins_of_equal_counts():
    table = calibration_table([0.6, 0.1, 0.4, 0.2, 0.5, 0.3], [1, 0, 0, 0, 1, 1], 3, "quantile")
    assert [(row["lower"], row["upper"], row["count"]) for row in table] == [
        (0.1, 0.2, 2),
        (0.3, 0.4, 2),
        (0.5, 0.6, 2),
    ]
    assert [row["n_event"] for row in table] == [0, 1, 2]


def test_it_keeps_tied_forecasts_in_one_quantile_bin():
    # Sorted positions 0..5 would go to bins 0,0,1,1,2,2; the four 0.2s stay
    # together in bin 0, so only two bins are listed.
    table = calibration_table([0.2, 0.9, 0.2, 0.7, 0.2, 0.2], [1, 1, 0, 1, 0, 0], 3, "quantile")
    assert [(row["lower"], row["upper"], row["count"]) for row in table] == [
        (0.2, 0.2, 4),
        (0.7, 0.9, 2),
    ]


# --- time-averaged Brier ----------------------------------------------------


def test_it_scores_a_forecast_made_before_opening_on_every_day():
    assert time_averaged_brier([(at(2023, 12, 20), 0.7)], JAN_1, JAN_10, True) == approx(0.09)


def test_it_averages_the_forecast_in_force_day_by_day():
    forecasts = [
        (at(2024, 1, 3, 10), 0.2),  # superseded the same day
        (at(2024, 1, 3, 18), 0.6),  # in force Jan 3, 4, 5: (1 - 0.6)^2 = 0.16 each
        (at(2024, 1, 6), 0.9),  # in force Jan 6..10: 0.01 each
        (at(2024, 1, 11), 0.0),  # after the close: ignored
    ]
    # Jan 1 and 2 come before the first forecast and are left out:
    # (3 * 0.16 + 5 * 0.01) / 8 = 0.53 / 8
    assert time_averaged_brier(forecasts, JAN_1, JAN_10, True) == approx(0.06625)
    assert time_averaged_brier(forecasts[::-1], JAN_1, JAN_10, True) == approx(0.06625)


def test_it_fills_days_before_the_first_forecast_with_the_crowd():
    forecasts = [(at(2024, 1, 3, 10), 0.2), (at(2024, 1, 3, 18), 0.6), (at(2024, 1, 6), 0.9)]
    crowd = [0.5, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    # Jan 1: 0.25, Jan 2: 0.04, then as above: (0.25 + 0.04 + 0.48 + 0.05) / 10
    assert time_averaged_brier(forecasts, JAN_1, JAN_10, True, crowd=crowd) == approx(0.082)


def test_it_skips_a_day_the_crowd_had_no_forecast_for():
    crowd = [None, 0.8, None]
    forecasts = [(at(2024, 1, 3), 1.0)]
    # Jan 1 unscored, Jan 2 crowd 0.04, Jan 3 author 0.0
    assert time_averaged_brier(forecasts, JAN_1, date(2024, 1, 3), True, crowd) == approx(0.02)


def test_it_scores_nothing_when_every_forecast_came_after_the_close():
    late = [(at(2024, 1, 11), 0.9)]
    assert time_averaged_brier(late, JAN_1, JAN_10, True) is None
    assert time_averaged_brier(late, JAN_1, JAN_10, True, crowd=[0.5] * 10) is None
    assert time_averaged_brier([], JAN_1, JAN_10, True) is None


def test_it_counts_a_forecast_made_during_the_close_day():
    last_second = [(at(2024, 1, 10, 23, 59) + timedelta(seconds=59), 1.0)]
    midnight_after = [(at(2024, 1, 11), 1.0)]
    assert time_averaged_brier(last_second, JAN_1, JAN_10, True) == 0.0
    assert time_averaged_brier(midnight_after, JAN_1, JAN_10, True) is None


def test_it_counts_days_in_utc_whatever_the_author_s_timezone():
    east, west = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
    forecasts = [
        (at(2024, 1, 2, 1, tz=east), 0.1),  # Jan 1 20:00 UTC
        (at(2024, 1, 2, 23, 30, tz=west), 0.5),  # Jan 3 04:30 UTC
    ]
    # Jan 1: 0.01, Jan 2: 0.01, Jan 3: 0.25 -> 0.27 / 3 (local dates would give 0.25)
    assert time_averaged_brier(forecasts, JAN_1, date(2024, 1, 3), False) == approx(0.09)


def test_it_accepts_a_forecast_repeated_at_the_same_instant():
    twice = [(at(2024, 1, 1), 0.3), (at(2024, 1, 1), 0.3)]
    assert time_averaged_brier(twice, JAN_1, JAN_1, False) == approx(0.09)


@pytest.mark.parametrize(
    ("forecasts", "opens", "closes", "crowd", "error"),
    [
        ([(at(2024, 1, 2).replace(tzinfo=None), 0.5)], JAN_1, JAN_10, None, "naive"),
        ([(at(2024, 1, 2), 0.5)], JAN_10, JAN_1, None, "before opens"),
        ([(at(2024, 1, 2), 0.5)], JAN_1, JAN_10, [0.5] * 9, "crowd has 9 days"),
        ([(at(2024, 1, 2), 0.5)], JAN_1, JAN_10, [1.5] * 10, "outside"),
        ([(at(2024, 1, 2), 0.5), (at(2024, 1, 2), 0.6)], JAN_1, JAN_10, None, "same instant"),
        ([(at(2024, 1, 2), float("nan"))], JAN_1, JAN_10, None, "NaN"),
    ],
)
def test_it_rejects_an_ill_formed_history(forecasts, opens, closes, crowd, error):
    with pytest.raises(ValueError, match=error):
        time_averaged_brier(forecasts, opens, closes, True, crowd)


def test_it_refuses_a_datetime_for_the_open_date():
    with pytest.raises(TypeError, match="opens"):
        time_averaged_brier([(at(2024, 1, 2), 0.5)], at(2024, 1, 1), JAN_10, True)


def test_it_time_averages_multiple_choice_forecasts():
    forecasts = [
        (at(2023, 12, 31), [0.5, 0.3, 0.2]),  # Jan 1, 2: 0.5 (0.25 + 0.09 + 0.04) = 0.19
        (at(2024, 1, 3, 12), [0.8, 0.1, 0.1]),  # Jan 3, 4: 0.5 (0.04 + 0.01 + 0.01) = 0.03
    ]
    score = time_averaged_brier_multi(forecasts, JAN_1, date(2024, 1, 4), 0)
    assert score == approx((2 * 0.19 + 2 * 0.03) / 4)


def test_it_fills_multiple_choice_days_with_the_crowd():
    forecasts = [(at(2024, 1, 3), [0.8, 0.1, 0.1])]
    crowd = [[0.6, 0.2, 0.2], None, [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    # Jan 1 crowd: 0.5 (0.16 + 0.04 + 0.04) = 0.12; Jan 2 unscored; Jan 3, 4: 0.03
    score = time_averaged_brier_multi(forecasts, JAN_1, date(2024, 1, 4), 0, crowd)
    assert score == approx((0.12 + 0.03 + 0.03) / 3)


def test_it_refuses_multiple_choice_forecasts_over_different_options():
    forecasts = [(at(2024, 1, 1), [0.5, 0.5]), (at(2024, 1, 2), [0.2, 0.3, 0.5])]
    with pytest.raises(ValueError, match="same options"):
        time_averaged_brier_multi(forecasts, JAN_1, JAN_10, 0)


def test_it_finds_the_final_forecast_made_by_the_close_date():
    forecasts = [
        (at(2024, 1, 5, 23, 59), 0.6),
        (at(2024, 1, 1), 0.3),
        (at(2024, 1, 6), 0.9),  # after a Jan 5 close
    ]
    assert final_forecast(forecasts, date(2024, 1, 5)) == forecasts[0]
    assert final_forecast(forecasts, date(2024, 1, 6)) == forecasts[2]
    assert final_forecast(forecasts, date(2023, 12, 31)) is None


# --- the close is a moment --------------------------------------------------

CLOSE_MOMENT = at(2024, 1, 5, 12)  # closes at noon UTC on 5 January


def test_it_ignores_a_forecast_stated_later_on_the_close_day_than_the_close():
    # 20% from 1 January, then 90% at 18:00 on the close day, after the noon close:
    # days 1–5 all score the 20%: (0.2 - 1)² = 0.64.
    forecasts = [(at(2024, 1, 1), 0.2), (at(2024, 1, 5, 18), 0.9)]
    assert time_averaged_brier(forecasts, JAN_1, CLOSE_MOMENT, True) == approx(0.64)
    assert final_forecast(forecasts, CLOSE_MOMENT) == forecasts[0]
    assert time_averaged_brier_multi(
        [(moment, [p, 1 - p]) for moment, p in forecasts], JAN_1, CLOSE_MOMENT, 0
    ) == approx(0.64)
    assert crowd_daily([forecasts], JAN_1, CLOSE_MOMENT) == [approx(0.2)] * 5


def test_it_counts_a_forecast_stated_at_the_close_moment_itself():
    forecasts = [(at(2024, 1, 1), 0.2), (CLOSE_MOMENT, 0.9)]
    # days 1–4 score 0.64, day 5 scores (0.9 - 1)² = 0.01
    assert time_averaged_brier(forecasts, JAN_1, CLOSE_MOMENT, True) == approx(
        (4 * 0.64 + 0.01) / 5
    )
    assert final_forecast(forecasts, CLOSE_MOMENT) == forecasts[1]


def test_a_close_date_means_the_end_of_that_day():
    forecasts = [(at(2024, 1, 1), 0.2), (at(2024, 1, 5, 23, 59), 0.9)]
    end_of_day = datetime(2024, 1, 5, 23, 59, 59, 999_999, tzinfo=UTC)
    by_date = time_averaged_brier(forecasts, JAN_1, date(2024, 1, 5), True)
    assert by_date == time_averaged_brier(forecasts, JAN_1, end_of_day, True)
    assert by_date == approx((4 * 0.64 + 0.01) / 5)


def test_it_refuses_a_naive_close_moment():
    with pytest.raises(ValueError, match="closes"):
        time_averaged_brier([(at(2024, 1, 1), 0.2)], JAN_1, datetime(2024, 1, 5, 12), True)  # noqa: DTZ001


# --- the crowd --------------------------------------------------------------


def test_it_takes_the_median_of_the_other_forecasts_as_the_crowd():
    assert crowd_median([0.2, 0.9, 0.4]) == 0.4
    assert crowd_median([0.2, 0.4]) == approx(0.3)
    assert crowd_median([]) is None


def test_it_builds_the_crowd_forecast_day_by_day():
    others = [
        [(at(2023, 12, 30), 0.2), (at(2024, 1, 2, 9), 0.6)],
        [(at(2024, 1, 2, 8), 0.9)],
        [(at(2024, 1, 3), 0.1)],
    ]
    # Dec 29: nobody yet; Dec 30 - Jan 1: 0.2 alone; Jan 2: median(0.6, 0.9);
    # Jan 3: median(0.6, 0.9, 0.1)
    daily = crowd_daily(others, date(2023, 12, 29), date(2024, 1, 3))
    assert daily == approx([None, 0.2, 0.2, 0.2, 0.75, 0.6])


def test_it_compares_an_author_with_the_crowd_on_shared_days():
    assert relative_brier([0.04, 0.09], [0.16, 0.25]) == approx(-0.14)
    # Author in force Jan 2 and 3, crowd on Jan 1 and 2: only Jan 2 pairs up.
    # Author (1 - 0.9)^2 = 0.01, crowd (1 - 0.6)^2 = 0.16 -> -0.15
    forecasts = [(at(2024, 1, 2), 0.9)]
    relative = relative_time_averaged_brier(
        forecasts, JAN_1, date(2024, 1, 3), True, [0.5, 0.6, None]
    )
    assert relative == approx(-0.15)
    assert relative_time_averaged_brier(forecasts, JAN_1, JAN_1, True, [0.5]) is None


# --- uncertainty of an author's mean ----------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706),  # textbook t tables, three decimals
        (0.975, 2, 4.303),
        (0.975, 9, 2.262),
        (0.975, 29, 2.045),
        (0.95, 5, 2.015),
        (0.995, 10, 3.169),
        (0.9, 20, 1.325),
        (0.025, 9, -2.262),
        (0.5, 7, 0.0),
    ],
)
def test_it_computes_student_t_quantiles_like_the_tables(p, df, expected):
    assert t_quantile(p, df) == approx(expected, abs=5e-4)


@example(0.49999517698035)  # near the median, where the tail form lost digits
@given(st.floats(0.001, 0.999))
def test_it_matches_the_closed_form_t_quantiles_for_one_and_two_degrees(p):
    # df = 1 is the Cauchy distribution; df = 2 has t = (2p - 1) / sqrt(2p(1 - p)).
    assert t_quantile(p, 1) == approx(math.tan(math.pi * (p - 0.5)), rel=1e-9, abs=1e-12)
    assert t_quantile(p, 2) == approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9, abs=1e-12)


def test_it_approaches_the_normal_quantile_with_many_degrees_of_freedom():
    assert t_quantile(0.975, 10_000_000) == approx(1.959964, abs=1e-6)


def test_it_gives_a_t_interval_for_an_author_s_mean_brier():
    # mean 0.2, s = sqrt(0.025 / 4) = 0.0790569, se = s / sqrt(5) = 0.0353553,
    # t(0.975, 4) = 2.776445 -> half width 0.0981622
    mean, low, high = mean_with_interval([0.2, 0.25, 0.3, 0.15, 0.1])
    assert (mean, low, high) == approx((0.2, 0.1018378, 0.2981622), abs=1e-7)


def test_it_clips_the_interval_to_zero_one():
    # mean 0.2, se = 0.1 / sqrt(3), t(0.975, 2) = 4.302653 -> 0.2 ± 0.2484138
    assert mean_with_interval([0.1, 0.2, 0.3]) == approx((0.2, 0.0, 0.4484138), abs=1e-7)


@pytest.mark.parametrize("method", ["t", "bootstrap"])
def test_it_gives_no_interval_for_a_single_question(method):
    assert mean_with_interval([0.36], method=method) == (0.36, None, None)


def test_it_bootstraps_reproducibly_with_a_seed():
    scores = np.random.default_rng(7).uniform(0.0, 0.6, 30).tolist()
    first = mean_with_interval(scores, method="bootstrap", seed=3)
    assert mean_with_interval(scores, method="bootstrap", seed=3) == first
    assert mean_with_interval(scores, method="bootstrap", seed=4) != first
    assert first[1] < first[0] < first[2]


def test_it_bootstraps_close_to_the_t_interval_for_many_questions():
    scores = np.random.default_rng(1).uniform(0.0, 0.5, 2000).tolist()
    _, t_low, t_high = mean_with_interval(scores, method="t")
    _, b_low, b_high = mean_with_interval(scores, method="bootstrap")
    assert (b_low, b_high) == approx((t_low, t_high), abs=1e-3)


# --- properties -------------------------------------------------------------

probabilities = st.floats(0.0, 1.0)
decimal_probabilities = st.integers(0, 20).map(lambda k: k / 20)  # repeats, and bin edges


@st.composite
def distributions(draw, k=None):
    k = k if k is not None else draw(st.integers(2, 6))
    weights = draw(st.lists(st.floats(0.01, 1.0), min_size=k, max_size=k))
    return [w / sum(weights) for w in weights]


@st.composite
def scored_sets(draw):
    n = draw(st.integers(1, 60))
    forecasts = draw(st.lists(decimal_probabilities | probabilities, min_size=n, max_size=n))
    outcomes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return forecasts, outcomes


@given(probabilities, probabilities)
def test_it_rewards_an_honest_forecast_under_brier(p, q):
    def expected(r):
        return p * brier(r, True) + (1 - p) * brier(r, False)

    # The expected penalty for saying q when the truth is p exceeds honesty by (q - p)^2.
    assert expected(q) - expected(p) == approx((q - p) ** 2, abs=1e-12)


@given(st.floats(0.001, 0.999), st.floats(0.0, 1.0))
def test_it_rewards_an_honest_forecast_under_log_loss(p, q):
    def expected(r):
        return p * log_loss(r, True) + (1 - p) * log_loss(r, False)

    assert expected(q) >= expected(p) - 1e-12


@given(st.integers(2, 5).flatmap(lambda k: st.tuples(distributions(k), distributions(k))))
def test_it_rewards_an_honest_multiple_choice_forecast(truth_and_claim):
    truth, claim = truth_and_claim

    def expected(forecast):
        return sum(t * brier_multi(forecast, i) for i, t in enumerate(truth))

    assert expected(claim) >= expected(truth) - 1e-12


@given(probabilities, st.booleans(), distributions(), st.integers(0, 5))
def test_it_keeps_every_brier_score_between_zero_and_one(p, outcome, vector, index):
    assert 0.0 <= brier(p, outcome) <= 1.0
    assert 0.0 <= brier_multi(vector, index % len(vector)) <= 1.0


@given(probabilities)
def test_it_scores_two_option_vectors_as_binary(p):
    assert brier_multi([1 - p, p], 1) == approx(brier(p, True), abs=1e-12)


@given(scored_sets(), st.none() | st.integers(1, 20))
def test_it_decomposes_the_mean_brier_exactly(scored, n_bins):
    forecasts, outcomes = scored
    result = murphy_decomposition(forecasts, outcomes, n_bins)
    mean_brier = sum(map(brier, forecasts, outcomes)) / len(forecasts)
    total = result["reliability"] - result["resolution"] + result["uncertainty"]
    if n_bins is not None:
        total += result["within_bin_variance"] - result["within_bin_covariance"]
    else:
        assert "within_bin_variance" not in result
    assert result["brier"] == approx(mean_brier, abs=1e-12)
    assert total == approx(mean_brier, abs=1e-12)


@given(scored_sets(), st.integers(1, 20), st.data())
def test_it_ignores_the_order_of_forecasts(scored, n_bins, data):
    forecasts, outcomes = scored
    shuffled = data.draw(st.permutations(list(zip(forecasts, outcomes, strict=True))))
    f2, o2 = [f for f, _ in shuffled], [o for _, o in shuffled]
    assert murphy_decomposition(f2, o2) == approx(murphy_decomposition(forecasts, outcomes))
    assert murphy_decomposition(f2, o2, n_bins) == approx(
        murphy_decomposition(forecasts, outcomes, n_bins)
    )
    for strategy in ("uniform", "quantile"):
        table = calibration_table(forecasts, outcomes, n_bins, strategy)
        shuffled_table = calibration_table(f2, o2, n_bins, strategy)
        assert [r["count"] for r in shuffled_table] == [r["count"] for r in table]
        assert [r["n_event"] for r in shuffled_table] == [r["n_event"] for r in table]
        means = [r["mean_forecast"] for r in table]
        assert [r["mean_forecast"] for r in shuffled_table] == approx(means)


@given(scored_sets(), st.integers(1, 20), st.sampled_from(["uniform", "quantile"]))
def test_it_accounts_for_every_forecast_in_the_calibration_table(scored, n_bins, strategy):
    forecasts, outcomes = scored
    table = calibration_table(forecasts, outcomes, n_bins, strategy)
    assert sum(row["count"] for row in table) == len(forecasts)
    assert sum(row["n_event"] for row in table) == sum(outcomes)
    assert len(table) == n_bins if strategy == "uniform" else len(table) <= n_bins
    for row in (row for row in table if row["count"]):
        assert row["lower"] - 1e-12 <= row["mean_forecast"] <= row["upper"] + 1e-12
        frequency = row["observed_frequency"]
        assert row["wilson_lower"] <= frequency <= row["wilson_upper"]


@given(st.lists(probabilities, min_size=1, max_size=40, unique=True), st.integers(1, 8))
def test_it_gives_quantile_bins_equal_counts_when_nothing_ties(forecasts, n_bins):
    forecasts = forecasts[: len(forecasts) - len(forecasts) % n_bins] or forecasts
    table = calibration_table(forecasts, [True] * len(forecasts), n_bins, "quantile")
    if len(forecasts) % n_bins == 0:
        assert {row["count"] for row in table} == {len(forecasts) // n_bins}
    uppers, lowers = [r["upper"] for r in table[:-1]], [r["lower"] for r in table[1:]]
    assert all(u < v for u, v in zip(uppers, lowers, strict=True))


# Random histories: forecasts on a 15-minute grid around a window of 1-30 days,
# stamped in random timezones, so several often fall on one day.
OPENS = date(2024, 3, 1)
zones = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))


@st.composite
def histories(draw):
    n_days = draw(st.integers(1, 30))
    start = at(2024, 2, 25)  # five days before the open
    slots = draw(st.lists(st.integers(0, (n_days + 10) * 96), unique=True, max_size=12))
    forecasts = [
        ((start + timedelta(minutes=15 * slot)).astimezone(draw(zones)), draw(probabilities))
        for slot in slots
    ]
    crowd = draw(st.lists(st.none() | probabilities, min_size=n_days, max_size=n_days))
    return forecasts, OPENS + timedelta(days=n_days - 1), crowd


def slow_time_averaged_brier(forecasts, opens, closes, outcome, crowd=None):
    """The definition read literally: for each day, look through every forecast."""

    def utc_day(moment):
        return moment.astimezone(UTC).date()

    by_close = [(moment, p) for moment, p in forecasts if utc_day(moment) <= closes]
    scores, day = [], opens
    while day <= closes:
        made = [(moment, p) for moment, p in by_close if utc_day(moment) <= day]
        p = max(made)[1] if made else None
        if p is None and crowd is not None and by_close:
            p = crowd[(day - opens).days]
        if p is not None:
            scores.append((p - outcome) ** 2)
        day += timedelta(days=1)
    return sum(scores) / len(scores) if scores else None


@settings(deadline=None)
@given(histories(), st.booleans(), st.booleans())
def test_it_time_averages_exactly_as_the_definition_reads(history, outcome, with_crowd):
    forecasts, closes, crowd = history
    crowd = crowd if with_crowd else None
    expected = slow_time_averaged_brier(forecasts, OPENS, closes, outcome, crowd)
    score = time_averaged_brier(forecasts, OPENS, closes, outcome, crowd)
    if expected is None:
        assert score is None
    else:
        assert score == approx(expected, abs=1e-12)
        assert 0.0 <= score <= 1.0


@settings(deadline=None)
@given(histories(), st.booleans(), st.data())
def test_it_time_averages_whatever_the_order_of_forecasts(history, outcome, data):
    forecasts, closes, crowd = history
    shuffled = data.draw(st.permutations(forecasts))
    assert time_averaged_brier(shuffled, OPENS, closes, outcome, crowd) == approx(
        time_averaged_brier(forecasts, OPENS, closes, outcome, crowd), abs=1e-15
    )
    assert final_forecast(shuffled, closes) == final_forecast(forecasts, closes)


@settings(deadline=None)
@given(histories(), st.booleans())
def test_it_time_averages_two_option_questions_like_binary_ones(history, outcome):
    forecasts, closes, _ = history
    as_vectors = [(moment, [1 - p, p]) for moment, p in forecasts]
    binary = time_averaged_brier(forecasts, OPENS, closes, outcome)
    multi = time_averaged_brier_multi(as_vectors, OPENS, closes, int(outcome))
    assert multi == (None if binary is None else approx(binary, abs=1e-12))


@given(st.integers(0, 30), st.integers(0, 400), probabilities, st.booleans(), zones)
def test_it_gives_one_early_forecast_its_plain_brier_score(days_early, minutes, p, outcome, zone):
    stated = (at(2024, 3, 1) - timedelta(days=days_early, minutes=minutes)).astimezone(zone)
    closes = OPENS + timedelta(days=days_early)
    score = time_averaged_brier([(stated, p)], OPENS, closes, outcome)
    assert score == approx(brier(p, outcome), abs=1e-15)
    assert final_forecast([(stated, p)], closes) == (stated, p)


@given(st.lists(probabilities, min_size=2, max_size=50), st.sampled_from(["t", "bootstrap"]))
def test_it_keeps_the_interval_of_a_mean_inside_zero_one(scores, method):
    mean, low, high = mean_with_interval(scores, method=method, n_resamples=500)
    assert 0.0 <= low <= high <= 1.0
    if method == "t":
        assert low <= mean <= high


slot_and_probability = st.tuples(st.integers(0, 96 * 6), probabilities)


@given(st.lists(st.lists(slot_and_probability, max_size=4, unique_by=lambda f: f[0]), max_size=5))
def test_it_agrees_with_the_median_of_forecasts_in_force_each_day(raw_authors):
    start, closes = at(2024, 2, 29), OPENS + timedelta(days=4)
    authors = [
        [(start + timedelta(minutes=15 * slot), p) for slot, p in rows] for rows in raw_authors
    ]
    daily = crowd_daily(authors, OPENS, closes)
    assert len(daily) == 5
    for offset, crowd in enumerate(daily):
        day = OPENS + timedelta(days=offset)
        in_force = [final_forecast(author, day) for author in authors]
        expected = crowd_median([f[1] for f in in_force if f is not None])
        assert crowd == (None if expected is None else approx(expected))

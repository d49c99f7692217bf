"""Folded calibration and the right-side share: hand-worked tables, then properties.

Pure maths, no database: run with
``pytest tests/scoring/test_folded.py -p no:django --noconftest``.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts.scoring import folded_calibration, right_side_share, wilson_interval

approx = pytest.approx


def test_it_folds_a_forecast_below_half_into_its_opposite():
    # 10% that X, X did not happen: a right 90% forecast that not X.
    assert folded_calibration([0.1], [False]) == [
        {
            "level": 0.9,
            "count": 1,
            "right": 1,
            "wrong": 0,
            "frequency": 1.0,
            "wilson_lower": approx(wilson_interval(1, 1)[0]),
            "wilson_upper": 1.0,
        }
    ]


def test_it_gives_the_counts_of_a_hand_graded_list():
    # 70%: 0.7 yes, 0.7 no, 0.3 no (folded: right), 0.3 yes (folded: wrong), 0.7 yes
    #      -> 5 forecasts, 3 right, 2 wrong.
    # 90%: 0.9 yes, 0.1 no -> 2 right. 50%: 0.5 yes (right), 0.5 no (wrong).
    forecasts = [0.7, 0.7, 0.3, 0.3, 0.7, 0.9, 0.1, 0.5, 0.5]
    outcomes = [True, False, False, True, True, True, False, True, False]
    table = folded_calibration(forecasts, outcomes)
    counts = [(row["level"], row["count"], row["right"], row["wrong"]) for row in table]
    assert counts == [(0.5, 2, 1, 1), (0.7, 5, 3, 2), (0.9, 2, 2, 0)]
    seventy = table[1]
    assert seventy["frequency"] == 0.6
    # Wilson for 3 of 5, z = 1.96: (3 + 1.9208 ± 1.96·√(0.6·2 + 0.9604)) / 8.8415
    assert seventy["wilson_lower"] == approx(0.2307, abs=1e-4)
    assert seventy["wilson_upper"] == approx(0.8824, abs=1e-4)


def test_it_counts_a_fifty_percent_forecast_as_stated():
    table = folded_calibration([0.5, 0.5, 0.5], [True, True, False])
    assert [(r["level"], r["count"], r["right"]) for r in table] == [(0.5, 3, 2)]


def test_it_keeps_one_level_for_values_that_differ_only_in_floating_point():
    table = folded_calibration([1 - 0.3, 0.3, 1 - 0.95, 0.95], [True, False, False, True])
    assert [(r["level"], r["count"], r["right"]) for r in table] == [(0.7, 2, 2), (0.95, 2, 2)]


def test_it_refuses_an_empty_list_and_a_probability_outside_the_unit_interval():
    with pytest.raises(ValueError, match="no forecasts"):
        folded_calibration([], [])
    with pytest.raises(ValueError, match="1.2"):
        folded_calibration([1.2], [True])


def test_it_gives_the_share_on_the_right_side_of_half_leaving_out_fifty_percent():
    # Right side: 0.8 yes, 0.2 no, 0.6 yes; wrong side: 0.9 no. 0.5 left out.
    share = right_side_share([0.8, 0.2, 0.6, 0.9, 0.5], [True, False, True, False, True])
    assert (share["count"], share["right"], share["share"]) == (4, 3, 0.75)
    assert (share["wilson_lower"], share["wilson_upper"]) == approx(wilson_interval(3, 4))


def test_it_has_no_right_side_share_when_every_forecast_was_fifty_percent():
    assert right_side_share([0.5, 0.5], [True, False]) == {
        "count": 0,
        "right": 0,
        "share": None,
        "wilson_lower": None,
        "wilson_upper": None,
    }


stated = st.sampled_from([0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
pairs = st.lists(st.tuples(stated, st.booleans()), min_size=1, max_size=60)


@given(pairs)
def test_its_levels_cover_every_forecast_once_between_half_and_one(rows):
    forecasts, outcomes = zip(*rows, strict=True)
    table = folded_calibration(list(forecasts), list(outcomes))
    assert sum(r["count"] for r in table) == len(rows)
    assert all(0.5 <= r["level"] <= 1.0 and r["right"] + r["wrong"] == r["count"] for r in table)
    assert [r["level"] for r in table] == sorted({r["level"] for r in table})
    assert all(r["wilson_lower"] <= r["frequency"] <= r["wilson_upper"] for r in table)


@given(pairs)
def test_it_is_the_same_table_for_the_opposite_statement(rows):
    # "10% that X" and "90% that not X" are one claim: negating both sides changes nothing,
    # except for 50% forecasts, which are graded as stated.
    kept = [(p, o) for p, o in rows if p != 0.5]
    if not kept:
        return
    forecasts, outcomes = zip(*kept, strict=True)
    flipped = folded_calibration([1 - p for p in forecasts], [not o for o in outcomes])
    assert flipped == folded_calibration(list(forecasts), list(outcomes))


@given(pairs)
def test_the_right_side_share_agrees_with_the_table_without_its_fifty_percent_row(rows):
    forecasts, outcomes = zip(*rows, strict=True)
    table = [r for r in folded_calibration(list(forecasts), list(outcomes)) if r["level"] != 0.5]
    share = right_side_share(list(forecasts), list(outcomes))
    assert share["count"] == sum(r["count"] for r in table)
    assert share["right"] == sum(r["right"] for r in table)

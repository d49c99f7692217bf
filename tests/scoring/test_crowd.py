"""The multiple-choice crowd: per-option medians, rescaled to sum to 1."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts import scoring


def test_it_takes_each_options_median():
    others = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2]]
    assert scoring.crowd_median_multi(others) == pytest.approx([0.4, 0.4, 0.2])


def test_it_averages_the_two_middle_values_of_an_even_crowd():
    assert scoring.crowd_median_multi([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]]) == pytest.approx(
        [0.4, 0.2, 0.4]
    )


def test_it_rescales_medians_that_do_not_sum_to_one():
    others = [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]
    assert scoring.crowd_median_multi(others) == pytest.approx([1 / 3] * 3)
    others = [[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]  # medians 0.6, 0.2, 0.1
    assert scoring.crowd_median_multi(others) == pytest.approx([6 / 9, 2 / 9, 1 / 9])


def test_it_spreads_evenly_when_every_median_is_zero():
    medians = np.zeros(4)
    assert (
        scoring.rescale_medians(medians, np.zeros(4, np.int64), np.full(4, 4)).tolist()
        == [0.25] * 4
    )


def test_it_has_no_crowd_without_others_and_refuses_ragged_forecasts():
    assert scoring.crowd_median_multi([]) is None
    with pytest.raises(ValueError, match="same"):
        scoring.crowd_median_multi([[0.5, 0.5], [0.2, 0.3, 0.5]])
    with pytest.raises(ValueError, match="forecasts"):
        scoring.crowd_median_multi([[0.5, 1.5]])


@given(
    st.integers(2, 5).flatmap(
        lambda k: st.lists(
            st.lists(st.floats(0.001, 1), min_size=k, max_size=k), min_size=1, max_size=9
        )
    )
)
def test_the_crowd_sums_to_one_and_is_the_forecast_of_a_crowd_of_one(raw):
    others = [[v / sum(row) for v in row] for row in raw]
    crowd = scoring.crowd_median_multi(others)
    assert sum(crowd) == pytest.approx(1.0)
    if len(others) == 1:
        assert crowd == pytest.approx(others[0])

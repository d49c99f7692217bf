"""The crowd's median of the others, as forecasts.crowd computes it for many groups at once."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts import scoring
from forecasts.crowd import median_of_others

probabilities = st.floats(0, 1, allow_nan=False).map(lambda p: round(p, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(probabilities, min_size=1, max_size=20), min_size=1, max_size=12))
def test_it_takes_the_median_of_the_other_values_of_each_group(groups):
    values = np.array([v for group in groups for v in group])
    medians = median_of_others(values, np.array([len(group) for group in groups]))
    at = 0
    for group in groups:
        for i in range(len(group)):
            others = group[:i] + group[i + 1 :]
            expected = scoring.crowd_median(others)
            if expected is None:
                assert np.isnan(medians[at])
            else:
                assert medians[at] == expected
            at += 1


def test_it_handles_groups_above_the_matrix_width():
    values = np.array([0.1, 0.9, 0.5, 0.2, 0.8, 0.3, 0.7, 0.4, 0.6, 0.0])
    medians = median_of_others(values, np.array([10]))
    assert medians[0] == 0.5  # the others: 0.0, 0.2 ... 0.9 without 0.1: middle value 0.5
    assert medians[2] == 0.4  # without 0.5: the middle value of nine is 0.4

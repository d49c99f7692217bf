"""The multiple-choice crowd: each option's median, rescaled to sum to 1.

On a multiple-choice question the crowd's forecast on a day is built from
the other authors' forecasts in force that day, option by option:

1. for each option, the median of the probabilities the others gave it (the
   mean of the two middle values for an even number of authors);
2. those medians, which need not sum to 1, are divided by their sum; if every
   median is 0 (impossible for valid forecasts, kept for safety) each option
   gets 1/K.

E.g. three others forecast (0.6, 0.3, 0.1), (0.2, 0.5, 0.3) and (0.4, 0.4, 0.2):
the medians are (0.4, 0.4, 0.2), already summing to 1. With (0.7, 0.2, 0.1)
and (0.1, 0.2, 0.7) the medians are (0.4, 0.2, 0.4), also summing to 1; with
(0.5, 0.5, 0), (0, 0.5, 0.5) and (0.5, 0, 0.5) they are (0.5, 0.5, 0.5), and
the crowd is (1/3, 1/3, 1/3). ``forecasts/engine/crowd.py`` rescales with
``rescale_medians``, and tests/engine/test_crowd.py checks it agrees with
``crowd_median_multi`` on random ledgers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forecasts.scoring.daily import _median_by_column
from forecasts.scoring.inputs import _probabilities


def rescale_medians(medians: np.ndarray, group: np.ndarray, n_options: np.ndarray) -> np.ndarray:
    """Each option's median divided by its forecast's sum of medians (1/K if that is 0).

    Vectorised: ``medians[i]`` belongs to the crowd forecast ``group[i]``
    (0-based, dense), which has ``n_options[i]`` options.
    """
    total = np.bincount(group, weights=medians, minlength=int(group.max(initial=-1)) + 1)[group]
    return np.divide(medians, total, out=1.0 / n_options.astype(np.float64), where=total > 0)


def crowd_median_multi(forecasts: Sequence[Sequence[float]]) -> list[float] | None:
    """The crowd's multiple-choice forecast from the others' forecasts in force.

    ``forecasts`` holds one probability list per other author, all with the
    same K options. Returns the per-option medians rescaled to sum to 1, or
    None when there is nobody else.
    """
    if len(forecasts) == 0:
        return None
    widths = {len(f) for f in forecasts}
    if len(widths) != 1 or widths == {0}:
        raise ValueError("forecasts must all give the same, non-zero number of options")
    k = widths.pop()
    matrix = _probabilities([p for f in forecasts for p in f], "forecasts").reshape(-1, k)
    medians = _median_by_column(matrix)
    shares = rescale_medians(medians, np.zeros(k, np.int64), np.full(k, k))
    return [float(p) for p in shares]

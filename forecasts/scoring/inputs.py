"""What the scoring functions accept: probabilities, outcomes and the constants of the conventions.

Every public function of :mod:`forecasts.scoring` checks its arguments here, so
a bad value is refused the same way everywhere (``ValueError`` naming it).
The ``_`` helpers are private to the package.
"""

import math
import numbers
import operator
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Value = TypeVar("Value", float, Sequence[float])

WILSON_Z_95 = 1.959963984540054
"""The two-sided 95% normal quantile used for Wilson intervals."""
LOG_LOSS_EPS = 0.001
"""Probabilities are clipped to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] for the log loss."""
COIN_FLIP_BRIER = 0.25
"""The Brier score of a 0.5 forecast, whatever happens: the skill-score reference."""
SUM_TOLERANCE = 1e-6
"""How far a multiple-choice forecast's probabilities may sum from 1."""
MIN_CROWD = 3
"""Fewest other authors with a forecast in force for a day to count as a crowd day."""


def _problem(value: float) -> str:
    if math.isnan(value):
        return "is NaN"
    if math.isinf(value):
        return f"is infinite ({value!r})"
    return f"= {value!r} is outside [0, 1]"


def _probability(p: float, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name} must be a real number, not {type(p).__name__}")
    value = float(p)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} {_problem(value)}")
    return value


def _probabilities(values: Sequence[float] | FloatArray, name: str) -> FloatArray:
    array = np.asarray(values)
    if array.size and array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, not {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of probabilities")
    array = array.astype(np.float64)
    bad = ~((array >= 0.0) & (array <= 1.0))  # NaN fails both comparisons
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] {_problem(float(array[i]))}")
    return array


def _distribution(probabilities: Sequence[float], name: str = "probabilities") -> FloatArray:
    array = _probabilities(probabilities, name)
    if array.size < 2:
        raise ValueError(f"{name} needs at least two options, got {array.size}")
    total = float(array.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} sums to {total!r}, not 1")
    return array


def _option(outcome_index: int, n_options: int) -> int:
    if isinstance(outcome_index, bool):
        raise TypeError("outcome_index must be an integer, not a bool")
    index = operator.index(outcome_index)
    if not 0 <= index < n_options:
        raise ValueError(f"outcome_index {index} is not one of the {n_options} options")
    return index


def _outcome(outcome: bool) -> float:
    if isinstance(outcome, bool | np.bool_) or (
        isinstance(outcome, numbers.Integral) and outcome in (0, 1)
    ):
        return 1.0 if outcome else 0.0
    raise ValueError(f"outcome must be True or False, not {outcome!r}")


def _outcomes(outcomes: Sequence[bool], n: int) -> FloatArray:
    array = np.asarray(outcomes)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"forecasts and outcomes differ in length ({n} != {len(array)})")
    if array.size and array.dtype.kind not in "biuf":
        raise TypeError(f"outcomes must be booleans, not {array.dtype}")
    array = array.astype(np.float64)
    if not np.all((array == 0.0) | (array == 1.0)):
        raise ValueError("outcomes must be True or False (or 1 or 0)")
    return array


def _paired(forecasts: Sequence[float], outcomes: Sequence[bool]) -> tuple[FloatArray, FloatArray]:
    f = _probabilities(forecasts, "forecasts")
    o = _outcomes(outcomes, f.size)
    if f.size == 0:
        raise ValueError("no forecasts to score")
    return f, o


def _bin_count(n_bins: int) -> int:
    if isinstance(n_bins, bool):
        raise TypeError("n_bins must be an integer, not a bool")
    count = operator.index(n_bins)
    if count < 1:
        raise ValueError(f"n_bins must be at least 1, got {count}")
    return count


def _finite(values: Sequence[float] | FloatArray, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a flat sequence of finite numbers")
    return array

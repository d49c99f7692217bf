"""Scores of one forecast on one question: Brier (0–1 and Brier's 0–2), skill, log loss."""

import math
import numbers
from collections.abc import Sequence

import numpy as np

from forecasts.scoring.inputs import (
    COIN_FLIP_BRIER,
    LOG_LOSS_EPS,
    _distribution,
    _option,
    _outcome,
    _probability,
)


def brier(p: float, outcome: bool) -> float:
    """Binary Brier score ``(p - o)^2``, o = 1 if the event happened else 0.

    ``p`` is the forecast probability of "yes". Range 0 (perfect) to 1; a
    coin-flip forecast of 0.5 always scores 0.25.
    """
    return (_probability(p) - _outcome(outcome)) ** 2


def brier_multi(probabilities: Sequence[float], outcome_index: int) -> float:
    """Multiple-choice Brier score, halved: ``1/2 * sum_k (f_k - E_k)^2``.

    ``E_k`` is 1 for the option that happened (``outcome_index``) and 0
    otherwise. Halving keeps the range 0..1 and makes a two-option question
    score exactly like the binary ``brier``. The probabilities must sum to 1.
    """
    f = _distribution(probabilities)
    expected = np.zeros_like(f)
    expected[_option(outcome_index, f.size)] = 1.0
    return float(0.5 * np.sum((f - expected) ** 2))


def brier_0_2(bs: float) -> float:
    """Brier's original 1950 scale (range 0..2): twice the headline score.

    Brier summed the squared errors over every category without halving; Good
    Judgment Open publishes that scale, so Reckon shows it as a second field.
    """
    return 2.0 * _probability(bs, "bs")


def brier_skill_score(bs: float, reference: float = COIN_FLIP_BRIER) -> float:
    """Skill against a reference score: ``1 - bs / reference``.

    The default reference is the coin flip (0.25). 1 is perfect, 0 is no
    better than the reference, negative is worse.
    """
    reference = _probability(reference, "reference")
    if reference == 0.0:
        raise ValueError("reference must be positive")
    return 1.0 - _probability(bs, "bs") / reference


def _clipped_log_loss(q: float, eps: float) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    return -math.log(min(max(q, eps), 1.0 - eps))


def log_loss(p: float, outcome: bool, eps: float = LOG_LOSS_EPS) -> float:
    """Log loss in nats: ``-ln(q)``, q = the probability given to what happened.

    q is ``p`` if the event happened and ``1 - p`` if not, then clipped to
    ``[eps, 1 - eps]`` (default [0.001, 0.999]) so that a "certain" forecast
    that fails costs ``-ln(0.001)`` ≈ 6.91 rather than infinity. Divide by
    ``ln 2`` for bits.
    """
    p = _probability(p)
    return _clipped_log_loss(p if _outcome(outcome) else 1.0 - p, eps)


def log_loss_multi(
    probabilities: Sequence[float], outcome_index: int, eps: float = LOG_LOSS_EPS
) -> float:
    """Multiple-choice log loss: ``-ln(q)`` for the option that happened.

    q is clipped to ``[eps, 1 - eps]`` exactly as in ``log_loss``.
    """
    f = _distribution(probabilities)
    return _clipped_log_loss(float(f[_option(outcome_index, f.size)]), eps)

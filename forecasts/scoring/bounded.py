"""An interval on a mean of scores in [0, 1] that stays honest with few questions.

The t interval (``mean_with_interval``) assumes the mean is near-normal. With
a handful of questions, Brier scores are skewed (mostly small, now and then a
confident miss near 1), the sample spread is often far too small, and the t
interval covers the true mean much less often than it says (83% at N = 3 in
an independent audit). Reckon shows this interval instead:

* **The spread, shrunk towards the worst case.** For scores in [0, 1] with
  mean m, no distribution varies more than a yes/no outcome: variance
  m(1 - m). The interval uses the sample variance s² (N - 1 in the
  denominator) pooled with two *pseudo-questions* at that maximum,
  ``v = ((N - 1) s² + 2 m(1 - m)) / (N + 1)``: with few questions the
  interval leans on the bound; with many, on the data.
* **Wilson's score form, so the bounds stay in [0, 1].** The interval is the
  set of means μ with ``(m - μ)² <= c² φ μ(1 - μ) / N``, φ = v / (m(1 - m))
  the share of the maximum spread the scores show (φ = 1 when m is 0 or 1),
  and c the 0.975 quantile of Student's t with N - 1 degrees of freedom. It is
  Wilson's (1927) interval with a design effect (Korn & Graubard 1998), solved
  in closed form; it never leaves [0, 1] and always contains m.
* **N = 1: not enough to say.** One question has no spread: no interval.

``tests/scoring/test_bounded.py`` checks by simulation (seeded) that it
covers the true mean at least 93% of the time at N = 3, 5, 10 and 30 for the
score distributions stated there. It only needs N, Σx and Σx², so stored
scorecards carry what it needs in their running totals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from forecasts.scoring.inputs import _probabilities
from forecasts.scoring.uncertainty import t_quantile

PSEUDO_QUESTIONS = 2.0
INTERVAL_METHOD = "bounded-score"
INTERVAL_METHOD_TEXT = (
    "95% bounded score interval: Wilson's form with Student's t (N − 1 df) and the "
    "spread of the scores pooled with two pseudo-questions at the largest spread possible; "
    "none for a single question"
)


def bounded_interval(n: int, mean: float, variance: float) -> tuple[float | None, float | None]:
    """The 95% interval of a mean of N scores in [0, 1], from N, their mean and variance.

    ``variance`` is the sample variance (N - 1 in the denominator; ignored
    for N = 1). Returns ``(None, None)`` for N = 1 ("not enough to say").
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if n == 1:
        return None, None
    c = t_quantile(0.975, n - 1)
    low, high = bounded_interval_many(
        np.array([float(n)]), np.array([float(mean)]), np.array([float(variance)]), np.array([c])
    )
    return float(low[0]), float(high[0])


def bounded_interval_many(
    n: np.ndarray, mean: np.ndarray, variance: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``bounded_interval`` of many means at once (each N >= 2; c: their t quantiles)."""
    mean = np.clip(mean, 0.0, 1.0)
    largest = mean * (1.0 - mean)
    pooled = ((n - 1.0) * np.maximum(variance, 0.0) + PSEUDO_QUESTIONS * largest) / (
        n - 1.0 + PSEUDO_QUESTIONS
    )
    share = np.divide(pooled, largest, out=np.ones_like(mean), where=largest > 0)
    a = c * c * share / n
    root = np.sqrt(a * (a + 4.0 * largest))
    low = (2.0 * mean + a - root) / (2.0 * (1.0 + a))
    high = (2.0 * mean + a + root) / (2.0 * (1.0 + a))
    return np.clip(np.minimum(low, mean), 0.0, 1.0), np.clip(np.maximum(high, mean), 0.0, 1.0)


def score_interval(scores: Sequence[float]) -> tuple[float, float | None, float | None]:
    """An author's mean score and its bounded 95% interval: ``(mean, low, high)``.

    ``scores`` are per-question scores in [0, 1]; the interval is
    ``bounded_interval``, ``(None, None)`` with a single score.
    """
    values = _probabilities(scores, "scores")
    if values.size == 0:
        raise ValueError("no scores to average")
    mean = float(values.mean())
    variance = float(values.var(ddof=1)) if values.size > 1 else 0.0
    return (mean, *bounded_interval(int(values.size), mean, variance))


def uniform_brier(n_options: int) -> float:
    """Brier of always giving 1/K to each of K options: (K - 1) / (2K).

    The reference a question's skill is measured against: 0.25 for a yes/no
    question (K = 2), 1/3 for three options, 0.375 for four. Half the sum over
    options, as ``brier_multi``.
    """
    if isinstance(n_options, bool) or n_options < 2:
        raise ValueError(f"n_options must be at least 2, got {n_options!r}")
    return (n_options - 1) / (2.0 * n_options)


def skill_against_uniform(briers: Sequence[float], n_options: Sequence[int]) -> float:
    """``1 - mean Brier / mean uniform reference`` over an author's questions.

    Each question's reference is ``uniform_brier`` of its number of options
    (2 for a yes/no question), so always giving 1/K scores exactly 0.
    """
    scores = _probabilities(briers, "briers")
    if scores.size == 0 or scores.size != len(n_options):
        raise ValueError("briers and n_options must pair up, and not be empty")
    reference = math.fsum(uniform_brier(k) for k in n_options)
    return 1.0 - math.fsum(scores.tolist()) / reference

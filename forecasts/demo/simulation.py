"""The synthetic demo world: authors with known forecasting styles.

Every question has a hidden probability p of "yes". Behind it is a latent
variable: ``z = mu + B(1)`` with ``mu ~ N(0, 1)``, ``B`` a Brownian motion and
"yes" when ``z > 0``, so ``p = Phi(mu)`` and the outcome is Bernoulli(p). News
arrives while the question is open: at a fraction ``tau`` of the window the
public knows ``B(tau / 2)``, and the probability given everything known then,
``p_t = Phi((mu + B(t)) / sqrt(1 - t))``, is exactly calibrated. Authors
distort ``p_t`` by their style:

* calibrated: ``p_t`` plus a little noise;
* overconfident: ``logit(p_t)`` stretched four-fold (0.7 becomes 0.97);
* contrarian: about ``1 - p_t``;
* coin-flipper: 0.5, give or take 0.02;
* hedger: ``p_t`` shrunk towards 0.5 (``0.5 + 0.4 (p_t - 0.5)``).

Multiple-choice questions draw option probabilities from a flat Dirichlet and
the outcome from them (no news: the truth stays put). Numeric and date
questions (``forecasts.demo.quantities``) follow the same kind of news about a
hidden value and get intervals, quantiles or points shaped by the same styles.
Everything is labelled synthetic (``is_synthetic``, "Synthetic:" names, a synthetic source and tags)
and reproducible from the seed, except that the dates of unresolved questions
follow the clock. ``forecasts.demo.loader`` writes a world to the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from forecasts.demo.quantities import Quantities

STYLES = ("calibrated", "overconfident", "contrarian", "coin-flipper", "hedger")
STYLE_NOTES = {
    "calibrated": "Reports the probability the evidence supports, with a little noise.",
    "overconfident": "Pushes every probability towards 0 or 1 (log-odds stretched four-fold).",
    "contrarian": "Says roughly the opposite of what the evidence supports.",
    "coin-flipper": "Says 50% (give or take 2 points) whatever the question.",
    "hedger": "Shrinks every probability towards 50%.",
}
TAGS = (
    "elections",
    "economy",
    "conflict",
    "climate",
    "technology",
    "health",
    "diplomacy",
    "markets",
)

US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
# Resolved questions end before this date, so their dates follow the seed alone.
ANCHOR_US = 1_748_736_000 * US_PER_SECOND  # 2025-06-01 00:00 UTC
INFORMATION_BY_CLOSE = 0.5  # share of the latent variance revealed by the close
OVERCONFIDENCE = 4.0
HEDGE = 0.4
NOISE = 0.03
LIVE, RESOLVED, ANNULLED = 0, 1, 2


@dataclass(frozen=True)
class WorldSpec:
    """How big a world to make, and how it behaves."""

    authors: int = 40
    questions: int = 300
    forecasts: int | None = None  # target total; default 10 per question
    seed: int = 2024
    unresolved_fraction: float = 0.12
    annulled_fraction: float = 0.03
    multiple_choice_fraction: float = 0.1
    updates: float = 0.3  # share of (author, question) pairs with 1-4 later updates
    hindsight_fraction: float = 0.005  # forecasts recorded after the outcome was known
    crowd_question_authors: int = 0  # one extra binary question with this many forecasters
    quantity_fraction: float = 0.1  # numeric and date questions (two numeric to one date)

    @property
    def target_forecasts(self) -> int:
        return self.forecasts if self.forecasts is not None else 10 * self.questions


@dataclass
class World:
    """A generated world as arrays; indices are positions, not database ids."""

    style: np.ndarray  # per author: index into STYLES
    status: np.ndarray  # per question: LIVE / RESOLVED / ANNULLED
    n_options: np.ndarray  # per question: 0 for binary, else 3 or 4
    hidden_p: np.ndarray  # per question: P(yes), or P(option 0) for multiple choice
    truth: np.ndarray  # per question × 4: option probabilities (binary: [p, 1-p, 0, 0])
    outcome: np.ndarray  # per question: 1/0 for binary, option index for multiple choice
    opens: np.ndarray
    closes: np.ndarray
    resolve_by: np.ndarray
    known: np.ndarray  # outcome_known_at (resolved and annulled questions)
    resolved_at: np.ndarray
    tags: np.ndarray  # per question × 2: tag indices, -1 for none
    crowd_question: int  # index of the many-forecaster question, -1 for none
    f_question: np.ndarray = field(repr=False)  # per forecast
    f_author: np.ndarray = field(repr=False)
    f_stated: np.ndarray = field(repr=False)
    f_recorded: np.ndarray = field(repr=False)
    f_values: np.ndarray = field(repr=False)  # per forecast × 4: binary uses column 0
    quantities: Quantities | None = field(default=None, repr=False)  # numeric and date

    @property
    def n_forecasts(self) -> int:
        return int(self.f_question.size)


def build_world(spec: WorldSpec, now_us: int) -> World:
    """Draw a world from ``spec``; ``now_us`` (µs since the epoch) dates the live questions."""
    _check(spec)
    rng = np.random.default_rng(spec.seed)
    n_q = spec.questions + (1 if spec.crowd_question_authors else 0)
    crowd_q = spec.questions if spec.crowd_question_authors else -1
    status, n_options = _kinds(spec, rng, n_q, crowd_q)
    opens, closes, resolve_by, known, resolved_at = _dates(rng, status, now_us)
    if crowd_q >= 0:  # a year-long question, so its crowd changes on many days
        opens[crowd_q] = closes[crowd_q] - 365 * US_PER_DAY
    mu = rng.normal(0.0, 1.0, n_q)
    truth = _dirichlet(rng, n_options)
    q, a = _pairs(spec, rng, n_q, crowd_q, n_options)
    per_pair = 1 + np.where(rng.random(q.size) < spec.updates, rng.integers(1, 5, q.size), 0)
    f_q, f_a = np.repeat(q, per_pair), np.repeat(a, per_pair)
    last_word = np.where(status == LIVE, now_us, known) - US_PER_HOUR
    end = np.minimum(closes, last_word)
    stated = _stated_times(rng, f_q, f_a, opens, end)
    tau = np.clip((stated - opens[f_q]) / (closes[f_q] - opens[f_q]), 0.0, 1.0)
    p_t, yes = _news(rng, f_q, tau * INFORMATION_BY_CLOSE, mu, n_q)
    binary = n_options == 0
    truth[binary, 0], truth[binary, 1] = _phi(mu[binary]), 1.0 - _phi(mu[binary])
    outcome = np.where(binary, yes.astype(np.int64), _categorical(rng, truth))
    style = np.arange(spec.authors) % len(STYLES)
    values = _forecast_values(rng, style[f_a], p_t, truth[f_q], n_options[f_q])
    recorded = _recorded_times(rng, spec, stated, status[f_q], known[f_q], now_us)
    from forecasts.demo.quantities import build_quantities  # it reads this module's news

    quantities = build_quantities(spec, n_options, closes, f_q, style[f_a], tau, crowd_q)
    return World(
        style=style,
        status=status,
        n_options=n_options,
        hidden_p=truth[:, 0],
        truth=truth,
        outcome=outcome,
        opens=opens,
        closes=closes,
        resolve_by=resolve_by,
        known=known,
        resolved_at=resolved_at,
        tags=_tags(rng, n_q),
        crowd_question=crowd_q,
        f_question=f_q,
        f_author=f_a,
        f_stated=stated,
        f_recorded=recorded,
        f_values=values,
        quantities=quantities,
    )


def _check(spec: WorldSpec) -> None:
    if spec.authors < 1 or spec.questions < 1:
        raise ValueError("A world needs at least one author and one question.")
    if spec.target_forecasts < 0 or spec.crowd_question_authors < 0:
        raise ValueError("Counts cannot be negative.")
    for name in (
        "unresolved_fraction",
        "annulled_fraction",
        "multiple_choice_fraction",
        "updates",
        "hindsight_fraction",
        "quantity_fraction",
    ):
        if not 0.0 <= getattr(spec, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1.")
    if spec.unresolved_fraction + spec.annulled_fraction > 1.0:
        raise ValueError("unresolved_fraction + annulled_fraction cannot exceed 1.")


def _kinds(spec: WorldSpec, rng, n_q: int, crowd_q: int) -> tuple[np.ndarray, np.ndarray]:
    draw = rng.random(n_q)
    status = np.full(n_q, RESOLVED)
    status[draw < spec.unresolved_fraction + spec.annulled_fraction] = ANNULLED
    status[draw < spec.unresolved_fraction] = LIVE
    multiple = rng.random(n_q) < spec.multiple_choice_fraction
    n_options = np.where(multiple, rng.integers(3, 5, n_q), 0)
    if crowd_q >= 0:
        status[crowd_q], n_options[crowd_q] = RESOLVED, 0
    return status, n_options


def _dates(rng, status: np.ndarray, now_us: int) -> tuple[np.ndarray, ...]:
    """Resolved and annulled questions closed before the anchor; live ones around now."""
    n = status.size

    def days(low: float, high: float) -> np.ndarray:
        return (rng.uniform(low, high, n) * US_PER_DAY).astype(np.int64)

    closes = ANCHOR_US - days(10, 700)
    opens = closes - days(14, 365)
    known = closes + days(1 / 24, 10)
    resolved_at = known + days(1 / 24, 3)
    resolve_by = closes + 30 * US_PER_DAY
    live = status == LIVE
    due = live & (rng.random(n) < 0.3)  # past resolve-by, waiting for a resolver
    opens[live] = now_us - days(5, 200)[live]
    closes[live] = np.where(due, now_us - days(1, 4), now_us + days(10, 400))[live]
    resolve_by[live] = np.where(due, closes + days(0, 1), closes + 30 * US_PER_DAY)[live]
    known[live] = resolved_at[live] = 0
    return tuple(t - t % US_PER_SECOND for t in (opens, closes, resolve_by, known, resolved_at))


def _dirichlet(rng, n_options: np.ndarray) -> np.ndarray:
    """Flat Dirichlet option probabilities, padded with zeros to four columns."""
    gamma = rng.gamma(1.0, 1.0, (n_options.size, 4))
    gamma[np.arange(4) >= np.maximum(n_options, 2)[:, None]] = 0.0
    return gamma / gamma.sum(axis=1, keepdims=True)


def _categorical(rng, truth: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(truth, axis=1)
    draw = rng.random(truth.shape[0]) * cumulative[:, -1]
    return np.minimum((cumulative <= draw[:, None]).sum(axis=1), 3)


def _pairs(spec: WorldSpec, rng, n_q: int, crowd_q: int, n_options) -> tuple[np.ndarray, ...]:
    """Which author forecasts which question: busy authors forecast more."""
    activity = rng.lognormal(0.0, 0.5, spec.authors)
    per_pair = 1 + spec.updates * 2.5
    crowd = min(spec.crowd_question_authors, spec.authors)
    wanted = max(0, round(spec.target_forecasts / per_pair) - crowd)
    wanted = min(wanted, spec.questions * spec.authors)
    draws = int(wanted * 1.3) + 16
    q = rng.integers(0, spec.questions, draws)
    a = rng.choice(spec.authors, draws, p=activity / activity.sum())
    keys = np.unique(q * spec.authors + a)
    while keys.size < wanted:  # dense worlds: top up with uniform draws
        extra = rng.integers(0, spec.questions * spec.authors, wanted)
        keys = np.unique(np.concatenate([keys, extra]))
    keys = np.sort(rng.permutation(keys)[:wanted])
    q, a = keys // spec.authors, keys % spec.authors
    if crowd:
        q = np.concatenate([q, np.full(crowd, crowd_q)])
        a = np.concatenate([a, np.sort(rng.choice(spec.authors, crowd, replace=False))])
    return q, a


def _stated_times(rng, f_q, f_a, opens, end) -> np.ndarray:
    """First forecast early in the window, updates after it, strictly increasing per pair.

    The forecasts arrive grouped by (question, author) pair, as ``np.repeat`` made them.
    """
    n = f_q.size
    new_pair = np.r_[True, (np.diff(f_q) != 0) | (np.diff(f_a) != 0)] if n else np.zeros(0, bool)
    pair = np.cumsum(new_pair) - 1
    rank = np.arange(n) - np.flatnonzero(new_pair)[pair]
    first = rng.uniform(0.0, 0.6, int(new_pair.sum()))[pair]
    later = np.sort(rng.random(n) + pair) - pair  # uniform, sorted within each pair
    fraction = np.where(new_pair, first, first + later * (1.0 - first))
    span = (end[f_q] - opens[f_q] - 10 * US_PER_SECOND).astype(np.float64)
    stated = opens[f_q] + (fraction * span).astype(np.int64)
    return stated - stated % US_PER_SECOND + rank * US_PER_SECOND


def _news(rng, f_q, info, mu, n_q) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated P(yes) at each forecast's moment, and each question's outcome."""
    walk, final = brownian_paths(rng, f_q, info, n_q)
    p_t = _phi((mu[f_q] + walk) / np.sqrt(1.0 - info)).astype(np.float64)
    return p_t, mu + final > 0


def brownian_paths(rng, f_q, info, n_q) -> tuple[np.ndarray, np.ndarray]:
    """One Brownian path per question: its value at each forecast's information time
    ``info``, and at time 1 (what the question resolves on)."""
    order = np.lexsort((info, f_q))
    q, t = f_q[order], info[order]
    start = np.r_[True, np.diff(q) != 0] if q.size else np.zeros(0, bool)
    group = np.cumsum(start) - 1
    step = np.where(start, t, np.diff(t, prepend=0.0))
    increment = rng.normal(0.0, 1.0, q.size) * np.sqrt(step)
    walk = np.cumsum(increment)
    first = np.flatnonzero(start)
    walk -= (walk[first] - increment[first])[group]
    at_forecast = np.empty(q.size)
    at_forecast[order] = walk
    last = np.flatnonzero(np.r_[start[1:], True]) if q.size else np.zeros(0, np.int64)
    last_walk, last_t = np.zeros(n_q), np.zeros(n_q)
    last_walk[q[last]], last_t[q[last]] = walk[last], t[last]
    return at_forecast, last_walk + rng.normal(0.0, 1.0, n_q) * np.sqrt(1.0 - last_t)


def _phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * _erfc(-np.asarray(x, dtype=np.float64) / math.sqrt(2.0))


_erfc = np.frompyfunc(math.erfc, 1, 1)


def _forecast_values(rng, style, p_t, truth, n_options) -> np.ndarray:
    """Each author's stated probabilities, by style (binary: column 0 holds P(yes))."""
    n = style.size
    names = np.array(STYLES)[style]
    multi = n_options > 0
    m_names = names[multi][:, None]
    noise = rng.normal(0.0, NOISE, n)
    logit = np.log(np.clip(p_t, 1e-6, 1 - 1e-6) / np.clip(1 - p_t, 1e-6, 1))
    binary = np.select(
        [names == "calibrated", names == "overconfident", names == "contrarian", names == "hedger"],
        [
            p_t + noise,
            1 / (1 + np.exp(-OVERCONFIDENCE * logit)) + noise,
            1 - p_t + noise,
            0.5 + HEDGE * (p_t - 0.5) + noise / 2,
        ],
        default=0.5 + rng.uniform(-0.02, 0.02, n),
    )
    values = np.zeros((n, 4))
    values[:, 0] = np.clip(np.round(binary, 3), 0.001, 0.999)
    k = n_options[multi][:, None]
    used = np.arange(4) < k
    pi = truth[multi]
    shaped = np.select(
        [
            m_names == "calibrated",
            m_names == "overconfident",
            m_names == "contrarian",
            m_names == "hedger",
        ],
        [
            pi * np.exp(rng.normal(0.0, 0.1, pi.shape)),
            pi**OVERCONFIDENCE,
            (1 - pi) / (k - 1),
            (1 - HEDGE) / k + HEDGE * pi,
        ],
        default=1.0 / k,
    )
    shaped = np.where(used, np.maximum(shaped, 1e-4), 0.0)
    values[multi] = shaped / shaped.sum(axis=1, keepdims=True)
    return values


def _recorded_times(rng, spec: WorldSpec, stated, status, known, now_us: int) -> np.ndarray:
    """Entered a few hours after being said; a few only after the outcome was known."""
    lag = rng.exponential(6 * US_PER_HOUR, stated.size).astype(np.int64)
    settled = status != LIVE
    limit = np.where(settled, known - US_PER_SECOND, now_us)
    recorded = np.minimum(stated + lag, limit)
    late = settled & (rng.random(stated.size) < spec.hindsight_fraction)
    hindsight = known + (rng.uniform(1 / 24, 30, stated.size) * US_PER_DAY).astype(np.int64)
    recorded = np.where(late, np.minimum(hindsight, now_us), recorded)
    return np.maximum(recorded, stated)


def _tags(rng, n_q: int) -> np.ndarray:
    first = rng.integers(0, len(TAGS), n_q)
    second = (first + rng.integers(1, len(TAGS), n_q)) % len(TAGS)
    return np.stack([first, np.where(rng.random(n_q) < 0.4, second, -1)], axis=1)

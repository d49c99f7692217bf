"""The crowd as forecasts.engine.crowd computes it for many groups and questions at once."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasts import scoring
from forecasts.engine import pair_scores
from forecasts.engine.crowd import crowd_scores
from forecasts.engine.ledger_arrays import RESOLVED, US_PER_DAY, Ledger

probabilities = st.floats(0, 1, allow_nan=False).map(lambda p: round(p, 3))


# --- crowd_scores against a day-by-day count ----------------------------------

DAY = US_PER_DAY
TIES = (0.0, 0.2, 0.5, 0.5, 0.7, 1.0)  # few values: many ties


def build_ledger(questions, forecasts) -> Ledger:
    """A resolved ledger from plain tuples.

    ``questions``: (n_options, open_day, close_day, outcome); ``forecasts``:
    (question, author, stated day, second of the day, P(yes) or option
    probabilities). Every forecast is recorded when stated.
    """
    n = len(questions)
    n_options, open_day, close_day, outcome = (
        np.array(c, np.int64) for c in zip(*questions, strict=True)
    )
    closes_us = close_day * DAY + 80_000 * 1_000_000
    p_forecast, p_option, p_probability = [], [], []
    for i, (_, _, _, _, value) in enumerate(forecasts):
        if isinstance(value, tuple):
            p_forecast += [i] * len(value)
            p_option += list(range(len(value)))
            p_probability += list(value)
    stated = np.array([d * DAY + s * 1_000_000 for _, _, d, s, _ in forecasts], np.int64)
    return Ledger(
        question_id=np.arange(n) + 1,
        status=np.full(n, RESOLVED),
        n_options=n_options,
        open_day=open_day,
        close_day=close_day,
        closes_us=closes_us,
        known_us=closes_us + DAY,
        outcome=outcome,
        resolution_id=np.arange(n) + 1,
        changed_us=np.zeros(n, np.int64),
        stale=np.zeros(n, bool),
        scored_us=np.zeros(n, np.int64),
        scores_digest=np.zeros(n, np.int64),
        forecast_id=np.arange(len(forecasts)) + 1,
        f_question=np.array([f[0] for f in forecasts], np.int64),
        f_author=np.array([f[1] for f in forecasts], np.int64),
        f_stated_us=stated,
        f_recorded_us=stated,
        f_proved=np.zeros(stated.size, bool),
        f_probability=np.array([-1.0 if isinstance(f[4], tuple) else f[4] for f in forecasts]),
        p_forecast=np.array(p_forecast, np.int64),
        p_option=np.array(p_option, np.int64),
        p_probability=np.array(p_probability, np.float64),
        tag_question=np.zeros(0, np.int64),
        tag_id=np.zeros(0, np.int64),
    )


def prepared(ledger: Ledger) -> tuple[dict, int]:
    """The scorer's forecasts as ``score_pairs`` hands them to ``crowd_scores``."""
    f = pair_scores._sorted_forecasts(ledger)
    n_pairs = int(f["pair"][-1]) + 1
    pair_scores._score_forecasts(ledger, f)
    pair_scores._time_averaged(ledger, f, n_pairs)
    return f, n_pairs


def day_by_day(ledger: Ledger, f: dict, n_pairs: int) -> dict[str, np.ndarray]:
    """The crowd's scores worked out one day and one author at a time."""
    days, author, crowd = np.zeros(n_pairs), np.zeros(n_pairs), np.zeros(n_pairs)
    size = np.zeros(n_pairs)
    e = np.flatnonzero(f["length"] > 0)
    for q in np.unique(f["question"][e]):
        mine = e[f["question"][e] == q]
        k, outcome = int(ledger.n_options[q]), int(ledger.outcome[q])
        for day in range(int(f["start"][mine].min()), int(ledger.close_day[q]) + 1):
            live = [i for i in mine if f["start"][i] <= day < f["start"][i] + f["length"][i]]
            for i in live:
                others = [j for j in live if j != i]
                if len(others) < scoring.MIN_CROWD:  # fewer others are no crowd
                    continue
                if k == 0:
                    median = scoring.crowd_median([f["probability"][j] for j in others])
                    crowd_brier = (median - outcome) ** 2
                else:
                    values = [f["p_value"][f["p_start"][j] : f["p_start"][j] + k] for j in others]
                    share = scoring.crowd_median_multi(values)
                    crowd_brier = 0.5 * sum((s - (o == outcome)) ** 2 for o, s in enumerate(share))
                pair = f["pair"][i]
                days[pair] += 1
                author[pair] += f["brier"][i]
                crowd[pair] += crowd_brier
                size[pair] += len(others)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "crowd_brier": crowd / days,
            "relative_brier": (author - crowd) / days,
            "crowd_size": size / days,
        }


def assert_agrees(questions, forecasts) -> None:
    ledger = build_ledger(questions, forecasts)
    f, n_pairs = prepared(ledger)
    actual, expected = crowd_scores(ledger, f, n_pairs), day_by_day(ledger, f, n_pairs)
    for name in ("crowd_brier", "relative_brier", "crowd_size"):
        assert np.array_equal(np.isnan(actual[name]), np.isnan(expected[name])), name
        assert np.allclose(actual[name], expected[name], rtol=0, atol=1e-12, equal_nan=True), name


def distribution(weights: list[int]) -> tuple[float, ...]:
    total = sum(weights) or 1
    return (
        tuple(w / total for w in weights) if sum(weights) else (1.0,) + (0.0,) * (len(weights) - 1)
    )


@st.composite
def ledgers(draw):
    questions, forecasts = [], []
    for q in range(draw(st.integers(1, 4))):
        n_options = draw(st.sampled_from([0, 0, 2, 3]))
        opens = draw(st.integers(0, 3))
        closes = opens + draw(st.integers(0, 6))
        outcome = draw(st.integers(0, max(n_options, 2) - 1))
        questions.append((n_options, opens, closes, outcome))
        for _ in range(draw(st.integers(1, 14))):
            author = draw(st.integers(1, 6))
            day = draw(
                st.integers(opens - 2, closes + 1)
            )  # some before the open, some after the close
            second = draw(st.sampled_from([0, 3_600, 50_000, 86_399]))
            if n_options:
                value = distribution(
                    draw(st.lists(st.integers(0, 3), min_size=n_options, max_size=n_options))
                )
            else:
                value = draw(st.sampled_from(TIES))
            forecasts.append((q, author, day, second, value))
    return questions, forecasts


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_crowd_scores_agree_with_a_day_by_day_count(ledger):
    assert_agrees(*ledger)


def test_a_lone_author_has_no_crowd():
    assert_agrees([(0, 0, 5, 1)], [(0, 1, 0, 0, 0.3), (0, 1, 2, 0, 0.6)])


def test_ties_and_a_crowd_that_forecasts_on_one_day():
    forecasts = [(0, a, 1, 0, v) for a, v in enumerate([0.5, 0.5, 0.5, 0.2, 0.5, 0.9, 0.2], 1)]
    assert_agrees([(0, 1, 4, 0)], forecasts)


def test_forecasts_that_start_on_the_close_day():
    forecasts = [(0, 1, 0, 0, 0.1), (0, 2, 3, 0, 0.8), (0, 3, 3, 86_000, 0.4), (0, 1, 3, 0, 0.6)]
    assert_agrees([(0, 0, 3, 1)], forecasts)  # one stated after the close time is ignored


def test_multiple_choice_questions_between_binary_ones():
    questions = [(0, 0, 4, 1), (3, 0, 4, 2), (0, 2, 6, 0), (2, 1, 3, 0)]
    forecasts = [
        (0, 1, 0, 0, 0.2),
        (0, 2, 1, 0, 0.7),
        (1, 1, 0, 0, (0.2, 0.3, 0.5)),
        (1, 2, 0, 0, (0.0, 0.0, 1.0)),
        (1, 3, 2, 0, (0.5, 0.5, 0.0)),
        (1, 1, 3, 0, (1.0, 0.0, 0.0)),
        (2, 3, 2, 0, 0.4),
        (2, 1, 2, 0, 0.4),
        (2, 2, 5, 0, 0.9),
        (3, 2, 1, 0, (0.0, 1.0)),
        (3, 4, 1, 0, (0.0, 1.0)),
    ]
    assert_agrees(questions, forecasts)


def test_a_large_crowd_sorted_in_the_wide_matrices():
    rng = np.random.default_rng(7)
    forecasts = [
        (0, int(a), int(d), 0, float(v))
        for a, d, v in zip(
            rng.integers(1, 60, 300), rng.integers(0, 20, 300), rng.choice(TIES, 300), strict=True
        )
    ]
    assert_agrees([(0, 0, 20, 1)], forecasts)

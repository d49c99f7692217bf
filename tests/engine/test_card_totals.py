"""Scorecard totals: built at once, updated row by row, and the t quantiles they use."""

import numpy as np
import pytest

from forecasts import scoring
from forecasts.engine import card_totals
from forecasts.engine.pair_scores import ANNULLED_ROW, COUNTED, HINDSIGHT, PENDING_ROW
from forecasts.scoring.bounded import score_interval, skill_against_uniform
from forecasts.scoring.t_quantiles import t_975


def _options(reference: np.ndarray) -> list[int]:
    """The option counts whose uniform Brier is ``reference``: (K - 1) / 2K."""
    return [round(1 / (1 - 2 * r)) for r in reference]


def test_it_finds_the_t_quantiles_of_the_library():
    df = np.array([1, 2, 3, 4, 5, 9, 10, 29, 30, 100, 250, 999])
    expected = np.array([scoring.t_quantile(0.975, int(d)) for d in df])
    assert np.allclose(t_975(df), expected, rtol=1e-12, atol=0)
    assert t_975(np.array([9]))[0] == pytest.approx(2.2622, abs=1e-4)


def random_rows(rng, n: int) -> dict:
    excluded = rng.choice([COUNTED] * 6 + [HINDSIGHT, ANNULLED_ROW, PENDING_ROW], n)
    counted = excluded == COUNTED
    binary = rng.random(n) < 0.7

    def scores(low=0.0, high=1.0):
        return np.where(counted, rng.uniform(low, high, n), np.nan)

    return {
        "excluded": excluded,
        "brier": scores(),
        "brier_final": scores(),
        "log_loss": scores(0, 6.9),
        "relative_brier": np.where(rng.random(n) < 0.8, scores(-1, 1), np.nan),
        "final_given": np.where(counted, rng.choice([0.0, 0.3, 0.7, 1.0, 0.25, 0.999], n), np.nan),
        "outcome_yes": np.where(binary, rng.integers(0, 2, n).astype(float), np.nan),
        "n_hindsight": rng.integers(0, 2, n),
        "n_retrospective": rng.integers(0, 2, n),
        "reference": rng.choice([0.25, 1 / 3, 0.375], n),
        "crowd_size": rng.choice([3.0, 4.5, 7.0], n),
        "baseline": scores(-896.6, 99.9),
        "peer": np.where(rng.random(n) < 0.7, scores(-300, 300), np.nan),
    }


def test_it_updates_totals_row_by_row_as_it_builds_them_at_once():
    rng = np.random.default_rng(3)
    rows = random_rows(rng, 40)
    card = rng.integers(0, 4, 40)
    at_once = card_totals.totals_by_group(rows, card, 4)
    step_by_step = np.zeros((4, card_totals.WIDTH))
    for i in range(40):
        one = {name: values[i : i + 1] for name, values in rows.items()}
        card_totals.apply_rows(step_by_step, card[i : i + 1], one, sign=1)
    assert np.array_equal(step_by_step, at_once)  # bit for bit: whole units, summed exactly
    for i in range(0, 40, 2):  # take every other row out again
        one = {name: values[i : i + 1] for name, values in rows.items()}
        card_totals.apply_rows(step_by_step, card[i : i + 1], one, sign=-1)
    kept = {name: values[1::2] for name, values in rows.items()}
    assert np.array_equal(step_by_step, card_totals.totals_by_group(kept, card[1::2], 4))


def test_it_ends_with_the_same_totals_bit_for_bit_whatever_the_order_of_changes():
    rng = np.random.default_rng(11)
    rows = random_rows(rng, 200)
    card = rng.integers(0, 3, 200)
    totals = np.zeros((3, card_totals.WIDTH))
    inside = np.zeros(200, bool)
    for i in rng.integers(0, 200, 3000):  # add or take out rows in a random order
        one = {name: values[i : i + 1] for name, values in rows.items()}
        card_totals.apply_rows(totals, card[i : i + 1], one, sign=-1 if inside[i] else 1)
        inside[i] = not inside[i]
    kept = {name: values[inside] for name, values in rows.items()}
    assert np.array_equal(totals, card_totals.totals_by_group(kept, card[inside], 3))


def test_it_turns_totals_into_the_library_figures():
    rng = np.random.default_rng(5)
    rows = random_rows(rng, 60)
    totals = card_totals.totals_by_group(rows, np.zeros(60, np.int64), 1)
    card = card_totals.figures(totals)[0]
    assert "calibration" not in card and "murphy" not in card  # derived on read, not stored
    (card["calibration"],), (card["murphy"],) = card_totals.binned_figures(totals)
    counted = rows["excluded"] == COUNTED
    mean, low, high = score_interval(rows["brier"][counted])
    assert (card["brier"], card["brier_low"], card["brier_high"]) == pytest.approx(
        (mean, low, high), abs=1e-9
    )
    assert card["skill"] == pytest.approx(
        skill_against_uniform(rows["brier"][counted], _options(rows["reference"][counted])),
        abs=1e-9,
    )
    binary = counted & ~np.isnan(rows["outcome_yes"])
    outcome = rows["outcome_yes"][binary]
    yes = np.where(outcome == 1, rows["final_given"][binary], 1 - rows["final_given"][binary])
    table = scoring.calibration_table(yes, outcome.astype(bool))
    assert [r["count"] for r in card["calibration"]] == [r["count"] for r in table]
    for got, want in zip(card["calibration"], table, strict=True):
        for key in ("mean_forecast", "observed_frequency", "wilson_lower", "wilson_upper"):
            assert got[key] == pytest.approx(want[key], abs=1e-9), key
    murphy = scoring.murphy_decomposition(yes, outcome.astype(bool), n_bins=10)
    assert card["murphy"] == pytest.approx(murphy, abs=1e-9)
    assert card["n_pending"] == int((rows["excluded"] == PENDING_ROW).sum())
    for name in ("baseline", "peer"):
        scored = counted & ~np.isnan(rows[name])
        expected = scoring.mean_with_t_interval(rows[name][scored])
        assert card[f"n_{name}"] == int(scored.sum())
        found = (card[name], card[f"{name}_low"], card[f"{name}_high"])
        assert found == pytest.approx(expected, rel=1e-9)


def test_it_stores_totals_with_the_figures_version():
    totals = np.arange(2 * card_totals.WIDTH, dtype=float).reshape(2, -1)
    stored = card_totals.encode_totals(totals)
    assert np.array_equal(card_totals.decode_totals(stored[1]), totals[1])
    assert card_totals.decode_totals(b"") is None
    assert card_totals.decode_totals(stored[0][:-8] + np.float64(99).tobytes()) is None


def test_it_derives_the_same_calibration_and_murphy_for_one_card_or_many():
    rng = np.random.default_rng(8)
    rows = random_rows(rng, 90)
    group = rng.integers(0, 5, 90)
    totals = card_totals.totals_by_group(rows, group, 5)
    tables, terms = card_totals.stored_binned_figures(card_totals.encode_totals(totals))
    assert card_totals.stored_murphy(card_totals.encode_totals(totals)) == terms  # no tables
    for i in range(5):
        (table,), (murphy,) = card_totals.binned_figures(totals[i : i + 1])
        assert (tables[i], terms[i]) == (table, murphy)
        binary = (group == i) & (rows["excluded"] == COUNTED) & ~np.isnan(rows["outcome_yes"])
        outcome = rows["outcome_yes"][binary].astype(bool)
        given = rows["final_given"][binary]
        yes = np.where(outcome, given, 1 - given)
        want = scoring.murphy_decomposition(yes, outcome, n_bins=10)
        assert murphy == pytest.approx(want, abs=1e-9)
        assert [(r["count"], r["n_event"]) for r in table] == [
            (r["count"], r["n_event"]) for r in scoring.calibration_table(yes, outcome)
        ]


def test_it_derives_nothing_from_empty_or_legacy_totals():
    rows = random_rows(np.random.default_rng(9), 30)
    good = card_totals.encode_totals(card_totals.totals_by_group(rows, np.zeros(30, np.int64), 1))[
        0
    ]
    other_version = good[:-8] + np.float64(card_totals.FIGURES_VERSION + 1).tobytes()
    nothing_binned = card_totals.encode_totals(np.zeros((1, card_totals.WIDTH)))[0]
    stored = [None, b"", good[:-16], other_version, nothing_binned, memoryview(good)]
    tables, terms = card_totals.stored_binned_figures(stored)
    assert tables[:5] == [[]] * 5 and terms[:5] == [{}] * 5
    assert card_totals.stored_murphy(stored) == terms
    assert len(tables[5]) == 10 and set(terms[5]) >= {"brier", "reliability", "resolution"}
    assert card_totals.stored_binned_figures([]) == ([], [])
    assert card_totals.stored_murphy([]) == []
    assert card_totals.binned_figures(np.zeros((0, card_totals.WIDTH))) == ([], [])


def test_column_totals_added_row_by_row_in_any_slots_are_the_groups_totals_bit_for_bit():
    rng = np.random.default_rng(5)
    rows = random_rows(rng, 300)
    rows["author"] = rng.integers(1, 30, 300)
    rows["question"] = rng.integers(1, 12, 300)
    tags = {"question": np.array([1, 1, 4, 7, 9, 9, 9]), "tag": np.array([3, 5, 3, 8, 3, 5, 8])}
    author, tag, totals = card_totals.totals_from_rows(rows, tags)
    row, group, *_, c = card_totals.grouped_contributions(rows, tags)
    slot_of_group = rng.permutation(author.size)  # cards kept in any slots
    summed = card_totals.ColumnTotals()
    summed.reserve(1)  # grows one array at a time as slots are needed
    summed.reserve(author.size)
    # Entries in shuffled pieces of uneven size: each card reached many times.
    order = rng.permutation(row.size)
    for piece in np.array_split(order, [5, 6, 100, 230]):
        summed.add_rows(slot_of_group[group[piece]], row[piece], c)
    assert summed.rows(slot_of_group).tobytes() == totals.tobytes()
    # Whole rows of totals added card by card give the same bits, and so do both.
    again = card_totals.ColumnTotals()
    again.reserve(author.size)
    again.add_totals(slot_of_group[::-1], totals[::-1])
    assert again.rows(slot_of_group).tobytes() == totals.tobytes()
    again.add_totals(slot_of_group, totals)
    assert again.rows(slot_of_group[:3]).tobytes() == (2 * totals[:3]).tobytes()
    assert summed.rows(np.zeros(0, np.int64)).shape == (0, card_totals.WIDTH)
    # Growing keeps what is there and starts new cards at zero.
    summed.reserve(author.size + 50)
    assert summed.rows(slot_of_group).tobytes() == totals.tobytes()
    assert not summed.rows(np.arange(author.size, author.size + 50)).any()

"""Quantities and dates in a claim's words: intervals, points, dates by which, thresholds.

Every sentence here was written for these tests; the expected readings are worked
out by hand from the rules in forecasts/drafting/quantities.py.
"""

from datetime import date

import pytest

from forecasts.drafting.claims import claim_from_sentence
from forecasts.drafting.quantities import DATE, INTERVAL, NUMERIC, POINT, THRESHOLD, read_quantity

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("sentence", "unit", "low", "high"),
    [
        (
            "The garrison will likely shrink to between 70,000 and 90,000 troops.",
            "troops",
            70_000,
            90_000,
        ),
        ("Unemployment should stay between 4 and 5 per cent through next year.", "%", 4, 5),
        ("Unemployment will probably sit between 4% and 5 percent next spring.", "%", 4, 5),
        ("The deficit will probably land between $1.2 and $1.5 trillion.", "$ tn", 1.2, 1.5),
        ("Borrowing will likely come in between £40bn and 55bn this year.", "£ bn", 40, 55),
        (
            "Exports will probably reach between 10 and 12 thousand tonnes.",
            "tonnes",
            10_000,
            12_000,
        ),
        (
            "Output will likely be in the range of 1.2-1.5 million barrels a day.",
            "million barrels",
            1.2,
            1.5,
        ),
        ("The index will likely close between 80,000 and 95,000 by June.", "", 80_000, 95_000),
        ("Growth will slow to between 0.5 and 1.5 percentage points below trend.", "pp", 0.5, 1.5),
    ],
)
def test_between_two_numbers_is_an_interval_in_its_unit(sentence, unit, low, high):
    quantity = read_quantity(sentence, TODAY)

    assert quantity is not None
    assert (quantity.form, quantity.kind, quantity.unit) == (INTERVAL, NUMERIC, unit)
    assert (quantity.low, quantity.high) == (low, high)
    assert quantity.text in sentence


@pytest.mark.parametrize(
    ("sentence", "unit", "value"),
    [
        ("Inflation will probably be back near 2% by next summer.", "%", 2),
        ("The party will win roughly 120 seats in the spring vote.", "seats", 120),
        ("The bank will likely cut its rate to around 3.5 per cent.", "%", 3.5),
        ("Growth will be about 3% in 2027.", "%", 3),
    ],
)
def test_about_a_number_is_a_point(sentence, unit, value):
    quantity = read_quantity(sentence, TODAY)

    assert quantity is not None
    assert (quantity.form, quantity.unit, quantity.value) == (POINT, unit, value)


@pytest.mark.parametrize(
    "sentence",
    [
        "US troops in Europe will fall below 80,000.",
        "Prices will rise by more than 5% this year.",
        "The coin will probably top $100,000 before the summer.",
        "Fewer than 3 million people will vote.",
    ],
)
def test_one_bound_is_a_threshold_which_stays_a_yes_no_question(sentence):
    quantity = read_quantity(sentence, TODAY)

    assert quantity is not None and quantity.form == THRESHOLD


def test_an_interval_beats_a_threshold_stated_before_it():
    quantity = read_quantity(
        "Turnout will exceed 60%, and will likely land between 62% and 65%.", TODAY
    )

    assert quantity is not None
    assert (quantity.form, quantity.low, quantity.high) == (INTERVAL, 62, 65)


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("There will very likely be a ceasefire by spring 2027.", None, date(2027, 5, 31)),
        ("A ceasefire is likely by spring.", None, date(2027, 5, 31)),
        ("The reform will probably pass by March 2027.", None, date(2027, 3, 31)),
        ("A truce will likely hold by winter 2026.", None, date(2027, 2, 28)),
        (
            "The vote will probably take place between March and June 2027.",
            date(2027, 3, 1),
            date(2027, 6, 30),
        ),
        ("The war will probably end between 2026 and 2028.", date(2026, 1, 1), date(2028, 12, 31)),
    ],
)
def test_dates_become_date_intervals(sentence, low, high):
    quantity = read_quantity(sentence, TODAY)

    assert quantity is not None
    assert (quantity.form, quantity.kind, quantity.low, quantity.high) == (
        INTERVAL,
        DATE,
        low,
        high,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "He may still win by the end of 2026.",  # a horizon, not a date to forecast
        "The treaty will probably be signed by 2027.",
        "We will see a new order around 2030.",  # a time, not an amount
        "The minister will march on by may or may not be heard.",  # lower-case months
        "The cabinet will probably fall.",
        "Between them, the two parties will likely govern.",
    ],
)
def test_no_quantity_where_none_is_stated(sentence):
    assert read_quantity(sentence, TODAY) is None


def test_the_detected_claim_carries_its_quantity_and_its_hedge():
    claim = claim_from_sentence(
        "US troops in Europe are likely to number between 70,000 and 90,000 by 2027.",
        "icd203",
        today=TODAY,
    )

    assert claim is not None and claim.quantity is not None
    assert (claim.phrase, claim.stated_probability) == ("likely", 0.675)
    assert (claim.quantity.form, claim.quantity.low, claim.quantity.high) == (
        INTERVAL,
        70_000,
        90_000,
    )

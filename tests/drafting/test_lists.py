"""Reading a pasted prediction list and its grading post (forecasts.drafting.lists, no database)."""

import pytest

from forecasts.drafting.lists import (
    ANNULLED,
    NO,
    YES,
    event_outcome,
    match_outcomes,
    parse_list,
    parse_outcomes,
)

# Lines as Scott Alexander (2020) and Zach Jacobi (2017) published them.
REAL_LIST = """\
CORONAVIRUS
1. Bay Area lockdown (eg restaurants closed) will be extended beyond June 15: 60%
2. …until Election Day: 10%
3. Fewer than 100,000 US coronavirus deaths: 10%
4. Fewer than 300,000 US coronavirus deaths: 50%

## America
26. No registry of Muslims created in America: 90%
27. New Supreme Court Justice is named to the USSC: 90%
"""


@pytest.mark.parametrize(
    ("line", "statement", "probability", "as_published"),
    [
        (
            "1. Trump remains president at end of year: 90%",
            "Trump remains president at end of year",
            0.9,
            "90%",
        ),
        ("- Bitcoin above $10,000: 60%", "Bitcoin above $10,000", 0.6, "60%"),
        ("* X will happen — 70%", "X will happen", 0.7, "70%"),
        ("• Brexit happens – 85 %", "Brexit happens", 0.85, "85%"),
        ("Statement (80%)", "Statement", 0.8, "80%"),
        ("3) Unemployment under 5% [72.5%]", "Unemployment under 5%", 0.725, "72.5%"),
        ("12. GDP grows, 0.7", "GDP grows", 0.7, "0.7"),
        (
            "Fewer than 3 million US coronavirus deaths 90%",
            "Fewer than 3 million US coronavirus deaths",
            0.9,
            "90%",
        ),
        ("4. Nobody walks on Mars: 100%", "Nobody walks on Mars", 1.0, "100%"),
    ],
)
def test_it_reads_the_statement_and_probability_of_common_list_lines(
    line, statement, probability, as_published
):
    parsed = parse_list(line)

    assert parsed.errors == []
    (item,) = parsed.items
    assert (item.statement, item.probability, item.as_published) == (
        statement,
        pytest.approx(probability),
        as_published,
    )
    assert item.text == line


def test_it_keeps_numbers_sections_and_line_numbers_of_a_real_list():
    parsed = parse_list(REAL_LIST)

    assert parsed.errors == []
    assert [(i.line, i.number, i.section, i.probability) for i in parsed.items] == [
        (2, 1, "CORONAVIRUS", 0.6),
        (3, 2, "CORONAVIRUS", 0.1),
        (4, 3, "CORONAVIRUS", 0.1),
        (5, 4, "CORONAVIRUS", 0.5),
        (8, 26, "America", 0.9),
        (9, 27, "America", 0.9),
    ]
    assert parsed.items[1].statement == "…until Election Day"


def test_it_lists_every_bad_line_with_its_number_and_keeps_the_good_ones():
    parsed = parse_list(
        "1. Good: 70%\n"
        "2. Fewer than 3 million deaths\n"
        "3. Far too sure: 150%\n"
        "\n"
        "1. Repeated number: 30%\n"
        "- A bullet with no number at all\n"
        "6. Negative: -5%\n"
        "7. Decimal too large, 1.5\n"
        "8. : 40%\n"
    )

    assert [str(error) for error in parsed.errors] == [
        "Line 2: no probability found: end the line with one, e.g. “: 70%”.",
        "Line 3: probability 150% is out of range: give 0–100% (or 0–1).",
        "Line 5: number 1 is used twice (first on line 1).",
        "Line 6: no probability found: end the line with one, e.g. “: 70%”.",
        "Line 7: probability -5% is out of range: give 0–100% (or 0–1).",
        "Line 8: no probability found: end the line with one, e.g. “: 70%”.",
        "Line 9: the line has a probability but no statement.",
    ]
    assert [item.statement for item in parsed.items] == ["Good"]


def test_it_reads_a_line_without_a_probability_or_marker_as_a_heading():
    parsed = parse_list("US POLITICS\nEconomy:\n1. Inflation above 3%: 40%\n")

    assert parsed.errors == []
    (item,) = parsed.items
    assert (item.section, item.statement, item.probability) == (
        "Economy",
        "Inflation above 3%",
        0.4,
    )


def test_it_says_so_when_the_paste_holds_no_forecast():
    assert [str(e) for e in parse_list("\n  \n").errors] == [
        "Line 1: no forecasts found: paste lines like “1. Statement: 70%”."
    ]


@pytest.mark.parametrize(
    ("probability", "marker", "event"),
    [
        (0.9, "right", YES),  # "X: 90%" graded RIGHT: X happened
        (0.9, "wrong", NO),
        (0.2, "right", NO),  # "X: 20%" graded RIGHT: the author was right X would not happen
        (0.2, "wrong", YES),
        (0.2, YES, YES),  # TRUE/FALSE grade the event whatever the number
        (0.9, NO, NO),
        (0.5, YES, YES),
        (0.5, "right", None),  # a 50% call leans neither way
        (0.5, "wrong", None),
        (0.7, ANNULLED, ANNULLED),
    ],
)
def test_it_turns_a_graded_call_into_what_happened_by_the_authors_lean(probability, marker, event):
    assert event_outcome(probability, marker) == event


@pytest.mark.parametrize(
    ("line", "number", "marker"),
    [
        ("1. RIGHT", 1, "right"),
        ("2: wrong", 2, "wrong"),
        ("3 TRUE", 3, "yes"),
        ("4. Fewer than 300,000 US coronavirus deaths: FALSE", 4, "no"),
        ("5. [thrown out]", 5, "annulled"),
        ("annulled", None, "annulled"),
        ("- Bitcoin above $10,000 — yes", None, "yes"),
        ("No registry of Muslims created in America (no)", None, "no"),
        ("✓", None, "right"),
    ],
)
def test_it_reads_grading_lines_with_or_without_numbers(line, number, marker):
    (outcome,), errors = parse_outcomes(line)

    assert errors == []
    assert (outcome.number, outcome.marker, outcome.line) == (number, marker, 1)


def test_it_matches_numbered_outcomes_to_the_same_numbers_and_converts_right_and_wrong():
    items = parse_list(REAL_LIST).items

    grading = match_outcomes(items, "1. RIGHT\n3. RIGHT\n4. TRUE\n26. WRONG\n27. [thrown out]\n")

    assert grading.errors == []
    assert [(g.item.number, g.event) for g in grading.graded] == [
        (1, YES),  # 60% call, right: happened
        (3, NO),  # 10% call, right: did not happen
        (4, YES),
        (26, NO),  # 90% call, wrong: did not happen
        (27, ANNULLED),
    ]
    assert [item.number for item in grading.ungraded] == [2]


def test_it_matches_unnumbered_outcomes_by_order():
    items = parse_list("- A: 80%\n- B: 30%\n- C: 50%\n").items

    grading = match_outcomes(items, "RIGHT\n\nRIGHT\nFALSE\n")

    assert grading.errors == []
    assert [(g.item.statement, g.event) for g in grading.graded] == [
        ("A", YES),
        ("B", NO),
        ("C", NO),
    ]


def test_it_lists_every_bad_grading_line_with_its_number():
    items = parse_list(REAL_LIST).items

    grading = match_outcomes(items, "1. RIGHT\n2. Maybe\n4. RIGHT\n9. TRUE\n1. WRONG\n")

    assert [str(error) for error in grading.errors] == [
        "Line 2: no outcome found: end it with RIGHT, WRONG, TRUE, FALSE, yes, no or annulled "
        "(“thrown out”).",
        "Line 3: “Fewer than 300,000 US coronavirus deaths” was a 50% call, so RIGHT does not "
        "say what happened: write TRUE or FALSE.",
        "Line 4: the list has no item numbered 9.",
        "Line 5: number 1 is graded twice (first on line 1).",
    ]
    assert [g.item.number for g in grading.graded] == [1]


def test_it_refuses_unnumbered_outcomes_that_do_not_match_the_list_in_count():
    items = parse_list("- A: 80%\n- B: 30%\n").items

    grading = match_outcomes(items, "RIGHT\n")

    assert [str(e) for e in grading.errors] == [
        "Line 1: 1 unnumbered outcome(s) for 2 forecast(s): give one per forecast, in order, "
        "or number them as the list does."
    ]
    assert grading.graded == []


def test_it_refuses_a_grading_paste_that_numbers_only_some_lines():
    items = parse_list(REAL_LIST).items

    grading = match_outcomes(items, "1. RIGHT\nWRONG\n")

    assert [str(e) for e in grading.errors] == [
        "Line 2: number every grading line or none of them."
    ]
    assert grading.graded == []
